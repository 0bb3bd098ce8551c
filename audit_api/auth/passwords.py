"""Argon2id password hashing (a dummy verify makes unknown e-mails cost the same time), and
the strength a new password needs (zxcvbn)."""

from __future__ import annotations

import re

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app
from zxcvbn import zxcvbn

from audit_api.errors import Invalid

# zxcvbn refuses longer input (its matching grows fast with length); what follows the first
# 72 characters only adds strength, so the start is what is judged.
JUDGED_LENGTH = 72


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


def _words(texts: tuple[str, ...]) -> list[str]:
    """The texts and their parts (e-mail local part and domain, words of names) for zxcvbn."""
    words = set()
    for text in texts:
        lowered = text.lower()
        words.add(lowered)
        words.update(part for part in re.split(r"[^\w]+", lowered) if len(part) > 1)
        words.update(lowered.split("@"))
    return sorted(words)


def check_strength(password: str, field: str, *about_the_user: str) -> None:
    """Refuse a password zxcvbn finds too easy to guess, given what is known of its user
    (e-mail, name, organization): a 422 naming `field` with zxcvbn's advice."""
    result = zxcvbn(password[:JUDGED_LENGTH], user_inputs=_words(about_the_user))
    needed = int(current_app.config["PASSWORD_MIN_SCORE"])
    if result["score"] >= needed:
        return
    feedback = result["feedback"]
    advice = [feedback["warning"]] if feedback["warning"] else []
    advice += feedback["suggestions"] or ["Add another word or two. Uncommon words are better."]
    messages = [f"Too easy to guess (strength {result['score']} of 4; {needed} needed).", *advice]
    raise Invalid(f"Invalid {field}: too easy to guess.", {field: messages})
