"""The photo storage interface, the local-directory backend, and choosing one by settings."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from flask import Flask, current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from audit_api.errors import DomainError, Reason
from audit_api.evidence.objects import ObjectChanged, Stat

LOCAL_UPLOAD_ENDPOINT = "photos.LocalUpload"


class Storage(Protocol):
    """Where photo objects live; keys are always made by the server."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store an object (replacing one with the same key)."""

    def stat(self, key: str) -> Stat | None:
        """The stored object's size and version tag, or None when there is none."""

    def read(self, key: str, limit: int, tag: str | None = None) -> bytes:
        """An object's bytes (at most `limit`; a missing object raises KeyError; with `tag`,
        another version of it raises ObjectChanged)."""

    def promote(
        self,
        source: str,
        target: str,
        tag: str,
        sha256: str | None,
        content_type: str,
        size: int | None = None,
    ) -> str:
        """Move the `tag` version of `source` to `target` and return its SHA-256 (hex), computed
        as it moves; ObjectChanged, and nothing at `target`, if it is another version, or if
        `sha256` (or `size`) is given and the bytes hash (or measure) otherwise."""

    def keys(self, prefix: str) -> Iterator[str]:
        """Every stored key that starts with `prefix`."""

    def open(self, key: str) -> IO[bytes]:
        """A readable stream of an object (a missing object raises KeyError)."""

    def delete(self, keys: Iterable[str]) -> None:
        """Remove objects; missing ones are ignored."""

    def upload_form(
        self, key: str, content_type: str, max_bytes: int, expires_s: int
    ) -> tuple[str, dict[str, str]]:
        """A URL and form fields a client POSTs a file to, straight into storage."""

    def download_url(
        self, key: str, content_type: str, expires_s: int, filename: str | None = None
    ) -> str | None:
        """A short-lived URL of the object (downloaded as `filename` when given), or None when
        the API serves the bytes itself."""

    def ping(self) -> None:
        """Raise Reason.storage_unavailable unless the storage answers."""


class LocalStorage:
    """Objects as files under one directory (the embedded default)."""

    def __init__(self, root: str, secret: str) -> None:
        self.root = Path(root).resolve()
        self.signer = URLSafeTimedSerializer(secret, salt="local-upload")

    @staticmethod
    def _failed(exc: OSError) -> DomainError:
        return Reason.storage_unavailable.error(f"Photo storage failed: {exc.strerror}.")

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"storage key outside the root: {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        try:
            os.replace(self._staged(key, data), self._path(key))  # a reader never sees half
        except OSError as exc:
            raise self._failed(exc) from exc

    def put_once(self, key: str, data: bytes) -> bool:
        """Store an object only where none is: True if stored, or if the same bytes already
        are (a retried POST); False when other bytes hold the key."""
        try:
            staged = self._staged(key, data)
            try:
                os.link(staged, self._path(key))  # atomic, and fails when the key exists
            except FileExistsError:
                return self._digest(key) == hashlib.sha256(data).digest()
            finally:
                os.unlink(staged)
        except OSError as exc:
            raise self._failed(exc) from exc
        return True

    def _staged(self, key: str, data: bytes) -> str:
        """A temporary file beside the key's path holding `data` (mode 0600)."""
        path = self._path(key)
        self._folders(path.parent)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(data)
        return tmp.name

    def _folders(self, folder: Path) -> None:
        """Make `folder` and those above it up to the root, each owner-only (the photos are
        the customers' evidence; mkdir(parents=True) would give the mode to the last only)."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for part in reversed([folder, *folder.parents]):
            if part.is_relative_to(self.root) and part != self.root:
                part.mkdir(mode=0o700, exist_ok=True)

    def _digest(self, key: str) -> bytes:
        with self._path(key).open("rb") as stream:
            return hashlib.file_digest(stream, "sha256").digest()

    def stat(self, key: str) -> Stat | None:
        try:
            info = self._path(key).stat()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._failed(exc) from exc
        return Stat(info.st_size, _tag(info))

    def read(self, key: str, limit: int, tag: str | None = None) -> bytes:
        with self.open(key) as stream:
            if tag is not None and _tag(os.fstat(stream.fileno())) != tag:
                raise ObjectChanged(key)
            return stream.read(limit)

    def promote(
        self,
        source: str,
        target: str,
        tag: str,
        sha256: str | None,
        content_type: str,
        size: int | None = None,
    ) -> str:
        # Local forms are single-use and `complete` holds the photo's row lock, so the file
        # cannot change between the check and the move; the contract is checked all the same.
        found = self.stat(source)
        digest = self._digest(source).hex() if found is not None else None
        if found is None or found.tag != tag or sha256 not in (None, digest):
            raise ObjectChanged(source)
        if size is not None and found.size != size:
            raise ObjectChanged(source)
        try:
            self._folders(self._path(target).parent)
            os.replace(self._path(source), self._path(target))
        except OSError as exc:
            raise self._failed(exc) from exc
        with contextlib.suppress(OSError):  # the staging folder is the photo's own: now empty
            self._path(source).parent.rmdir()
        return digest

    def keys(self, prefix: str) -> Iterator[str]:
        base = self._path(prefix.rstrip("/")) if prefix else self.root
        for path in base.rglob("*") if base.is_dir() else ():
            if path.is_file() and not path.name.startswith("tmp"):
                yield path.relative_to(self.root).as_posix()

    def open(self, key: str) -> IO[bytes]:
        try:
            return self._path(key).open("rb")
        except FileNotFoundError:
            raise KeyError(key) from None
        except OSError as exc:
            raise self._failed(exc) from exc

    def delete(self, keys: Iterable[str]) -> None:
        for key in keys:
            try:
                self._path(key).unlink(missing_ok=True)
            except OSError as exc:
                raise self._failed(exc) from exc

    def upload_form(
        self, key: str, content_type: str, max_bytes: int, expires_s: int
    ) -> tuple[str, dict[str, str]]:
        # Signed like S3's POST policy, so a phone treats both backends the same way.
        policy = self.signer.dumps({"key": key, "type": content_type, "max": max_bytes})
        fields = {"key": key, "Content-Type": content_type, "policy": policy}
        return url_for(LOCAL_UPLOAD_ENDPOINT, _external=True), fields

    def check_policy(self, policy: str, max_age: int) -> dict[str, Any]:
        """The conditions a local upload form was signed with (ValueError when bad or expired)."""
        try:
            return self.signer.loads(policy, max_age=max_age)
        except BadSignature as exc:
            raise ValueError(str(exc)) from None

    def download_url(
        self, key: str, content_type: str, expires_s: int, filename: str | None = None
    ) -> str | None:
        return None

    def ping(self) -> None:
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root):
                pass
        except OSError as exc:
            raise Reason.storage_unavailable.error(
                f"Photo storage is not writable: {exc.strerror}."
            ) from exc


def _tag(info: os.stat_result) -> str:
    """A local file's version: a replaced file has another inode, size or time."""
    return f"{info.st_ino}-{info.st_size}-{info.st_mtime_ns}"


def init_app(app: Flask) -> None:
    """Build the configured backend once per app."""
    config = app.config
    if config["STORAGE_BACKEND"] == "s3":
        from audit_api.evidence.s3 import S3Storage

        backend: Storage = S3Storage.from_config(config)
    else:
        backend = LocalStorage(config["STORAGE_DIR"], config["SECRET_KEY"])
    app.extensions["audit_storage"] = backend


def storage() -> Storage:
    """The current app's storage backend."""
    return current_app.extensions["audit_storage"]
