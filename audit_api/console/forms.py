"""The sign-in form (Flask-WTF: it carries its CSRF token), and the page number of lists."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, IntegerField, PasswordField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from audit_api.fields import MAX_ID

MAX_PAGE = 100_000  # past it a list's offset is only a slow or overflowing query


def page_arg() -> int:
    """The list page asked for in `?page=`: 1 when missing or unreadable, at most MAX_PAGE."""
    page = request.args.get("page", "1")
    return min(max(int(page), 1), MAX_PAGE) if page.isdigit() and len(page) <= 6 else 1


class SignInForm(FlaskForm):
    """E-mail and password; the organization only for an e-mail with accounts in several."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=320)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    org_id = IntegerField(
        _l("Organization number"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)]
    )
    next = HiddenField()
