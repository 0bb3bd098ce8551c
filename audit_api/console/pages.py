"""Error pages in the console's layout for its own URLs (the API keeps its JSON errors), and
no caching of its pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, g, render_template, request

from audit_api.console import language
from audit_api.console.blueprint import bp
from audit_api.console.session import signed_in_user
from audit_api.error_handlers import ERROR_PAGES
from audit_api.evidence.storage import storage
from audit_api.headers import CONSOLE_HEADERS, CONSOLE_PREFIX, console_policy


def _ours() -> bool:
    return request.path == CONSOLE_PREFIX or request.path.startswith(CONSOLE_PREFIX + "/")


def error_page(status: int, headers: dict[str, str]) -> tuple[str, int, dict[str, str]] | None:
    """The console's page for an error status under /console/, else None (JSON then)."""
    if not _ours():
        return None
    # A URL no view matched ran no console hook: the nav still shows who is signed in.
    user = g.console_user = g.console_user if "console_user" in g else signed_in_user()
    html = render_template("console/error.html", status=status, user=user, **language.languages())
    return html, status, {**headers, "Cache-Control": "no-store"}


@bp.after_request
def _no_store(response: Response) -> Response:
    """Pages show one person's data: no browser or proxy keeps them."""
    if request.endpoint != "console.static":
        response.headers.setdefault("Cache-Control", "no-store")
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


def _image_origins(app: Flask) -> tuple[str, ...]:
    """Where photos come from besides the console itself: the origin of the storage's
    presigned URLs (S3), none when the app serves the bytes (local storage)."""
    with app.app_context():
        url = storage().download_url("probe", "image/jpeg", 60)
    if url is None:
        return ()
    parts = urlsplit(url)
    return (f"{parts.scheme}://{parts.netloc}",)


def init_app(app: Flask) -> None:
    """Answer the console's errors with its pages; its policy lets the photos' storage in."""
    app.extensions[ERROR_PAGES] = error_page
    app.extensions[CONSOLE_HEADERS] = console_policy(_image_origins(app))
