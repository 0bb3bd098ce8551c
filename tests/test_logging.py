"""Log lines: readable text on a terminal, JSON otherwise (or as LOG_JSON says); one per request."""

from __future__ import annotations

import io
import json
import threading
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from audit_api import create_app
from tests.conftest import TEST_SETTINGS


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _serve_and_log(monkeypatch, tmp_path, *, tty: bool, setting: str | None) -> list[str]:
    """Build the app with stderr as given, serve two requests with werkzeug's development
    server (the one `flask run` uses) and return the lines logged."""
    stream = Terminal() if tty else io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    if setting is None:
        monkeypatch.delenv("LOG_JSON", raising=False)
    else:
        monkeypatch.setenv("LOG_JSON", setting)
    settings = {
        **TEST_SETTINGS,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'logs.sqlite3'}",
        "STORAGE_DIR": str(tmp_path),
        "SYNC_CHECKLISTS": False,
        "LOG_LEVEL": "INFO",
    }
    server = make_server("127.0.0.1", 0, create_app(settings))
    try:
        for path, request_id in (("/healthz", "trace-0000-0001"), ("/nowhere", "trace-0000-0002")):
            handled = threading.Thread(target=server.handle_request)
            handled.start()
            url = f"http://127.0.0.1:{server.server_port}{path}"
            request = urllib.request.Request(url, headers={"X-Request-ID": request_id})
            try:
                urllib.request.urlopen(request, timeout=10).close()
            except urllib.error.HTTPError as error:
                error.close()
            handled.join(10)  # the server logs after answering: wait for its line
    finally:
        server.server_close()
    return [line for line in stream.getvalue().splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("tty", "setting"), [(True, None), (False, "false")], ids=["terminal", "forced-text"]
)
def test_text_lines_on_a_terminal_or_when_asked_one_per_request(
    monkeypatch, tmp_path, tty, setting
):
    lines = _serve_and_log(monkeypatch, tmp_path, tty=tty, setting=setting)
    healthz = [line for line in lines if "/healthz" in line]
    assert len(healthz) == 1, lines  # ours only: the server's own access line is left out
    assert " INFO    audit_api.requests: GET /healthz 200 " in healthz[0]
    assert healthz[0].endswith(" ms [trace-0000-0001]")
    missing = [line for line in lines if "/nowhere" in line]
    assert len(missing) == 1 and "GET /nowhere 404" in missing[0], lines
    assert not any(line.lstrip().startswith("{") for line in lines)
    assert not any("HTTP/1.1" in line for line in lines)


@pytest.mark.parametrize(
    ("tty", "setting"), [(False, None), (True, "true")], ids=["not-a-terminal", "forced-json"]
)
def test_json_lines_when_not_a_terminal_or_when_asked_one_per_request(
    monkeypatch, tmp_path, tty, setting
):
    lines = _serve_and_log(monkeypatch, tmp_path, tty=tty, setting=setting)
    records = [json.loads(line) for line in lines]  # every line is JSON
    requests = [r for r in records if r["logger"] == "audit_api.requests"]
    assert [(r["message"], r["status"], r["request_id"]) for r in requests] == [
        ("GET /healthz 200", 200, "trace-0000-0001"),
        ("GET /nowhere 404", 404, "trace-0000-0002"),
    ]
    assert all(isinstance(r["duration_ms"], float) for r in requests)
    assert not [r for r in records if "/healthz" in r["message"] and r not in requests]
