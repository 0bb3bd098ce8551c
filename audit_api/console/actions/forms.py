"""Forms of the actions area: the list's filter (GET) and the resolution (note and photo)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from audit_api.actions.schemas import NOTE
from audit_api.evidence.images import CONTENT_TYPES

SHOWN = ("outstanding", "overdue", "resolved", "all")


class ActionFilters(FlaskForm):
    """Which actions the list shows."""

    class Meta:
        csrf = False

    show = SelectField(
        _l("Show"),
        choices=[
            SelectChoice("outstanding", _l("Open")),
            SelectChoice("overdue", _l("Overdue")),
            SelectChoice("resolved", _l("Resolved")),
            SelectChoice("all", _l("All")),
        ],
        default="outstanding",
    )


def list_filters(show: str) -> dict[str, object]:
    """The action service's filters for a choice of the list."""
    return {
        "outstanding": {"outstanding": True},
        "overdue": {"overdue": True},
        "resolved": {"status": "resolved"},
        "all": {},
    }.get(show, {"outstanding": True})


class ResolveForm(FlaskForm):
    """What was done about an action: a note, and a photo of it."""

    note = TextAreaField(
        _l("What was done"),
        validators=[DataRequired(), Length(NOTE.min, NOTE.max)],
    )
    photo = FileField(
        _l("Photo of the work (JPEG, PNG, HEIC or WebP)"),
        # Phones offer the camera as well as the gallery for an image input.
        render_kw={"accept": ",".join(CONTENT_TYPES)},
    )
