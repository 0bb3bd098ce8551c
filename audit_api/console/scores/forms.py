"""The filters of the score pages: a GET form (no CSRF: it changes nothing)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from audit_api.fields import PLAUSIBLE
from audit_api.regions.service import list_regions
from audit_api.reports.service import DEFAULT_DAYS, window_for
from audit_api.users.models import User

WINDOWS = (30, 90, 180, 365)
# The kind filter of the score and export pages: either, or one of the two.
KINDS = [
    SelectChoice("", _l("Visits and calls")),
    SelectChoice("visit", _l("Visits")),
    SelectChoice("call", _l("Calls")),
]


def plausible_date(form: Any, field: Any) -> None:
    """The API's range of plausible dates (year 1 or 9999 would overflow a window's sums)."""
    if field.data and not PLAUSIBLE.min <= field.data <= PLAUSIBLE.max:
        raise ValidationError(_l("must be between 1970-01-01 and 2100-12-31"))


MAX_REGIONS = 500  # a filter menu, not a directory: more regions than this are typed in the API


class ScoreFilters(FlaskForm):
    """Window, kind and (on the tables) region of a score page."""

    class Meta:
        csrf = False

    days = SelectField(
        _l("Window"),
        choices=[SelectChoice(str(d), _l("Last %(days)s days", days=d)) for d in WINDOWS],
        default=str(DEFAULT_DAYS),
    )
    kind = SelectField(_l("Kind"), choices=KINDS, default="")
    region_id = SelectField(_l("Region"), choices=[SelectChoice("", _l("All regions"))], default="")
    # A window of one's own (both dates) instead of the last days: a quarter, a campaign.
    start = DateField(_l("From"), name="from", validators=[Optional(), plausible_date])
    end = DateField(_l("To"), name="to", validators=[Optional(), plausible_date])


def filter_form(actor: User, *, regions: bool = True) -> ScoreFilters:
    """The filter form read from the query string; a value not offered falls back to its
    default (and the form names it), so a stale bookmark still shows a page."""
    form = ScoreFilters(formdata=request.args)
    if regions:
        rows, _ = list_regions(actor, page=1, page_size=MAX_REGIONS)
        form.region_id.choices = [
            SelectChoice("", _l("All regions")),
            *(SelectChoice(str(r.id), r.name) for r in rows),
        ]
    else:
        del form.region_id
    if not form.validate():
        for field in form:
            if field.errors:
                field.data = field.default
    if form.start.data and form.end.data and form.start.data > form.end.data:
        form.end.errors = [*form.end.errors, _l("must not be before the first day")]
    return form


def window_args() -> dict[str, str]:
    """The window and kind of this page's query, for links to the other score pages."""
    return {k: v for k in ("days", "kind", "from", "to") if (v := request.args.get(k, ""))}


def window_dates(days: int, timezone: str = "UTC") -> tuple[date, date]:
    """The last `days` days up to today in `timezone`, as the score service counts them."""
    end = window_for(None, None, timezone).end
    return end - timedelta(days=days - 1), end


def service_filters(form: ScoreFilters, timezone: str = "UTC") -> dict[str, Any]:
    """The score service's filters from the form: a window, and kind and region if chosen."""
    if form.start.data and form.end.data and form.start.data <= form.end.data:
        start, end = form.start.data, form.end.data
    else:
        start, end = window_dates(int(form.days.data or DEFAULT_DAYS), timezone)
    filters: dict[str, Any] = {"start": start, "end": end, "min_n": 1}
    if form.kind.data:
        filters["kind"] = form.kind.data
    region = getattr(form, "region_id", None)
    if region is not None and region.data:
        filters["region_id"] = int(region.data)
    return filters
