"""The served OpenAPI document is a contract a generated client can build on."""

from __future__ import annotations

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
