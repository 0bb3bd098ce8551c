"""Staged uploads (the staging key of a photo's latest upload form); one audit per assignment.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("upload_key", sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_photos_upload_key"), ["upload_key"])
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audits_assignment_id"))
        batch_op.create_unique_constraint(batch_op.f("uq_audits_assignment_id"), ["assignment_id"])


def downgrade() -> None:
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audits_assignment_id"), type_="unique")
        batch_op.create_index(
            batch_op.f("ix_audits_assignment_id"), ["assignment_id"], unique=False
        )
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_photos_upload_key"), type_="unique")
        batch_op.drop_column("upload_key")
