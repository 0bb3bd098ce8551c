"""Assignments: scheduled audits of a location with a checklist, for an auditor."""
