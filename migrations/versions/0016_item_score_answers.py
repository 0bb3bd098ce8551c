"""Item scores keep the answer they scored as the answers CSV writes it (answer_index,
answer, answer_is_text, comment, photo_count), filled here from the scored audits' answers.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 16:50:00.000000
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("answer_index", "answer", "answer_is_text", "comment", "photo_count")

# PostgreSQL fills them in one statement, with the values its COPY wrote until now.
KIND = "jsonb_typeof(e.value -> 'value')"
# A float (jsonb keeps its "."; never an exponent) as Python's str() writes it: float8's
# shortest text (1e-05, not jsonb's 0.00001), and 5.0 for a whole one.
_F = "(e.value ->> 'value')::float8"
FLOAT = f"CASE WHEN {_F} = trunc({_F}) THEN {_F}::bigint::text || '.0' ELSE {_F}::text END"
POSTGRES_FILL = f"""
UPDATE audit_item_scores s SET
    answer_index = e.n - 1,
    answer = CASE
        WHEN e.value ->> 'na' = 'true' THEN 'N/A'
        WHEN {KIND} = 'boolean' THEN CASE WHEN e.value ->> 'value' = 'true'
            THEN 'True' ELSE 'False' END
        WHEN {KIND} = 'number' AND strpos(e.value ->> 'value', '.') > 0 THEN {FLOAT}
        WHEN {KIND} IN ('string', 'number') THEN e.value ->> 'value'
        WHEN {KIND} IN ('object', 'array') THEN (e.value -> 'value')::text
    END,
    answer_is_text = COALESCE(  -- no "na" and no value (a photo's answer): False, not NULL
        e.value ->> 'na' = 'true' OR {KIND} IN ('string', 'object', 'array'), false
    ),
    comment = e.value ->> 'comment',
    photo_count = CASE WHEN jsonb_typeof(e.value -> 'photo_ids') = 'array'
        THEN jsonb_array_length(e.value -> 'photo_ids') ELSE 0 END
FROM audits a CROSS JOIN LATERAL jsonb_array_elements(a.answers) WITH ORDINALITY AS e(value, n)
WHERE s.audit_id = a.id AND s.item_key = e.value ->> 'item'
"""


def upgrade() -> None:
    """Add the columns and fill them for every stored score."""
    with op.batch_alter_table("audit_item_scores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_index", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("answer", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("answer_is_text", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("comment", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("photo_count", sa.Integer(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(POSTGRES_FILL)
    else:
        _fill_in_python(bind)


def _fill_in_python(bind: sa.Connection) -> None:
    """SQLite (an embedded, small database): audit by audit, as the service writes them now.
    The rule is written out here, not imported: a migration must not change with the app."""
    table = sa.table(
        "audit_item_scores", sa.column("audit_id"), sa.column("item_key"), *map(sa.column, COLUMNS)
    )
    update = (
        sa.update(table)
        .where(table.c.audit_id == sa.bindparam("a"), table.c.item_key == sa.bindparam("k"))
        .values({c: sa.bindparam(f"v_{c}") for c in COLUMNS})
    )
    scored = sa.text(
        "SELECT a.id, a.answers FROM audits a"
        " WHERE EXISTS (SELECT 1 FROM audit_scores s WHERE s.audit_id = a.id)"
    )
    for audit_id, raw in bind.execute(scored).fetchall():
        answers = json.loads(raw) if isinstance(raw, str) else raw
        params = []
        for index, answer in enumerate(answers or ()):
            value = "N/A" if answer.get("na") else answer.get("value")
            if isinstance(value, dict | list):
                value = json.dumps(value)
            photos = answer.get("photo_ids")
            cells = (
                index,
                None if value is None else str(value),
                isinstance(value, str),
                answer.get("comment"),
                len(photos) if isinstance(photos, list) else 0,
            )
            params.append(
                {"a": audit_id, "k": answer["item"]}
                | {f"v_{c}": v for c, v in zip(COLUMNS, cells, strict=True)}
            )
        if params:
            bind.execute(update, params)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("audit_item_scores", schema=None) as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
