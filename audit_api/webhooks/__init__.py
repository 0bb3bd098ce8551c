"""Webhooks: events recorded with the change that caused them (STAND-IN, see events.py)."""
