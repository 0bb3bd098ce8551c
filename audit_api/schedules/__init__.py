"""Schedules: recurring audits whose assignments a periodic job creates."""
