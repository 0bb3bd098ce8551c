"""Schedule pages (HQ): the list, a schedule made or changed with the recurrence builder, its
preview (nothing stored), deactivation and reactivation, all through the schedule service."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from audit_api.console.forms import page_arg
from audit_api.console.schedules import page
from audit_api.console.schedules.forms import ScheduleForm
from audit_api.console.schedules.recurrence import describe, from_rrule
from audit_api.console.session import current_user, roles_required
from audit_api.db import db, utcnow
from audit_api.errors import DomainError, Reason, validated
from audit_api.http import check_etag, etag_of
from audit_api.schedules import service
from audit_api.schedules.models import Schedule
from audit_api.schedules.schemas import ScheduleIn, SchedulePatch

bp = Blueprint("schedules", __name__, url_prefix="/schedules")
HQ = "hq_admin"
PAGE_SIZE = 50
PREVIEW_DAYS = 61  # two months: a monthly rule shows twice (the service allows 92)
# A service error's field (its path up to "[") -> the form's field it is shown beside.
FIELDS = {
    "checklist_key": "checklist_key",
    "kind": "checklist_key",
    "checklist_version": "checklist_version",
    "location_ids": "location_ids",
    "region_id": "region_id",
    "auditor_ids": "auditor_ids",
    "name": "name",
    "starts_on": "starts_on",
    "time_of_day": "time_of_day",
    "window_days": "window_days",
    "lockout_days": "lockout_days",
}


@bp.get("/")
@roles_required(HQ)
def index() -> str:
    """The organization's schedules by name: where, the rule in words, the next times."""
    number = page_arg()
    rows, total = service.list_schedules(current_user(), page=number, page_size=PAGE_SIZE)
    return render_template(
        "console/schedules/index.html",
        rows=rows,
        where=page.where(rows),
        words={s.id: describe(s.rrule, s.local_time) for s in rows},
        upcoming={s.id: page.next_occurrences(s) for s in rows},
        page=number,
        pages=max(-(-total // PAGE_SIZE), 1),
    )


def _show_errors(form: ScheduleForm, error: DomainError) -> None:
    """Each refusal beside the control it names; the rule's beside the recurrence."""
    for path, messages in (error.errors or {"": [error.message]}).items():
        name = path.split("[")[0].split(".")[0]
        if name == "rrule":
            form.recurrence_errors.extend(messages)
        elif name in FIELDS:
            field = getattr(form, FIELDS[name])
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.append(" ".join(messages) if path else error.message)


def _blank_messages(form: ScheduleForm) -> None:
    """A control left empty gets a plain message in the page's language (the schema's own
    says the same in English)."""
    blank = {
        "name": _("Give the schedule a name."),
        "checklist_key": _("Choose a checklist."),
        "location_ids": _("Choose at least one location."),
        "region_id": _("Choose a region."),
    }
    for name, message in blank.items():
        field = getattr(form, name)
        empty = not field.data or (isinstance(field.data, str) and not field.data.strip())
        if field.errors and empty:
            field.errors = [message]


def _window(form: ScheduleForm) -> tuple[date, date]:
    start = max(utcnow().date(), form.starts_on.data or date.min)
    return start, start + timedelta(days=PREVIEW_DAYS - 1)


def _editor(form: ScheduleForm, schedule: Schedule | None, status: int = 200, **extra: Any):
    if not form.is_submitted() and schedule is None:
        form.starts_on.data = form.starts_on.data or utcnow().date()
    return (
        render_template(
            "console/schedules/edit.html",
            form=form,
            schedule=schedule,
            rule=form.rrule(),
            words=describe(form.rrule(), (form.time_of_day.data or time(9)).strftime("%H:%M")),
            **extra,
        ),
        status,
    )


def _submit(form: ScheduleForm, schedule: Schedule | None, kinds: dict[str, str]) -> Any:
    """Preview (nothing stored) or save, as the button pressed says."""
    if schedule is not None and request.form.get("op") != "preview":
        try:  # the API's If-Match check, on the ETag the page was read with
            check_etag(schedule, [form.etag.data or ""])
        except DomainError as error:
            if error.reason != Reason.stale_etag:
                raise
            return _conflict(schedule)
    if not form.validate():
        return _editor(form, schedule, 422)
    if form.ends.data == "until" and not form.until.data and not form.advanced.data:
        form.until.errors = [_("Give the last day, or choose another end.")]
        return _editor(form, schedule, 422)
    if form.ends.data == "count" and not form.count.data and not form.advanced.data:
        form.count.errors = [_("Give the number of occurrences, or choose another end.")]
        return _editor(form, schedule, 422)
    actor = current_user()
    try:
        data = validated(
            ScheduleIn() if schedule is None else SchedulePatch(), form.service_data(kinds)
        )
        if request.form.get("op") == "preview":
            start, end = _window(form)
            planned = service.preview_draft(actor, data, schedule, start, end)
            rows = page.preview_rows(planned)
            return _editor(form, schedule, preview=rows, total=len(planned), start=start, end=end)
        if schedule is None:
            schedule = service.create_schedule(actor, data)
            flash(_("Schedule created."), "success")
        else:
            service.update_schedule(actor, schedule, data)
            flash(_("Schedule saved. Its future visits follow the change."), "success")
    except DomainError as error:
        db.session.rollback()
        _show_errors(form, error)
        _blank_messages(form)
        return _editor(form, _reloaded(schedule), error.status)
    return redirect(url_for(".edit", schedule_id=schedule.id), 303)


def _reloaded(schedule: Schedule | None) -> Schedule | None:
    return None if schedule is None else service.get_schedule(current_user(), schedule.id)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(HQ)
def new() -> Any:
    """A new schedule: the builder, its preview and saving."""
    form = ScheduleForm()
    kinds = page.pickers(current_user(), form)
    if request.method == "POST":
        return _submit(form, None, kinds)
    return _editor(form, None)


@bp.route("/<int:schedule_id>", methods=["GET", "POST"])
@roles_required(HQ)
def edit(schedule_id: int) -> Any:
    """A schedule's page: its form filled in, the preview, saving and deactivating."""
    schedule = service.get_schedule(current_user(), schedule_id)
    form = ScheduleForm(formdata=request.form if request.method == "POST" else None)
    kinds = page.pickers(current_user(), form)
    if request.method == "POST":
        return _submit(form, schedule, kinds)
    _fill(form, schedule)
    return _editor(form, schedule)


def _conflict(schedule: Schedule) -> Any:
    """Someone else changed the schedule since the page was read: nothing is stored and the
    page shows it as it is now."""
    fresh = ScheduleForm(formdata=None)
    page.pickers(current_user(), fresh)
    _fill(fresh, schedule)
    fresh.form_errors.append(
        _("Someone else changed this schedule; here it is as it is now. Check it before you save.")
    )
    return _editor(fresh, schedule, 409)


def _fill(form: ScheduleForm, schedule: Schedule) -> None:
    """The form with the stored schedule's values and its ETag."""
    form.etag.data = etag_of(schedule)
    form.name.data = schedule.name
    form.checklist_key.data = schedule.checklist.key
    form.checklist_version.data = schedule.checklist_version
    form.target.data = "region" if schedule.region_id else "locations"
    form.region_id.data = schedule.region_id or 0
    form.location_ids.data = [loc.id for loc in schedule.locations]
    form.load(from_rrule(schedule.rrule), schedule.rrule)
    form.starts_on.data = schedule.starts_on
    form.time_of_day.data = time(*map(int, schedule.local_time.split(":")))
    form.window_days.data, form.lockout_days.data = schedule.window_days, schedule.lockout_days
    form.auditor_ids.data = [u.id for u in schedule.auditors]


@bp.post("/<int:schedule_id>/deactivate")
@roles_required(HQ)
def deactivate(schedule_id: int) -> Any:
    """Stop a schedule: its future, unstarted visits go; the schedule is kept."""
    schedule = service.get_schedule(current_user(), schedule_id)  # the CSRF token: session.py
    service.deactivate(current_user(), schedule)
    flash(_("Schedule deactivated. Its future visits were removed."), "success")
    return redirect(url_for(".index"), 303)


@bp.post("/<int:schedule_id>/reactivate")
@roles_required(HQ)
def reactivate(schedule_id: int) -> Any:
    """Start an inactive schedule again (the API's `active: true`): its horizon is made now."""
    schedule = service.get_schedule(current_user(), schedule_id)  # the CSRF token: session.py
    try:
        service.update_schedule(current_user(), schedule, {"active": True})
    except DomainError as error:  # e.g. a rule with no occurrence left: shown above the form
        db.session.rollback()
        schedule = service.get_schedule(current_user(), schedule_id)
        form = ScheduleForm(formdata=None)
        page.pickers(current_user(), form)
        _fill(form, schedule)
        _show_errors(form, error)
        return _editor(form, schedule, error.status)
    flash(_("Schedule reactivated. Its visits are made again from now."), "success")
    return redirect(url_for(".edit", schedule_id=schedule.id), 303)
