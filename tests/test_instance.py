"""The instance folder: the kept secret key and the files only the app's own user may read."""

from __future__ import annotations

import os
import stat
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from audit_api import config, create_app
from audit_api.config import SettingsError

CHEAP = {"ARGON2_MEMORY_COST": 1024, "ARGON2_TIME_COST": 1, "ARGON2_PARALLELISM": 1}


@pytest.fixture
def embedded(monkeypatch):
    """The embedded defaults: no database URL, secret or storage folder in the environment."""
    for name in ("DATABASE_URL", "SECRET_KEY", "AUTO_MIGRATE", "STORAGE_DIR", "STORAGE_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    old = os.umask(0o022)  # the usual umask: what the app makes must not depend on it
    yield
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("content", ["", "\n", "too-short-a-key"])
def test_a_short_or_empty_key_file_stops_the_start_naming_the_file(embedded, tmp_path, content):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "secret_key").write_text(content)
    with pytest.raises(SettingsError) as info:
        create_app({**CHEAP, "SYNC_CHECKLISTS": False}, instance_path=str(instance))
    assert str(instance / "secret_key") in str(info.value)
    assert "32" in str(info.value)


def test_two_starts_at_once_keep_one_key(embedded, tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    both_generated = threading.Barrier(2)
    made = iter(["k" * 64, "q" * 64])
    lock = threading.Lock()

    def token_urlsafe(_nbytes: int) -> str:
        with lock:
            key = next(made)
        both_generated.wait(timeout=10)  # neither has written yet: the worst interleaving
        return key

    monkeypatch.setattr(config.secrets, "token_urlsafe", token_urlsafe)
    with ThreadPoolExecutor(2) as pool:
        keys = list(pool.map(lambda _: config.load_settings(instance)["SECRET_KEY"], range(2)))
    assert keys[0] == keys[1] == (instance / "secret_key").read_text()
    assert [p.name for p in instance.iterdir()] == ["secret_key"]  # no temporary file left


def test_instance_files_are_private(embedded, tmp_path):
    instance = tmp_path / "instance"
    app = create_app({**CHEAP}, instance_path=str(instance))
    client = app.test_client()
    assert client.get("/readyz").status_code == 200  # writes to the database and the storage
    app.extensions["audit_storage"].put("1/a/p/original", b"photo", "image/jpeg")
    database = instance / "audit_api.sqlite3"
    assert _mode(instance) == 0o700
    assert _mode(instance / "secret_key") == 0o600
    assert _mode(database) == 0o600
    for suffix in ("-wal", "-shm"):
        assert _mode(f"{database}{suffix}") == 0o600, suffix
    for folder in (instance / "storage" / "1", instance / "storage" / "1" / "a"):
        assert _mode(folder) == 0o700, folder  # every level, not only the last
    assert _mode(instance / "storage") == 0o700
    assert _mode(instance / "storage" / "1" / "a" / "p") == 0o700
    assert _mode(instance / "storage" / "1" / "a" / "p" / "original") == 0o600
    app.extensions["audit_db_engine"].dispose()


def test_an_existing_database_and_folder_are_made_private(embedded, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    database = instance / "audit_api.sqlite3"
    database.touch(mode=0o644)
    (instance / "secret_key").write_text("s" * 40)
    (instance / "secret_key").chmod(0o644)
    app = create_app({**CHEAP}, instance_path=str(instance))
    assert app.config["SECRET_KEY"] == "s" * 40
    assert _mode(instance) == 0o700 and _mode(database) == 0o600
    assert _mode(instance / "secret_key") == 0o600
    app.extensions["audit_db_engine"].dispose()
