"""Number formats (the locale's decimal mark) and links shared by the score, action and
export pages."""

from __future__ import annotations

from flask import url_for
from flask_babel import format_decimal, format_percent

from audit_api.console.scores.routes import bp

REVIEW_AUDIT = "console.review.audit"  # the review area's page of one audit
NONE = "\u2013"  # an en dash: no number (no audits, or no interval with n < 2)


@bp.app_template_filter("scorefmt")
def score_format(value: float | None) -> str:
    """A score out of 100 with one decimal: 83,3 in Spanish, 83.3 in English."""
    return NONE if value is None else format_decimal(value, "0.0")


@bp.app_template_filter("changefmt")
def change_format(value: float | None) -> str:
    """A change in points with its sign (+2.5, minus 1.0); none without a previous window."""
    if value is None:
        return NONE
    # The minus sign, not a hyphen: screen readers say "minus" and it lines up with "+".
    sign = "+" if value > 0 else "\u2212" if value < 0 else "\u00b1"
    return sign + format_decimal(abs(value), "0.0")


@bp.app_template_filter("ratefmt")
def rate_format(value: float | None) -> str:
    """A rate as a whole percentage."""
    return NONE if value is None else format_percent(value, "0%")


@bp.app_template_global("review_url")
def review_url(audit_id: str) -> str:
    """Where an audit opens in the console: the review area's audit page."""
    return url_for(REVIEW_AUDIT, audit_id=audit_id)
