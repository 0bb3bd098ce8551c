"""Running in production: request ids, JSON logs, and 503 while the database is away."""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from audit_api import create_app
from audit_api.observability import RequestIdFilter
from tests.conftest import TEST_SETTINGS


def test_every_answer_carries_a_request_id(client, world):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first.headers["X-Request-ID"]) == 32
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    mine = client.get("/healthz", headers={"X-Request-ID": "phone-7f3a-0001"})
    assert mine.headers["X-Request-ID"] == "phone-7f3a-0001"  # a client's id is kept
    hostile = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert len(hostile.headers["X-Request-ID"]) == 32  # replaced, not echoed
    error = world.hq.get("/api/v1/locations/999999")
    assert error.status_code == 404 and error.headers["X-Request-ID"]


@pytest.mark.app_config(LOG_JSON=True)  # whatever the terminal running the tests
def test_log_lines_are_json_with_the_request_id(app, client):
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "audit_api")
    stream = io.StringIO()
    handler.setStream(stream)
    logging.getLogger("audit_api.requests").setLevel(logging.INFO)
    client.get("/healthz", headers={"X-Request-ID": "trace-0000-1234"})
    line = next(
        json.loads(text) for text in stream.getvalue().splitlines() if "trace-0000-1234" in text
    )
    assert line["request_id"] == "trace-0000-1234" and line["level"] == "INFO"
    assert line["status"] == 200 and line["message"] == "GET /healthz 200"
    assert any(isinstance(f, RequestIdFilter) for f in handler.filters)


def test_an_unreachable_database_answers_503_with_retry_after(tmp_path):
    down = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # nothing listens on port 1
    settings = {**TEST_SETTINGS, "DATABASE_URL": down, "SYNC_CHECKLISTS": False}
    client = create_app({**settings, "STORAGE_DIR": str(tmp_path)}).test_client()
    response = client.post(
        "/api/v1/auth/token", json={"email": "hq@a.example", "password": "whatever pw"}
    )
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.get_json()["message"] == "The database is unavailable; retry shortly."
    assert response.get_json()["reason"] == "unavailable"
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["checks"]["database"] is False


def test_writes_are_limited_per_user_not_reads(app, world):
    from tests.support.audit_helpers import assign, call_audit, new_id

    audit_id = new_id()
    body = call_audit(world, assign(world, world.hq))
    app.config["WRITE_LIMIT_PER_USER"] = "3 per minute"  # read per request: set after the setup
    assert world.auditor.put(f"/api/v1/audits/{audit_id}", json=body).status_code == 201
    url = f"/api/v1/audits/{audit_id}/comments"
    statuses = [world.auditor.post(url, json={"body": f"c{n}"}).status_code for n in range(3)]
    assert statuses == [201, 201, 429]  # the PUT was the first of three writes
    refused = world.auditor.post(url, json={"body": "again"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert world.auditor.get(url).status_code == 200  # reads are not writes
    assert world.manager_north.post(url, json={"body": "mine"}).status_code == 201


def _gunicorn(tmp_path, database_url: str, **env: str) -> tuple[subprocess.Popen, int]:
    """gunicorn with the shipped configuration on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = {
        **{k: v for k, v in os.environ.items() if k != "RATELIMIT_STORAGE_URI"},
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SETTINGS["SECRET_KEY"],
        "AUTO_MIGRATE": "false",
        "STORAGE_DIR": str(tmp_path),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        **env,
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "python:audit_api.gunicorn_conf", "wsgi:app"]
    return subprocess.Popen(command, env=settings, stderr=subprocess.PIPE, text=True), port


def test_gunicorn_refuses_several_workers_counting_limits_each_alone(tmp_path, migrated_url):
    server, _ = _gunicorn(tmp_path, migrated_url, GUNICORN_WORKERS="2")  # memory:// default
    try:
        _, stderr = server.communicate(timeout=30)
    finally:
        server.kill()
    assert server.returncode != 0
    assert "RATELIMIT_STORAGE_URI" in stderr and "memory://" in stderr


@pytest.mark.slow  # starts gunicorn and its workers
def test_the_gunicorn_configuration_serves_the_app(tmp_path, migrated_url):
    """gunicorn with the shipped configuration answers on loopback (gthread; 2 workers
    sharing the limits in Redis when there is one, else 1 counting in memory)."""
    redis_url = os.environ.get("AUDIT_TEST_REDIS_URL")
    shared = {"RATELIMIT_STORAGE_URI": redis_url, "GUNICORN_WORKERS": "2"} if redis_url else {}
    server, port = _gunicorn(tmp_path, migrated_url, **(shared or {"GUNICORN_WORKERS": "1"}))
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                    assert r.status == 200 and r.headers["X-Request-ID"]
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("gunicorn did not answer")
    finally:
        server.terminate()
        server.wait(timeout=30)
