"""Action operations: list and read in scope, open by hand, change, resolve; the event log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from audit_api.actions.models import (
    OUTSTANDING,
    UNCLOSED,
    Action,
    ActionEvent,
    ActionPhoto,
    ActionStatus,
)
from audit_api.actions.query import action_conditions
from audit_api.audits.models import Audit, AuditStatus
from audit_api.auth.policy import (
    may_assign_action,
    visible_actions,
    visible_audits,
    visible_locations,
)
from audit_api.db import commit_unique, db, fetch_page, get_visible, utcnow
from audit_api.errors import Reason, field_error
from audit_api.localtime import end_of_day, local_day
from audit_api.locations.models import Location
from audit_api.scoring.actions import action_rule
from audit_api.scoring.engine import iter_items
from audit_api.users.models import User
from audit_api.webhooks.events import emit, link

DUPLICATE = "This item of the audit already has its action."


def record(action: Action, actor: User | None, kind: str, note: str | None = None, **data: Any):
    """Append an event to the action's log (committed with the change it records)."""
    event = ActionEvent(
        action_id=action.id, actor_id=actor.id if actor else None, kind=kind, note=note
    )
    event.data = {k: v for k, v in data.items() if v is not None} or None
    db.session.add(event)


def payload(action: Action) -> dict[str, Any]:
    """The action as plain JSON, frozen into a webhook event."""
    return {
        "id": action.id,
        "audit_id": action.audit_id,
        "location_id": action.location_id,
        "checklist_key": action.checklist_key,
        "item": action.item_key,
        "title": action.title,
        "priority": action.priority,
        "status": action.status,
        "assignee_id": action.assignee_id,
        "due_at": action.due_at,
        "links": {"self": link(f"/api/v1/actions/{action.id}")},
    }


def due_at(location: Location, days: int, start: datetime | None = None) -> datetime:
    """The end of the day `days` days after `start` (default now) on the location's calendar."""
    return end_of_day(
        local_day(start or utcnow(), location.timezone) + timedelta(days), location.timezone
    )


def item_title(definition: dict[str, Any], item: dict[str, Any]) -> str:
    """An action's default title: the item's prompt in the checklist's first language."""
    return item["prompt"][definition["languages"][0]][:300]


def new_action(actor: User, audit: Audit, item: dict[str, Any], **fields: Any) -> Action:
    """An action of the audit's location for one item, logged and announced (no commit)."""
    definition = audit.checklist_version.definition
    note = fields.pop("note", None)
    action = Action(
        org_id=audit.org_id,
        location_id=audit.location_id,
        location=audit.location,
        audit_id=audit.id,
        checklist_key=audit.checklist_version.checklist.key,
        item_key=item["key"],
        status=ActionStatus.OPEN,
        created_by_id=actor.id,
        resolution_photo_ids=[],
        **{"title": item_title(definition, item), **fields},
    )
    db.session.add(action)
    db.session.flush()
    record(action, actor, "created", note, audit_id=audit.id, item=action.item_key)
    emit(db.session, action.org_id, "action.created", payload(action))
    return action


def list_actions(actor: User, *, page: int, page_size: int, **filters: Any):
    """The actions the actor may see, filtered, soonest due first."""
    stmt = select(Action).where(*action_conditions(visible_actions(actor), filters))
    return fetch_page(stmt.order_by(Action.due_at, Action.id), page, page_size)


def get_action(actor: User, action_id: int, *, lock: bool = False) -> Action:
    """An action the actor may see (locked for update when asked); any other answers 404."""
    if not lock:
        return get_visible(Action, action_id, visible_actions(actor), "Action")
    stmt = select(Action).where(Action.id == action_id, visible_actions(actor))
    action = db.session.scalar(stmt.with_for_update(of=Action))
    if action is None:
        raise Reason.not_found.error("Action not found.")
    return action


def _assignee(actor: User, location_id: int, user_id: int | None) -> int | None:
    if user_id is None:
        return None
    ok = db.session.scalar(
        select(User.id).where(User.id == user_id, may_assign_action(actor, location_id))
    )
    if ok is None:
        raise field_error(
            "assignee_id",
            "Not an active manager with this location in scope.",
            Reason.not_a_manager,
        )
    return user_id


def _approved_audit(actor: User, audit_id: str) -> Audit:
    audit = db.session.scalar(
        select(Audit).where(
            Audit.id == audit_id,
            visible_audits(actor),
            Audit.location_id.in_(select(Location.id).where(visible_locations(actor))),
        )
    )
    if audit is None:
        raise Reason.not_found.error("Audit not found.", {"audit_id": ["Audit not found."]})
    if audit.status != AuditStatus.APPROVED:
        raise Reason.action_needs_approval.error(
            f"Actions are opened from approved audits; this one is {audit.status}."
        )
    return audit


def open_action(actor: User, data: dict[str, Any]) -> Action:
    """Open an action by hand from any item of an approved audit in the actor's scope."""
    audit = _approved_audit(actor, str(data["audit_id"]))
    definition = audit.checklist_version.definition
    item = next((i for _, i in iter_items(definition) if i["key"] == data["item"]), None)
    if item is None:
        raise field_error(
            "item", f"No item '{data['item']}' in this checklist.", Reason.unknown_item
        )
    taken = db.session.scalar(
        select(Action.id).where(
            Action.location_id == audit.location_id,
            Action.checklist_key == audit.checklist_version.checklist.key,
            Action.item_key == item["key"],
            Action.status.in_(UNCLOSED),
        )
    )
    if taken is not None:
        message = f"Action {taken} is still open for this item at this location."
        raise Reason.action_taken.error(message, {"item": [message]})
    rule = action_rule(item)
    days = data.get("due_days") or (rule and rule.due_days) or current_app.config["ACTION_DUE_DAYS"]
    fields: dict[str, Any] = {
        "priority": data.get("priority") or (rule.priority if rule else "medium"),
        "due_at": data.get("due_at") or due_at(audit.location, days),
        "assignee_id": _assignee(actor, audit.location_id, data.get("assignee_id")),
        "note": data.get("note"),
    }
    if data.get("title"):
        fields["title"] = data["title"]
    action = new_action(actor, audit, item, **fields)
    commit_unique("item", DUPLICATE, Reason.action_taken)
    return action


def _closed(action: Action) -> None:
    if action.status not in UNCLOSED:
        raise Reason.action_closed.error(f"The action is {action.status}; it no longer changes.")


def update_action(actor: User, action: Action, data: dict[str, Any]) -> Action:
    """Assign, reschedule, reprioritise, retitle or start an action that is not closed."""
    _closed(action)
    changes: dict[str, Any] = {}
    if "status" in data and data["status"] != action.status:
        if action.status not in (ActionStatus.OPEN, ActionStatus.REOPENED):
            raise Reason.action_not_open.error(
                f"Only open or reopened actions start; this one is {action.status}."
            )
        changes["status"] = data["status"]
    if "assignee_id" in data:
        data["assignee_id"] = _assignee(actor, action.location_id, data["assignee_id"])
    for name in ("assignee_id", "due_at", "priority", "title"):
        if name in data and data[name] != getattr(action, name):
            changes[name] = data[name]
    for name, value in changes.items():
        setattr(action, name, value)
    if changes:
        shown = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in changes.items()}
        record(action, actor, "updated", data.get("note"), **shown)
    db.session.commit()
    return action


def resolve(actor: User, action: Action, note: str, photo_ids: list[str]) -> Action:
    """Mark the work done with a note (and photos): resolved until a later audit checks it."""
    if action.status == ActionStatus.RESOLVED and action.resolution_note == note:
        return action  # a retried resolve
    if action.status not in OUTSTANDING:
        raise Reason.action_not_open.error(
            f"The action is {action.status}; only open work is resolved."
        )
    known = set(
        db.session.scalars(select(ActionPhoto.id).where(ActionPhoto.action_id == action.id))
    )
    for index, photo_id in enumerate(photo_ids):
        if photo_id not in known:
            raise field_error(
                f"photo_ids[{index}]",
                "No photo uploaded to this action by that id.",
                Reason.unknown_photo,
            )
    action.status, action.resolved_at, action.resolved_by_id = (
        ActionStatus.RESOLVED,
        utcnow(),
        actor.id,
    )
    action.resolution_note, action.resolution_photo_ids = note, photo_ids
    record(action, actor, "resolved", note, photo_ids=photo_ids or None)
    emit(db.session, action.org_id, "action.resolved", payload(action))
    db.session.commit()
    return action


def events(actor: User, action_id: int, *, page: int = 1, page_size: int = 100):
    """A page of the action's log, oldest first, and its total."""
    action = get_action(actor, action_id)
    stmt = select(ActionEvent).where(ActionEvent.action_id == action.id)
    return fetch_page(stmt.order_by(ActionEvent.id), page, page_size)
