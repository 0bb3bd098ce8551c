"""User pages (HQ): the organization's users, adding one, changing role and scope, and
deactivating or reactivating, through the users service and schemas the API uses."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from audit_api.console import refusals
from audit_api.console.forms import page_arg
from audit_api.console.session import org_admin, roles_required
from audit_api.console.users.forms import UserFilters, UserForm, user_data, user_form
from audit_api.errors import DomainError, Reason, validated
from audit_api.users import service
from audit_api.users.models import User
from audit_api.users.schemas import UserIn, UserPatch, UserQuery

bp = Blueprint("users", __name__, url_prefix="/users")

PAGE_SIZE = 50
# Where a service's error path shows: the scope's paths beside the scope's selects.
FIELDS = {
    "scope": "region_ids",
    "scope.region_ids": "region_ids",
    "scope.location_ids": "location_ids",
}


@bp.get("/")
@roles_required("hq_admin")
def index() -> str:
    """The organization's users by name, filtered by role, status and text."""
    actor = org_admin()
    form = UserFilters(formdata=request.args)
    args = {"q": form.q.data, "role": form.role.data, "active": form.status.data}
    try:
        filters = validated(UserQuery(), {k: v for k, v in args.items() if v})
    except DomainError:
        filters = {}  # a hand-made URL with a bad filter: the whole list
    page = page_arg()
    rows, total = service.list_users(actor, page=page, page_size=PAGE_SIZE, **filters)
    return render_template(
        "console/users/index.html",
        form=form,
        rows=rows,
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
    )


def _form_page(form: UserForm, user: User | None, status: int = 200) -> tuple[str, int]:
    return render_template("console/users/form.html", form=form, user=user), status


def _refused(form: UserForm, user: User | None, error: DomainError) -> tuple[str, int]:
    """Nothing of the attempt is kept; the refusal shows beside its field."""
    refusals.refuse(form, error, FIELDS)
    return _form_page(form, user, error.status)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("hq_admin")
def create() -> Any:
    """Add a user with an initial password (the API's way: there are no invitations)."""
    actor = org_admin()
    form = user_form(actor)
    if request.method == "GET":
        return _form_page(form, None)
    try:
        data = validated(UserIn(), user_data(form, request.form, new=True))
        user = service.create_user(actor.org_id, data)
    except DomainError as error:
        return _refused(form, None, error)
    flash(_("%(name)s was added.", name=user.name), "success")
    return redirect(url_for(".index"), 303)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required("hq_admin")
def edit(user_id: int) -> Any:
    """A user's page: name, e-mail, role, scope, a new password; and (de)activation."""
    actor = org_admin()
    user = service.get_user(actor, user_id)
    if request.method == "GET":
        return _form_page(user_form(actor, user), user)
    form = user_form(actor, user)
    if refusals.stale(form, user):
        # Someone changed the user since the page was read: show it as it is now.
        fresh = user_form(actor, user, fresh=True)
        fresh.form_errors = [refusals.BY_REASON[Reason.stale_etag]]
        return _form_page(fresh, user, 409)
    try:
        service.update_user(user, validated(UserPatch(), user_data(form, request.form, False)))
    except DomainError as error:
        return _refused(form, user, error)
    flash(_("The changes to %(name)s are saved.", name=user.name), "success")
    return redirect(url_for(".index"), 303)


@bp.post("/<int:user_id>/active")
@roles_required("hq_admin")
def set_active(user_id: int) -> Response | tuple[str, int]:
    """Deactivate (signed out everywhere at once, kept for the audit trail) or reactivate."""
    actor = org_admin()
    user = service.get_user(actor, user_id)
    active = request.form.get("active") == "true"
    try:
        service.update_user(user, {"active": active})
    except DomainError as error:
        return _refused(user_form(actor, user, fresh=True), user, error)
    if active:
        flash(_("%(name)s can sign in again.", name=user.name), "success")
    else:
        flash(_("%(name)s is deactivated and signed out.", name=user.name), "success")
    if not user.active and user.id == actor.id:
        return redirect(url_for("console.sign_in_page"), 303)
    return redirect(url_for(".edit", user_id=user.id), 303)
