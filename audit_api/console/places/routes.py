"""Places pages (HQ): the region tree with its locations; regions and locations created,
changed, moved and deleted through the services and schemas the API uses (a location moved
here is moved by the API's own update, so the score roll-ups follow it)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from audit_api.console import refusals
from audit_api.console.places.forms import (
    location_data,
    location_form,
    region_data,
    region_form,
)
from audit_api.console.places.tree import region_tree
from audit_api.console.session import org_admin, roles_required
from audit_api.errors import DomainError, Reason, validated
from audit_api.locations import service as locations
from audit_api.locations.schemas import LocationIn, LocationPatch
from audit_api.regions import service as regions
from audit_api.regions.schemas import RegionIn, RegionPatch

bp = Blueprint("places", __name__, url_prefix="/places")

STALE = refusals.BY_REASON[Reason.stale_etag]


@bp.get("/")
@roles_required("hq_admin")
def index() -> str:
    """The region tree, each region with its locations; locations without a region last."""
    return render_template("console/places/index.html", tree=region_tree(org_admin()))


def _page(template: str, form: Any, obj: Any, status: int = 200, **extra: Any) -> Any:
    return render_template(f"console/places/{template}", form=form, obj=obj, **extra), status


def _refused(template: str, form: Any, obj: Any, error: DomainError) -> Any:
    """Nothing of the attempt is kept; the refusal shows beside its field or above the form."""
    refusals.refuse(form, error, {})
    return _page(template, form, obj, error.status)


def _stale(template: str, fresh: Any, obj: Any) -> Any:
    """The form as stored now, saying that someone changed it meanwhile: nothing is saved."""
    fresh.form_errors = [STALE]
    return _page(template, fresh, obj, 409)


def _saved(message: str) -> Any:
    flash(message, "success")
    return redirect(url_for(".index"), 303)


@bp.route("/regions/new", methods=["GET", "POST"])
@roles_required("hq_admin")
def new_region() -> Any:
    """Add a region, at the top or under another."""
    actor = org_admin()
    form = region_form(actor)
    if request.method == "GET":
        form.parent_id.data = request.args.get("parent_id", "")
        return _page("region.html", form, None)
    try:
        region = regions.create_region(actor, validated(RegionIn(), region_data(form)))
    except DomainError as error:
        return _refused("region.html", form, None, error)
    return _saved(_("Region %(name)s was added.", name=region.name))


@bp.route("/regions/<int:region_id>", methods=["GET", "POST"])
@roles_required("hq_admin")
def region(region_id: int) -> Any:
    """Rename a region or move it under another (never below itself)."""
    actor = org_admin()
    found = regions.get_region(actor, region_id)
    form = region_form(actor, found)
    if request.method == "GET":
        return _page("region.html", form, found)
    if refusals.stale(form, found):
        return _stale("region.html", region_form(actor, found, fresh=True), found)
    try:
        regions.update_region(actor, found, validated(RegionPatch(), region_data(form)))
    except DomainError as error:
        return _refused("region.html", form, found, error)
    return _saved(_("Region %(name)s is saved.", name=found.name))


@bp.post("/regions/<int:region_id>/delete")
@roles_required("hq_admin")
def delete_region(region_id: int) -> Any:
    """Delete an empty region; one still in use stays, and the page says what uses it."""
    actor = org_admin()
    found = regions.get_region(actor, region_id)
    name = found.name
    try:
        regions.delete_region(found)
    except DomainError as error:
        return _refused("region.html", region_form(actor, found, fresh=True), found, error)
    return _saved(_("Region %(name)s was deleted.", name=name))


@bp.route("/locations/new", methods=["GET", "POST"])
@roles_required("hq_admin")
def new_location() -> Any:
    """Add a location, in a region or none."""
    actor = org_admin()
    form = location_form(actor)
    if request.method == "GET":
        form.region_id.data = request.args.get("region_id", "")
        return _page("location.html", form, None)
    try:
        data = validated(LocationIn(), location_data(form))
        location = locations.create_location(actor, data)
    except DomainError as error:
        return _refused("location.html", form, None, error)
    return _saved(_("Location %(code)s was added.", code=location.code))


@bp.route("/locations/<int:location_id>", methods=["GET", "POST"])
@roles_required("hq_admin")
def location(location_id: int) -> Any:
    """Change a location or move it to another region."""
    actor = org_admin()
    found = locations.get_location(actor, location_id)
    form = location_form(actor, found)
    if request.method == "GET":
        return _page("location.html", form, found)
    if refusals.stale(form, found):
        return _stale("location.html", location_form(actor, found, fresh=True), found)
    try:
        data = validated(LocationPatch(), location_data(form))
        locations.update_location(actor, found, data)
    except DomainError as error:
        return _refused("location.html", form, found, error)
    return _saved(_("Location %(code)s is saved.", code=found.code))


@bp.post("/locations/<int:location_id>/delete")
@roles_required("hq_admin")
def delete_location(location_id: int) -> Any:
    """Delete a location no manager has in scope; otherwise the page says so."""
    actor = org_admin()
    found = locations.get_location(actor, location_id)
    code = found.code
    try:
        locations.delete_location(found)
    except DomainError as error:
        return _refused("location.html", location_form(actor, found, fresh=True), found, error)
    return _saved(_("Location %(code)s was deleted.", code=code))
