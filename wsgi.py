"""WSGI entry point: `flask --app wsgi run`, or gunicorn (see audit_api/gunicorn_conf.py)."""

from audit_api import create_app

app = create_app()
