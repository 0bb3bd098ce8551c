"""A download written whole to a temporary spool first, then sent from it with no database held."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO

from werkzeug.wsgi import FileWrapper

# Small exports stay in memory; larger ones go to an unnamed file on disk, so memory stays
# flat at any size and nothing is left behind when the process or the response ends.
SPOOL_MEMORY = 4 * 1024 * 1024
CHUNK_BYTES = 64 * 1024


def spooled(write: Callable[[IO[bytes]], None]) -> tuple[IO[bytes], int]:
    """A rewound temporary file holding what `write` wrote into it, and its size in bytes."""
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115 (returned open)
    try:
        write(file)
        size = file.tell()
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return file, size


def chunks(file: IO[bytes]) -> FileWrapper:
    """The file in chunks; closing it (at the response's end or the client's leaving) frees it."""
    # Not wsgi.file_wrapper: a server's sendfile asks for fileno(), which would move an
    # in-memory spool to disk.
    return FileWrapper(file, CHUNK_BYTES)
