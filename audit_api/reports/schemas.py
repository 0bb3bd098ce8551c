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

    mean = fields.Float(allow_none=True)
    n = fields.Integer()
    sd = fields.Float(allow_none=True)
    ci95 = fields.List(fields.Float(), allow_none=True)


class ActionCountsOut(Schema):
    """A location's corrective actions with work still to do."""

    open = fields.Integer(metadata={"description": "open, in progress or reopened"})
    overdue = fields.Integer(metadata={"description": "of those, past their due time"})


class CoverageOut(Schema):
    """Scheduled visits done of those due in the window."""

    done = fields.Integer()
    due = fields.Integer(metadata={"description": "windows closed in the window, or done"})
    rate = fields.Float(allow_none=True)


class ScorecardOut(Schema):
    """A location's scorecard (docs/scoring.md)."""

    location_id = fields.Integer()
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    score = fields.Nested(SummaryOut)
    sections = fields.List(fields.Dict())
    by_kind = fields.Dict(keys=fields.String(), values=fields.Nested(SummaryOut))
    trend = fields.List(fields.Dict())
    change = fields.Float(allow_none=True)
    failing_items = fields.List(fields.Dict())
    latest_audits = fields.List(fields.Dict())
    actions = fields.Nested(ActionCountsOut)
    coverage = fields.Nested(CoverageOut)


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
