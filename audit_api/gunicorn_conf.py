"""gunicorn settings: `gunicorn -c python:audit_api.gunicorn_conf wsgi:app`.

Every value can be changed by its GUNICORN_* environment variable (or on the command line).
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Threads, not more processes: requests wait on PostgreSQL and S3 far more than on the CPU.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# gthread's timeout is the worker's heartbeat, not a request limit: long exports stream on.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Workers are replaced now and then, so a slow leak never grows into an outage.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Each worker builds its own app and database pool after the fork (no shared connections).
preload_app = False
# The app logs one line per request with its id (JSON unless on a terminal); gunicorn's access
# log would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Proxies allowed to set X-Forwarded-Proto/For (the app's PROXY_FIX_X_FOR trusts the hops).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Request line and header caps (bodies are capped by the app's MAX_CONTENT_LENGTH).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190


def on_starting(server: Any) -> None:
    """Refuse several workers that would each count the rate limits in their own memory:
    ten failed sign-ins would then be ten per worker."""
    storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")  # the app's default
    if server.cfg.workers > 1 and storage.startswith("memory://"):
        raise RuntimeError(  # gunicorn prints it and exits 1
            f"RATELIMIT_STORAGE_URI is {storage} but {server.cfg.workers} workers would serve: "
            "each would count sign-in and write limits alone. Set RATELIMIT_STORAGE_URI to a "
            "shared store (e.g. redis://host:6379) or GUNICORN_WORKERS=1."
        )
