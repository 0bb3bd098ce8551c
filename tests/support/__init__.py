"""Helpers shared by the tests (no fixtures here: those live in conftest and its plugins)."""
