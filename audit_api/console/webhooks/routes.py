"""Webhook pages (HQ): endpoints listed and registered (the secret shown once), an endpoint's
page with its deliveries, and what the API allows on them, through the webhook service."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from audit_api.console.session import current_user, roles_required
from audit_api.console.webhooks.forms import EndpointForm, ReplayForm
from audit_api.db import db
from audit_api.errors import DomainError, Reason, validated
from audit_api.webhooks import service
from audit_api.webhooks.models import WebhookEndpoint
from audit_api.webhooks.schemas import ReplayIn, WebhookIn, WebhookPatch

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
HQ = "hq_admin"
DELIVERIES_SHOWN = 25


def _show_errors(form: Any, error: DomainError) -> None:
    """A refusal beside the field it names (the URL's SSRF check: beside the URL)."""
    for path, messages in (error.errors or {}).items():
        field = getattr(form, path.split("[")[0], None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.append(" ".join(messages))
    if not error.errors:
        form.form_errors.append(error.message)
    # A control left empty: a plain message in the page's language.
    if getattr(form, "url", None) is not None and form.url.errors and not form.url.data:
        form.url.errors = [_("Give the endpoint's URL.")]
    if getattr(form, "events", None) is not None and form.events.errors and not form.events.data:
        form.events.errors = [_("Choose at least one event.")]


def _index(form: EndpointForm, status: int = 200) -> Any:
    rows, _n = service.list_endpoints(current_user(), page=1, page_size=service.MAX_ENDPOINTS)
    return render_template("console/webhooks/index.html", rows=rows, form=form), status


@bp.get("/")
@roles_required(HQ)
def index() -> Any:
    """The organization's endpoints and the form to register one."""
    return _index(EndpointForm(formdata=None, events=["audit.approved"]))


@bp.post("/")
@roles_required(HQ)
def create() -> Any:
    """Register an endpoint; its page shows the signing secret this once."""
    form = EndpointForm()
    if not form.validate():
        return _index(form, 422)
    try:
        data = validated(WebhookIn(), form.service_data())
        endpoint = service.create_endpoint(current_user(), data)
    except DomainError as error:
        db.session.rollback()
        _show_errors(form, error)
        return _index(form, error.status)
    return _page(endpoint, secret=endpoint.secret, status=201)


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    return service.get_endpoint(current_user(), endpoint_id)


def _page(
    endpoint: WebhookEndpoint,
    form: EndpointForm | None = None,
    replay: ReplayForm | None = None,
    secret: str | None = None,
    status: int = 200,
) -> Any:
    if form is None:
        form = EndpointForm(formdata=None, obj=endpoint)
    deliveries, total = service.list_deliveries(endpoint, page=1, page_size=DELIVERIES_SHOWN)
    return (
        render_template(
            "console/webhooks/endpoint.html",
            endpoint=endpoint,
            form=form,
            replay=replay or ReplayForm(formdata=None),
            secret=secret,
            deliveries=deliveries,
            total=total,
        ),
        status,
    )


@bp.get("/<int:endpoint_id>")
@roles_required(HQ)
def endpoint(endpoint_id: int) -> Any:
    """An endpoint: its settings, what may be done with it and its recent deliveries."""
    return _page(_endpoint(endpoint_id))


@bp.post("/<int:endpoint_id>")
@roles_required(HQ)
def update(endpoint_id: int) -> Any:
    """Change the URL, events or description."""
    row, form = _endpoint(endpoint_id), EndpointForm()
    if not form.validate():
        return _page(row, form, status=422)
    try:
        service.update_endpoint(row, validated(WebhookPatch(), form.service_data()))
    except DomainError as error:
        db.session.rollback()
        _show_errors(form, error)
        return _page(_endpoint(endpoint_id), form, status=error.status)
    flash(_("Endpoint saved."), "success")
    return redirect(url_for(".endpoint", endpoint_id=endpoint_id), 303)


@bp.post("/<int:endpoint_id>/active")
@roles_required(HQ)
def set_active(endpoint_id: int) -> Any:
    """Enable (clearing why it was disabled) or disable the endpoint."""
    active = request.form.get("active") == "1"
    service.update_endpoint(_endpoint(endpoint_id), {"active": active})
    flash(_("Endpoint enabled.") if active else _("Endpoint disabled."), "success")
    return redirect(url_for(".endpoint", endpoint_id=endpoint_id), 303)


@bp.post("/<int:endpoint_id>/rotate")
@roles_required(HQ)
def rotate(endpoint_id: int) -> Any:
    """A new signing secret, shown this once; the old one signs too for a day."""
    row = service.rotate_secret(_endpoint(endpoint_id))
    return _page(row, secret=row.secret)


@bp.post("/<int:endpoint_id>/delete")
@roles_required(HQ)
def delete(endpoint_id: int) -> Any:
    """Remove the endpoint and its deliveries."""
    service.delete_endpoint(_endpoint(endpoint_id))
    flash(_("Endpoint deleted."), "success")
    return redirect(url_for(".index"), 303)


def _refused(endpoint_id: int, error: DomainError) -> Any:
    """The webhook service said no (a disabled endpoint): back to its page, saying why."""
    db.session.rollback()
    if error.reason == Reason.webhook_disabled:
        flash(_("The endpoint is disabled: enable it first."), "error")
    elif error.reason == Reason.not_found:
        raise error
    else:
        flash(error.message, "error")
    return redirect(url_for(".endpoint", endpoint_id=endpoint_id), 303)


@bp.post("/<int:endpoint_id>/deliveries/<int:delivery_id>/retry")
@roles_required(HQ)
def retry(endpoint_id: int, delivery_id: int) -> Any:
    """Send a delivery again now (same event id and bytes)."""
    try:
        service.retry_delivery(_endpoint(endpoint_id), delivery_id)
    except DomainError as error:
        return _refused(endpoint_id, error)
    flash(_("The delivery is being sent again."), "success")
    return redirect(url_for(".endpoint", endpoint_id=endpoint_id), 303)


@bp.post("/<int:endpoint_id>/replay")
@roles_required(HQ)
def replay(endpoint_id: int) -> Any:
    """Send the subscribed events since a time again, each with its original id."""
    row, form = _endpoint(endpoint_id), ReplayForm()
    if not form.validate() or form.since.data is None:
        if not form.since.errors:
            form.since.errors = [_("Give the time to replay from.")]
        return _page(row, replay=form, status=422)
    since = form.since.data.replace(tzinfo=UTC).isoformat()
    try:
        done = service.replay(row, validated(ReplayIn(), {"since": since})["since"])
    except DomainError as error:
        if error.reason == Reason.validation_failed:
            _show_errors(form, error)
            return _page(_endpoint(endpoint_id), replay=form, status=422)
        return _refused(endpoint_id, error)
    n = done["queued"]
    flash(
        ngettext(
            "%(num)d event queued to be sent again.", "%(num)d events queued to be sent again.", n
        ),
        "success",
    )
    return redirect(url_for(".endpoint", endpoint_id=endpoint_id), 303)


@bp.post("/<int:endpoint_id>/test")
@roles_required(HQ)
def test_event(endpoint_id: int) -> Any:
    """Send a webhook.test event to this endpoint alone."""
    try:
        service.send_test(_endpoint(endpoint_id))
    except DomainError as error:
        return _refused(endpoint_id, error)
    flash(_("A test event is on its way."), "success")
    return redirect(url_for(".endpoint", endpoint_id=endpoint_id), 303)
