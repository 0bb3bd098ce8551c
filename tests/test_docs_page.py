"""The interactive docs page works offline: every file it loads comes from the service."""

from __future__ import annotations

import re
from pathlib import Path

from audit_api.docs_page import DIST

ROOT = Path(__file__).resolve().parent.parent
TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".png": "image/png",
}


def test_the_docs_page_and_every_asset_it_references_come_from_the_app(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(references) >= 4 and "<script>" not in html  # no inline script
    for url in references:
        assert url.startswith("/api/v1/docs/assets/"), url  # no CDN, no other host
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.mimetype == TYPES[url[url.rindex(".") :]], (url, asset.mimetype)
        assert len(asset.data) > 100
    started = client.get("/api/v1/docs/assets/docs.js").get_data(as_text=True)
    assert "SwaggerUIBundle(" in started and "validatorUrl: null" in started


def test_the_page_may_run_only_this_services_scripts(client):
    policy = client.get("/api/v1/docs").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "http" not in policy  # no other origin anywhere


def test_only_the_pages_files_are_served_with_their_pinned_licence(client):
    assert client.get("/api/v1/docs/assets/index.css").status_code == 404  # in dist, not used
    assert client.get("/api/v1/docs/assets/..%2Fapp.py").status_code == 404
    pinned = re.search(r'"flask-swagger-ui==([\d.]+)"', (ROOT / "pyproject.toml").read_text())
    version = client.get("/api/v1/docs/assets/VERSION").get_data(as_text=True).strip()
    assert version == f"v{pinned[1]}" == (DIST / "VERSION").read_text().strip()
    assert "Apache License" in client.get("/api/v1/docs/assets/LICENSE").get_data(as_text=True)
