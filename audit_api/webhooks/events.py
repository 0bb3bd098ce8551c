"""`emit(session, type, data)`: record a webhook event in the caller's transaction.

STAND-IN, replaced by the webhooks engine (transactional outbox) at merge. It keeps the
events of the current process in a list, so nothing depends on a table or on delivery.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

EMITTED: list[tuple[str, dict[str, Any]]] = []  # (type, data), newest last; never delivered
MAX_KEPT = 1000


def emit(session: Session, event_type: str, data: dict[str, Any]) -> None:
    """Record `event_type` with its `data` (no commit: it belongs to the caller's change)."""
    del session  # the real engine adds an outbox row to it
    EMITTED.append((event_type, dict(data)))
    del EMITTED[:-MAX_KEPT]
