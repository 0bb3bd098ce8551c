"""Forms of the webhooks area: an endpoint (URL, events, description) and a replay."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectChoice, StringField
from wtforms.validators import Length, Optional

from audit_api.console.schedules.forms import Checkboxes
from audit_api.webhooks.models import EVENT_TYPES


class EndpointForm(FlaskForm):
    """Where the events go and which ones; the service checks the URL (SSRF) and the rest."""

    url = StringField(_l("URL"), validators=[Length(max=2000)])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=500)])
    events = Checkboxes(
        _l("Events"), choices=[SelectChoice(e, e) for e in EVENT_TYPES], validate_choice=False
    )

    def service_data(self) -> dict[str, Any]:
        """The fields in the shape of the API's body (WebhookIn)."""
        return {
            "url": (self.url.data or "").strip(),
            "events": list(self.events.data or []),
            "description": (self.description.data or "").strip() or None,
        }


class ReplayForm(FlaskForm):
    """Send the subscribed events since a time again."""

    since = DateTimeLocalField(_l("Since (UTC)"), validators=[Optional()])
