"""Files kept on the server's disk (instance folder, SQLite, the kept key): owner-only modes."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_dir(path: Path) -> None:
    """Create the folder if needed and make it the owner's only (an older one is tightened)."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    path.chmod(PRIVATE_DIR)


def private_file(path: Path) -> None:
    """Make an existing file the owner's only (when it is ours to change)."""
    with contextlib.suppress(FileNotFoundError, PermissionError):
        path.chmod(PRIVATE_FILE)


def create_once(path: Path, text: str) -> None:
    """Write a new 0600 file holding `text`, unless one is there already: the first wins.

    The text goes to a temporary file (mkstemp makes it 0600) which is then hard-linked to
    `path`; linking fails when the name exists, so two processes starting at once never
    overwrite each other and no one ever reads a half-written file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        os.unlink(tmp)


def private_sqlite(url: str) -> None:
    """Make a SQLite database file 0600 before SQLite opens it; its -wal and -shm files take
    the database file's mode, and ones left by an older start are tightened too."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.is_dir():
        return  # SQLite itself reports the missing folder
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE))  # an empty file is a database
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        private_file(name)
