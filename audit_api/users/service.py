"""User operations: list and read within scope; create, change and deactivate for HQ."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from audit_api.auth.passwords import hash_password, verify_password
from audit_api.auth.policy import visible_users
from audit_api.auth.service import revoke_all_sessions
from audit_api.auth.strength import check_strength
from audit_api.db import commit_unique, db, fetch_page, get_visible, text_search, utcnow
from audit_api.errors import Reason, field_error
from audit_api.fields import search_key
from audit_api.locations.models import Location
from audit_api.orgs.models import Organization
from audit_api.regions.models import Region
from audit_api.users.models import Role, User

EMAIL_TAKEN = "A user with this e-mail already exists."


def list_users(
    actor: User,
    *,
    page: int,
    page_size: int,
    role: Role | None = None,
    active: bool | None = None,
    q: str | None = None,
) -> tuple[list[User], int]:
    """The users the actor may read, filtered, a page at a time."""
    stmt = select(User).where(visible_users(actor)).order_by(User.name, User.id)
    if role is not None:
        stmt = stmt.where(User.role == role.value)
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    if q:
        stmt = stmt.where(text_search(User.search_key, q))
    return fetch_page(stmt, page, page_size)


def get_user(actor: User, user_id: int) -> User:
    """A user the actor may read; any other answers 404."""
    return get_visible(User, user_id, visible_users(actor), "User")


def _scoped(model: type[Region] | type[Location], org_id: int, ids: list[int], field: str) -> list:
    """The rows of `ids` in the org, in order; an unknown one is a 422 naming its index."""
    found = {
        row.id: row
        for row in db.session.scalars(
            select(model).where(model.id.in_(ids), model.org_id == org_id)
        )
    }
    for index, item_id in enumerate(ids):
        if item_id not in found:
            raise field_error(
                f"scope.{field}[{index}]", f"Unknown id {item_id}.", Reason.unknown_reference
            )
    return [found[i] for i in dict.fromkeys(ids)]


def _apply_scope(user: User, scope: dict[str, list[int]] | None) -> None:
    if user.role != Role.MANAGER:
        if scope and (scope.get("region_ids") or scope.get("location_ids")):
            raise field_error("scope", "Only managers have a scope.", Reason.scope_not_allowed)
        user.scope_regions, user.scope_locations = [], []
        return
    if scope is None:
        return
    user.scope_regions = _scoped(Region, user.org_id, scope.get("region_ids", []), "region_ids")
    user.scope_locations = _scoped(
        Location, user.org_id, scope.get("location_ids", []), "location_ids"
    )
    user.updated_at = utcnow()  # bumps the version, so the ETag covers the scope too


def _save(user: User) -> User:
    user.search_key = search_key(user.name, user.email)
    commit_unique("email", EMAIL_TAKEN, Reason.email_taken)
    return user


def _email_taken(org_id: int, email: str, own_id: int | None) -> bool:
    """Whether another user of the organization has the e-mail (other organizations' don't
    count: their users are none of this one's business)."""
    user_id = db.session.scalar(select(User.id).where(User.org_id == org_id, User.email == email))
    return user_id is not None and user_id != own_id


def create_user(org_id: int, data: dict[str, Any]) -> User:
    """Add a user to an organization with an Argon2id-hashed password."""
    if _email_taken(org_id, data["email"], None):
        raise Reason.email_taken.error(EMAIL_TAKEN, {"email": [EMAIL_TAKEN]})
    org = db.session.get(Organization, org_id)
    about = {"email": data["email"], "name": data["name"], "org": org.name if org else ""}
    check_strength(data["password"], "password", **about)
    user = User(
        org_id=org_id,
        email=data["email"],
        name=data["name"],
        role=data["role"].value,
        password_hash=hash_password(data["password"]),
    )
    db.session.add(user)
    _apply_scope(user, data.get("scope"))
    return _save(user)


def _active_admins(org_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                User.org_id == org_id, User.role == Role.HQ_ADMIN.value, User.active.is_(True)
            )
        )
        or 0
    )


def _keeps_an_admin(user: User, role: str, active: bool) -> None:
    """Refuse to leave the organization without an active HQ admin."""
    was_admin = user.role == Role.HQ_ADMIN and user.active
    if not was_admin or (role == Role.HQ_ADMIN and active):
        return
    # Two admins demoting each other at once would each count the other still in place:
    # the organization's row lock makes them count one after the other (until commit).
    db.session.execute(
        select(Organization.id).where(Organization.id == user.org_id).with_for_update()
    )
    if _active_admins(user.org_id) <= 1:
        raise Reason.last_admin.error("This is the organization's last active hq_admin.")


def update_user(user: User, data: dict[str, Any]) -> User:
    """Change a user; deactivating or a new password signs them out everywhere."""
    role = data["role"].value if "role" in data else user.role
    active = data.get("active", user.active)
    _keeps_an_admin(user, role, active)
    if "email" in data and _email_taken(user.org_id, data["email"], user.id):
        raise Reason.email_taken.error(EMAIL_TAKEN, {"email": [EMAIL_TAKEN]})
    if "password" in data:
        email, name = data.get("email", user.email), data.get("name", user.name)
        check_strength(data["password"], "password", email=email, name=name, org=user.org.name)
    for key in ("email", "name"):
        if key in data:
            setattr(user, key, data[key])
    user.role, user.active = role, active
    if "password" in data:
        user.password_hash = hash_password(data["password"])
    if not active or "password" in data:
        revoke_all_sessions(user.id, "deactivated" if not active else "password_changed")
    _apply_scope(user, data.get("scope"))
    return _save(user)


def deactivate_user(user: User) -> User:
    """Deactivate a user; they are kept because their audits refer to them."""
    return update_user(user, {"active": False})


def change_own_password(user: User, session_id: str, current: str, new: str) -> None:
    """A user's own new password, after the current one; their other sessions end, this
    one goes on."""
    if not verify_password(user.password_hash, current):
        raise Reason.wrong_password.error(
            "The current password is wrong.", {"current_password": ["Wrong password."]}
        )
    check_strength(new, "new_password", email=user.email, name=user.name, org=user.org.name)
    user.password_hash = hash_password(new)
    revoke_all_sessions(user.id, "password_changed", keep=session_id)
    db.session.commit()
