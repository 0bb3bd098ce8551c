"""HTTP endpoints of /api/v1/checklists."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api import openapi
from audit_api.auth.guard import current_user, requires
from audit_api.checklists import service
from audit_api.checklists.schemas import (
    ChecklistOut,
    ChecklistQuery,
    DefinitionIn,
    PreviewOut,
    ScoreIn,
    VersionOut,
    VersionSummary,
)
from audit_api.checklists.views import (
    checklist_view,
    preview_view,
    version_summary,
    version_view,
)
from audit_api.http import MAX_PAGE_SIZE, check_if_match, paged, with_etag
from audit_api.i18n import grade_language, pick_language

blp = Blueprint("checklists", __name__, url_prefix="/api/v1/checklists", description="Checklists.")


def _version_response(row: Any, status: int = 200) -> Any:
    lang = pick_language(row.definition["languages"])
    content = {"Content-Language": lang or ", ".join(row.definition["languages"])}
    return with_etag(row, version_view(row, lang), status, content)


@blp.route("")
class Checklists(MethodView):
    """Built-in checklists and the organization's own."""

    @requires("checklists:read")
    @blp.arguments(ChecklistQuery, location="query")
    @blp.response(200, ChecklistOut(many=True))
    @blp.paginate(max_page_size=MAX_PAGE_SIZE)
    @openapi.lang
    @blp.doc(operationId="listChecklists")
    def get(self, query: dict[str, Any], pagination_parameters: Any) -> Any:
        """List the checklists the caller's organization can use."""
        items = paged(service.list_checklists, pagination_parameters, kind=query.get("kind"))
        return [
            checklist_view(c, pick_language(c.versions[-1].definition["languages"])) for c in items
        ]

    @requires("checklists:write")
    @blp.arguments(DefinitionIn)
    @blp.response(201, VersionOut)
    @openapi.etag
    @openapi.lang
    @blp.doc(operationId="createChecklist")
    def post(self, data: dict[str, Any]) -> Any:
        """Create a checklist (HQ only): the definition becomes draft version 1."""
        return _version_response(service.create_checklist(current_user(), data), 201)


@blp.route("/<key>")
class ChecklistByKey(MethodView):
    """One checklist."""

    @requires("checklists:read")
    @blp.response(200, ChecklistOut)
    @openapi.lang
    @blp.doc(operationId="getChecklist")
    def get(self, key: str) -> Any:
        """A checklist with the state of every version."""
        checklist = service.get_checklist(current_user(), key)
        return checklist_view(
            checklist, pick_language(checklist.versions[-1].definition["languages"])
        )


@blp.route("/<key>/versions")
class Versions(MethodView):
    """The versions of a checklist."""

    @requires("checklists:read")
    @blp.response(200, VersionSummary(many=True))
    @blp.doc(operationId="listChecklistVersions")
    def get(self, key: str) -> Any:
        """Every version's number and state."""
        return [version_summary(v) for v in service.get_checklist(current_user(), key).versions]

    @requires("checklists:write")
    @blp.arguments(DefinitionIn)
    @blp.response(201, VersionOut)
    @openapi.etag
    @openapi.lang
    @blp.doc(operationId="createChecklistVersion")
    def post(self, data: dict[str, Any], key: str) -> Any:
        """Start the next version as a draft (HQ, own checklists only)."""
        return _version_response(service.create_version(current_user(), key, data), 201)


@blp.route("/<key>/versions/<int:version>")
class VersionByNumber(MethodView):
    """One version."""

    @requires("checklists:read")
    @blp.response(200, VersionOut)
    @openapi.if_none_match
    @openapi.lang
    @blp.doc(operationId="getChecklistVersion")
    def get(self, key: str, version: int) -> Any:
        """A version with its definition in the caller's language (or all)."""
        return _version_response(service.get_version(current_user(), key, version))

    @requires("checklists:write")
    @blp.arguments(DefinitionIn)
    @blp.response(200, VersionOut)
    @openapi.etag
    @openapi.if_match
    @openapi.lang
    @blp.doc(operationId="putChecklistVersion")
    def put(self, data: dict[str, Any], key: str, version: int) -> Any:
        """Replace a draft's definition; a published version answers 409. Honours If-Match."""
        row = service.get_version(current_user(), key, version)
        check_if_match(row)
        return _version_response(service.replace_draft(row, data))


@blp.route("/<key>/versions/<int:version>/publish")
class Publish(MethodView):
    """Publishing."""

    @requires("checklists:write")
    @blp.response(200, VersionOut)
    @openapi.etag
    @openapi.lang
    @blp.doc(operationId="publishChecklistVersion")
    def post(self, key: str, version: int) -> Any:
        """Publish a draft: from now on it never changes and audits may pin it."""
        return _version_response(service.publish(current_user(), key, version))


@blp.route("/<key>/versions/<int:version>/score")
class Score(MethodView):
    """Score preview."""

    @requires("checklists:read")
    @blp.arguments(ScoreIn)
    @blp.response(200, PreviewOut)
    @openapi.lang
    @blp.doc(operationId="previewScore")
    def post(self, data: dict[str, Any], key: str, version: int) -> Any:
        """Score a set of answers without storing anything (validated as a submit would be),
        and list the corrective actions an approval of them would open."""
        row = service.get_version(current_user(), key, version)
        result = service.preview_score(row, data["answers"])
        return preview_view(result, row.definition, grade_language(row.definition["languages"]))
