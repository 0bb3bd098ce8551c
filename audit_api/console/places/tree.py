"""The organization's region tree as the console shows it, read through the region and
location services (the policy's filters): children by parent, locations by region."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from audit_api.locations.models import Location
from audit_api.locations.service import list_locations
from audit_api.regions.models import Region
from audit_api.regions.service import list_regions
from audit_api.users.models import User

ALL = 100_000  # the whole organization on one page: HQ manages the tree as a whole


@dataclass
class Tree:
    """Regions by parent id (None: the top), locations by region id (None: no region)."""

    children: dict[int | None, list[Region]] = field(default_factory=lambda: defaultdict(list))
    locations: dict[int | None, list[Location]] = field(default_factory=lambda: defaultdict(list))
    order: list[tuple[Region, int]] = field(default_factory=list)  # (region, depth), tree order


def region_tree(actor: User, with_locations: bool = True) -> Tree:
    """The regions the actor may read as a tree, names in order at each level."""
    regions, _ = list_regions(actor, page=1, page_size=ALL)
    ids = {r.id for r in regions}
    tree = Tree()
    for region in regions:
        tree.children[region.parent_id if region.parent_id in ids else None].append(region)
    seen: set[int] = set()
    # A cycle a past race may have stored has no top: its regions are shown at the top too.
    for root in [*tree.children[None], *regions]:
        stack = [(root, 0)]
        while stack:
            region, depth = stack.pop()
            if region.id in seen:
                continue
            seen.add(region.id)
            tree.order.append((region, depth))
            stack.extend((child, depth + 1) for child in reversed(tree.children[region.id]))
    if with_locations:
        rows, _ = list_locations(actor, page=1, page_size=ALL)
        for location in sorted(rows, key=lambda loc: (loc.name.lower(), loc.code)):
            tree.locations[location.region_id].append(location)
    return tree


def region_choices(actor: User, empty: str | None = None) -> list[tuple[str, str]]:
    """(id, name) of every region for a select, indented by depth so the tree shows."""
    choices = [("", empty)] if empty is not None else []
    for region, depth in region_tree(actor, with_locations=False).order:
        choices.append((str(region.id), "\u2003" * depth + region.name))
    return choices
