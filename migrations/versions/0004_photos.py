"""Photos: an audit's evidence, its facts, perceptual-hash bands and signals.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 21:10:58.475350
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "photos",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.String(length=36), nullable=False),
        sa.Column("item_key", sa.String(length=60), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("declared_type", sa.String(length=40), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("phash", sa.String(length=16), nullable=True),
        sa.Column("band0", sa.Integer(), nullable=True),
        sa.Column("band1", sa.Integer(), nullable=True),
        sa.Column("band2", sa.Integer(), nullable=True),
        sa.Column("band3", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column(
            "signals",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["audits.id"], name=op.f("fk_photos_audit_id_audits")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_photos_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_photos_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photos_audit_id"), ["audit_id"], unique=False)
        batch_op.create_index("ix_photos_org_band0", ["org_id", "band0"], unique=False)
        batch_op.create_index("ix_photos_org_band1", ["org_id", "band1"], unique=False)
        batch_op.create_index("ix_photos_org_band2", ["org_id", "band2"], unique=False)
        batch_op.create_index("ix_photos_org_band3", ["org_id", "band3"], unique=False)
        batch_op.create_index("ix_photos_org_sha256", ["org_id", "sha256"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_index("ix_photos_org_sha256")
        batch_op.drop_index("ix_photos_org_band3")
        batch_op.drop_index("ix_photos_org_band2")
        batch_op.drop_index("ix_photos_org_band1")
        batch_op.drop_index("ix_photos_org_band0")
        batch_op.drop_index(batch_op.f("ix_photos_audit_id"))

    op.drop_table("photos")
