"""The photo storage interface, the local-directory backend, and choosing one by settings."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, Protocol

from flask import Flask, current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from audit_api.errors import StorageUnavailable

LOCAL_UPLOAD_ENDPOINT = "photos.LocalUpload"


class Storage(Protocol):
    """Where photo objects live; keys are always made by the server."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store an object (replacing one with the same key)."""

    def size(self, key: str) -> int | None:
        """The stored object's size in bytes, or None when there is none."""

    def read(self, key: str, limit: int) -> bytes:
        """An object's bytes (at most `limit`; a missing object raises KeyError)."""

    def open(self, key: str) -> IO[bytes]:
        """A readable stream of an object (a missing object raises KeyError)."""

    def delete(self, keys: Iterable[str]) -> None:
        """Remove objects; missing ones are ignored."""

    def upload_form(
        self, key: str, content_type: str, max_bytes: int, expires_s: int
    ) -> tuple[str, dict[str, str]]:
        """A URL and form fields a client POSTs a file to, straight into storage."""

    def download_url(self, key: str, content_type: str, expires_s: int) -> str | None:
        """A short-lived URL of the object, or None when the API serves the bytes itself."""

    def ping(self) -> None:
        """Raise StorageUnavailable unless the storage answers."""


class LocalStorage:
    """Objects as files under one directory (the embedded default)."""

    def __init__(self, root: str, secret: str) -> None:
        self.root = Path(root).resolve()
        self.signer = URLSafeTimedSerializer(secret, salt="local-upload")

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"storage key outside the root: {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        try:
            # Owner-only folders: the photos are the customers' evidence.
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Write then rename: a reader never sees half a file.
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
                tmp.write(data)
            os.replace(tmp.name, path)
        except OSError as exc:
            raise StorageUnavailable(f"Photo storage failed: {exc.strerror}.") from exc

    def size(self, key: str) -> int | None:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StorageUnavailable(f"Photo storage failed: {exc.strerror}.") from exc

    def read(self, key: str, limit: int) -> bytes:
        with self.open(key) as stream:
            return stream.read(limit)

    def open(self, key: str) -> IO[bytes]:
        try:
            return self._path(key).open("rb")
        except FileNotFoundError:
            raise KeyError(key) from None
        except OSError as exc:
            raise StorageUnavailable(f"Photo storage failed: {exc.strerror}.") from exc

    def delete(self, keys: Iterable[str]) -> None:
        for key in keys:
            try:
                self._path(key).unlink(missing_ok=True)
            except OSError as exc:
                raise StorageUnavailable(f"Photo storage failed: {exc.strerror}.") from exc

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

    def download_url(self, key: str, content_type: str, expires_s: int) -> str | None:
        return None

    def ping(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            with tempfile.NamedTemporaryFile(dir=self.root):
                pass
        except OSError as exc:
            raise StorageUnavailable(f"Photo storage is not writable: {exc.strerror}.") from exc


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
