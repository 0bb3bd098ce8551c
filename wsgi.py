"""WSGI entry point: `flask --app wsgi run`, or gunicorn (see audit_api/gunicorn_conf.py);
`celery -A wsgi:celery worker` and `celery -A wsgi:celery beat` with CELERY_BROKER_URL."""

from typing import Any

from audit_api import create_app, settle
from audit_api.config import SettingsError

try:
    app = create_app()
except SettingsError as error:  # a bad setting: its name and the fix, not a traceback
    raise SystemExit(f"audit_api cannot start: {error}") from None
settle()


def __getattr__(name: str) -> Any:
    """`wsgi.celery`, made on first use: the web process without a broker never loads Celery."""
    if name == "celery":
        from audit_api.tasks.broker import celery_app

        if not app.config["CELERY_BROKER_URL"]:
            raise SystemExit("CELERY_BROKER_URL is not set: no broker for a worker or beat.")
        return celery_app(app)
    raise AttributeError(name)
