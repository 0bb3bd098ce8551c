"""The console's own pages: the landing page, signing in and out."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from audit_api.auth.limits import sign_in_limits
from audit_api.auth.service import BAD_LOGIN
from audit_api.console.blueprint import bp
from audit_api.console.forms import SignInForm
from audit_api.console.session import login_required, sign_in, sign_out
from audit_api.errors import DomainError, Reason


def _safe_next(target: str | None) -> str:
    """Only a path inside the console: a sign-in link never sends anyone elsewhere."""
    if (
        target
        and target.startswith("/console/")
        and not target.startswith("/console//")
        and target.isprintable()  # no CR/LF to break the Location header with
        and "\\" not in target
    ):
        return target
    return url_for("console.home")


@bp.get("/")
@login_required
def home() -> Any:
    """Managers and HQ start at the review queue."""
    return redirect(url_for("console.review.queue"))


@bp.route("/sign-in", methods=["GET", "POST"])
@sign_in_limits
def sign_in_page() -> Any:
    """The sign-in form; a failed sign-in answers 401 (the login limits count those)."""
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
        return render_template("console/sign_in.html", form=form)
    status = 200
    if form.validate_on_submit():
        try:
            sign_in(form.email.data or "", form.password.data or "", form.org_id.data)
            return redirect(_safe_next(form.next.data))
        except DomainError as error:
            status = _refused(form, error)
    else:
        status = 422
    return render_template("console/sign_in.html", form=form), status


def _refused(form: SignInForm, error: DomainError) -> int:
    """Put the auth service's refusal on the form; its status for the page."""
    if error.reason == Reason.org_required:
        form.org_id.errors = [_("This e-mail has accounts in several organizations.")]
    elif error.message == BAD_LOGIN:
        form.password.errors = [_("Wrong e-mail or password.")]
    else:
        form.password.errors = [_("This account cannot sign in.")]
    return error.status


@bp.post("/sign-out")
def sign_out_page() -> Any:
    """End the sign-in session (revoked in the database, not only forgotten here)."""
    sign_out()
    flash(_("You are signed out."), "info")
    return redirect(url_for("console.sign_in_page"))
