"""WSGI entry point: `flask --app wsgi run`, or `gunicorn -c python:audit_api.gunicorn_conf wsgi:app`."""

from audit_api import create_app

app = create_app()
