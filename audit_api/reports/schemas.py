"""Query and response schemas of the score endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from audit_api.audits.schemas import AuditFilters
from audit_api.fields import Id


class ScoreQuery(AuditFilters):
    """Window (default: the last 90 days up to today) and filters of every score endpoint."""


class GroupQuery(ScoreQuery):
    """Filters of league tables and item failure rates."""

    region_id = Id(metadata={"description": "in this region or any below it"})
    min_n = fields.Integer(load_default=1, validate=validate.Range(1, 1_000_000))


class SummaryOut(Schema):
    """Mean of overall scores with n, sd and a 95% interval (none when n < 2)."""

    mean = fields.Float(required=True, allow_none=True)
    n = fields.Integer(required=True)
    sd = fields.Float(required=True, allow_none=True)
    ci95 = fields.List(
        fields.Float(), required=True, allow_none=True, metadata={"description": "[low, high]"}
    )


class SectionMeanOut(Schema):
    """A section's mean pct over the window's audits."""

    key = fields.String(required=True)
    mean = fields.Float(required=True, allow_none=True)
    n = fields.Integer(required=True)


class ByKindOut(Schema):
    """The score of visits and of calls apart (a kind with no audit is left out)."""

    visit = fields.Nested(SummaryOut)
    call = fields.Nested(SummaryOut)


class TrendOut(Schema):
    """One month's mean."""

    period = fields.String(required=True, metadata={"description": "YYYY-MM"})
    mean = fields.Float(required=True, allow_none=True)
    n = fields.Integer(required=True)


class LatestAuditOut(Schema):
    """One of the location's latest approved audits."""

    id = fields.String(required=True)
    visit_date = fields.Date(required=True)
    kind = fields.String(required=True, metadata={"enum": ["visit", "call"]})
    checklist_key = fields.String(required=True)
    overall = fields.Float(required=True, allow_none=True)
    grade = fields.String(
        required=True, allow_none=True, metadata={"description": "label in the caller's language"}
    )


class ActionCountsOut(Schema):
    """A location's corrective actions with work still to do."""

    open = fields.Integer(required=True, metadata={"description": "open, in progress or reopened"})
    overdue = fields.Integer(
        required=True, metadata={"description": "of those, past their due time"}
    )


class CoverageOut(Schema):
    """Scheduled visits done of those due in the window."""

    done = fields.Integer(required=True)
    due = fields.Integer(
        required=True, metadata={"description": "windows closed in the window, or done"}
    )
    rate = fields.Float(required=True, allow_none=True)


class ScorecardOut(Schema):
    """A location's scorecard (docs/scoring.md)."""

    location_id = fields.Integer(required=True)
    start = fields.Date(data_key="from", required=True)
    end = fields.Date(data_key="to", required=True)
    score = fields.Nested(SummaryOut, required=True)
    sections = fields.List(fields.Nested(SectionMeanOut), required=True)
    by_kind = fields.Nested(ByKindOut, required=True)
    trend = fields.List(fields.Nested(TrendOut), required=True)
    change = fields.Float(
        required=True, allow_none=True, metadata={"description": "against the previous window"}
    )
    failing_items = fields.List(fields.Nested("ItemRateOut"), required=True)
    latest_audits = fields.List(fields.Nested(LatestAuditOut), required=True)
    actions = fields.Nested(ActionCountsOut, required=True)
    coverage = fields.Nested(CoverageOut, required=True)


class RankOut(Schema):
    """What every league-table row has."""

    mean = fields.Float(allow_none=True)
    n = fields.Integer()
    sd = fields.Float(allow_none=True)
    rank = fields.Integer()
    change = fields.Float(allow_none=True)


class LocationRankOut(RankOut):
    """A row of the location league table."""

    location_id = fields.Integer()
    code = fields.String()
    name = fields.String()
    region_id = fields.Integer(allow_none=True)
    actions_open = fields.Integer(metadata={"description": "corrective actions to do"})
    actions_overdue = fields.Integer(metadata={"description": "of those, past their due time"})


class RegionRankOut(RankOut):
    """A row of the region league table."""

    region_id = fields.Integer()
    name = fields.String()
    parent_id = fields.Integer(allow_none=True)


class ItemRateOut(Schema):
    """How often a checklist item fails where it applies."""

    checklist_key = fields.String()
    item = fields.String()
    failure_rate = fields.Float()
    failed = fields.Integer()
    n = fields.Integer()
