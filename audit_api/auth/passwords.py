"""Argon2id password hashing (a dummy verify makes unknown e-mails cost the same time); the
strength a new password needs is in strength.py."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app


def init_app(app: Flask) -> None:
    """Build the hasher from the ARGON2_* settings and a dummy hash to verify against."""
    hasher = PasswordHasher(
        time_cost=app.config["ARGON2_TIME_COST"],
        memory_cost=app.config["ARGON2_MEMORY_COST"],
        parallelism=app.config["ARGON2_PARALLELISM"],
        type=Type.ID,
    )
    app.extensions["audit_hasher"] = hasher
    app.extensions["audit_dummy_hash"] = hasher.hash("no such user: equalise timing")


def _hasher() -> PasswordHasher:
    return current_app.extensions["audit_hasher"]


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; with no hash it still spends the same work and fails."""
    try:
        ok = _hasher().verify(password_hash or current_app.extensions["audit_dummy_hash"], password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than the current ones."""
    return _hasher().check_needs_rehash(password_hash)
