"""The one place access is decided: the roles table, the scope filters of every resource and
the rules on single objects (who fills, who reviews). Services ask here; they never restate it.

Scope filters are SQL conditions (an object outside them answers 404, as if it did not exist);
`check` and the `may_*` rules answer a role or person that may see but not do (403)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, exists, false, or_, select

from audit_api.actions.models import Action
from audit_api.assignments.models import Assignment
from audit_api.audits.models import Audit
from audit_api.checklists.models import Checklist, ChecklistVersion
from audit_api.disputes.models import Dispute
from audit_api.errors import Reason
from audit_api.locations.models import Location
from audit_api.regions.models import Region
from audit_api.schedules.models import Schedule, schedule_locations
from audit_api.users.models import Role, User, scope_locations, scope_regions
from audit_api.webhooks.models import WebhookEndpoint

HQ, MANAGER, AUDITOR = Role.HQ_ADMIN, Role.MANAGER, Role.AUDITOR

# action -> roles allowed to attempt it; objects are then filtered by org and scope.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "org:write": frozenset({HQ}),  # users, regions, locations
    "checklists:write": frozenset({HQ}),
    "users:read": frozenset({HQ, MANAGER}),
    "regions:read": frozenset({HQ, MANAGER}),
    "locations:read": frozenset({HQ, MANAGER, AUDITOR}),
    "checklists:read": frozenset({HQ, MANAGER, AUDITOR}),
    "assignments:read": frozenset({HQ, MANAGER, AUDITOR}),
    "assignments:write": frozenset({HQ, MANAGER}),
    "audits:fill": frozenset({HQ, MANAGER, AUDITOR}),
    "audits:read": frozenset({HQ, MANAGER, AUDITOR}),
    "audits:review": frozenset({HQ, MANAGER}),
    "photos:original": frozenset({HQ}),  # others see the stripped display and thumbnail
    "disputes:create": frozenset({MANAGER}),
    "disputes:resolve": frozenset({HQ}),
    "scores:read": frozenset({HQ, MANAGER}),
    "exports:read": frozenset({HQ, MANAGER}),
    "actions:read": frozenset({HQ, MANAGER}),  # auditors never see actions
    "actions:write": frozenset({HQ, MANAGER}),
    "schedules:read": frozenset({HQ, MANAGER}),
    "schedules:write": frozenset({HQ, MANAGER}),
    # Everyone's own work: an auditor's assignments, anyone's drafts (managers' self-audits).
    "sync:read": frozenset({HQ, MANAGER, AUDITOR}),
    "webhooks:manage": frozenset({HQ}),
}


def check(user: User, action: str) -> None:
    """Raise 403 when the user's role may not perform `action` at all."""
    if Role(user.role) not in PERMISSIONS[action]:
        raise Reason.forbidden.error(f"The {user.role} role may not perform {action}.")


def region_subtree(roots: Select[tuple[int]]) -> Select[tuple[int]]:
    """Ids of the regions in `roots` and all their descendants (recursive CTE)."""
    # Anonymous: one query may hold several trees (a scope and a region filter). UNION, not
    # UNION ALL: a region met again adds nothing, so even a cyclic tree (one a past race may
    # have stored) ends instead of recursing forever.
    tree = select(Region.id).where(Region.id.in_(roots)).cte(recursive=True)
    tree = tree.union(select(Region.id).where(Region.parent_id == tree.c.id))
    return select(tree.c.id)


def _scope_region_roots(user: User) -> Select[tuple[int]]:
    return select(scope_regions.c.region_id).where(scope_regions.c.user_id == user.id)


def visible_regions(user: User) -> ColumnElement[bool]:
    """Filter of the regions a user may read: the org for HQ, the scope subtrees for managers."""
    in_org = Region.org_id == user.org_id
    if user.role == HQ:
        return in_org
    if user.role == MANAGER:
        return in_org & Region.id.in_(region_subtree(_scope_region_roots(user)))
    return false()


def visible_locations(user: User) -> ColumnElement[bool]:
    """Filter of the locations a user may read (docs/roles.md)."""
    in_org = Location.org_id == user.org_id
    if user.role == HQ:
        return in_org
    if user.role == MANAGER:
        single = select(scope_locations.c.location_id).where(scope_locations.c.user_id == user.id)
        by_region = Location.region_id.in_(region_subtree(_scope_region_roots(user)))
        return in_org & or_(Location.id.in_(single), by_region)
    # Auditors see the locations of their own assignments.
    assigned = select(Assignment.location_id).where(Assignment.auditor_id == user.id)
    return in_org & Location.id.in_(assigned)


def visible_users(user: User) -> ColumnElement[bool]:
    """Filter of the users a user may read: HQ all, managers the auditors (to assign) and self."""
    in_org = User.org_id == user.org_id
    if user.role == HQ:
        return in_org
    if user.role == MANAGER:
        return in_org & or_(User.role == AUDITOR, User.id == user.id)
    return in_org & (User.id == user.id)


def locations_in_region(region_id: int) -> Select[tuple[int]]:
    """Ids of the locations in a region or in any region below it."""
    tree = region_subtree(select(Region.id).where(Region.id == region_id))
    return select(Location.id).where(Location.region_id.in_(tree))


def _in_scope(user: User, location_id: ColumnElement[int]) -> ColumnElement[bool]:
    return location_id.in_(select(Location.id).where(visible_locations(user)))


def visible_audits(user: User) -> ColumnElement[bool]:
    """HQ: the organization's; managers: those of locations in scope and their own;
    auditors: their own."""
    in_org = Audit.org_id == user.org_id
    if user.role == HQ:
        return in_org
    if user.role == AUDITOR:
        return in_org & (Audit.auditor_id == user.id)
    return in_org & or_(_in_scope(user, Audit.location_id), Audit.auditor_id == user.id)


def scored_audits(user: User) -> ColumnElement[bool]:
    """The audits that count in the user's scores and exports: those of locations in scope."""
    return scored_rows(user, Audit.org_id, Audit.location_id)


def scored_rows(
    user: User, org_id: ColumnElement[int], location_id: ColumnElement[int]
) -> ColumnElement[bool]:
    """As scored_audits, for rows about audits by org and location (the score rollups)."""
    if user.role == HQ:
        # Every location of the organization, and an audit (or rollup row) is of its
        # location's organization: asking the locations again per row halved a 1M league.
        return org_id == user.org_id
    return (org_id == user.org_id) & _in_scope(user, location_id)


def visible_assignments(user: User) -> ColumnElement[bool]:
    """HQ: the organization's; managers: those of locations in scope; auditors: their own."""
    in_org = Assignment.org_id == user.org_id
    if user.role == HQ:
        return in_org
    if user.role == AUDITOR:
        return in_org & (Assignment.auditor_id == user.id)
    return in_org & _in_scope(user, Assignment.location_id)


def own_assignments(user: User) -> ColumnElement[bool]:
    """The assignments naming the user, whatever the role: what their phone holds offline."""
    return (Assignment.org_id == user.org_id) & (Assignment.auditor_id == user.id)


def own_audits(user: User) -> ColumnElement[bool]:
    """The audits the user started, whatever the role (their drafts live on their phone)."""
    return (Audit.org_id == user.org_id) & (Audit.auditor_id == user.id)


def visible_checklists(user: User) -> ColumnElement[bool]:
    """Built-ins and the organization's own; auditors only those of their assignments."""
    if user.role in (HQ, MANAGER):
        return or_(Checklist.org_id.is_(None), Checklist.org_id == user.org_id)
    assigned = (
        select(ChecklistVersion.checklist_id)
        .join(Assignment, Assignment.checklist_version_id == ChecklistVersion.id)
        .where(Assignment.auditor_id == user.id)
    )
    return Checklist.id.in_(assigned)


def visible_disputes(user: User) -> ColumnElement[bool]:
    """Disputes of the audits the user may see."""
    return Dispute.audit_id.in_(select(Audit.id).where(visible_audits(user)))


def visible_actions(user: User) -> ColumnElement[bool]:
    """HQ: the organization's; managers: those of locations in scope; auditors: none."""
    in_org = Action.org_id == user.org_id
    if user.role == HQ:
        return in_org
    if user.role == MANAGER:
        return in_org & _in_scope(user, Action.location_id)
    return false()


def visible_schedules(user: User) -> ColumnElement[bool]:
    """HQ: the organization's; managers: those whose every location is in scope (a region
    schedule: its region is); auditors: none."""
    in_org = Schedule.org_id == user.org_id
    if user.role == HQ:
        return in_org
    if user.role != MANAGER:
        return false()
    by_region = Schedule.region_id.in_(select(Region.id).where(visible_regions(user)))
    outside = exists().where(
        schedule_locations.c.schedule_id == Schedule.id,
        schedule_locations.c.location_id.not_in(select(Location.id).where(visible_locations(user))),
    )
    return in_org & or_(by_region, Schedule.region_id.is_(None) & ~outside)


def may_assign_action(user: User, location_id: int) -> ColumnElement[bool]:
    """Filter of the users an action at the location may be assigned to: active managers of
    the organization with the location in scope."""
    single = select(scope_locations.c.user_id).where(scope_locations.c.location_id == location_id)
    region = select(Location.region_id).where(Location.id == location_id).scalar_subquery()
    # A manager's scope region holds the location when the region is the location's or above it.
    above = _ancestors(region)
    by_region = select(scope_regions.c.user_id).where(scope_regions.c.region_id.in_(above))
    return (
        (User.org_id == user.org_id)
        & (User.role == MANAGER)
        & User.active.is_(True)
        & or_(User.id.in_(single), User.id.in_(by_region))
    )


def _ancestors(region: ColumnElement[int]) -> Select[tuple[int]]:
    """Ids of a region and every region above it (recursive CTE, stops at a region met)."""
    tree = select(Region.id, Region.parent_id).where(Region.id == region).cte(recursive=True)
    tree = tree.union(select(Region.id, Region.parent_id).where(Region.id == tree.c.parent_id))
    return select(tree.c.id)


def visible_webhooks(user: User) -> ColumnElement[bool]:
    """The organization's webhook endpoints (HQ's alone: `webhooks:manage`)."""
    return WebhookEndpoint.org_id == user.org_id


def may_fill(user: User, audit: Audit) -> bool:
    """Only the person who started an audit changes, submits or adds photos to it."""
    return audit.auditor_id == user.id


def may_fill_assignment(user: User, assignment: Assignment) -> bool:
    """Only an assignment's auditor fills it (a manager's own visit is a self-audit)."""
    return assignment.auditor_id == user.id


def may_review(user: User, audit: Audit) -> bool:
    """Nobody reviews their own audit (the role and the scope are checked before)."""
    return audit.auditor_id != user.id
