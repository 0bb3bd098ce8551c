"""Which failed items call for a corrective action (docs/actions.md); pure, like the scores."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from audit_api.scoring.engine import Definition, Item, iter_items

PRIORITIES = ("low", "medium", "high")
CRITICAL_PRIORITY = "high"


@dataclass(frozen=True)
class ActionRule:
    """What failing an item opens: its priority and days to fix (None: the default)."""

    item: str
    priority: str
    due_days: int | None


def action_rule(item: Item) -> ActionRule | None:
    """The item's own `action`, else a high-priority one for a critical item, else none."""
    rule = item.get("action")
    if rule:
        return ActionRule(item["key"], rule["priority"], rule["due_days"])
    if item.get("critical"):
        return ActionRule(item["key"], CRITICAL_PRIORITY, None)
    return None


def corrective_actions(definition: Definition, failed: Collection[str]) -> list[ActionRule]:
    """The actions an approval opens for these failed items, in checklist order."""
    found = (action_rule(item) for _, item in iter_items(definition) if item["key"] in failed)
    return [rule for rule in found if rule is not None]
