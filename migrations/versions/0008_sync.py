"""Offline sync: each organization's change counter, the stamp it leaves on assignments and
locations, the departures of assignments from their auditors, and the indexes a sync reads.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "sync_clocks",
        sa.Column("org_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_sync_clocks")),
    )
    op.create_table(
        "sync_departures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_departures")),
    )
    op.create_index("ix_sync_departures_user_seq", "sync_departures", ["user_id", "seq"])
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        # Rows written before the counter existed count as written at 0: a first sync sends them.
        batch_op.add_column(
            sa.Column("sync_seq", sa.BigInteger(), server_default=sa.text("0"), nullable=False)
        )
        # The two below start with auditor_id, so its own index adds nothing.
        batch_op.drop_index(batch_op.f("ix_assignments_auditor_id"))
        batch_op.create_index("ix_assignments_auditor_status", ["auditor_id", "status"])
        batch_op.create_index("ix_assignments_auditor_sync_seq", ["auditor_id", "sync_seq"])
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sync_seq", sa.BigInteger(), server_default=sa.text("0"), nullable=False)
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.drop_column("sync_seq")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_auditor_sync_seq")
        batch_op.drop_index("ix_assignments_auditor_status")
        batch_op.create_index(batch_op.f("ix_assignments_auditor_id"), ["auditor_id"], unique=False)
        batch_op.drop_column("sync_seq")
    op.drop_index("ix_sync_departures_user_seq", table_name="sync_departures")
    op.drop_table("sync_departures")
    op.drop_table("sync_clocks")
