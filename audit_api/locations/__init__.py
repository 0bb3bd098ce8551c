"""Locations: the stores and branches that get audited."""
