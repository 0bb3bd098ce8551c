"""HTTP endpoints of the scorecard and the score tables."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from audit_api import openapi
from audit_api.auth.guard import current_user, requires
from audit_api.i18n import LanguageChoice
from audit_api.reports import service
from audit_api.reports.schemas import (
    GroupQuery,
    ItemRateOut,
    LocationRankOut,
    RegionRankOut,
    ScorecardOut,
    ScoreQuery,
)
from audit_api.reports.views import (
    item_view,
    location_rank_view,
    region_rank_view,
    scorecard_view,
)

blp = Blueprint("scores", __name__, url_prefix="/api/v1", description="Scores and rankings.")


def _listed(rows: list[dict[str, Any]]) -> Response:
    """A table's rows as JSON. The views already give each field its documented type and
    rounding, so the schema (the documentation) is not run over thousands of rows again: that
    took longer than reading the scores (tests/test_scores.py checks both agree)."""
    return current_app.json.response(rows)


@blp.route("/locations/<int:location_id>/scorecard")
class Scorecard(MethodView):
    """A location's scorecard."""

    @requires("scores:read")
    @blp.arguments(ScoreQuery, location="query")
    @blp.response(200, ScorecardOut)
    @openapi.lang
    @blp.doc(operationId="getLocationScorecard")
    def get(self, query: dict[str, Any], location_id: int) -> Any:
        """Score over a window (default the last 90 days in the location's timezone): n, sd,
        95% interval, sections, visit vs call, monthly trend, change, failing items, latest."""
        card = service.scorecard(current_user(), location_id, query)
        return scorecard_view(card, LanguageChoice.of_request())


@blp.route("/scores/locations")
class LocationLeague(MethodView):
    """The location league table."""

    @requires("scores:read")
    @blp.arguments(GroupQuery, location="query")
    @blp.response(200, LocationRankOut(many=True))
    @blp.doc(operationId="listLocationScores")
    def get(self, query: dict[str, Any]) -> Any:
        """Locations in scope ranked by mean score (ties share a rank), with the change
        against the previous window of the same length."""
        return _listed([location_rank_view(r) for r in service.league(current_user(), query)])


@blp.route("/scores/regions")
class RegionLeague(MethodView):
    """The region league table."""

    @requires("scores:read")
    @blp.arguments(GroupQuery, location="query")
    @blp.response(200, RegionRankOut(many=True))
    @blp.doc(operationId="listRegionScores")
    def get(self, query: dict[str, Any]) -> Any:
        """Regions in scope ranked by the mean of all their audits, regions below included."""
        return _listed([region_rank_view(r) for r in service.regions(current_user(), query)])


@blp.route("/scores/items")
class ItemRates(MethodView):
    """Item failure rates."""

    @requires("scores:read")
    @blp.arguments(GroupQuery, location="query")
    @blp.response(200, ItemRateOut(many=True))
    @blp.doc(operationId="listItemScores")
    def get(self, query: dict[str, Any]) -> Any:
        """Failed / applicable per checklist item across approved audits in scope."""
        return _listed([item_view(r) for r in service.items(current_user(), query)])
