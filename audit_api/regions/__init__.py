"""Regions: the tree of regions, districts and so on inside an organization."""
