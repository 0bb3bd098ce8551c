"""Offline sync: what an auditor's phone needs to work without a network, and what changed."""
