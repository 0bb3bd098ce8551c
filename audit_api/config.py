"""Settings read from the environment with typed parsing; a bad value stops the start."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from environs import Env, EnvError
from marshmallow.validate import OneOf, Range

from audit_api.instance import create_once, private_dir, private_file

BACKENDS = ["local", "s3"]
ADDRESSING = ["auto", "path", "virtual"]
SSE = ["", "AES256", "aws:kms"]
WEEK = 7 * 86400  # the longest a presigned S3 URL may live
MIN_SECRET = 32
BROKERS = ("redis://", "rediss://", "amqp://", "amqps://")


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
    Setting("DB_POOL_SIZE", "int", 5, "database connections kept per process", Range(1, 100)),
    Setting("DB_MAX_OVERFLOW", "int", 10, "extra connections under load", Range(0, 100)),
    Setting(
        "DB_POOL_TIMEOUT", "int", 10, "s a request waits for a connection (then 503)", Range(1)
    ),
    Setting(
        "EXPORT_COPY_PARTS",
        "int",
        2,
        "connections one large answers CSV is written over (PostgreSQL; about one per core)",
        Range(1, 16),
    ),
    Setting("AUTO_MIGRATE", "bool", None, "apply migrations at start; default on for SQLite only"),
    Setting("SYNC_CHECKLISTS", "bool", True, "publish new built-in checklist versions at start"),
    Setting("ACCESS_TOKEN_TTL", "int", 900, "access token lifetime, s", Range(min=30)),
    Setting("REFRESH_TOKEN_TTL", "int", 30 * 86400, "refresh token lifetime, s", Range(min=60)),
    Setting("REFRESH_REUSE_GRACE", "int", 60, "s a rotated refresh token may be retried", Range(0)),
    Setting(
        "ASSIGNMENT_SLACK_MIN",
        "int",
        60,
        "min an assigned audit may start outside its window",
        Range(0, 7 * 24 * 60),
    ),
    Setting(
        "SESSION_RETENTION", "int", 30 * 86400, "s a revoked session is kept (prune)", Range(0)
    ),
    Setting(
        "IDEMPOTENCY_TTL", "int", 86400, "s an Idempotency-Key is kept and replayed", Range(60)
    ),
    Setting("DISPUTE_WINDOW_DAYS", "int", 14, "days after approval to dispute", Range(0)),
    Setting(
        "ACTION_DUE_DAYS",
        "int",
        7,
        "days to fix a failed critical item whose checklist sets no action.due_days",
        Range(1, 365),
    ),
    Setting(
        "SCHEDULE_HORIZON_DAYS",
        "int",
        14,
        "days ahead whose scheduled assignments are created",
        Range(1, 366),
    ),
    Setting("MAX_CONTENT_LENGTH", "int", 1024 * 1024, "largest request body, bytes", Range(1024)),
    Setting("RATELIMIT_STORAGE_URI", "str", "memory://", "flask-limiter storage, e.g. redis://"),
    Setting("LOGIN_LIMIT_PER_ADDRESS", "str", "30 per minute", "login attempts per client address"),
    Setting(
        "LOGIN_LIMIT_PER_ACCOUNT",
        "str",
        "10 per 15 minutes",
        "failed logins per account and client address (no device token)",
    ),
    Setting(
        "LOGIN_LIMIT_UNTRUSTED",
        "str",
        "25 per 15 minutes",
        "failed logins per account from unknown clients, all addresses",
    ),
    Setting("LOGIN_LIMIT_PER_DEVICE", "str", "10 per 15 minutes", "failed logins per device token"),
    Setting("DEVICE_TOKEN_TTL", "int", 180 * 86400, "s a device token is honoured", Range(60)),
    Setting(
        "LOGIN_KNOWN_ADDRESS_TTL",
        "int",
        30 * 86400,
        "s an address that signed in to an account skips its untrusted budget (0: never)",
        Range(0),
    ),
    Setting("REFRESH_LIMIT_PER_ADDRESS", "str", "120 per minute", "refreshes per client address"),
    Setting("REFRESH_LIMIT_PER_TOKEN", "str", "10 per minute", "refreshes of one refresh token"),
    Setting("LOGOUT_LIMIT_PER_ADDRESS", "str", "60 per minute", "sign-outs per client address"),
    Setting(
        "WRITE_LIMIT_PER_USER", "str", "300 per minute", "writes (POST/PUT/PATCH/DELETE) per user"
    ),
    Setting(
        "PASSWORD_MIN_SCORE", "int", 3, "least zxcvbn score (0-4) of a new password", Range(0, 4)
    ),
    Setting("ARGON2_TIME_COST", "int", 3, "Argon2id iterations", Range(min=1)),
    Setting("ARGON2_MEMORY_COST", "int", 65536, "Argon2id memory, KiB", Range(min=8)),
    Setting("ARGON2_PARALLELISM", "int", 4, "Argon2id lanes", Range(min=1)),
    Setting("STORAGE_BACKEND", "str", "local", "photo storage: local or s3", OneOf(BACKENDS)),
    Setting("STORAGE_DIR", "str", None, "local storage directory; default instance/storage"),
    Setting("S3_BUCKET", "str", None, "bucket of the photos (required with s3)"),
    Setting("S3_REGION", "str", "us-east-1", "bucket region"),
    Setting("S3_ENDPOINT_URL", "str", None, "endpoint of an S3-compatible server; default AWS"),
    Setting("S3_ADDRESSING_STYLE", "str", "auto", "auto, path or virtual", OneOf(ADDRESSING)),
    Setting("S3_SSE", "str", "", "server-side encryption: AES256 or aws:kms", OneOf(SSE)),
    Setting("S3_KMS_KEY_ID", "str", None, "KMS key of aws:kms encryption; default the bucket's"),
    Setting("S3_PREFIX", "str", "", "key prefix of every object"),
    Setting("PHOTO_MAX_BYTES", "int", 20 * 1024 * 1024, "largest photo, bytes", Range(min=1024)),
    Setting("PHOTO_MAX_PIXELS", "int", 50_000_000, "largest photo, pixels", Range(min=1)),
    Setting("PHOTO_MAX_PER_AUDIT", "int", 100, "photos an audit may hold", Range(min=1)),
    Setting(
        "PHOTO_DECODE_CONCURRENCY", "int", 2, "photos decoded at once per process", Range(1, 64)
    ),
    Setting(
        "PHOTO_DECODE_WAIT",
        "int",
        30,
        "s a decode waits for a slot (then 503, or a task retry)",
        Range(1),
    ),
    Setting(
        "PHOTO_WAIT",
        "int",
        0,
        "s a photo upload waits for its processing before answering 202 (0: never waits)",
        Range(0, 30),
    ),
    Setting("UPLOAD_URL_TTL", "int", 900, "s an upload form is valid", Range(10, WEEK)),
    Setting("PHOTO_URL_TTL", "int", 300, "s a photo URL is valid", Range(10, WEEK)),
    Setting("PHOTO_TIME_SLACK_MIN", "int", 60, "min a photo may be off the visit time", Range(0)),
    Setting("PHOTO_GPS_TOLERANCE_M", "int", 150, "m beyond the geofence a photo may be", Range(0)),
    Setting(
        "CELERY_BROKER_URL",
        "str",
        None,
        "redis:// or amqp:// broker of the background tasks; none: they run in this process",
    ),
    Setting("CELERY_QUEUE", "str", "audit_api", "broker queue the tasks are sent to"),
    Setting("TASK_THREADS", "int", 2, "threads running tasks in-process (no broker)", Range(1, 32)),
    Setting(
        "TASK_SWEEP_INTERVAL",
        "int",
        15,
        "s between sweeps that queue due retries and work left behind",
        Range(1, 3600),
    ),
    Setting(
        "TASK_LEASE", "int", 300, "s a claimed task may run before another may take it", Range(10)
    ),
    Setting("TASK_RETENTION_DAYS", "int", 7, "days finished tasks are kept (prune)", Range(0)),
    Setting("PUBLIC_URL", "str", "", "the service's public address, put before links in webhooks"),
    Setting("WEBHOOK_TIMEOUT", "int", 10, "s one webhook attempt may take", Range(1, 60)),
    Setting(
        "WEBHOOK_RETRY_HOURS", "int", 24, "h a failing delivery is retried (then failed)", Range(1)
    ),
    Setting(
        "WEBHOOK_DISABLE_DAYS",
        "int",
        5,
        "days an endpoint may fail before it is disabled",
        Range(1),
    ),
    Setting(
        "WEBHOOK_ALLOW_PRIVATE",
        "bool",
        False,
        "webhook URLs may reach loopback, private and link-local addresses (tests, intranets)",
    ),
    Setting("WEBHOOK_ALLOW_HTTP", "bool", False, "webhook URLs may be plain http://"),
    Setting(
        "WEBHOOK_RETENTION_DAYS",
        "int",
        30,
        "days webhook events are kept (replay, prune)",
        Range(1),
    ),
    Setting(
        "REPORT_WAIT",
        "int",
        2,
        "s a PDF report request waits for its rendering before answering 202",
        Range(0, 30),
    ),
    Setting(
        "REPORT_RETENTION_DAYS",
        "int",
        30,
        "days a rendered PDF report is kept (prune; a changed audit's goes at once)",
        Range(1),
    ),
    Setting("PROXY_FIX_X_FOR", "int", 0, "trusted proxies in front (X-Forwarded-For)", Range(0)),
    Setting("LOG_LEVEL", "str", "INFO", "logging level", OneOf(["DEBUG", "INFO", "WARNING"])),
    Setting(
        "LOG_JSON",
        "bool",
        None,
        "JSON log lines (with the request id); off: text; default: text on a terminal, else JSON",
    ),
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
    in_instance = False  # the folder holds the database or the photos: owner-only then
    if values["DATABASE_URL"] is None:
        values["DATABASE_URL"] = f"sqlite:///{instance_path / 'audit_api.sqlite3'}"
        in_instance = True
    if values["AUTO_MIGRATE"] is None:
        values["AUTO_MIGRATE"] = values["DATABASE_URL"].startswith("sqlite")
    if values["STORAGE_DIR"] is None:
        values["STORAGE_DIR"] = str(instance_path / "storage")
        in_instance |= values["STORAGE_BACKEND"] == "local"
    if values["STORAGE_BACKEND"] == "s3" and not values["S3_BUCKET"]:
        raise SettingsError("invalid settings: S3_BUCKET is required when STORAGE_BACKEND is s3")
    broker = values["CELERY_BROKER_URL"]
    if broker and not broker.startswith(BROKERS):
        raise SettingsError("invalid settings: CELERY_BROKER_URL must be redis:// or amqp://")
    if values["SECRET_KEY"] is None:
        values["SECRET_KEY"] = _instance_secret(instance_path)
    elif len(values["SECRET_KEY"]) < MIN_SECRET:
        # HS256 keys shorter than the hash output weaken the signature (RFC 7518 3.2).
        raise SettingsError(
            f"invalid settings: SECRET_KEY must be at least {MIN_SECRET} characters"
        )
    if in_instance:
        private_dir(instance_path)
    return values


def _instance_secret(instance_path: Path) -> str:
    """A random key kept in the instance folder, so tokens survive a restart; a key file too
    short to sign with (say, left empty) stops the start."""
    path = instance_path / "secret_key"
    if not path.exists():
        private_dir(instance_path)
        create_once(path, secrets.token_urlsafe(48))
    else:
        private_file(path)  # one an older version wrote readable by all
    key = path.read_text().strip()
    if len(key) < MIN_SECRET:
        raise SettingsError(
            f"invalid settings: {path} holds a key shorter than {MIN_SECRET} characters; "
            "delete the file to have a new key made, or set SECRET_KEY"
        )
    return key


def settings_table() -> str:
    """The settings as a Markdown table, for the README."""
    rows = ["| setting | type | default | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = "" if s.default is None else f"`{s.default}`"
        rows.append(f"| `{s.name}` | {s.kind} | {default} | {s.help} |")
    return "\n".join(rows)
