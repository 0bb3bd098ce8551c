"""The interactive docs page works offline: Swagger UI's files come from the service itself
(the flask-swagger-ui package ships swagger-ui-dist, its version pinned in pyproject.toml),
and the page runs no inline script (templates/swagger_ui.html, docs_assets/docs.js)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, send_file

from audit_api.auth.guard import PUBLIC_MARK

URL = "/api/v1/docs/assets/"
DIST = Path(str(files("flask_swagger_ui") / "dist"))
OURS = Path(__file__).resolve().parent / "docs_assets"
# Only what the page uses, from the folder it comes from (no directory is served whole).
ASSETS = {
    "swagger-ui.css": DIST,
    "swagger-ui-bundle.js": DIST,
    "swagger-ui-standalone-preset.js": DIST,
    "favicon-32x32.png": DIST,
    "LICENSE": DIST,
    "VERSION": DIST,
    "docs.js": OURS,
}
bp = Blueprint("api-docs-assets", __name__, url_prefix=URL.rstrip("/"))


@bp.get("/<name>")
def asset(name: str) -> Response:
    """One of Swagger UI's files (cached a day: their version changes only with a release)."""
    folder = ASSETS.get(name)
    if folder is None:
        abort(404)
    kind = "text/plain" if name in ("LICENSE", "VERSION") else None
    return send_file(folder / name, mimetype=kind, max_age=86400)


setattr(asset, PUBLIC_MARK, True)  # the docs page and its files need no token


def init_app(app: Flask) -> None:
    """Serve the assets (flask-smorest's page finds them under URL: OPENAPI_SWAGGER_UI_URL)."""
    app.register_blueprint(bp)
