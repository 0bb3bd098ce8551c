"""Benchmark of photo processing against bare Pillow; prints figures, asserts nothing.

    python bench/photos.py [--runs 15] [--megapixels 12] [--concurrent 8]

Makes a 12 MP camera-like JPEG (noise and detail, EXIF with orientation, time and GPS), then
times, interleaved, the bare Pillow baseline (open, draft, resize to 1600 px, save JPEG) and
the service's whole pipeline (`audit_api.evidence.images.process`: checks, EXIF, draft decode,
resize, orientation, sRGB, display and thumbnail JPEGs, sha256, perceptual hash). Peak memory
is each one's peak RSS in a fresh process, against a process that only imports and reads the file.
Target: pipeline at most 1.2x the baseline's time, peak RSS under 250 MB.

Then (bench/photo_concurrency.py) the peak RSS of a running service while 8 uploads of a
50 MP photo arrive at once, with the shipped decode slots against unbounded decoding.
Target: under 1 GB.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import peak_rss  # noqa: E402

DISPLAY_PX = 1600


def make_photo(megapixels: float) -> bytes:
    """A JPEG with the texture of a real photo (noise defeats JPEG's easy cases)."""
    from PIL import ExifTags, Image, ImageDraw, ImageFilter

    width = int((megapixels * 1e6 * 4 / 3) ** 0.5)
    height = int(width * 3 / 4)
    noise = Image.effect_noise((width // 4, height // 4), 60).resize((width, height))
    image = Image.merge("RGB", (noise, noise.rotate(90, expand=False), noise.transpose(0)))
    draw = ImageDraw.Draw(image)
    for n in range(40):
        x, y = (n * 997) % width, (n * 613) % height
        draw.rectangle([x, y, x + width // 8, y + height // 9], fill=(n * 6, 255 - n * 5, 90))
    image = image.filter(ImageFilter.SMOOTH)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:11:22 12:05:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update({1: "S", 2: (33.0, 25.0, 12.4), 3: "W", 4: (70.0, 36.0, 36.4)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def baseline(data: bytes) -> bytes:
    """What any service must do at least: open, draft decode, resize, save."""
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    scale = DISPLAY_PX / max(image.size)  # decode at the smallest scale still >= display size
    image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    image.thumbnail((DISPLAY_PX, DISPLAY_PX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def pipeline(data: bytes) -> bytes:
    """The service's whole processing of an upload."""
    from audit_api.evidence.images import process

    return process(data, 50_000_000).display


def one_run(kind: str, path: str) -> None:
    """In a fresh process: run `kind` once on the file and print the peak RSS in MB."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork+exec.
    from PIL import Image  # noqa: F401  (imports count in every kind alike)

    from audit_api.evidence import images  # noqa: F401

    data = Path(path).read_bytes()
    if kind != "idle":
        (baseline if kind == "baseline" else pipeline)(data)
    status = Path("/proc/self/status").read_text()
    peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    print(peak_kb / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--megapixels", type=float, default=12)
    parser.add_argument(
        "--concurrent", type=int, default=8, help="parallel 50 MP uploads (0: skip)"
    )
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_run(*args.one)
        return
    data = make_photo(args.megapixels)
    with tempfile.NamedTemporaryFile(suffix=".jpg", delete=False) as f:
        f.write(data)
    print(f"photo: {args.megapixels:g} MP JPEG, {len(data) / 1e6:.1f} MB, EXIF orientation 6")
    baseline(data), pipeline(data)  # warm both: imports, codec tables
    times: dict[str, list[float]] = {"baseline": [], "pipeline": []}
    for _ in range(args.runs):
        for kind, run in (("baseline", baseline), ("pipeline", pipeline)):
            start = time.perf_counter()
            run(data)
            times[kind].append(time.perf_counter() - start)
    base, full = (statistics.median(times[k]) for k in ("baseline", "pipeline"))
    print(
        f"time, median of {args.runs}: baseline {base * 1000:.0f} ms, pipeline {full * 1000:.0f} ms"
    )
    print(f"  ratio pipeline/baseline: {full / base:.2f}x (target <= 1.2x)")
    idle, rss_base, rss_full = (
        peak_rss(__file__, k, f.name) for k in ("idle", "baseline", "pipeline")
    )
    print(f"peak RSS: imports + file {idle:.0f} MB, baseline {rss_base:.0f} MB, ", end="")
    print(f"pipeline {rss_full:.0f} MB")
    print(f"  ratio pipeline/baseline: {rss_full / rss_base:.2f}x (target: pipeline < 250 MB)")
    os.unlink(f.name)
    if args.concurrent:
        from bench.photo_concurrency import report

        report(args.concurrent)


if __name__ == "__main__":
    main()
