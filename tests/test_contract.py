"""The served OpenAPI document is a contract a generated client can build on."""

from __future__ import annotations

import json
import re

import pytest

METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture
def spec(client) -> dict:
    """The document the app serves."""
    return client.get("/api/v1/openapi.json").get_json()


def operations(spec: dict):
    """(method, path, operation) of every operation."""
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def test_every_operation_has_a_unique_camel_case_operation_id(spec):
    ids = [op.get("operationId") for _, _, op in operations(spec)]
    assert None not in ids, [f"{m} {p}" for m, p, op in operations(spec) if "operationId" not in op]
    assert all(re.fullmatch(r"[a-z]+([A-Z][a-z0-9]*)*", i) for i in ids), ids
    assert len(ids) == len(set(ids))


def test_the_ids_the_phone_apps_use_are_stable(spec):
    ids = {f"{m.upper()} {p}": op["operationId"] for m, p, op in operations(spec)}
    assert ids["GET /api/v1/audits"] == "listAudits"
    assert ids["GET /api/v1/audits/{audit_id}"] == "getAudit"
    assert ids["PUT /api/v1/audits/{audit_id}"] == "putAudit"
    assert ids["POST /api/v1/audits/{audit_id}/submit"] == "submitAudit"
    assert ids["POST /api/v1/audits/{audit_id}/review"] == "reviewAudit"
    assert ids["POST /api/v1/audits/{audit_id}/photos"] == "uploadPhoto"
    assert ids["POST /api/v1/audits/{audit_id}/photos/{photo_id}/complete"] == (
        "completePhotoUpload"
    )
    assert ids["GET /api/v1/locations/{location_id}/scorecard"] == "getLocationScorecard"
    assert ids["POST /api/v1/auth/token"] == "createToken"


def test_the_probes_are_in_the_document_and_public(spec, client):
    for path, op_id in (("/healthz", "getHealth"), ("/readyz", "getReadiness")):
        operation = spec["paths"][path]["get"]
        assert operation["operationId"] == op_id and operation["security"] == []
        assert client.get(path).status_code == 200


def _ids(spec: dict, test) -> set[str]:
    return {op["operationId"] for _, _, op in operations(spec) if test(op)}


def _has_parameter(name: str):
    return lambda op: {"$ref": f"#/components/parameters/{name}"} in op.get("parameters", [])


def _success_headers(op: dict) -> set[str]:
    found = set()
    for code, response in op["responses"].items():
        if code.startswith("2"):
            found |= set(response.get("headers", {}))
    return found


def test_etag_if_match_and_idempotency_are_documented_where_they_apply(spec):
    if_match = _ids(spec, _has_parameter("IfMatch"))
    assert {"putAudit", "updateAssignment", "cancelAssignment", "putChecklistVersion"} <= if_match
    for _, _, op in operations(spec):
        if op["operationId"] in if_match:
            assert op["responses"]["412"] == {"$ref": "#/components/responses/PreconditionFailed"}
    etag = _ids(spec, lambda op: "ETag" in _success_headers(op))
    assert {"getAudit", "putAudit", "submitAudit", "getAssignment", "getChecklistVersion"} <= etag
    assert not {"cancelAssignment", "deleteRegion", "deactivateUser"} & etag  # 204, no ETag
    idempotent = _ids(spec, _has_parameter("IdempotencyKey"))
    assert idempotent == {
        "submitAudit",
        "reviewAudit",
        "createAuditComment",
        "createAssignment",
        "createDispute",
        "resolveDispute",
        "openAction",
        "resolveAction",
        "createSchedule",
    }
    replayed = _ids(spec, lambda op: "Idempotent-Replayed" in _success_headers(op))
    assert replayed == idempotent


def test_every_answer_documents_x_request_id_and_retries(spec):
    responses = spec["components"]["responses"]
    for method, path, op in operations(spec):
        for code, response in op["responses"].items():
            headers = responses[response["$ref"].rsplit("/", 1)[1]] if "$ref" in response else None
            assert "X-Request-ID" in (headers or response).get("headers", {}), (path, code)
        if method != "get":
            assert op["responses"]["429"] == {"$ref": "#/components/responses/TooManyRequests"}
        if path.startswith("/api/v1/"):
            assert "503" in op["responses"], (method, path)
    for name in ("TooManyRequests", "Unavailable"):
        assert "Retry-After" in responses[name]["headers"]
    lists = _ids(spec, lambda op: "X-Pagination" in _success_headers(op))
    assert {"listAudits", "listAssignments", "listUsers", "listAuditEvents"} <= lists


@pytest.mark.app_config()  # an app of its own: the test adds a blueprint
def test_if_none_match_can_be_documented_with_one_decorator(app):
    from flask.views import MethodView
    from flask_smorest import Blueprint

    from audit_api import openapi

    blp = Blueprint("conditional", __name__, url_prefix="/api/v1/conditional")

    @blp.route("")
    class Conditional(MethodView):
        @openapi.if_none_match
        @blp.doc(operationId="getConditional")
        @blp.response(200)
        def get(self) -> dict:
            return {}

    app.extensions["flask-smorest"]["apis"][""]["ext_obj"].register_blueprint(blp)
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    op = spec["paths"]["/api/v1/conditional"]["get"]
    assert {"$ref": "#/components/parameters/IfNoneMatch"} in op["parameters"]
    assert op["responses"]["304"] == {"$ref": "#/components/responses/NotModified"}
    assert "ETag" in op["responses"]["200"]["headers"]
    assert spec["components"]["parameters"]["IfNoneMatch"]["name"] == "If-None-Match"


def test_an_unknown_query_parameter_is_a_422_naming_it(world):
    misspelt = world.hq.get("/api/v1/audits?stauts=open")
    assert misspelt.status_code == 422
    assert misspelt.get_json()["errors"] == {"stauts": ["Unknown query parameter."]}
    assert world.hq.get("/api/v1/audits?status=draft&page=1&page_size=5").status_code == 200
    # also where an operation takes no query at all, and outside the API prefix
    for url in (
        "/api/v1/me?verbose=1",
        f"/api/v1/regions/{world.ids['north']}?embed=children",
        "/healthz?x=1",
    ):
        response = world.hq.get(url)
        assert response.status_code == 422, url
        assert response.get_json()["reason"] == "validation_failed"
    body = {"name": "X"}
    assert world.hq.post("/api/v1/regions?dry_run=1", json=body).status_code == 422


def test_a_401_comes_before_a_422(client):
    assert client.get("/api/v1/audits?stauts=open").status_code == 401


def test_lang_is_accepted_wherever_it_is_documented(world, spec):
    documented = _ids(spec, _has_parameter("Lang"))
    reads = {
        "listChecklists": "/api/v1/checklists",
        "getChecklist": "/api/v1/checklists/self-call",
        "getChecklistVersion": "/api/v1/checklists/self-call/versions/1",
        "listAssignments": "/api/v1/assignments",
        "listAudits": "/api/v1/audits",
    }
    assert set(reads) <= documented
    for op_id, url in reads.items():
        english = world.hq.get(f"{url}?lang=en")
        assert english.status_code == 200, (op_id, english.get_json())
    version = world.hq.get("/api/v1/checklists/self-call/versions/1?lang=en").get_json()
    assert version["language"] == "en"
    wrong = world.hq.get("/api/v1/checklists/self-call/versions/1?lang=fr")
    assert wrong.status_code == 422 and wrong.get_json()["reason"] == "unknown_language"


def _free_form(schema: dict, schemas: dict, path: str, seen: set[str]) -> list[str]:
    """Places in a response schema where the shape is left open (an object of anything, or
    a schema that says nothing)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return []
        seen.add(name)
        return _free_form(schemas[name], schemas, name, seen)
    found = []
    if schema in ({}, {"nullable": True}) or schema.get("additionalProperties") == {}:
        found.append(path)
    shaped_by = {"properties", "additionalProperties", "allOf", "oneOf", "anyOf"}
    if schema.get("type") == "object" and not shaped_by & set(schema):
        found.append(path)
    for key in ("allOf", "oneOf", "anyOf"):
        for n, part in enumerate(schema.get(key, [])):
            found += _free_form(part, schemas, f"{path}.{key}[{n}]", seen)
    for name, part in schema.get("properties", {}).items():
        found += _free_form(part, schemas, f"{path}.{name}", seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict) and schema[key]:
            found += _free_form(schema[key], schemas, f"{path}.{key}", seen)
    return found


def test_every_response_body_is_a_named_typed_schema(spec):
    schemas, responses = spec["components"]["schemas"], spec["components"]["responses"]
    open_shapes = []
    for method, path, op in operations(spec):
        for code, response in op["responses"].items():
            if "$ref" in response:
                response = responses[response["$ref"].rsplit("/", 1)[1]]
            for media_type, content in response.get("content", {}).items():
                schema = content["schema"]
                if media_type == "application/json":
                    named = schema.get("$ref") or schema.get("items", {}).get("$ref")
                    assert named, (method, path, code)
                open_shapes += _free_form(schema, schemas, f"{method} {path} {code}", set())
    assert not open_shapes, sorted(set(open_shapes))


def test_a_nullable_nested_object_is_that_schema_or_null(spec):
    score = spec["components"]["schemas"]["AuditOut"]["properties"]["score"]
    assert score["nullable"] is True
    assert score["allOf"] == [{"$ref": "#/components/schemas/ScoreOut"}]
    checklist = spec["components"]["schemas"]["AssignmentOut"]["properties"]["checklist"]
    assert checklist["allOf"] == [{"$ref": "#/components/schemas/VersionOut"}]
    assert "embed" not in json.dumps(spec)  # promised nowhere: nothing takes it
    definition = spec["components"]["schemas"]["VersionOut"]["properties"]["definition"]
    assert definition == {"$ref": "#/components/schemas/DefinitionOut"}


def test_files_declare_their_content_types(spec):
    paths = spec["paths"]
    audits = paths["/api/v1/exports/audits.{fmt}"]["get"]["responses"]["200"]["content"]
    assert set(audits) == {
        "text/csv",
        "application/x-ndjson",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    answers = paths["/api/v1/exports/answers.{fmt}"]["get"]["responses"]["200"]["content"]
    assert set(answers) == {"text/csv", "application/x-ndjson"}
    photo = paths["/api/v1/photos/{photo_id}/content"]["get"]["responses"]
    assert {"image/jpeg", "image/png", "image/webp", "image/heic"} == set(photo["200"]["content"])
    assert "Location" in photo["307"]["headers"]
