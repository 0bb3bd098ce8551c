"""Settings read from the environment with typed parsing; a bad value stops the start."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from environs import Env, EnvError
from marshmallow.validate import OneOf, Range


class SettingsError(RuntimeError):
    """Raised at start when an environment setting is missing or malformed."""


@dataclass(frozen=True)
class Setting:
    """One environment setting: its name, parser, default and meaning (for the README table)."""

    name: str
    kind: str
    default: Any
    help: str
    validate: Any = None


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", "str", None, "SQLAlchemy URL; default a SQLite file in instance/"),
    Setting("SECRET_KEY", "str", None, "signs tokens; default a random key kept in instance/"),
    Setting("AUTO_MIGRATE", "bool", None, "apply migrations at start; default on for SQLite only"),
    Setting("SYNC_CHECKLISTS", "bool", True, "publish new built-in checklist versions at start"),
    Setting("ACCESS_TOKEN_TTL", "int", 900, "access token lifetime, s", Range(min=30)),
    Setting("REFRESH_TOKEN_TTL", "int", 30 * 86400, "refresh token lifetime, s", Range(min=60)),
    Setting("REFRESH_REUSE_GRACE", "int", 60, "s a rotated refresh token may be retried", Range(0)),
    Setting("DISPUTE_WINDOW_DAYS", "int", 14, "days after approval to dispute", Range(0)),
    Setting("MAX_CONTENT_LENGTH", "int", 1024 * 1024, "largest request body, bytes", Range(1024)),
    Setting("RATELIMIT_STORAGE_URI", "str", "memory://", "flask-limiter storage, e.g. redis://"),
    Setting("LOGIN_LIMIT_PER_ADDRESS", "str", "30 per minute", "login attempts per client address"),
    Setting("LOGIN_LIMIT_PER_ACCOUNT", "str", "10 per 15 minutes", "failed logins per account"),
    Setting("ARGON2_TIME_COST", "int", 3, "Argon2id iterations", Range(min=1)),
    Setting("ARGON2_MEMORY_COST", "int", 65536, "Argon2id memory, KiB", Range(min=8)),
    Setting("ARGON2_PARALLELISM", "int", 4, "Argon2id lanes", Range(min=1)),
    Setting("STORAGE_BACKEND", "str", "local", "photo storage backend", OneOf(["local"])),
    Setting("STORAGE_DIR", "str", None, "local storage directory; default instance/storage"),
    Setting("PROXY_FIX_X_FOR", "int", 0, "trusted proxies in front (X-Forwarded-For)", Range(0)),
    Setting("LOG_LEVEL", "str", "INFO", "logging level", OneOf(["DEBUG", "INFO", "WARNING"])),
)


def load_settings(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Parse every setting from the environment (then `overrides`), reporting all bad ones."""
    env = Env(eager=False, expand_vars=False)
    values: dict[str, Any] = {}
    for s in SETTINGS:
        parser = getattr(env, s.kind)
        values[s.name] = parser(s.name, s.default, validate=s.validate)
    try:
        env.seal()
    except EnvError as exc:
        raise SettingsError(f"invalid settings: {exc}") from None
    values.update(overrides or {})
    return _apply_defaults(values, instance_path)


def _apply_defaults(values: dict[str, Any], instance_path: Path) -> dict[str, Any]:
    """Fill the defaults that depend on the instance folder."""
    if values["DATABASE_URL"] is None:
        values["DATABASE_URL"] = f"sqlite:///{instance_path / 'audit_api.sqlite3'}"
    if values["AUTO_MIGRATE"] is None:
        values["AUTO_MIGRATE"] = values["DATABASE_URL"].startswith("sqlite")
    if values["STORAGE_DIR"] is None:
        values["STORAGE_DIR"] = str(instance_path / "storage")
    if values["SECRET_KEY"] is None:
        values["SECRET_KEY"] = _instance_secret(instance_path)
    elif len(values["SECRET_KEY"]) < 32:
        # HS256 keys shorter than the hash output weaken the signature (RFC 7518 3.2).
        raise SettingsError("invalid settings: SECRET_KEY must be at least 32 characters")
    return values


def _instance_secret(instance_path: Path) -> str:
    """Return a random key kept in the instance folder, so tokens survive a restart."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def settings_table() -> str:
    """The settings as a Markdown table, for the README."""
    rows = ["| setting | type | default | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = "" if s.default is None else f"`{s.default}`"
        rows.append(f"| `{s.name}` | {s.kind} | {default} | {s.help} |")
    return "\n".join(rows)
