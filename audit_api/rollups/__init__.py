"""Per location, day, checklist version and kind: the sums that scores are answered from."""
