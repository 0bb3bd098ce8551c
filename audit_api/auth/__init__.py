"""Passwords, tokens, sessions, and the role and scope policy."""
