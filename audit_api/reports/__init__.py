"""Reports: location scorecards, league tables, region roll-ups and item failure rates."""
