"""The app as a whole: error contract, OpenAPI, probes and settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from sqlalchemy import inspect

from audit_api import create_app
from audit_api.config import SettingsError, settings_table
from audit_api.db import db

ERROR_KEYS = {"code", "status", "message", "errors", "reason"}


def test_unknown_route_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    body = response.get_json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == 404 and body["status"] == "Not Found"
    assert body["reason"] == "not_found"


def test_wrong_method_is_json_405_with_allow(client):
    response = client.put("/api/v1/auth/token", json={})
    assert response.status_code == 405
    assert set(response.get_json()) == ERROR_KEYS
    assert response.get_json()["reason"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


@pytest.mark.app_config(MAX_CONTENT_LENGTH=2048)
def test_body_over_the_limit_is_json_413(client):
    response = client.post("/api/v1/auth/token", data="x" * 5000, content_type="application/json")
    assert response.status_code == 413
    assert set(response.get_json()) == ERROR_KEYS
    assert response.get_json()["reason"] == "payload_too_large"


@pytest.mark.app_config()  # an app of its own: the test adds a route
def test_unexpected_exception_is_json_500_without_details(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_json()
    assert set(body) == ERROR_KEYS
    assert "secret" not in body["message"]
    assert body["reason"] == "internal_error"


def test_malformed_json_is_a_400_saying_what_is_wrong(client):
    response = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == ERROR_KEYS
    assert body["reason"] == "malformed_json"
    assert body["message"].startswith("The body is not valid JSON: Expecting property name")
    assert "line 1 column 2" in body["message"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        (b"\xff\xfe{}", "application/json"),
        ("--x\r\nbroken", "multipart/form-data; boundary=x"),
        ("--x\r\nbroken", "multipart/form-data"),
        ("a=%zz", "application/x-www-form-urlencoded"),
    ],
)
def test_no_werkzeug_stock_text_reaches_a_client(client, hq, body, content_type):
    for path in ("/api/v1/auth/token", "/api/v1/regions", "/api/v1/nothing"):
        response = hq.post(path, data=body, content_type=content_type)
        text = response.get_data(as_text=True)
        assert response.is_json and "The browser (or proxy)" not in text, (path, text)
        assert "If you entered the URL manually" not in text
        assert response.get_json()["reason"]


def test_validation_errors_name_each_field(client):
    response = client.post("/api/v1/auth/token", json={"email": 5, "extra": 1})
    assert response.status_code == 422
    assert response.get_json()["reason"] == "validation_failed"
    errors = response.get_json()["errors"]
    assert set(errors) == {"email", "password", "extra"}


def test_openapi_document_is_valid_and_lists_the_resources(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    paths = set(spec["paths"])
    for path in (
        "/api/v1/auth/token",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/users/{user_id}",
        "/api/v1/regions",
        "/api/v1/regions/{region_id}",
        "/api/v1/locations",
        "/api/v1/locations/{location_id}",
    ):
        assert path in paths
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/auth/token"]["post"]["security"] == []


def test_health_and_readiness(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {"database": True, "storage": True}


@pytest.mark.app_config(STORAGE_DIR="/dev/null/storage")  # below a file: never writable
def test_readiness_fails_when_storage_is_unwritable(app):
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["storage"] is False


def test_bad_setting_fails_at_start_naming_it(monkeypatch, tmp_path):
    monkeypatch.setenv("ACCESS_TOKEN_TTL", "soon")
    monkeypatch.setenv("STORAGE_BACKEND", "floppy")
    with pytest.raises(SettingsError) as info:
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "SECRET_KEY": "k" * 40})
    assert "ACCESS_TOKEN_TTL" in str(info.value)
    assert "STORAGE_BACKEND" in str(info.value)


def test_short_secret_key_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


def test_embedded_default_creates_migrates_and_keeps_a_secret(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "SECRET_KEY", "AUTO_MIGRATE"):
        monkeypatch.delenv(name, raising=False)
    instance = tmp_path / "instance"
    app = create_app({"ARGON2_MEMORY_COST": 1024}, instance_path=str(instance))
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'audit_api.sqlite3'}"
    assert app.config["AUTO_MIGRATE"] is True
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert {"organizations", "users", "locations", "alembic_version"} <= tables
    # The generated secret is kept, so tokens survive a restart.
    again = create_app({"ARGON2_MEMORY_COST": 1024}, instance_path=str(instance))
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]
    assert len(app.config["SECRET_KEY"]) >= 32


def test_settings_table_lists_every_setting():
    table = settings_table()
    for name in ("DATABASE_URL", "SECRET_KEY", "RATELIMIT_STORAGE_URI", "STORAGE_BACKEND"):
        assert f"`{name}`" in table


def test_a_bad_setting_stops_the_entry_point_with_one_line_naming_it(tmp_path):
    env = {**os.environ, "ACCESS_TOKEN_TTL": "2", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    env["SECRET_KEY"] = "k" * 40
    run = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode != 0
    assert run.stderr.strip().splitlines() == [
        "audit_api cannot start: invalid settings: Environment variables invalid: "
        "{'ACCESS_TOKEN_TTL': ['Must be greater than or equal to 30.']}"
    ]
