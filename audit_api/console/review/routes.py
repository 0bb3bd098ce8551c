"""Views of the review area: thin over the audits services and the policy."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from audit_api.audits import review
from audit_api.audits.models import Audit
from audit_api.audits.service import get_audit
from audit_api.checklists.views import localize
from audit_api.console import refusals
from audit_api.console.review import queue
from audit_api.console.review.forms import CommentForm, QueueFilters, ReviewForm
from audit_api.console.review.page import STATUS_LABELS, audit_page, event_label
from audit_api.console.scores.labels import checklist_labels, page_lang
from audit_api.console.session import current_user, login_required
from audit_api.db import db
from audit_api.errors import DomainError, Reason
from audit_api.evidence.serving import serve_stored
from audit_api.photos import service as photos
from audit_api.regions.service import list_regions

bp = Blueprint("review", __name__, url_prefix="/review")
SIGNAL_LABELS = {
    "time": _l("Outside the visit time"),
    "place": _l("Far from the location"),
    "checkin": _l("Check-in outside the geofence"),
    "copy": _l("Duplicate photo"),
    "other": _l("Other signal"),
}


DONE = {
    "approve": _l("Approved."),
    "return": _l("Returned to the auditor with your note."),
    "reject": _l("Rejected."),
}


def checklist_title(audit: Any) -> str:
    """The audit's checklist title in the page's language, with its version."""
    definition = audit.checklist_version.definition
    lang = str(get_locale() or "en")
    if lang not in definition.get("languages", []):
        lang = definition["languages"][0]
    title = localize({"title": definition["title"]}, lang)["title"]
    return f"{title} v{audit.checklist_version.version}"


def _filters() -> tuple[QueueFilters, dict[str, Any]]:
    form = QueueFilters(request.args)
    regions, _ = list_regions(current_user(), page=1, page_size=500)
    form.region_id.choices = [SelectChoice(0, _l("Any region"))]
    form.region_id.choices += [SelectChoice(r.id, r.name) for r in regions]
    keys = queue.checklist_keys(current_user())
    form.checklist_key.choices = [SelectChoice("", _l("Any checklist"))]
    titles = checklist_labels(current_user(), keys, page_lang())
    form.checklist_key.choices += [SelectChoice(k, titles.get(k, {}).get("", k)) for k in keys]
    if not form.validate():
        return form, {}
    data = {
        "q": (form.q.data or "").strip() or None,
        "region_id": form.region_id.data or None,
        "kind": form.kind.data or None,
        "checklist_key": form.checklist_key.data or None,
    }
    return form, {k: v for k, v in data.items() if v is not None}


@bp.get("/", endpoint="queue")
@login_required
def queue_page() -> Any:
    """Submitted audits waiting for review, oldest first; filters as a GET form (htmx swaps
    only the list)."""
    form, filters = _filters()
    page = 1 if form.page.errors else form.page.data or 1
    rows, total = queue.waiting(current_user(), filters, page, queue.PAGE_SIZE)
    pages = max(1, -(-total // queue.PAGE_SIZE))
    names = queue.names(r.audit.auditor_id for r in rows)
    context = {
        "form": form,
        "rows": rows,
        "total": total,
        "page": page,
        "pages": pages,
        "args": {k: v for k, v in request.args.items() if k != "page"},
        "names": names,
        "signal_labels": SIGNAL_LABELS,
        "checklist_title": checklist_title,
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "queue":
        return render_template("console/review/_queue.html", **context)
    return render_template("console/review/queue.html", **context)


def _render_audit(
    audit: Audit,
    form: ReviewForm | None = None,
    comment_form: CommentForm | None = None,
    **extra: Any,
) -> str:
    page = audit_page(current_user(), audit)
    if form is None:
        form = ReviewForm(formdata=None)
    form.revision.data = str(audit.row_version)
    return render_template(
        "console/review/audit.html",
        page=page,
        audit=audit,
        form=form,
        comment_form=comment_form or CommentForm(formdata=None),
        checklist_title=checklist_title,
        signal_labels=SIGNAL_LABELS,
        status_labels=STATUS_LABELS,
        event_label=event_label,
        **extra,
    )


@bp.get("/audits/<uuid:audit_id>", endpoint="audit")
@login_required
def audit_page_view(audit_id: UUID) -> Any:
    """One audit: its answers, evidence and history, and the decision on it."""
    return _render_audit(get_audit(current_user(), str(audit_id)))


@bp.post("/audits/<uuid:audit_id>/review", endpoint="review")
@login_required
def review_audit(audit_id: UUID) -> Any:
    """Approve, return (with a note) or reject through the audits' review service. A page
    older than the audit answers 409 with the audit as it is now; htmx swaps the page's
    audit part in place, a plain form post is redirected back to the audit."""
    user, form = current_user(), ReviewForm()
    # Locked until the decision is committed: nobody changes it between the check and it.
    audit = get_audit(user, str(audit_id), lock=True)
    if not form.validate():
        db.session.rollback()
        return _render_audit(_fresh(audit_id), form), 422
    decision, note = form.decision.data, (form.note.data or "").strip() or None
    if refusals.stale(form, audit):
        db.session.rollback()
        return _conflict(audit_id, form)
    try:
        review.review(user, audit.id, decision, note)
    except DomainError as error:
        db.session.rollback()
        if error.reason == Reason.note_required:
            form.note.errors = [_("Say what the auditor must fix before returning it.")]
            return _render_audit(_fresh(audit_id), form), 422
        if error.reason == Reason.audit_not_submitted:
            return _conflict(audit_id, form)
        raise
    flash(DONE[decision], "success")
    if request.headers.get("HX-Request"):
        return _render_audit(_fresh(audit_id))
    return redirect(url_for(".audit", audit_id=audit.id))


def _fresh(audit_id: UUID) -> Audit:
    return get_audit(current_user(), str(audit_id))


def _conflict(audit_id: UUID, form: ReviewForm) -> Any:
    """Someone else changed the audit since the page was loaded: show it as it is now,
    keeping the reviewer's note so nothing typed is lost."""
    kept = ReviewForm(formdata=None, note=form.note.data)
    conflict = _(
        "Someone else changed this audit while you were looking at it. "
        "Here it is as it is now: check it before you decide."
    )
    return _render_audit(_fresh(audit_id), kept, conflict=conflict), 409


@bp.post("/audits/<uuid:audit_id>/comments", endpoint="comment")
@login_required
def comment_audit(audit_id: UUID) -> Any:
    """Add a comment to the audit's history (anyone who may see the audit)."""
    form = CommentForm()
    if not form.validate():
        return _render_audit(_fresh(audit_id), comment_form=form), 422
    try:
        review.comment(current_user(), str(audit_id), (form.body.data or "").strip())
    except DomainError as error:
        db.session.rollback()
        if error.reason != Reason.too_many_comments:
            raise
        form.body.errors = [_("This audit takes no more comments.")]
        return _render_audit(_fresh(audit_id), comment_form=form), 409
    flash(_("Comment added."), "success")
    if request.headers.get("HX-Request"):
        return _render_audit(_fresh(audit_id))
    return redirect(url_for(".audit", audit_id=str(audit_id), _anchor="timeline-title"))


@bp.get("/photos/<uuid:photo_id>/<any(thumb, display):variant>")
@login_required
def photo(photo_id: UUID, variant: str) -> Any:
    """A photo's thumbnail or display copy (metadata stripped), for a user who may see its
    audit; the original stays with the API (HQ only)."""
    shown, key = photos.content(current_user(), str(photo_id), variant)
    missing = Reason.photo_missing.error("The photo's file is missing from storage.")
    return serve_stored(key, "image/jpeg", f"{shown.sha256}-{variant}", missing)
