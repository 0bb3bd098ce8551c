"""The console's language: `?lang=` (kept in the session), else the browser's, else English;
texts come from the Flask-Babel catalogues in audit_api/translations/."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import Flask, request, session, url_for
from flask_babel import Babel, get_locale, lazy_gettext

from audit_api.console.blueprint import bp

LANGUAGES = ("en", "es")
NAMES = {"en": "English", "es": "Español"}
ROLES = {
    "hq_admin": lazy_gettext("HQ"),
    "manager": lazy_gettext("manager"),
    "auditor": lazy_gettext("auditor"),
}
babel = Babel()


def select_locale() -> str:
    """The language of this page."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or "en"


@bp.before_request
def _switch() -> None:
    """A `?lang=` link of the language switch keeps that language for the session."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked


@bp.context_processor
def languages() -> dict[str, Any]:
    """What the layout's language switch needs."""
    return {
        "console_languages": NAMES,
        "console_lang": str(get_locale() or "en"),
        "lang_url": lang_url,
        "role_name": lambda role: ROLES.get(role, role),
    }


def lang_url(code: str) -> str:
    """This page in another language (its filters kept); after a form, the home page."""
    if request.method != "GET" or request.endpoint is None:
        return url_for("console.home", lang=code)
    return query_url(lang=code)


@bp.app_template_global()
def query_url(**changes: Any) -> str:
    """This page with its query, `changes` replacing keys (None removes one). Built from the
    path, never through url_for, where a query key named like one of the path's parts (or
    `_external`) would change the link or fail."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in changes]
    args += [(k, v) for k, v in changes.items() if v is not None]
    return f"{request.script_root}{request.path}?{urlencode(args)}"


def init_app(app: Flask) -> None:
    """Flask-Babel with the catalogues of audit_api/translations/."""
    babel.init_app(app, locale_selector=select_locale, default_domain="messages")


# One way to write a day and a moment on every page, as the PDF report writes them: "7 Dec
# 2026 11:02" / "7 dic 2026 11:02", the month in words so no day/month order is misread.
DAY = "d MMM y"
MOMENT = "d MMM y HH:mm"


@bp.app_template_filter("console_datetime")
def console_datetime(value: datetime | None, timezone: str | None = None) -> str:
    """A moment on `timezone`'s clock (an audit's location: the page names the zone once),
    else in UTC, saying so."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # the database's times are UTC
    text = format_datetime(value, MOMENT, tzinfo=ZoneInfo(timezone or "UTC"), locale=_locale())
    return text if timezone else f"{text} UTC"


@bp.app_template_filter("console_date")
def console_date(value: date | str | None) -> str:
    """A day in the page's language (a date, or the API's ISO text of one)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, DAY, locale=_locale())


def wall_clock(value: datetime) -> str:
    """A time already on a local clock (a schedule's occurrence), written like the others."""
    return format_datetime(value.replace(tzinfo=UTC), MOMENT, tzinfo=UTC, locale=_locale())


def _locale() -> str:
    return str(get_locale() or "en")
