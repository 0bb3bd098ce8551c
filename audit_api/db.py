"""Engine, declarative base and the one-session-per-request scope."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from flask import Flask, current_app
from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    DateTime,
    Integer,
    MetaData,
    Select,
    any_,
    create_engine,
    event,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    declared_attr,
    mapped_column,
    scoped_session,
)
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from audit_api.errors import Reason

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


MAX_OFFSET = 2**62
JSONType = JSON().with_variant(JSONB(), "postgresql")  # JSONB where there is one


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every model."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime}


def make_engine(url: str, pool: dict[str, int] | None = None) -> Engine:
    """Create the engine; SQLite gets foreign keys, WAL, a busy timeout and write locks;
    others a pool of `pool` (pool_size, max_overflow, pool_timeout)."""
    if url.startswith("sqlite"):
        from audit_api.instance import private_sqlite

        private_sqlite(url)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **(pool or {}))


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """SQLite enforces foreign keys only when asked to, per connection."""
    # Let SQLAlchemy, not the driver, emit BEGIN (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


READS = ("GET", "HEAD", "OPTIONS")


def _sqlite_begin(connection: Any) -> None:
    """Writes take the write lock up front: two requests that read then write would
    otherwise fail with SQLITE_BUSY instead of waiting their turn (what FOR UPDATE does
    elsewhere). Reads do not: in WAL mode they run beside the writer, so a long read (a
    listing, a report) never stalls the writes."""
    from flask import has_request_context, request

    reading = has_request_context() and request.method in READS
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def _scope_id() -> int:
    """Scope sessions by Flask application context: one per request or CLI command."""
    from flask import globals as flask_globals

    return id(flask_globals.app_ctx._get_current_object())


class Database:
    """Holds the engine of each app and a session per app context (request or CLI command)."""

    def __init__(self) -> None:
        self.session: scoped_session[Session] = scoped_session(
            self._new_session, scopefunc=_scope_id
        )

    @staticmethod
    def _new_session() -> Session:
        return Session(bind=current_app.extensions["audit_db_engine"], expire_on_commit=False)

    def init_app(self, app: Flask) -> None:
        """Create this app's engine and close the session at the end of each context."""
        pool = {
            "pool_size": app.config["DB_POOL_SIZE"],
            "max_overflow": app.config["DB_MAX_OVERFLOW"],
            "pool_timeout": app.config["DB_POOL_TIMEOUT"],
        }
        app.extensions["audit_db_engine"] = make_engine(app.config["DATABASE_URL"], pool)

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            # remove() rolls back anything not committed: a failed request leaves nothing.
            self.session.remove()

    @property
    def engine(self) -> Engine:
        """The engine of the current app."""
        return current_app.extensions["audit_db_engine"]


db = Database()


class Tracked:
    """Timestamps and a version counter (optimistic locking, and the ETag of the resource)."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    row_version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.row_version}


class Synced:
    """A row phones keep offline: `sync_seq` is its organization's change counter at the row's
    last write, stamped when the writing transaction commits (audit_api/sync/stamps.py)."""

    # The column naming the user whose phone holds the row: when it names someone else, or
    # the row is deleted, that user's next sync is told the row went away.
    sync_owner: ClassVar[str | None] = None
    sync_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))


SYNC_CORE_WRITES = "sync_core_writes"  # session.info key: writes made without the ORM


def note_core_writes(
    session: Any,
    model: type[Synced],
    org_id: int,
    written: list[int],
    departed: list[tuple[int, int]] | None = None,
) -> None:
    """Synced rows written by a core INSERT, UPDATE or DELETE (which the ORM's flush does not
    see): the commit stamps the `written` ids and records the `departed` (owner, row id)
    pairs as an ORM write would (audit_api/sync/stamps.py)."""
    writes = session.info.setdefault(SYNC_CORE_WRITES, [])
    writes.append((model, org_id, list(written), list(departed or [])))


def fetch_page(stmt: Select[Any], page: int, page_size: int) -> tuple[list[Any], int]:
    """One page of a select's rows and the total count of its rows."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    # A page far past the end is simply empty (and never an offset the database refuses).
    offset = min((page - 1) * page_size, MAX_OFFSET)
    rows = db.session.scalars(stmt.limit(page_size).offset(offset)).all()
    return list(rows), int(total or 0)


def get_visible(model: type[Any], obj_id: int, visible: ColumnElement[bool], label: str) -> Any:
    """The row with this id that the `visible` filter keeps; anything else answers 404."""
    from audit_api.errors import Reason

    obj = db.session.scalar(select(model).where(model.id == obj_id, visible))
    if obj is None:
        raise Reason.not_found.error(f"{label} not found.")
    return obj


def commit_unique(field: str, message: str, reason: Reason) -> None:
    """Commit; losing a race on a unique constraint answers the same 409 as the checked case."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise reason.error(message, {field: [message]}) from None


def text_search(column: Any, query: str) -> ColumnElement[bool]:
    """`column` (a search_key) contains the query, accents, case and wildcards ignored."""
    from audit_api.fields import like_pattern

    return column.like(like_pattern(query), escape="\\")


def id_in(column: Any, ids: list[int]) -> ColumnElement[bool]:
    """`column IN ids` for many ids: on PostgreSQL one array parameter (`= ANY(...)`), since
    10,000 separate parameters cost more to send and parse than the query takes to run."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(literal(list(ids), ARRAY(Integer)))
    return column.in_(ids)
