"""Checklists: the definition format, built-ins, versions and publishing."""
