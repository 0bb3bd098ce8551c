"""Forms of the review area: the queue's filters (a GET form) and the review decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SearchField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from audit_api.fields import MAX_ID


class QueueFilters(FlaskForm):
    """What the queue is narrowed to; a plain GET form (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Location"), validators=[Optional(), Length(max=100)])
    region_id = SelectField(_l("Region"), coerce=int, validators=[Optional()], default=0)
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice("", _l("Any kind")),
            SelectChoice("visit", _l("Visit")),
            SelectChoice("call", _l("Call")),
        ],
        validators=[Optional()],
        default="",
    )
    checklist_key = SelectField(_l("Checklist"), validators=[Optional()], default="")
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=MAX_ID)], default=1)


class ReviewForm(FlaskForm):
    """A decision on a submitted audit; `revision` is the audit's version the reviewer saw."""

    note = TextAreaField(_l("Note for the auditor"), validators=[Optional(), Length(max=4000)])
    revision = HiddenField(validators=[InputRequired()])
    # Sent by the button pressed (name="decision"), not rendered as a field.
    decision = HiddenField(validators=[AnyOf(["approve", "return", "reject"])])


class CommentForm(FlaskForm):
    """A comment on the audit (kept in its history; comments are never edited)."""

    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=4000)])
