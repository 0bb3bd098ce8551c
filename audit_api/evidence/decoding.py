"""A few decode slots per process, so parallel uploads of large photos cannot exhaust memory."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app

from audit_api.errors import Unavailable


class DecodeBusy(Unavailable):
    """Every decode slot stayed taken while the request waited; the phone retries later."""

    retry_after = 10


def init_app(app: Flask) -> None:
    """One semaphore per app (a gunicorn worker process serves one app)."""
    app.extensions["audit_decode_slots"] = threading.BoundedSemaphore(
        app.config["PHOTO_DECODE_CONCURRENCY"]
    )


@contextmanager
def decode_slot() -> Iterator[None]:
    """Hold one of PHOTO_DECODE_CONCURRENCY slots while decoding: a 50 MP image takes
    150-200 MB as pixels, so eight at once would take more than a small server has."""
    slots: threading.BoundedSemaphore = current_app.extensions["audit_decode_slots"]
    if not slots.acquire(timeout=current_app.config["PHOTO_DECODE_WAIT"]):
        raise DecodeBusy("The server is busy processing photos; retry shortly.")
    try:
        yield
    finally:
        slots.release()
