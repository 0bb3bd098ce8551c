"""Storage fixtures: the local backend, and S3 over real HTTP against moto's server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3 server (moto in server mode) on a free local port, for the whole run."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    yield f"http://127.0.0.1:{port}"
    server.stop()


class Bucket:
    """What a test can check of the storage itself: the objects that exist."""

    def __init__(self, settings: dict[str, Any], root: Path | None, client: Any = None) -> None:
        self.settings, self.root, self.client = settings, root, client

    def stored(self) -> set[str]:
        """Every stored object's key."""
        if self.root is not None:
            return {str(p.relative_to(self.root)) for p in self.root.rglob("*") if p.is_file()}
        listing = self.client.list_objects_v2(Bucket=self.settings["S3_BUCKET"])
        return {o["Key"] for o in listing.get("Contents", [])}

    def read(self, key: str) -> bytes:
        """One object's bytes, straight from the storage."""
        if self.root is not None:
            return (self.root / key).read_bytes()
        answer = self.client.get_object(Bucket=self.settings["S3_BUCKET"], Key=key)
        return answer["Body"].read()


@pytest.fixture(params=["local", "s3"])
def bucket(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The photo storage of the test's app: a local folder, or a fresh bucket on moto."""
    if request.param == "local":
        root = tmp_path / "photos"
        return Bucket({"STORAGE_BACKEND": "local", "STORAGE_DIR": str(root)}, root)
    endpoint = request.getfixturevalue("s3_endpoint")
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    name = f"photos-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    settings = {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": name,
        "S3_ENDPOINT_URL": endpoint,
        "S3_ADDRESSING_STYLE": "path",
        "S3_SSE": "AES256",
    }
    return Bucket(settings, None, client)


@pytest.fixture(scope="session")
def camera() -> dict[str, Any]:
    """Phone-made photos: a 12 MP JPEG and HEIC with EXIF, and a PNG screenshot."""
    from tests.support.camera import camera_photos

    return camera_photos()


@pytest.fixture(scope="session")
def real_world() -> dict[str, Path]:
    """Pillow's and pillow-heif's corpora of real-world image files."""
    from tests.support.corpus import real_world_images

    return real_world_images()
