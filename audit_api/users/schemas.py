"""Request and response schemas of users."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from audit_api.fields import Email, Id, Moment, Partial, Text
from audit_api.users.models import Role

PASSWORD = validate.Length(min=10, max=256, error="Between 10 and 256 characters.")


class ScopeSchema(Schema):
    """A manager's scope: regions (with every region below) and single locations."""

    region_ids = fields.List(Id(strict=True), load_default=list)
    location_ids = fields.List(Id(strict=True), load_default=list)


class UserIn(Schema):
    """Create a user."""

    email = Email(required=True, validate=validate.Length(max=320))
    name = Text(required=True)
    role = fields.Enum(Role, by_value=True, required=True)
    password = fields.String(required=True, load_only=True, validate=PASSWORD)
    scope = fields.Nested(ScopeSchema)


class PasswordChangeIn(Schema):
    """The signed-in user's current password and the new one."""

    current_password = fields.String(
        required=True, load_only=True, validate=validate.Length(1, 256)
    )
    new_password = fields.String(required=True, load_only=True, validate=PASSWORD)


class UserPatch(Partial, UserIn):
    """Change some fields of a user; `active: false` signs them out everywhere."""

    active = fields.Boolean()


class UserOut(Schema):
    """A user as returned; the password never is."""

    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    active = fields.Boolean()
    scope = fields.Nested(ScopeSchema)
    last_login_at = Moment(allow_none=True)
    created_at = Moment()
    updated_at = Moment()


class OrgOut(Schema):
    """The caller's organization."""

    id = fields.Integer()
    name = fields.String()


class MeOut(UserOut):
    """The signed-in user with their organization."""

    org = fields.Nested(OrgOut)


class UserQuery(Schema):
    """Filters of the user list."""

    role = fields.Enum(Role, by_value=True)
    active = fields.Boolean()
    q = fields.String(metadata={"description": "text in the name or e-mail"})
