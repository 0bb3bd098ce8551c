"""Stamping synced rows: every transaction that writes an assignment or a location draws the
next value of its organization's change counter as it commits, and stamps those rows with it.

The counter's row stays locked from the draw to the commit, so values commit in the order they
are drawn: a reader that sees the counter at V can be sure every write stamped V or less has
committed (service.py builds the cursor on this). It is drawn after the transaction's last
flush, when the transaction already holds every row lock it will take, and what follows the
draw only writes rows the transaction already holds or makes: waiting for the counter never
closes a circle of lock waits. The lock is held for the commit alone.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event, inspect, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from audit_api.db import SYNC_CORE_WRITES, Synced, utcnow
from audit_api.sync.models import SyncClock, SyncDeparture

PENDING = "sync_pending"  # session.info key: org id -> written rows and departures


def _pending(session: Session, org_id: int) -> dict[str, Any]:
    orgs = session.info.setdefault(PENDING, {})
    return orgs.setdefault(org_id, {"rows": {}, "gone": []})


def _collect(session: Session, _context: Any) -> None:
    """After each flush: note the synced rows written and the owners they left."""
    for obj in session.new:
        if isinstance(obj, Synced):
            _pending(session, obj.org_id)["rows"][id(obj)] = obj  # type: ignore[attr-defined]
    for obj in session.dirty:
        # Only rows with a changed column got an UPDATE (and its row lock) in this flush.
        if isinstance(obj, Synced) and session.is_modified(obj, include_collections=False):
            pending = _pending(session, obj.org_id)  # type: ignore[attr-defined]
            pending["rows"][id(obj)] = obj
            if obj.sync_owner:
                now = getattr(obj, obj.sync_owner)
                history = inspect(obj).attrs[obj.sync_owner].history
                pending["gone"] += [(old, obj) for old in history.deleted if old not in (None, now)]
    for obj in session.deleted:
        if isinstance(obj, Synced) and obj.sync_owner:
            owner = inspect(obj).dict.get(obj.sync_owner)
            if owner is not None:
                _pending(session, obj.org_id)["gone"].append((owner, obj))  # type: ignore[attr-defined]


def _draw(session: Session, org_id: int) -> int:
    """The organization's next counter value; its row stays locked until the commit."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = SyncClock.__table__
    stmt = (
        dialect.insert(table)
        .values(org_id=org_id, value=1)
        .on_conflict_do_update(index_elements=[table.c.org_id], set_={"value": table.c.value + 1})
        .returning(table.c.value)
    )
    return int(session.execute(stmt).scalar_one())


def _stamp(session: Session) -> None:
    """Before the commit: draw the counter of each organization written, stamp its rows."""
    session.flush()  # every write first, so the counter is the last lock taken
    orgs = session.info.pop(PENDING, None) or {}
    core: dict[int, list[Any]] = {}
    for model, org_id, written, departed in session.info.pop(SYNC_CORE_WRITES, []):
        core.setdefault(org_id, []).append((model, written, departed))
    for org_id in sorted(set(orgs) | set(core)):
        pending = orgs.get(org_id, {"rows": {}, "gone": []})
        seq = _draw(session, org_id)
        by_class: dict[type, list[Any]] = {}
        ids: dict[type, set[int]] = {}
        for obj in pending["rows"].values():
            if inspect(obj).persistent:
                by_class.setdefault(type(obj), []).append(obj)
                ids.setdefault(type(obj), set()).add(obj.id)
        gone_ids = [(user, row.id) for user, row in pending["gone"]]
        for model, written, departed in core.get(org_id, []):
            ids.setdefault(model, set()).update(written)
            gone_ids += departed
        for model, row_ids in ids.items():
            table = model.__table__
            # updated_at set to itself: a stamp is no change of the row (no onupdate, no ETag).
            stmt = update(table).where(table.c.id.in_(sorted(row_ids)))
            session.execute(stmt.values(sync_seq=seq, updated_at=table.c.updated_at))
            for row in by_class.get(model, []):
                set_committed_value(row, "sync_seq", seq)
        if gone_ids:
            at = utcnow()
            gone = [
                {"org_id": org_id, "user_id": user, "assignment_id": row_id, "seq": seq, "at": at}
                for user, row_id in gone_ids
            ]
            session.execute(SyncDeparture.__table__.insert(), gone)


def _forget(session: Session, transaction: Any) -> None:
    """What a rolled-back transaction wrote is no change to stamp."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
        session.info.pop(SYNC_CORE_WRITES, None)


def init_app(_app: Flask) -> None:
    """Stamp synced rows on every session's commit (listeners on the Session class, once)."""
    if not event.contains(Session, "after_flush", _collect):
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "before_commit", _stamp)
        event.listen(Session, "after_transaction_end", _forget)
