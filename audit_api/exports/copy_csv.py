"""On PostgreSQL the answers CSV is written by the database itself (COPY ... TO STDOUT).

Python would spend ~10 us formatting each of millions of rows; COPY streams them at the
database's own speed. The SQL mirrors `rows.answer_rows` value for value (`True`/`False`,
`N/A`, floats as Python writes them, the same cursor, text defused as `formats.defused` does),
so both databases give the same file; tests/test_exports.py compares the two row by row.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import current_app
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    Text,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import aliased

from audit_api.audits.models import Audit, AuditItemScore, AuditStatus
from audit_api.checklists.models import Checklist, ChecklistVersion
from audit_api.db import db
from audit_api.exports import copy_parts
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
            Audit.status,
            literal_column("audits.ctid").label("tid"),
            _defused(Location.code).label("code"),
            cast(Audit.visit_date, Text).label("visit_date"),
            Checklist.key.label("key"),
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
    """Per audit (LATERAL): its answers with their places and cells. A scored audit (any but
    a draft) reads them from its item scores, which keep the answer they scored; a draft,
    which has no score, from its JSON. Each branch runs only for its own audits (a filter on
    the outer row alone is checked once, before the branch is read).

    A score whose rows hold no answer (written by the release before migration 0016 while
    it ran, or by a writer that left them out) is read from the JSON too, its scores looked
    up by item: its answers are never dropped."""
    score = AuditItemScore
    scored = select(
        score.answer_index.label("n"),
        score.item_key.label("item"),
        score.section_key,
        score.fraction,
        score.applicable,
        score.failed,
        score.answer,
        score.answer_is_text,
        score.comment,
        score.photo_count,
    ).where(
        audits.c.status != AuditStatus.DRAFT,
        score.audit_id == audits.c.id,
        score.answer_index.is_not(None),
    )
    mine = aliased(AuditItemScore, name="mine")
    kept = (
        select(literal(1))
        .where(mine.audit_id == audits.c.id, mine.answer_index.is_not(None))
        .correlate_except(mine)  # the outer audit's row, not a FROM of its own
    )
    from_json = or_(audits.c.status == AuditStatus.DRAFT, ~kept.exists())
    return union_all(scored, _json_answers(audits, from_json)).lateral("x")


def _json_answers(audits: Any, wanted: ColumnElement[bool]):
    """The answers out of the JSON (a draft's; a score's that kept none), with the cells
    migration 0016 stores, and the item scores when there are any."""
    src = aliased(Audit, name="src")
    score = AuditItemScore
    elem = (
        func.jsonb_array_elements(src.answers)
        .table_valued(column("value", JSONB), with_ordinality="n")
        .render_derived(name="e")
    )
    answer = elem.c.value
    kind = func.jsonb_typeof(answer["value"])
    na = answer["na"].astext == "true"
    raw = answer["value"].astext
    text = case(
        (na, "N/A"),
        (kind == "boolean", case((raw == "true", "True"), else_="False")),
        # A float (jsonb keeps its ".") as Python writes it: 1e-05, not jsonb's 0.00001.
        (and_(kind == "number", func.strpos(raw, ".") > 0), _py_float(cast(raw, Float))),
        (kind.in_(("string", "number")), raw),
        (kind.in_(("object", "array")), cast(answer["value"], Text)),
    )
    listed = answer["photo_ids"]
    photos = case((func.jsonb_typeof(listed) == "array", func.jsonb_array_length(listed)), else_=0)
    item = answer["item"].astext
    return (
        select(
            (elem.c.n - 1).label("n"),
            item,
            score.section_key,
            score.fraction,
            score.applicable,
            score.failed,
            text,
            or_(na, kind.in_(("string", "object", "array"))),
            answer["comment"].astext,
            photos,
        )
        .select_from(src)
        .join(elem, true())
        .outerjoin(score, and_(score.audit_id == audits.c.id, score.item_key == item))
        .where(wanted, literal_column("src.ctid") == audits.c.tid)
    )


def answers_select(where: list[ColumnElement[bool]]):
    """One row per answered item, every column already formatted as text.

    Audits come sorted and each one's answers are joined to its scores by a nested loop, so
    PostgreSQL only sorts the few answers of one audit at a time (an incremental sort), not
    millions of rows.
    """
    audits = _audits(where)
    x = _answers_of(audits)
    # Free text and JSON are defused; numbers, booleans and N/A never start a formula.
    value = case((x.c.answer_is_text, _defused(x.c.answer)), else_=x.c.answer)
    # audit_id (a UUID), visit_date and cursor are written by us and start with a digit or a
    # letter; checklist, section and item keys can only be slugs (checklists/definition.py:
    # KEY, ITEM_KEY; answers name only items of their checklist), so none can start a cell
    # with a formula: defusing them cost a second per 3 M rows for nothing. Every other text
    # column may hold what a user typed.
    return (
        select(
            audits.c.id.label("audit_id"),
            audits.c.code.label("location_code"),
            audits.c.visit_date,
            audits.c.key.label("checklist_key"),
            x.c.section_key.label("section"),
            x.c.item.label("item"),
            value.label("answer"),
            _py_float(x.c.fraction).label("fraction"),
            _py_bool(x.c.applicable).label("applicable"),
            _py_bool(x.c.failed).label("failed"),
            _defused(x.c.comment).label("comment"),
            x.c.photo_count,
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
    """The answers CSV as PostgreSQL's COPY writes it, in chunks of about CHUNK_BYTES; large
    exports in EXPORT_COPY_PARTS parts side by side (copy_parts), the same bytes."""
    config = current_app.config
    # The request's session keeps its connection meanwhile: more parts than the pool lends
    # beside it would wait for one that never comes, then fail the export.
    room = config["DB_POOL_SIZE"] + config["DB_MAX_OVERFLOW"] - 1
    points = copy_parts.boundaries(where, min(config["EXPORT_COPY_PARTS"], room))
    header = True
    copies = []
    for part in copy_parts.ranges(points):
        copies.append(_copier(answers_select([*where, *part]), header))
        header = False  # one header line, the first part's

    def chunks() -> Iterator[bytes]:
        if bom:
            yield "\ufeff".encode()
        if len(copies) == 1:
            # The session's own connection and transaction (the caller ends them when done).
            yield from copies[0](db.session.connection().connection.dbapi_connection)
        else:
            yield from copy_parts.joined(copies)

    return chunks()


def _copier(stmt: Any, header: bool) -> copy_parts.Copier:
    """A function running the COPY of `stmt` on a raw connection, yielding its chunks."""
    compiled = stmt.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    options = "FORMAT csv, HEADER" if header else "FORMAT csv"
    statement = f"COPY ({compiled}) TO STDOUT WITH ({options})"

    def run(raw: Any) -> Iterator[bytes]:
        with raw.cursor() as cursor:
            # JIT compiling these many expressions costs more than it saves (about 1 s here).
            cursor.execute("SET LOCAL jit = off")
            yield from _copy(cursor, statement, compiled.params)

    return run


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
