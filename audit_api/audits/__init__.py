"""Audits: drafts, submission, scores, review, comments and the event log."""
