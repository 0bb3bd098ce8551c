"""WSGI entry point: `flask --app wsgi run`, or `gunicorn wsgi:app`."""

from audit_api import create_app

app = create_app()
