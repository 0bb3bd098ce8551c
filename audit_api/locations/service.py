"""Location operations: list, read and, for HQ, write the organization's locations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from audit_api.actions.models import Action
from audit_api.assignments.models import Assignment
from audit_api.audits.models import Audit
from audit_api.auth.policy import locations_in_region, visible_locations
from audit_api.db import commit_unique, db, fetch_page, get_visible, text_search
from audit_api.errors import Reason
from audit_api.fields import search_key
from audit_api.locations.models import Location
from audit_api.regions.service import org_region
from audit_api.users.models import User, scope_locations

DUPLICATE_CODE = "A location with this code already exists in the organization."


def list_locations(
    actor: User, *, page: int, page_size: int, region_id: int | None = None, q: str | None = None
) -> tuple[list[Location], int]:
    """The locations the actor may read, filtered, a page at a time."""
    stmt = select(Location).where(visible_locations(actor)).order_by(Location.code)
    if region_id is not None:
        stmt = stmt.where(Location.id.in_(locations_in_region(region_id)))
    if q:
        stmt = stmt.where(text_search(Location.search_key, q))
    return fetch_page(stmt, page, page_size)


def get_location(actor: User, location_id: int) -> Location:
    """A location the actor may read; any other answers 404."""
    return get_visible(Location, location_id, visible_locations(actor), "Location")


def _code_taken(org_id: int, code: str, own_id: int | None) -> bool:
    clause = exists().where(Location.org_id == org_id, Location.code == code)
    if own_id is not None:
        clause = clause.where(Location.id != own_id)
    return bool(db.session.scalar(select(clause)))


def _save(location: Location) -> Location:
    """Commit the location with its search key; a duplicate code is a 409."""
    location.search_key = search_key(location.code, location.name)
    commit_unique("code", DUPLICATE_CODE, Reason.code_taken)
    return location


def create_location(actor: User, data: dict[str, Any]) -> Location:
    """Add a location to the actor's organization; its code must be new there."""
    if data.get("region_id") is not None:
        org_region(actor.org_id, data["region_id"], "region_id")
    if _code_taken(actor.org_id, data["code"], None):
        raise Reason.code_taken.error(DUPLICATE_CODE, {"code": [DUPLICATE_CODE]})
    location = Location(org_id=actor.org_id, **data)
    db.session.add(location)
    return _save(location)


def update_location(actor: User, location: Location, data: dict[str, Any]) -> Location:
    """Change a location's fields."""
    if data.get("region_id") is not None:
        org_region(actor.org_id, data["region_id"], "region_id")
    if "code" in data and _code_taken(actor.org_id, data["code"], location.id):
        raise Reason.code_taken.error(DUPLICATE_CODE, {"code": [DUPLICATE_CODE]})
    for key, value in data.items():
        setattr(location, key, value)
    return _save(location)


def delete_location(location: Location) -> None:
    """Delete a location nothing refers to; one in a manager's scope, or with audits,
    assignments or corrective actions (kept for the record), answers 409."""
    if db.session.scalar(select(exists().where(scope_locations.c.location_id == location.id))):
        raise Reason.in_use.error(
            "The location is in a manager's scope; remove it from there first."
        )
    # Deleting would break their foreign keys: a 409 rather than the database's refusal.
    history = (Audit.location_id, Assignment.location_id, Action.location_id)
    if any(db.session.scalar(select(exists().where(c == location.id))) for c in history):
        raise Reason.in_use.error(
            "The location has audits, assignments or corrective actions; they keep it."
        )
    db.session.delete(location)
    db.session.commit()
