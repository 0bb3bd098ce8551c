"""Imports every model so the metadata is complete (for Alembic and the tests)."""

from audit_api.actions.models import Action, ActionEvent, ActionPhoto
from audit_api.assignments.models import Assignment
from audit_api.audits.models import Audit, AuditEvent, AuditItemScore, AuditScore, AuditSectionScore
from audit_api.auth.models import AuthSession, RefreshToken
from audit_api.checklists.models import Checklist, ChecklistVersion
from audit_api.db import Base
from audit_api.disputes.models import Dispute
from audit_api.evidence.models import Photo
from audit_api.idempotency.models import IdempotencyRecord
from audit_api.locations.models import Location
from audit_api.orgs.models import Organization
from audit_api.regions.models import Region
from audit_api.reports.pdf.models import AuditReport
from audit_api.rollups.models import ItemRollup, MonthRollup, ScoreRollup, SectionRollup
from audit_api.schedules.models import Schedule
from audit_api.sync.models import SyncClock, SyncDeparture
from audit_api.tasks.models import Job
from audit_api.users.models import User
from audit_api.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

metadata = Base.metadata

__all__ = [
    "Action",
    "ActionEvent",
    "ActionPhoto",
    "Assignment",
    "Audit",
    "AuditEvent",
    "AuditItemScore",
    "AuditReport",
    "AuditScore",
    "AuditSectionScore",
    "AuthSession",
    "Checklist",
    "ChecklistVersion",
    "Dispute",
    "IdempotencyRecord",
    "ItemRollup",
    "Job",
    "Location",
    "MonthRollup",
    "Organization",
    "Photo",
    "RefreshToken",
    "Region",
    "Schedule",
    "ScoreRollup",
    "SectionRollup",
    "SyncClock",
    "SyncDeparture",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "metadata",
]
