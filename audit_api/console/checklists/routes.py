"""Checklist pages (HQ): the list, a version with its items, uploading the next version as YAML
or JSON, a score preview and publishing; thin views over the checklists service."""

from __future__ import annotations

from typing import Any

import yaml
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from audit_api.auth.policy import check
from audit_api.checklists import service
from audit_api.checklists.views import localize, preview_view
from audit_api.console import refusals
from audit_api.console.checklists import preview
from audit_api.console.checklists.forms import UploadForm
from audit_api.console.checklists.text import Problem, TextInvalid, parse, problems
from audit_api.console.forms import page_arg
from audit_api.console.session import roles_required
from audit_api.db import db
from audit_api.errors import DomainError, Reason
from audit_api.i18n import LanguageChoice
from audit_api.scoring.engine import iter_items

bp = Blueprint("checklists", __name__, url_prefix="/checklists")

PAGE_SIZE = 50
HQ = "hq_admin"


def _actor(action: str = "checklists:read") -> Any:
    """The signed-in user, if the policy lets their role do `action` (else the 403 page)."""
    check(g.console_user, action)
    return g.console_user


def _lang(languages: list[str]) -> str:
    """The page's language where the checklist has it, else its first."""
    return LanguageChoice(asked=str(get_locale() or "en")).for_checklist(languages)


@bp.get("/")
@roles_required(HQ)
def index() -> str:
    """The organization's checklists and the built-ins, each version linked."""
    actor = _actor()
    page = page_arg()
    rows, total = service.list_checklists(actor, page=page, page_size=PAGE_SIZE)
    shown = []
    for checklist in rows:
        published = [v for v in checklist.versions if v.published]
        latest = (published or checklist.versions)[-1].definition
        title = localize({"title": latest["title"]}, _lang(latest["languages"]))["title"]
        shown.append((checklist, title, latest["languages"], published[-1] if published else None))
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render_template(
        "console/checklists/index.html", rows=shown, total=total, page=page, pages=pages
    )


def _version_page(row: Any, status: int = 200, part: bool = False, **context: Any) -> Any:
    """The version's page, or only its preview section (an htmx preview)."""
    template = "_preview.html" if part else "version.html"
    context = {"form_data": {}, "answer_errors": {}, **context}
    definition = localize(row.definition, _lang(row.definition["languages"]))
    names = {s["key"]: s["title"] for s in definition["sections"]}
    names |= {i["key"]: i["prompt"] for _, i in iter_items(definition)}
    html = render_template(
        f"console/checklists/{template}",
        row=row,
        definition=definition,
        names=names,
        publishable=not row.published and not row.checklist.builtin,
        field_name=preview.field_name,
        na_name=preview.na_name,
        NA=preview.NA,
        **context,
    )
    return html, status


@bp.get("/<key>/versions/<int:version>")
@roles_required(HQ)
def version(key: str, version: int) -> Any:
    """A version: status, sections and items as defined, publish and score preview forms."""
    return _version_page(service.get_version(_actor(), key, version))


@bp.post("/<key>/versions/<int:version>/publish")
@roles_required(HQ)
def publish(key: str, version: int) -> Any:
    """Publish a draft; a refusal is shown on the version's page."""
    actor = _actor("checklists:write")
    try:
        service.publish(actor, key, version)
    except DomainError as error:
        if error.reason == Reason.not_found:
            raise
        db.session.rollback()
        row = service.get_version(actor, key, version)
        return _version_page(row, error.status, refusal=error.message)
    flash(_("Version %(version)d published: audits may now use it.", version=version), "success")
    return redirect(url_for(".version", key=key, version=version), 303)


@bp.post("/<key>/versions/<int:version>/preview")
@roles_required(HQ)
def score_preview(key: str, version: int) -> Any:
    """Score the form's answers with the service's preview: nothing is stored."""
    row = service.get_version(_actor(), key, version)
    answers = preview.answers_from(row.definition, request.form)
    result, errors, status = None, {}, 200
    try:
        scored = service.preview_score(row, answers)
        result = preview_view(scored, row.definition, _lang(row.definition["languages"]))
    except DomainError as error:
        if error.reason != Reason.answers_invalid:
            raise
        errors, status = preview.item_errors(error.errors), error.status
    part = bool(request.headers.get("HX-Request"))
    return _version_page(
        row, status, part, result=result, answer_errors=errors, form_data=request.form
    )


def _upload_page(form: UploadForm, found: list[Problem], status: int = 200, **kw: Any) -> Any:
    html = render_template("console/checklists/upload.html", form=form, problems=found, **kw)
    return html, status


def _store(actor: Any, data: Any) -> Any:
    """The next version of the organization's checklist with the definition's key, or a new
    checklist when it has none by that key."""
    key = data.get("key")
    if isinstance(key, str):
        try:
            service.get_checklist(actor, key)
        except DomainError:
            pass
        else:
            return service.create_version(actor, key, data)
    return service.create_checklist(actor, data)


@bp.route("/upload", methods=["GET", "POST"])
@roles_required(HQ)
def upload() -> Any:
    """Upload a version as YAML or JSON; errors are listed with their path and line."""
    actor = _actor("checklists:write")
    form = UploadForm()
    source = request.args.get("from", "")
    if request.method == "GET" and source:
        latest = service.get_checklist(actor, source).versions[-1].definition
        draft = {k: v for k, v in latest.items() if k != "version"}
        form.definition.data = yaml.safe_dump(draft, allow_unicode=True, sort_keys=False)
    if request.method == "GET" or not form.validate_on_submit():
        return _upload_page(form, [], 200 if request.method == "GET" else 422)
    text = form.text()
    if text is None:
        blank = Problem(_("Type or paste a definition, or choose a file."))
        return _upload_page(form, [] if form.file.errors else [blank], 422)
    try:
        data = parse(text)
        if not isinstance(data, dict):
            raise TextInvalid(Problem(_("The text must be one checklist: key, title, sections…")))
        row = _store(actor, data)
    except TextInvalid as invalid:
        return _upload_page(form, [invalid.problem], 422)
    except DomainError as error:
        refusals.rolled_back(error)
        found = problems(text, error.errors) if error.errors else [Problem(error.message)]
        return _upload_page(form, found, error.status)
    flash(_("Version %(version)d saved as a draft.", version=row.version), "success")
    return redirect(url_for(".version", key=row.checklist.key, version=row.version), 303)
