"""Exports: audits and answers as CSV, XLSX and JSON Lines, streamed."""
