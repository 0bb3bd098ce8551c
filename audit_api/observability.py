"""Request ids and logs (JSON lines, text on a terminal): each line of a request carries its id."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import TextIO

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


class TextFormatter(logging.Formatter):
    """One readable line: time, level, logger, message, then the request's time and id."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        duration = getattr(record, "duration_ms", None)
        request_id = getattr(record, "request_id", "-")
        tail = (f" {duration} ms" if duration is not None else "") + (
            f" [{request_id}]" if request_id != "-" else ""
        )
        if not tail:
            return line
        first, newline, rest = line.partition("\n")  # after the message, before a traceback
        return first + tail + newline + rest


class NoServerAccessLines(logging.Filter):
    """Drops the development server's own access line: ours already logs each request once."""

    def filter(self, record: logging.LogRecord) -> bool:
        # werkzeug's WSGIRequestHandler.log_request logs '... "%s" %s %s' (request, code, size).
        return not (
            record.name == "werkzeug"
            and isinstance(record.msg, str)
            and record.msg.endswith('"%s" %s %s')
        )


def wants_json(setting: bool | None, stream: TextIO) -> bool:
    """LOG_JSON when set; else JSON unless a person is watching (the stream is a terminal)."""
    if setting is not None:
        return setting
    isatty = getattr(stream, "isatty", None)
    return not (isatty is not None and isatty())


def configure_logging(level: str, json_logs: bool | None) -> None:
    """One stderr handler: JSON lines for machines, readable text on a terminal."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(NoServerAccessLines())
    if wants_json(json_logs, sys.stderr):
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(TextFormatter())
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
