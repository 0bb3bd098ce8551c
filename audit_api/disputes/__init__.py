"""Disputes: managers appeal items of approved audits; HQ resolves them."""
