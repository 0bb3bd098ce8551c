"""Photos are processed in the background: statuses processing and rejected, when the job
was queued (and which), when it finished, and why a photo was rejected.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 22:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=8),
            type_=sa.String(length=10),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("job_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                "rejection",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.create_index("ix_photos_status_queued_at", ["status", "queued_at"], unique=False)


def downgrade() -> None:
    """Revert this revision (processing and rejected photos go back to pending)."""
    op.execute("UPDATE photos SET status = 'pending' WHERE status IN ('processing', 'rejected')")
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_index("ix_photos_status_queued_at")
        batch_op.drop_column("rejection")
        batch_op.drop_column("processed_at")
        batch_op.drop_column("job_id")
        batch_op.drop_column("queued_at")
        batch_op.alter_column(
            "status",
            existing_type=sa.String(length=10),
            type_=sa.String(length=8),
            existing_nullable=False,
        )
