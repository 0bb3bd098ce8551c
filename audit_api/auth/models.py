"""Sign-in sessions (refresh-token families) and their refresh tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit_api.db import Base, utcnow
from audit_api.users.models import User


class AuthSession(Base):
    """One sign-in: a family of rotated refresh tokens; revoking it ends every token of it."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(index=True)  # prune
    revoked_reason: Mapped[str | None] = mapped_column(String(40))
    # Keyed digest of the client address signed in from: a recent one is known to the user.
    address_digest: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User] = relationship(lazy="joined")


class RefreshToken(Base):
    """One refresh token of a session; rotation links it to the token that replaced it."""

    __tablename__ = "refresh_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)  # prune
    rotated_at: Mapped[datetime | None]
    replaced_by_id: Mapped[str | None] = mapped_column(String(36))

    session: Mapped[AuthSession] = relationship()
