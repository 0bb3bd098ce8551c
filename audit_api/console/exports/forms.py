"""The export form: what, which format and the filters of the API's export endpoints.

It only renders and offers choices; the query is validated by the API's own schemas, so a
filter means the same here as in `/api/v1/exports`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField
from wtforms.fields.choices import SelectChoice

from audit_api.checklists.service import list_checklists
from audit_api.console.scores.forms import KINDS
from audit_api.console.scores.labels import checklist_title
from audit_api.locations.service import list_locations
from audit_api.regions.service import list_regions
from audit_api.users.models import User

MAX_CHOICES = 500  # longer menus help nobody: past this, the region narrows it


class ExportForm(FlaskForm):
    """Choose an export and its filters (a GET form: downloading changes nothing)."""

    class Meta:
        csrf = False

    what = SelectField(
        _l("Export"),
        choices=[
            SelectChoice("audits", _l("Audits: one row per audit")),
            SelectChoice("answers", _l("Answers: one row per answered item")),
            SelectChoice("actions", _l("Corrective actions")),
        ],
        default="audits",
    )
    fmt = SelectField(
        _l("Format"),
        choices=[
            SelectChoice("csv", _l("CSV")),
            SelectChoice("xlsx", _l("Excel (XLSX, audits only)")),
            SelectChoice("jsonl", _l("JSON Lines")),
        ],
        default="csv",
    )
    start = DateField(_l("Visits from"), name="from")
    end = DateField(_l("Visits to"), name="to")
    status = SelectField(
        _l("Audit status"),
        choices=[
            SelectChoice("approved", _l("Approved")),
            SelectChoice("submitted", _l("Submitted, awaiting review")),
            SelectChoice("returned", _l("Returned")),
            SelectChoice("rejected", _l("Rejected")),
            SelectChoice("all", _l("Any status")),
        ],
        default="approved",
    )
    kind = SelectField(_l("Kind"), choices=KINDS, default="")
    checklist_key = SelectField(_l("Checklist"), choices=[SelectChoice("", _l("Every checklist"))])
    region_id = SelectField(_l("Region"), choices=[SelectChoice("", _l("All regions"))])
    location_id = SelectField(_l("Location"), choices=[SelectChoice("", _l("All locations"))])
    bom = BooleanField(_l("For Excel: start the CSV with a UTF-8 mark"))


def export_form(actor: User, formdata) -> ExportForm:
    """The form with the actor's regions, locations and checklists to choose from."""
    form = ExportForm(formdata=formdata)
    regions, _ = list_regions(actor, page=1, page_size=MAX_CHOICES)
    form.region_id.choices = [
        SelectChoice("", _l("All regions")),
        *(SelectChoice(str(r.id), r.name) for r in regions),
    ]
    locations, total = list_locations(actor, page=1, page_size=MAX_CHOICES)
    if total > MAX_CHOICES:
        del form.location_id
    else:
        shown = (SelectChoice(str(loc.id), f"{loc.code} · {loc.name}") for loc in locations)
        form.location_id.choices = [SelectChoice("", _l("All locations")), *shown]
    checklists, _ = list_checklists(actor, page=1, page_size=MAX_CHOICES)
    form.checklist_key.choices = [
        SelectChoice("", _l("Every checklist")),
        *(SelectChoice(c.key, checklist_title(c)) for c in checklists),
    ]
    return form
