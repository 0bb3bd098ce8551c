"""Corrective actions, their event log and their photos.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 20:23:15.014129
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.String(length=36), nullable=False),
        sa.Column("checklist_key", sa.String(length=60), nullable=False),
        sa.Column("item_key", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution_note", sa.String(length=4000), nullable=True),
        sa.Column(
            "resolution_photo_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("checked_by_audit_id", sa.String(length=36), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_actions_assignee_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audits.id"], name=op.f("fk_actions_audit_id_audits")
        ),
        sa.ForeignKeyConstraint(
            ["checked_by_audit_id"],
            ["audits.id"],
            name=op.f("fk_actions_checked_by_audit_id_audits"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_actions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name=op.f("fk_actions_location_id_locations")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_actions_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_actions_resolved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
        sa.UniqueConstraint("audit_id", "item_key", name="uq_actions_audit_item"),
    )
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actions_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(
            "ix_actions_location_item", ["location_id", "checklist_key", "item_key"], unique=False
        )
        batch_op.create_index(
            "ix_actions_org_status_due_at", ["org_id", "status", "due_at"], unique=False
        )

    op.create_table(
        "action_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=4000), nullable=True),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_action_events_action_id_actions")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_action_events_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_events")),
    )
    with op.batch_alter_table("action_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_events_action_id"), ["action_id"], unique=False)

    op.create_table(
        "action_photos",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_action_photos_action_id_actions")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_action_photos_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_action_photos_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_photos")),
    )
    with op.batch_alter_table("action_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_photos_action_id"), ["action_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("action_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_photos_action_id"))

    op.drop_table("action_photos")
    with op.batch_alter_table("action_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_events_action_id"))

    op.drop_table("action_events")
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_index("ix_actions_org_status_due_at")
        batch_op.drop_index("ix_actions_location_item")
        batch_op.drop_index(batch_op.f("ix_actions_assignee_id"))

    op.drop_table("actions")
