"""What the schedule pages show: the pickers' choices, a schedule's row in the list (where,
the rule in words, its next occurrences) and the preview's rows on each location's clock."""

from __future__ import annotations

import itertools
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from wtforms import SelectChoice

from audit_api.checklists.service import list_checklists
from audit_api.console.language import wall_clock
from audit_api.console.scores.labels import checklist_title
from audit_api.db import db, utcnow
from audit_api.locations.models import Location
from audit_api.locations.service import list_locations
from audit_api.regions.models import Region
from audit_api.regions.service import list_regions
from audit_api.schedules.expand import RuleInvalid, parse_rule
from audit_api.schedules.models import Schedule
from audit_api.users.models import Role, User
from audit_api.users.service import list_users

PICKER_SIZE = 1000  # locations, auditors and regions offered in a picker
NEXT_SHOWN = 3
PREVIEW_ROWS = 200


def pickers(actor: User, form: Any) -> dict[str, str]:
    """Fill the form's pickers from what the actor may use; returns each checklist's kind."""
    checklists, _n = list_checklists(actor, page=1, page_size=PICKER_SIZE)
    form.checklist_key.choices = [SelectChoice("", _("Choose a checklist"))] + [
        SelectChoice(c.key, _kind_label(checklist_title(c), c.kind)) for c in checklists
    ]
    locations, _n = list_locations(actor, page=1, page_size=PICKER_SIZE)
    form.location_ids.choices = [
        SelectChoice(loc.id, f"{loc.code} {loc.name}") for loc in locations
    ]
    regions, _n = list_regions(actor, page=1, page_size=PICKER_SIZE)
    form.region_id.choices = [SelectChoice(0, _("Choose a region"))]
    form.region_id.choices += [SelectChoice(r.id, r.name) for r in regions]
    auditors, _n = list_users(actor, page=1, page_size=PICKER_SIZE, role=Role.AUDITOR, active=True)
    form.auditor_ids.choices = [SelectChoice(u.id, u.name) for u in auditors]
    return {c.key: c.kind for c in checklists}


def _kind_label(name: str, kind: str) -> str:
    """A checklist in a picker with its kind, one whole sentence for the translators."""
    if kind == "visit":
        return _("%(checklist)s (visit)", checklist=name)
    return _("%(checklist)s (call)", checklist=name)


def next_occurrences(schedule: Schedule, count: int = NEXT_SHOWN) -> list[str]:
    """The rule's next wall-clock times from today, the same on every location's clock."""
    if not schedule.active:
        return []
    hour, minute = map(int, schedule.local_time.split(":"))
    try:
        rule = parse_rule(schedule.rrule, schedule.starts_on, time(hour, minute))
    except RuleInvalid:
        return []
    today = datetime.combine(utcnow().date(), time(0))
    return [wall_clock(t) for t in itertools.islice(rule.xafter(today), count)]


def where(schedules: list[Schedule]) -> dict[int, str]:
    """Each schedule's places in a few words: its region, or its locations' codes."""
    region_ids = {s.region_id for s in schedules if s.region_id}
    stmt = select(Region.id, Region.name).where(Region.id.in_(region_ids))
    names = {region_id: name for region_id, name in db.session.execute(stmt)}
    said = {}
    for s in schedules:
        if s.region_id:
            said[s.id] = _("Region %(name)s", name=names.get(s.region_id, "?"))
            continue
        codes = [loc.code for loc in s.locations]
        said[s.id] = ", ".join(codes[:5])
        if len(codes) > 5:
            said[s.id] += " " + _("and %(num)d more", num=len(codes) - 5)
    return said


def preview_rows(planned: list[tuple[Any, int | None, Any]]) -> list[dict[str, Any]]:
    """The preview's rows: when on the location's clock, where, who (or nobody)."""
    planned = planned[:PREVIEW_ROWS]
    location_ids = {slot.location_id for slot, _a, _f in planned}
    auditor_ids = {a for _s, a, _f in planned if a}
    locations = {
        loc.id: loc
        for loc in db.session.scalars(select(Location).where(Location.id.in_(location_ids)))
    }
    stmt = select(User.id, User.name).where(User.id.in_(auditor_ids))
    names = {user_id: name for user_id, name in db.session.execute(stmt)}
    rows = []
    for slot, auditor_id, found in planned:
        loc = locations[slot.location_id]
        zone = ZoneInfo(loc.timezone)
        starts = slot.due_from.astimezone(zone)
        ends = slot.due_to.astimezone(zone)
        rows.append(
            {
                "starts": wall_clock(starts),
                "ends": wall_clock(ends),
                "timezone": loc.timezone,
                "location": f"{loc.code} {loc.name}",
                "auditor": names.get(auditor_id) if auditor_id else None,
                "made": found is not None,
            }
        )
    return rows
