"""Region operations: list, read and, for HQ, write the region tree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from audit_api.auth.policy import region_subtree, visible_regions
from audit_api.db import db, fetch_page, get_visible, text_search
from audit_api.errors import Reason, field_error
from audit_api.fields import search_key
from audit_api.locations.models import Location
from audit_api.orgs.models import Organization
from audit_api.regions.models import Region
from audit_api.schedules.models import Schedule
from audit_api.users.models import User, scope_regions


def list_regions(
    actor: User, *, page: int, page_size: int, parent_id: int | None = None, q: str | None = None
) -> tuple[list[Region], int]:
    """The regions the actor may read, filtered, a page at a time."""
    stmt = select(Region).where(visible_regions(actor)).order_by(Region.name, Region.id)
    if parent_id is not None:
        stmt = stmt.where(Region.parent_id == parent_id)
    if q:
        stmt = stmt.where(text_search(Region.search_key, q))
    return fetch_page(stmt, page, page_size)


def get_region(actor: User, region_id: int) -> Region:
    """A region the actor may read; any other answers 404."""
    return get_visible(Region, region_id, visible_regions(actor), "Region")


def org_region(org_id: int, region_id: int, field: str) -> Region:
    """A region of the organization named by an input field; unknown ones are a 422 on it."""
    region = db.session.get(Region, region_id)
    if region is None or region.org_id != org_id:
        raise field_error(field, f"Unknown region {region_id}.", Reason.unknown_reference)
    return region


def _check_parent(actor: User, region: Region | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    org_region(actor.org_id, parent_id, "parent_id")
    if region is not None:
        below = db.session.scalars(region_subtree(select(Region.id).where(Region.id == region.id)))
        if parent_id in set(below):
            raise field_error(
                "parent_id", "A region cannot move below itself.", Reason.region_cycle
            )


def _lock_tree(org_id: int) -> None:
    """Serialise the moves of one organization's regions until this transaction ends."""
    # Two crossed moves (A under B, B under A) would each pass the check against the other's
    # old tree. SQLite has no FOR UPDATE, nor the need: BEGIN IMMEDIATE makes writes serial.
    db.session.execute(select(Organization.id).where(Organization.id == org_id).with_for_update())


def create_region(actor: User, data: dict[str, Any]) -> Region:
    """Add a region to the actor's organization."""
    _check_parent(actor, None, data.get("parent_id"))
    region = Region(org_id=actor.org_id, **data, search_key=search_key(data["name"]))
    db.session.add(region)
    db.session.commit()
    return region


def update_region(actor: User, region: Region, data: dict[str, Any]) -> Region:
    """Rename or move a region (never below itself)."""
    if "parent_id" in data:
        _lock_tree(actor.org_id)  # before the check, so it sees every move committed before
        _check_parent(actor, region, data["parent_id"])
    for key, value in data.items():
        setattr(region, key, value)
    region.search_key = search_key(region.name)
    db.session.commit()
    return region


def delete_region(region: Region) -> None:
    """Delete an empty region; one with sub-regions, locations or in a scope answers 409."""
    in_use = {
        "sub-regions": exists().where(Region.parent_id == region.id),
        "locations": exists().where(Location.region_id == region.id),
        "managers' scopes": exists().where(scope_regions.c.region_id == region.id),
        "schedules": exists().where(Schedule.region_id == region.id),
    }
    for what, clause in in_use.items():
        if db.session.scalar(select(clause)):
            raise Reason.in_use.error(f"The region still has {what}; move or remove them first.")
    db.session.delete(region)
    db.session.commit()
