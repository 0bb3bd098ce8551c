"""Idempotency-Key support for POST endpoints a phone may retry."""
