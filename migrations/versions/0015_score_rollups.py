"""Score rollups: per location, visit date, checklist version and kind, the sums of the
approved audits' overall scores, section pcts and item failures; filled from the audits here.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23 22:34:08.341130
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rollup of the audits already approved (audit_api/rollups/rebuild.py makes the same rows).
APPROVED = (
    " FROM audits a JOIN audit_scores s ON s.audit_id = a.id"
    " WHERE a.status = 'approved' AND s.overall IS NOT NULL"
)
KEY = "a.location_id, a.visit_date, a.checklist_version_id, a.kind, a.org_id"
BACKFILL = (
    f"INSERT INTO score_rollups (location_id, visit_date, checklist_version_id, kind, org_id,"
    f" checklist_key, n, total, total_sq) SELECT {KEY}, s.checklist_key, count(*),"
    f" sum(s.overall), sum(s.overall * s.overall){APPROVED} GROUP BY {KEY}, s.checklist_key",
    f"INSERT INTO score_rollup_sections (location_id, visit_date, checklist_version_id, kind,"
    f" org_id, section_key, n, total) SELECT {KEY}, x.section_key, count(*), sum(x.pct)"
    f"{APPROVED.replace(' WHERE', ' JOIN audit_section_scores x ON x.audit_id = a.id WHERE')}"
    f" AND x.pct IS NOT NULL GROUP BY {KEY}, x.section_key",
    f"INSERT INTO score_rollup_items (location_id, visit_date, checklist_version_id, kind,"
    f" org_id, item_key, checklist_key, applicable, failed) SELECT {KEY}, x.item_key,"
    f" s.checklist_key, count(*), sum(CASE WHEN x.failed THEN 1 ELSE 0 END)"
    f"{APPROVED.replace(' WHERE', ' JOIN audit_item_scores x ON x.audit_id = a.id WHERE')}"
    f" AND x.applicable GROUP BY {KEY}, x.item_key, s.checklist_key",
)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "score_rollup_items",
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("checklist_version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=60), nullable=False),
        sa.Column("checklist_key", sa.String(length=60), nullable=False),
        sa.Column("applicable", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "location_id",
            "visit_date",
            "checklist_version_id",
            "kind",
            "item_key",
            name=op.f("pk_score_rollup_items"),
        ),
    )
    with op.batch_alter_table("score_rollup_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_score_rollup_items_org_id_visit_date", ["org_id", "visit_date"], unique=False
        )

    op.create_table(
        "score_rollup_sections",
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("checklist_version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("section_key", sa.String(length=60), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("total", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint(
            "location_id",
            "visit_date",
            "checklist_version_id",
            "kind",
            "section_key",
            name=op.f("pk_score_rollup_sections"),
        ),
    )
    op.create_table(
        "score_rollups",
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("checklist_version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("checklist_key", sa.String(length=60), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("total", sa.Double(), nullable=False),
        sa.Column("total_sq", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint(
            "location_id",
            "visit_date",
            "checklist_version_id",
            "kind",
            name=op.f("pk_score_rollups"),
        ),
    )
    with op.batch_alter_table("score_rollups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_score_rollups_org_id_visit_date", ["org_id", "visit_date"], unique=False
        )

    op.create_table(
        "score_rollup_months",
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("checklist_version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("checklist_key", sa.String(length=60), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("total", sa.Double(), nullable=False),
        sa.Column("total_sq", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint(
            "location_id",
            "month",
            "checklist_version_id",
            "kind",
            name=op.f("pk_score_rollup_months"),
        ),
    )
    with op.batch_alter_table("score_rollup_months", schema=None) as batch_op:
        batch_op.create_index(
            "ix_score_rollup_months_org_id_month", ["org_id", "month"], unique=False
        )
    for statement in BACKFILL:
        op.execute(statement)
    postgres = op.get_bind().dialect.name == "postgresql"
    month = (
        "CAST(date_trunc('month', a.visit_date) AS date)"
        if postgres
        else "date(a.visit_date, 'start of month')"
    )
    op.execute(
        "INSERT INTO score_rollup_months (location_id, month, checklist_version_id, kind, org_id,"
        f" checklist_key, n, total, total_sq) SELECT a.location_id, {month},"
        " a.checklist_version_id, a.kind, a.org_id, s.checklist_key, count(*), sum(s.overall),"
        f" sum(s.overall * s.overall){APPROVED} GROUP BY a.location_id, {month},"
        " a.checklist_version_id, a.kind, a.org_id, s.checklist_key"
    )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("score_rollup_months", schema=None) as batch_op:
        batch_op.drop_index("ix_score_rollup_months_org_id_month")
    op.drop_table("score_rollup_months")
    with op.batch_alter_table("score_rollups", schema=None) as batch_op:
        batch_op.drop_index("ix_score_rollups_org_id_visit_date")

    op.drop_table("score_rollups")
    op.drop_table("score_rollup_sections")
    with op.batch_alter_table("score_rollup_items", schema=None) as batch_op:
        batch_op.drop_index("ix_score_rollup_items_org_id_visit_date")

    op.drop_table("score_rollup_items")
