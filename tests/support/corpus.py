"""Real-world image files: the test images of Pillow and pillow-heif, from their PyPI sdists.

Those projects keep files that cameras, phones, editors and fuzzers really wrote (multi-picture
JPEGs from Fujifilm cameras, CMYK and 16-bit files, EXIF-rotated photos, animated PNG and
WebP, truncated files, Nokia and iPhone HEIC...). They are downloaded once from pinned URLs,
checked against their sha256, and cached (AUDIT_TEST_CACHE, default ~/.cache/audit_api-tests).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import urllib.request
from pathlib import Path

FILES = "https://files.pythonhosted.org/packages"
SOURCES = {
    "pillow-13.0.0": (
        f"{FILES}/ce/a4/9cc30690a394a8305e8be4c9036aa16d0dfddadd09079860b582f562496d/"
        "pillow-13.0.0.tar.gz",
        "cdcd1ba258178f7356d74170c9a81ba4eab6a5d55748bc402a5a2a6fe6be3510",
        "pillow-13.0.0/Tests/images/",
    ),
    "pillow_heif-1.8.1": (
        f"{FILES}/44/c1/82145984920ca055675af2c2795bd30da6f7461215c41f3c1eacb3d66353/"
        "pillow_heif-1.8.1.tar.gz",
        "521ebffb8a181d56c3904e5a61f20903edee0d9d3275967b8fb345f866215c06",
        "pillow_heif-1.8.1/tests/images/",
    ),
}


def cache_dir() -> Path:
    """Where downloaded and generated test files are kept between runs."""
    root = os.environ.get("AUDIT_TEST_CACHE") or Path.home() / ".cache" / "audit_api-tests"
    path = Path(root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _download(url: str, sha256: str, target: Path) -> None:
    partial = target.with_suffix(f".{os.getpid()}.part")  # test workers may fetch side by side
    with urllib.request.urlopen(url, timeout=120) as answer, partial.open("wb") as out:
        digest = hashlib.sha256()
        while chunk := answer.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != sha256:
        partial.unlink()
        raise RuntimeError(f"{url}: sha256 {digest.hexdigest()} is not the pinned {sha256}")
    partial.replace(target)


def _extract(archive: Path, prefix: str, target: Path) -> None:
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and m.name.startswith(prefix)]
        for member in members:
            member.name = member.name[len(prefix) :]
        tar.extractall(partial, members=members, filter="data")
    try:
        partial.replace(target)
    except OSError:  # another test worker's copy arrived first: keep that one
        if not target.is_dir():
            raise
        shutil.rmtree(partial)


def real_world_images() -> dict[str, Path]:
    """Every image file of both corpora, by '<source>/<path inside its images folder>'."""
    files: dict[str, Path] = {}
    for name, (url, sha256, prefix) in SOURCES.items():
        folder = cache_dir() / name
        if not folder.is_dir():
            archive = cache_dir() / f"{name}.tar.gz"
            if not archive.exists():
                _download(url, sha256, archive)
            _extract(archive, prefix, folder)
            archive.unlink(missing_ok=True)
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                files[f"{name}/{path.relative_to(folder).as_posix()}"] = path
    return files
