"""The sign-in form (Flask-WTF: it carries its CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, IntegerField, PasswordField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from audit_api.fields import MAX_ID


class SignInForm(FlaskForm):
    """E-mail and password; the organization only for an e-mail with accounts in several."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=320)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    org_id = IntegerField(
        _l("Organization number"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)]
    )
    next = HiddenField()
