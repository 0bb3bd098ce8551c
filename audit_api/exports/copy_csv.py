"""On PostgreSQL the answers CSV is written by the database itself (COPY ... TO STDOUT).

Python would spend ~10 us formatting each of millions of rows; COPY streams them at the
database's own speed. The SQL mirrors `rows.answer_rows` value for value (`True`/`False`,
`N/A`, floats as Python writes them, the same cursor, text defused as `formats.defused` does),
so both databases give the same file; tests/test_exports.py compares the two row by row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Text,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import aliased

from audit_api.audits.models import Audit, AuditItemScore
from audit_api.checklists.models import Checklist, ChecklistVersion
from audit_api.db import db
from audit_api.exports.formats import FORMULA_CELLS, FORMULA_STARTS
from audit_api.locations.models import Location

CHUNK_BYTES = 64 * 1024


def _py_bool(value: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((value.is_(True), "True"), (value.is_(False), "False"))


def _py_float(value: ColumnElement[Any]) -> ColumnElement[Any]:
    # float8 text is the shortest exact form, as Python's repr, except that Python writes 1.0.
    whole = cast(cast(value, BigInteger), Text) + ".0"
    return case((value == func.trunc(value), whole), else_=cast(value, Text))


def _defused(text: ColumnElement[Any]) -> ColumnElement[Any]:
    """`formats.defused` in SQL: "'" before each cell of the text that starts like a formula."""
    # Only text columns pass through here: numbers are never quoted (the rule in formats.py).
    defused = func.regexp_replace(text, literal(FORMULA_CELLS), literal("'"), literal("g"))
    # Text holding none of the characters a formula starts with cannot match: translate() is
    # a plain scan, far cheaper than the regular expression on the millions of such cells.
    plain = func.translate(text, literal("".join(FORMULA_STARTS)), literal("")) == text
    return case((plain, text), else_=defused)


def _cursor(updated_at: ColumnElement[Any], audit_id: ColumnElement[Any]) -> ColumnElement[Any]:
    """`rows.encode_cursor` in SQL: urlsafe base64 of '<isoformat>|<id>'."""
    utc = func.timezone("UTC", updated_at)
    micro = func.to_char(utc, "US")
    iso = (
        func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS')
        + case((micro == "000000", ""), else_="." + micro)
        + "+00:00"
    )
    encoded = func.encode(func.convert_to(iso + "|" + audit_id, "UTF8"), "base64")
    return func.translate(func.replace(encoded, "\n", ""), "+/", "-_")


def _audits(where: list[ColumnElement[bool]]):
    """The exported audits in cursor order, with what their rows repeat (made once per audit,
    not once per answer). Only these narrow keys are sorted: each audit's answers are read
    after the sort by its row address (ctid, stable within the statement's snapshot), not
    carried through it (at 1 M audits that sort spilled a gigabyte of JSON to disk)."""
    return (
        select(
            Audit.id,
            Audit.updated_at,
            literal_column("audits.ctid").label("tid"),
            _defused(Location.code).label("code"),
            cast(Audit.visit_date, Text).label("visit_date"),
            _defused(Checklist.key).label("key"),
            _cursor(Audit.updated_at, Audit.id).label("cursor"),
        )
        .join(Location, Location.id == Audit.location_id)
        .join(ChecklistVersion, ChecklistVersion.id == Audit.checklist_version_id)
        .join(Checklist, Checklist.id == ChecklistVersion.checklist_id)
        .where(*where)
        .order_by(Audit.updated_at, Audit.id)
        .offset(0)  # kept apart, so the order and the cursor are made once per audit
        .subquery("a")
    )


def _answers_of(audits: Any):
    """Per audit (LATERAL): its answers in order, each with its stored item score, every JSON
    field taken out once (OFFSET 0 keeps the planner from copying each extraction into every
    expression that uses it: up to four times per answer)."""
    src = aliased(Audit, name="src")
    elem = (
        func.jsonb_array_elements(src.answers)
        .table_valued(column("value", JSONB), with_ordinality="n")
        .render_derived(name="e")
    )
    answer, score = elem.c.value, AuditItemScore
    item = answer["item"].astext
    matches = and_(score.audit_id == audits.c.id, score.item_key == item)
    return (
        select(
            elem.c.n,
            item.label("item"),
            answer["value"].label("value"),
            answer["value"].astext.label("value_text"),
            func.jsonb_typeof(answer["value"]).label("kind"),
            answer["na"].astext.label("na"),
            answer["comment"].astext.label("comment"),
            answer["photo_ids"].label("photo_ids"),
            score.section_key,
            score.fraction,
            score.applicable,
            score.failed,
        )
        .select_from(src)
        .join(elem, true())
        .outerjoin(score, matches)
        .where(literal_column("src.ctid") == audits.c.tid)
        .offset(0)
        .lateral("x")
    )


def answers_select(where: list[ColumnElement[bool]]):
    """One row per answered item, every column already formatted as text.

    Audits come sorted and each one's answers are joined to its scores by a nested loop, so
    PostgreSQL only sorts the few answers of one audit at a time (an incremental sort), not
    millions of rows.
    """
    audits = _audits(where)
    x = _answers_of(audits)
    value = case(
        (x.c.na == "true", "N/A"),
        (x.c.kind == "boolean", case((x.c.value_text == "true", "True"), else_="False")),
        (x.c.kind == "string", _defused(x.c.value_text)),
        (x.c.kind == "number", x.c.value_text),
        (x.c.kind.in_(("object", "array")), _defused(cast(x.c.value, Text))),
    )
    photo_ids = x.c.photo_ids
    photos = case(
        (func.jsonb_typeof(photo_ids) == "array", func.jsonb_array_length(photo_ids)), else_=0
    )
    # audit_id (a UUID), visit_date and cursor are written by us and start with a digit or a
    # letter; every other text column may hold what a user typed.
    return (
        select(
            audits.c.id.label("audit_id"),
            audits.c.code.label("location_code"),
            audits.c.visit_date,
            audits.c.key.label("checklist_key"),
            _defused(x.c.section_key).label("section"),
            _defused(x.c.item).label("item"),
            value.label("answer"),
            _py_float(x.c.fraction).label("fraction"),
            _py_bool(x.c.applicable).label("applicable"),
            _py_bool(x.c.failed).label("failed"),
            _defused(x.c.comment).label("comment"),
            photos.label("photo_count"),
            audits.c.cursor,
        )
        .select_from(audits)
        .join(x, true())
        .order_by(audits.c.updated_at, audits.c.id, x.c.n)
    )


def uses_copy(what: str, fmt: str) -> bool:
    """Whether this export is written by PostgreSQL's COPY (answers as CSV on PostgreSQL)."""
    return what == "answers" and fmt == "csv" and db.engine.dialect.name == "postgresql"


def copy_answers_csv(where: list[ColumnElement[bool]], bom: bool):
    """The answers CSV as PostgreSQL's COPY writes it, in chunks of about CHUNK_BYTES."""
    compiled = answers_select(where).compile(
        dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True}
    )
    statement = f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv, HEADER)"

    def chunks() -> Iterator[bytes]:
        if bom:
            yield "\ufeff".encode()
        # The session's own connection and transaction (the caller ends them when done).
        raw = db.session.connection().connection.dbapi_connection
        with raw.cursor() as cursor:
            # JIT compiling these many expressions costs more than it saves (about 1 s here).
            cursor.execute("SET LOCAL jit = off")
            yield from _copy(cursor, statement, compiled.params)

    return chunks()


def _copy(cursor: Any, statement: str, params: Any) -> Iterator[bytes]:
    """The rows of a COPY TO STDOUT, in chunks of about CHUNK_BYTES."""
    with cursor.copy(statement, params) as copy:
        # libpq hands COPY data over a row at a time: send the client 64 KiB writes.
        buffer = bytearray()
        for data in copy:
            buffer += data
            if len(buffer) >= CHUNK_BYTES:
                yield bytes(buffer)
                buffer.clear()
        yield bytes(buffer)
