"""Users of an organization and managers' scopes."""
