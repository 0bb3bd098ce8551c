"""Query schema of the export downloads."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from audit_api.actions.schemas import ActionQuery
from audit_api.audits.models import AuditStatus
from audit_api.audits.schemas import AuditFilters
from audit_api.exports import query
from audit_api.fields import Id

STATUSES = (*AuditStatus, "all")


def _valid_cursor(value: str) -> None:
    try:
        query.decode_cursor(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class ExportQuery(AuditFilters):
    """Filters of an export (approved audits by default), as every audit listing's."""

    region_id = Id(metadata={"description": "in this region or any below it"})
    location_id = Id()
    status = fields.String(load_default=AuditStatus.APPROVED, validate=validate.OneOf(STATUSES))
    updated_after = fields.String(
        validate=_valid_cursor,
        metadata={"description": "the `cursor` of the last row read"},
    )
    bom = fields.Boolean(load_default=False, metadata={"description": "UTF-8 BOM for Excel"})


class ActionExportQuery(ActionQuery):
    """Filters of the actions export: those of the action list."""

    bom = fields.Boolean(load_default=False, metadata={"description": "UTF-8 BOM for Excel"})
