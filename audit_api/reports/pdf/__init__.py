"""The PDF report of one audit: composed from the database, rendered by a background task,
stored beside the photos and served from there until the audit changes (docs/reports.md)."""
