"""Request and response schemas of sign-in, refresh and sign-out."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from audit_api.fields import Id


class LoginIn(Schema):
    """E-mail and password; the organization when the e-mail has accounts in several."""

    email = fields.String(required=True, validate=validate.Length(min=3, max=320))
    password = fields.String(required=True, load_only=True, validate=validate.Length(1, 256))
    org_id = Id(
        metadata={
            "description": "needed when the e-mail has accounts in several organizations "
            "(a phone keeps it from /me and always sends it)"
        }
    )
    device_token = fields.String(
        validate=validate.Length(1, 300),
        metadata={"description": "the device_token of this client's last sign-in, if any"},
    )


class RefreshIn(Schema):
    """A refresh token to rotate."""

    refresh_token = fields.String(required=True, validate=validate.Length(1, 200))


class LogoutIn(Schema):
    """Optionally the refresh token whose session to end (when no access token is at hand)."""

    refresh_token = fields.String(validate=validate.Length(1, 200))


class TokenOut(Schema):
    """A token pair."""

    access_token = fields.String()
    refresh_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer(metadata={"description": "access token lifetime, seconds"})


class LoginOut(TokenOut):
    """A token pair and this client's device token for its next sign-in."""

    device_token = fields.String(
        metadata={"description": "keep it and send it with the next sign-in (fewer refusals)"}
    )
