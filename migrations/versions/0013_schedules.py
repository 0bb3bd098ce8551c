"""Schedules (locations, auditor pool); assignments may have no auditor, belong to a schedule
occurrence (made once per schedule, occurrence and location) and be missed.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 20:23:36.766279
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("checklist_id", sa.Integer(), nullable=False),
        sa.Column("checklist_version", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("rrule", sa.String(length=500), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("local_time", sa.String(length=5), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("lockout_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["checklist_id"], ["checklists.id"], name=op.f("fk_schedules_checklist_id_checklists")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_schedules_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_schedules_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_schedules_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
    )
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedules_org_id"), ["org_id"], unique=False)

    op.create_table(
        "schedule_auditors",
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_schedule_auditors_schedule_id_schedules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_schedule_auditors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("schedule_id", "user_id", name=op.f("pk_schedule_auditors")),
    )
    op.create_table(
        "schedule_locations",
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_schedule_locations_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_schedule_locations_schedule_id_schedules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("schedule_id", "location_id", name=op.f("pk_schedule_locations")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("schedule_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("occurrence", sa.String(length=16), nullable=True))
        batch_op.alter_column("auditor_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(
            batch_op.f("ix_assignments_schedule_id"), ["schedule_id"], unique=False
        )
        batch_op.create_unique_constraint(
            "uq_assignments_schedule_occurrence", ["schedule_id", "occurrence", "location_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_assignments_schedule_id_schedules"), "schedules", ["schedule_id"], ["id"]
        )


def downgrade() -> None:
    """Revert this revision (fails while an assignment has no auditor)."""
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_assignments_schedule_id_schedules"), type_="foreignkey"
        )
        batch_op.drop_constraint("uq_assignments_schedule_occurrence", type_="unique")
        batch_op.drop_index(batch_op.f("ix_assignments_schedule_id"))
        batch_op.alter_column("auditor_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("occurrence")
        batch_op.drop_column("schedule_id")

    op.drop_table("schedule_locations")
    op.drop_table("schedule_auditors")
    with op.batch_alter_table("schedules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedules_org_id"))

    op.drop_table("schedules")
