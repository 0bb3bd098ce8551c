"""Accounts: e-mail unique per organization; indexes the prune command deletes by.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 16:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRUNED_BY = [
    ("auth_sessions", "revoked_at"),
    ("refresh_tokens", "expires_at"),
    ("idempotency_records", "created_at"),
]


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("uq_users_email", type_="unique")
        batch_op.create_unique_constraint("uq_users_org_email", ["org_id", "email"])
        batch_op.create_index(batch_op.f("ix_users_email"), ["email"], unique=False)
    for table, column in PRUNED_BY:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def downgrade() -> None:
    """Revert this revision (fails while one e-mail is used in two organizations)."""
    for table, column in PRUNED_BY:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_email"))
        batch_op.drop_constraint("uq_users_org_email", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_users_email"), ["email"])
