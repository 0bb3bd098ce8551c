"""A few decode slots per process, so parallel uploads of large photos cannot exhaust memory."""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app

from audit_api.errors import Reason

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter


def _return_large_buffers() -> None:
    """Make glibc hand every allocation of 1 MiB or more straight back to the OS when freed.

    A 50 MP decode takes ~265 MB in Pillow's blocks; by default glibc raises its mmap
    threshold after the first such free and then keeps the memory in each thread's arena,
    so a threaded server's RSS grows by a decode per thread that ever decoded (measured by
    bench/photos.py). A fixed threshold ends that. Elsewhere than glibc this does nothing.
    """
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "mallopt"):
            libc.mallopt(M_MMAP_THRESHOLD, 1 << 20)
    except OSError:
        pass


def init_app(app: Flask) -> None:
    """One semaphore per app (a gunicorn worker process serves one app)."""
    app.extensions["audit_decode_slots"] = threading.BoundedSemaphore(
        app.config["PHOTO_DECODE_CONCURRENCY"]
    )
    _return_large_buffers()


@contextmanager
def decode_slot() -> Iterator[None]:
    """Hold one of PHOTO_DECODE_CONCURRENCY slots while decoding: a 50 MP image takes
    150-200 MB as pixels, so eight at once would take more than a small server has."""
    slots: threading.BoundedSemaphore = current_app.extensions["audit_decode_slots"]
    if not slots.acquire(timeout=current_app.config["PHOTO_DECODE_WAIT"]):
        raise Reason.photos_busy.error("The server is busy processing photos; retry shortly.")
    try:
        yield
    finally:
        slots.release()
