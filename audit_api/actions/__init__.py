"""Corrective actions: failed items of approved audits become work for the location."""
