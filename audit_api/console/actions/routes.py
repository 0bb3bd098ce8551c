"""Action pages: the list in scope, one action with its history, and its resolution with a
note and a photo, through the services and rules the API uses."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.views import MethodView
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from audit_api.actions import service
from audit_api.actions.models import OUTSTANDING
from audit_api.actions.views import action_view
from audit_api.auth.policy import check
from audit_api.console import refusals
from audit_api.console.actions.forms import ActionFilters, ResolveForm, list_filters
from audit_api.console.forms import page_arg
from audit_api.console.scores.labels import action_titles, checklist_labels, page_lang
from audit_api.console.session import login_required
from audit_api.errors import DomainError, Reason
from audit_api.evidence.serving import serve_stored
from audit_api.fields import MAX_ID
from audit_api.locations.service import get_location
from audit_api.photos import action_photos
from audit_api.photos.routes import PHOTO_BODY, read_file

bp = Blueprint("actions", __name__, url_prefix="/actions")

PAGE_SIZE = 25
VARIANTS = ("thumb", "display")


def _user(action: str) -> Any:
    """The signed-in user, if their role may do `action` (else the 403 page)."""
    check(g.console_user, action)
    return g.console_user


@bp.get("/")
@login_required
def index() -> str:
    """Actions in scope: open (the default), overdue, resolved or all; soonest due first."""
    actor = _user("actions:read")
    form = ActionFilters(formdata=request.args)
    if not form.validate():
        form.show.data = form.show.default
    filters: dict[str, Any] = dict(list_filters(form.show.data))
    location = None
    raw = request.args.get("location_id", "")
    if raw.isdigit():  # past the id columns' range it names nothing: the 404 page
        location = get_location(actor, int(raw) if len(raw) <= 10 and int(raw) <= MAX_ID else 0)
        filters["location_id"] = location.id
    page = page_arg()
    rows, total = service.list_actions(actor, page=page, page_size=PAGE_SIZE, **filters)
    return render_template(
        "console/actions/index.html",
        form=form,
        location=location,
        rows=[(a, action_view(a)) for a in rows],
        labels=checklist_labels(actor, {a.checklist_key for a in rows}, page_lang()),
        titles=action_titles(actor, rows, page_lang()),
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
    )


def _detail(actor: Any, action_id: int, form: ResolveForm, status: int = 200) -> Any:
    action = service.get_action(actor, action_id)
    photos = action_photos.list_photos(actor, action.id)
    return (
        render_template(
            "console/actions/detail.html",
            action=action,
            view=action_view(action),
            photos=photos,
            form=form if action.status in OUTSTANDING else None,
            problems=getattr(form, "form_errors", []),
            events=service.events(actor, action.id)[0],
            labels=checklist_labels(actor, [action.checklist_key], page_lang()),
            title=action_titles(actor, [action], page_lang())[action.id],
        ),
        status,
    )


@bp.get("/<int:action_id>")
@login_required
def detail(action_id: int) -> Any:
    """One action: what failed, when it is due, its photos and history, and the resolve form."""
    return _detail(_user("actions:read"), action_id, ResolveForm())


def _form_errors(form: ResolveForm, error: DomainError) -> None:
    """A service refusal shown beside the field it names, else above the form."""
    photo_problem = any(path.startswith(("file", "photo")) for path in error.errors)
    if error.reason == Reason.action_not_open:
        form.form_errors.append(_("This action is no longer open: it was resolved or closed."))
    elif error.reason == Reason.payload_too_large:
        form.photo.errors = [*form.photo.errors, _("This photo is too large.")]
    elif photo_problem or error.reason == Reason.unsupported_media_type:
        form.photo.errors = [*form.photo.errors, _("This file is not a photo that can be used.")]
    elif "note" in error.errors:
        form.note.errors = [*form.note.errors, *error.errors["note"]]
    else:
        form.form_errors.append(error.message)


class Resolve(MethodView):
    """Resolution: the photo is stored as the API's upload stores it, then named in it."""

    body_limit = PHOTO_BODY  # a phone photo is larger than the app's general body limit
    decorators = [login_required]

    def post(self, action_id: int) -> Any:
        """Resolve with a note and an optional photo; a refusal shows on the form."""
        actor = _user("actions:write")
        form = ResolveForm()
        if not form.validate_on_submit():
            return _detail(actor, action_id, form, 422)
        try:
            photo_ids = []
            if form.photo.data:
                photo, _new = action_photos.upload(
                    actor, action_id, str(uuid.uuid4()), read_file(form.photo.data)
                )
                photo_ids.append(photo.id)
            action = service.get_action(actor, action_id, lock=True)
            service.resolve(actor, action, form.note.data, photo_ids)
        except DomainError as error:
            refusals.rolled_back(error)
            _form_errors(form, error)
            return _detail(actor, action_id, form, error.status)
        flash(_("Action resolved. The next approved audit will verify it."), "success")
        return redirect(url_for(".detail", action_id=action_id), 303)


bp.add_url_rule("/<int:action_id>/resolve", view_func=Resolve.as_view("resolve"))


@bp.get("/<int:action_id>/photos/<uuid:photo_id>/<any(thumb, display):variant>")
@login_required
def photo(action_id: int, photo_id: uuid.UUID, variant: str) -> Response:
    """A photo of the action's work (thumbnail or display copy), as the API serves it."""
    actor = _user("actions:read")
    row, key = action_photos.content(actor, action_id, str(photo_id), variant)
    missing = Reason.photo_missing.error("The photo's file is missing from storage.")
    return serve_stored(key, "image/jpeg", f"{row.sha256}-{variant}", missing)
