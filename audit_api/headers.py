"""Headers on every answer: security headers (the `secure` library; the API, its docs page
and the console each have their policy), and Retry-After only on 202 (a report still being
made), 409 (a photo still being processed), 429 and 503, where it means something."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, Response, current_app, request
from secure import (
    ContentSecurityPolicy,
    CrossOriginResourcePolicy,
    ReferrerPolicy,
    Secure,
    StrictTransportSecurity,
    XContentTypeOptions,
    XFrameOptions,
)

# flask-limiter puts its window's reset on every limited answer as Retry-After; it is told to
# use this name instead, and only a 429 turns it into a Retry-After.
LIMITER_RETRY_AFTER = "X-RateLimit-Retry-After"
RETRY_STATUSES = (202, 409, 429, 503)


def _policy(csp: ContentSecurityPolicy) -> Secure:
    return Secure(
        csp=csp,
        xcto=XContentTypeOptions(),
        xfo=XFrameOptions().deny(),
        referrer=ReferrerPolicy().no_referrer(),
        corp=CrossOriginResourcePolicy().same_origin(),
    )


# JSON, files and redirects: nothing in an answer may run, load or be framed.
API = _policy(
    ContentSecurityPolicy()
    .default_src("'none'")
    .frame_ancestors("'none'")
    .base_uri("'none'")
    .form_action("'none'")
)
# The interactive docs page runs Swagger UI from this service only (docs_page.py): its
# scripts are files, never inline; its styles set inline ones; its icons are data: URIs.
DOCS = _policy(
    ContentSecurityPolicy()
    .default_src("'none'")
    .script_src("'self'")
    .style_src("'self'", "'unsafe-inline'")
    .img_src("'self'", "data:")
    .connect_src("'self'")
    .frame_ancestors("'none'")
    .base_uri("'none'")
    .form_action("'none'")
)


def console_policy(image_origins: Iterable[str] = ()) -> Secure:
    """The console's pages (audit_api/console/): scripts and styles are files of this service,
    never inline (no 'unsafe-inline' anywhere); images are its own, Pico's data: icons and the
    photo storage's presigned URLs (`image_origins`); forms post only back to it."""
    return _policy(
        ContentSecurityPolicy()
        .default_src("'none'")
        .script_src("'self'")
        .style_src("'self'")
        .img_src("'self'", "data:", *image_origins)
        .font_src("'self'")
        .connect_src("'self'")
        .form_action("'self'")
        .frame_ancestors("'none'")
        .base_uri("'none'")
    )


CONSOLE = console_policy()
CONSOLE_PREFIX = "/console"
# app.extensions key of the app's console policy (console_policy with its storage's origin).
CONSOLE_HEADERS = "audit_console_headers"


def _chosen() -> Secure:
    """The policy of this answer: by its path, as a 404 under /console/ is a console page."""
    if request.path == CONSOLE_PREFIX or request.path.startswith(CONSOLE_PREFIX + "/"):
        return current_app.extensions.get(CONSOLE_HEADERS, CONSOLE)
    return DOCS if request.endpoint == "api-docs.openapi_swagger_ui" else API


HSTS = Secure(hsts=StrictTransportSecurity().max_age(31536000).include_subdomains())


def _finish(response: Response) -> Response:
    limiter_retry = response.headers.pop(LIMITER_RETRY_AFTER, None)
    if response.status_code not in RETRY_STATUSES:
        response.headers.pop("Retry-After", None)
    elif response.status_code == 429 and limiter_retry and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = limiter_retry
    _chosen().set_headers(response)
    if request.is_secure:  # browsers ignore it over plain HTTP; a proxy may add it instead
        HSTS.set_headers(response)
    return response


def init_app(app: Flask) -> None:
    """Register before flask-limiter, so this runs after its header injection."""
    app.config["RATELIMIT_HEADER_RETRY_AFTER"] = LIMITER_RETRY_AFTER
    app.after_request(_finish)
