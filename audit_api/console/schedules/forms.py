"""The schedule form: its pickers and the readable recurrence builder, turned into the data
the schedule service takes (checked by the API's own schema, then by the service)."""

from __future__ import annotations

from datetime import time
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from audit_api.console.schedules.recurrence import NTHS, Recurrence, day_names, ordinals, to_rrule


class Checkboxes(SelectMultipleField):
    """Several choices as checkboxes, each with its label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ScheduleForm(FlaskForm):
    """A schedule as a person says it; the pickers' choices are set by the view."""

    name = StringField(_l("Name"), validators=[Length(max=200)])
    checklist_key = SelectField(_l("Checklist"), validate_choice=False)
    checklist_version = IntegerField(
        _l("Pinned version (empty: the latest published)"),
        validators=[Optional(), NumberRange(min=1)],
    )
    target = RadioField(
        _l("Which locations"),
        choices=[
            SelectChoice("locations", _l("The locations chosen below")),
            SelectChoice("region", _l("Every location of a region (and of the regions below it)")),
        ],
        default="locations",
    )
    location_ids = Checkboxes(_l("Locations"), coerce=int, validate_choice=False)
    region_id = SelectField(_l("Region"), coerce=int, validate_choice=False)
    freq = SelectField(
        _l("Repeats"),
        choices=[
            SelectChoice("DAILY", _l("Daily")),
            SelectChoice("WEEKLY", _l("Weekly")),
            SelectChoice("MONTHLY", _l("Monthly")),
        ],
        default="WEEKLY",
    )
    interval = IntegerField(
        _l("Every how many days, weeks or months"),
        default=1,
        validators=[Optional(), NumberRange(min=1, max=99)],
    )
    weekdays = Checkboxes(_l("On these weekdays (weekly)"), validate_choice=False)
    monthly = RadioField(
        _l("Monthly on"),
        choices=[
            SelectChoice("day", _l("A day of the month")),
            SelectChoice("nth", _l("A weekday of the month")),
        ],
        default="day",
    )
    day_of_month = IntegerField(
        _l("Day of the month"), default=1, validators=[Optional(), NumberRange(min=1, max=31)]
    )
    nth = SelectField(_l("Which one"), validate_choice=False, default="1")
    nth_weekday = SelectField(_l("Weekday"), validate_choice=False, default="MO")
    ends = RadioField(
        _l("Ends"),
        choices=[
            SelectChoice("never", _l("Never")),
            SelectChoice("until", _l("On a date")),
            SelectChoice("count", _l("After a number of occurrences")),
        ],
        default="never",
    )
    until = DateField(_l("Last day"), validators=[Optional()])
    count = IntegerField(
        _l("Number of occurrences"), validators=[Optional(), NumberRange(min=1, max=400)]
    )
    advanced = StringField(
        _l("Advanced: your own RRULE (used instead of the choices above)"),
        validators=[Optional(), Length(max=500)],
    )
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    time_of_day = TimeField(
        _l("Time of day, on each location's clock"), default=time(9, 0), validators=[Optional()]
    )
    window_days = IntegerField(_l("Days each visit may take"), default=7, validators=[Optional()])
    auditor_ids = Checkboxes(_l("Auditor pool"), coerce=int, validate_choice=False)
    lockout_days = IntegerField(
        _l("Lockout days: how long an auditor stays away from a location they audited"),
        default=30,
        validators=[Optional()],
    )
    etag = HiddenField()  # the schedule's ETag when the page was read: the API's If-Match

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recurrence_errors: list[str] = []
        names = day_names()
        self.weekdays.choices = [SelectChoice(code, name) for code, name in names.items()]
        self.nth_weekday.choices = [SelectChoice(code, name) for code, name in names.items()]
        self.nth.choices = [SelectChoice(n, ordinals()[n]) for n in NTHS]

    def recurrence(self) -> Recurrence:
        """The builder's choices."""
        return Recurrence(
            freq=self.freq.data or "WEEKLY",
            interval=self.interval.data or 1,
            weekdays=list(self.weekdays.data or []),
            monthly=self.monthly.data or "day",
            day_of_month=self.day_of_month.data,
            nth=self.nth.data or "1",
            nth_weekday=self.nth_weekday.data or "MO",
            until=self.until.data if self.ends.data == "until" else None,
            count=self.count.data if self.ends.data == "count" else None,
        )

    def rrule(self) -> str:
        """The RRULE the form stands for: the advanced field's, else the builder's."""
        return (self.advanced.data or "").strip() or to_rrule(self.recurrence())

    def load(self, recurrence: Recurrence | None, rule: str) -> None:
        """Fill the builder from a stored rule (or the advanced field when it cannot)."""
        if recurrence is None:
            self.advanced.data = rule
            return
        for name in ("freq", "interval", "weekdays", "monthly", "day_of_month", "nth"):
            getattr(self, name).data = getattr(recurrence, name)
        self.nth_weekday.data = recurrence.nth_weekday
        self.until.data, self.count.data = recurrence.until, recurrence.count
        self.ends.data = "until" if recurrence.until else "count" if recurrence.count else "never"

    def service_data(self, kinds: dict[str, str]) -> dict[str, Any]:
        """The fields in the shape of the API's schedule body (ScheduleIn)."""
        data: dict[str, Any] = {
            "name": (self.name.data or "").strip(),
            "checklist_key": self.checklist_key.data or "",
            "kind": kinds.get(self.checklist_key.data or "", "visit"),
            "checklist_version": self.checklist_version.data,
            "rrule": self.rrule(),
            "auditor_ids": list(self.auditor_ids.data or []),
        }
        if self.target.data == "region":
            data["region_id"] = self.region_id.data or 0
        else:
            data["location_ids"] = list(self.location_ids.data or [])
        if self.starts_on.data:
            data["starts_on"] = self.starts_on.data.isoformat()
        if self.time_of_day.data:
            data["time_of_day"] = self.time_of_day.data.strftime("%H:%M")
        for name in ("window_days", "lockout_days"):
            if getattr(self, name).data is not None:
                data[name] = getattr(self, name).data
        return data
