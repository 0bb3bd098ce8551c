"""Forms of the places area. They render and carry the CSRF token; what is valid is decided by
the API's schemas (regions/schemas.py, locations/schemas.py) and services, never here."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField

from audit_api.console.places.tree import region_choices
from audit_api.console.refusals import decimal, number
from audit_api.locations.models import Location
from audit_api.regions.models import Region
from audit_api.users.models import User


class RegionForm(FlaskForm):
    """A region's name and the region it sits under."""

    name = StringField(_l("Name"))
    parent_id = SelectField(_l("Under"), choices=[])
    revision = HiddenField()


class LocationForm(FlaskForm):
    """What the location service takes: code, name, address, phone, time zone, position,
    geofence and region."""

    code = StringField(_l("Code"), render_kw={"autocomplete": "off"})
    name = StringField(_l("Name"))
    address = StringField(_l("Address"))
    phone = StringField(_l("Phone (international, e.g. +56 2 2345 6789)"))
    timezone = StringField(_l("Time zone (e.g. America/Santiago)"))
    latitude = StringField(_l("Latitude"), render_kw={"inputmode": "decimal"})
    longitude = StringField(_l("Longitude"), render_kw={"inputmode": "decimal"})
    geofence_m = StringField(_l("Geofence radius (metres)"), render_kw={"inputmode": "numeric"})
    region_id = SelectField(_l("Region"), choices=[])
    revision = HiddenField()


def _filled(form: FlaskForm, obj: Any, fresh: bool) -> None:
    if obj is not None and (fresh or not form.is_submitted()):
        form.revision.data = str(obj.row_version)


def region_form(actor: User, region: Region | None = None, fresh: bool = False) -> RegionForm:
    """The region form with the tree to choose the parent from."""
    form = RegionForm(obj=region, formdata=None) if fresh else RegionForm(obj=region)
    form.parent_id.choices = region_choices(actor, empty=str(_l("Nothing: a top region")))
    if region is not None and (fresh or not form.is_submitted()):
        form.parent_id.data = str(region.parent_id or "")
    _filled(form, region, fresh)
    return form


def region_data(form: RegionForm) -> dict[str, Any]:
    """The posted form as the API's region body."""
    return {"name": form.name.data or "", "parent_id": number(form.parent_id.data)}


def location_form(
    actor: User, location: Location | None = None, fresh: bool = False
) -> LocationForm:
    """The location form with the tree to choose the region from."""
    form = LocationForm(obj=location, formdata=None) if fresh else LocationForm(obj=location)
    form.region_id.choices = region_choices(actor, empty=str(_l("No region")))
    if location is not None and (fresh or not form.is_submitted()):
        form.region_id.data = str(location.region_id or "")
    _filled(form, location, fresh)
    return form


def location_data(form: LocationForm) -> dict[str, Any]:
    """The posted form as the API's location body; an empty geofence takes its default."""
    # A field left out of the post keeps the location's value (WTForms takes it from obj).
    raw = {field.name: str(field.data if field.data is not None else "") for field in form}
    data: dict[str, Any] = {
        name: raw[name] for name in ("code", "name", "address", "phone", "timezone")
    }
    data["latitude"] = decimal(raw["latitude"])
    data["longitude"] = decimal(raw["longitude"])
    data["region_id"] = number(raw["region_id"])
    if raw["geofence_m"].strip():
        data["geofence_m"] = number(raw["geofence_m"])
    return data
