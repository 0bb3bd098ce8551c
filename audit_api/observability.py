"""Request ids and structured JSON logs: every line of one request carries its id."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

HEADER = "X-Request-ID"
# A caller's id is kept only when it is short and plain; anything else gets a new one.
SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
log = logging.getLogger("audit_api.requests")


class RequestIdFilter(logging.Filter):
    """Adds the current request's id (or "-") to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def configure_logging(level: str, json_logs: bool) -> None:
    """One stderr handler: JSON lines in production, plain text when asked."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    if json_logs:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
        )
    handler.set_name("audit_api")
    root = logging.getLogger()
    # Replace our own handler (an app built twice), leave others (pytest's, a host's) alone.
    root.handlers[:] = [h for h in root.handlers if h.get_name() != "audit_api"] + [handler]
    root.setLevel(level)


def init_app(app: Flask) -> None:
    """Give each request an id, return it as X-Request-ID and log one line per request."""

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if SAFE_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers[HEADER] = g.get("request_id", "-")
        elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={"status": response.status_code, "duration_ms": round(elapsed_ms, 1)},
        )
        return response
