"""Forms of the users area. They render and carry the CSRF token; what is valid is decided by
the API's schemas (users/schemas.py) and the users service, never here."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice

from audit_api.console.language import ROLES
from audit_api.console.places.tree import ALL, region_choices
from audit_api.locations.service import list_locations
from audit_api.users.models import Role, User

ROLE_CHOICES = [SelectChoice(role.value, ROLES[role.value]) for role in Role]


class UserFilters(FlaskForm):
    """Which users the list shows (a GET form)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name or e-mail"))
    role = SelectField(_l("Role"), choices=[SelectChoice("", _l("Every role")), *ROLE_CHOICES])
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("Active and deactivated")),
            SelectChoice("true", _l("Active")),
            SelectChoice("false", _l("Deactivated")),
        ],
    )


class UserForm(FlaskForm):
    """A user's e-mail, name, role and, for a manager, scope; a password when new."""

    name = StringField(_l("Name"), render_kw={"autocomplete": "off"})
    email = EmailField(_l("E-mail"), render_kw={"autocomplete": "off"})
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.AUDITOR.value)
    region_ids = SelectMultipleField(_l("Scope: regions"), choices=[])
    location_ids = SelectMultipleField(_l("Scope: single locations"), choices=[])
    password = PasswordField(_l("Initial password"), render_kw={"autocomplete": "new-password"})
    revision = HiddenField()


def user_form(actor: User, user: User | None = None, fresh: bool = False) -> UserForm:
    """The form with the organization's regions and locations to choose the scope from; for an
    existing user, their values unless the request posted others (`fresh`: theirs anyway)."""
    form = UserForm(obj=user, formdata=None) if fresh else UserForm(obj=user)
    form.region_ids.choices = region_choices(actor)
    locations, _ = list_locations(actor, page=1, page_size=ALL)
    form.location_ids.choices = [(str(loc.id), f"{loc.code} {loc.name}") for loc in locations]
    if user is not None:
        form.password.label.text = _l("New password (leave empty to keep the current one)")
        if fresh or not form.is_submitted():
            form.region_ids.data = [str(i) for i in user.scope["region_ids"]]
            form.location_ids.data = [str(i) for i in user.scope["location_ids"]]
            form.revision.data = str(user.row_version)
    return form


def user_data(form: UserForm, request_form: Any, new: bool) -> dict[str, Any]:
    """The posted form as the API's user body (the schema validates it)."""
    ids = {
        name: [_id(v) for v in request_form.getlist(name)]
        for name in ("region_ids", "location_ids")
    }
    data: dict[str, Any] = {
        "name": form.name.data or "",
        "email": form.email.data or "",
        "role": form.role.data or "",
    }
    # A manager's scope is what is chosen (nothing chosen empties it); another role sends a
    # scope only when one is chosen, and the service says only managers have one.
    if data["role"] == Role.MANAGER.value or any(ids.values()):
        data["scope"] = ids
    if new or form.password.data:
        data["password"] = form.password.data or ""
    return data


def _id(value: str) -> Any:
    return int(value) if value.isdigit() and len(value) < 12 else value
