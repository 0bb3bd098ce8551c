"""Score pages: a location's scorecard, the league table and the regions roll-up; thin views
over the score service and its API views, so a page shows the API's very numbers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request
from flask_babel import get_locale

from audit_api.actions.service import list_actions
from audit_api.actions.views import action_view
from audit_api.auth.policy import check
from audit_api.console.forms import page_arg
from audit_api.console.scores.forms import MAX_REGIONS, filter_form, service_filters, window_args
from audit_api.console.scores.labels import action_titles, checklist_labels
from audit_api.console.session import login_required
from audit_api.i18n import LanguageChoice
from audit_api.locations.service import get_location
from audit_api.regions.service import list_regions
from audit_api.reports import service
from audit_api.reports.views import location_rank_view, region_rank_view, scorecard_view

bp = Blueprint("scores", __name__, url_prefix="/scores")

PAGE_SIZE = 50
ACTIONS_SHOWN = 10


def _reader() -> Any:
    """The signed-in user, if their role may read scores (else the 403 page)."""
    check(g.console_user, "scores:read")
    return g.console_user


def _partial(full: str, part: str, **context: Any) -> str:
    """The whole page, or only its results for an htmx filter request."""
    return render_template(part if request.headers.get("HX-Request") else full, **context)


@bp.get("/")
@login_required
def league() -> str:
    """Locations in scope ranked by mean score over the chosen window, with the change."""
    actor = _reader()
    form = filter_form(actor)
    rows = [location_rank_view(r) for r in service.league(actor, service_filters(form))]
    regions = {choice.value: choice.label for choice in form.region_id.choices}
    page, pages = page_arg(), max((len(rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page, pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return _partial(
        "console/scores/league.html",
        "console/scores/_league_results.html",
        form=form,
        rows=shown,
        total=len(rows),
        page=page,
        pages=pages,
        regions=regions,
        window=window_args(),
    )


@bp.get("/regions")
@login_required
def regions() -> str:
    """Regions in scope ranked by the mean of their audits, regions below included."""
    actor = _reader()
    form = filter_form(actor, regions=False)
    rows = [region_rank_view(r) for r in service.regions(actor, service_filters(form))]
    names = {r.id: r.name for r in list_regions(actor, page=1, page_size=MAX_REGIONS)[0]}
    return _partial(
        "console/scores/regions.html",
        "console/scores/_regions_results.html",
        form=form,
        rows=rows,
        names=names,
        window=window_args(),
    )


@bp.get("/locations/<int:location_id>")
@login_required
def scorecard(location_id: int) -> str:
    """A location's scorecard: mean with n and 95% interval, trend, sections, failing items,
    open and overdue actions and the latest audits."""
    actor = _reader()
    location = get_location(actor, location_id)  # outside the scope: the 404 page
    form = filter_form(actor, regions=False)
    card = service.scorecard(actor, location.id, service_filters(form, location.timezone))
    lang = str(get_locale())
    view = scorecard_view(card, LanguageChoice(lang))
    used = [i["checklist_key"] for i in view["failing_items"]]
    labels = checklist_labels(
        actor, used + [a["checklist_key"] for a in view["latest_audits"]], lang
    )
    actions, open_total = list_actions(
        actor, page=1, page_size=ACTIONS_SHOWN, location_id=location.id, outstanding=True
    )
    chart = {
        "labels": [t["period"] for t in view["trend"]],
        "values": [t["mean"] for t in view["trend"]],
        "counts": [t["n"] for t in view["trend"]],
    }
    return render_template(
        "console/scores/scorecard.html",
        form=form,
        location=location,
        card=view,
        chart=chart,
        actions=[action_view(a) for a in actions],
        action_titles=action_titles(actor, actions, lang),
        open_total=open_total,
        labels=labels,
        section_names={k: v for names in labels.values() for k, v in names.items()},
    )
