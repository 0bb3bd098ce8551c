"""Photos as phones write them: 12 MP with texture and EXIF (3-9 MB JPEG), HEIC, screenshots.

A solid-colour test image compresses to a few KB and never meets a size limit, a decoder's
memory or a draft-mode path; these are made to weigh what real ones weigh. They take a few
seconds to make (HEIC encoding above all), so they are cached between runs.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pillow_heif
from PIL import ExifTags, Image, ImageDraw

from tests.support.corpus import cache_dir
from tests.support.photo_helpers import exif_for

pillow_heif.register_heif_opener()

VERSION = 3  # bump when the pictures change, so cached copies are made again
SIZE_12MP = (4032, 3024)  # the sensor of most phones since 2015
TAKEN = datetime(2026, 11, 22, 12, 5, 30)
SANTIAGO = (-33.4201, -70.6101)


@dataclass(frozen=True)
class CameraPhoto:
    """A phone-made file and what the service should read from it."""

    name: str
    data: bytes
    content_type: str
    size: tuple[int, int]  # upright, after the EXIF orientation
    taken: datetime | None
    gps: tuple[float, float] | None


def scene(size: tuple[int, int]) -> Image.Image:
    """A textured picture: blotches at several scales plus sensor-like grain, so a JPEG of
    it weighs what a phone photo does."""
    w, h = size
    coarse = Image.effect_noise((w // 16, h // 16), 70).convert("L")
    colour = Image.merge(
        "RGB", [coarse, coarse.rotate(180), coarse.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    ).resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(colour)
    for n in range(12):  # shelves, a counter, a door: edges the perceptual hash can see
        x, y = (n * 331) % w, (n * 197) % h
        draw.rectangle([x, y, x + w // 6, y + h // 9], fill=(40 + n * 15, 120, 200 - n * 12))
    grain = Image.effect_noise(size, 30).convert("RGB")
    return Image.blend(colour, grain, 0.3)


def camera_exif(orientation: int = 6) -> Image.Exif:
    """EXIF as an iPhone writes it: make, model, capture time with offset, GPS, orientation."""
    exif = exif_for(taken=TAKEN, offset="-03:00", gps=SANTIAGO, orientation=orientation)
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = "iPhone 14"
    exif[ExifTags.Base.Software] = "17.5.1"
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.ExposureTime] = 1 / 120
    details[ExifTags.Base.FNumber] = 1.5
    details[ExifTags.Base.ISOSpeedRatings] = 125
    details[ExifTags.Base.LensModel] = "iPhone 14 back dual wide camera 5.7mm f/1.5"
    return exif


def screenshot() -> Image.Image:
    """A phone screenshot (1179x2556): flat UI, text, an embedded photo."""
    image = Image.new("RGB", (1179, 2556), (242, 242, 247))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 1179, 140], fill=(255, 255, 255))
    for row in range(18):
        top = 180 + row * 120
        draw.rounded_rectangle([40, top, 1139, top + 100], 24, fill=(255, 255, 255))
        draw.text(
            (80, top + 30),
            f"Tienda {row + 101} - saludo en 5 s: {'si' if row % 3 else 'no'}",
            fill=(20, 20, 20),
            font_size=40,
        )
    image.paste(scene((1099, 420)), (40, 2400 - 420))
    return image


def _encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _make(name: str) -> bytes:
    if name == "iphone.jpg":
        # Stored sideways with orientation 6, as a phone held upright stores it.
        sideways = scene(SIZE_12MP)
        return _encode(sideways, "JPEG", quality=92, exif=camera_exif(6))
    if name == "iphone.heic":
        # Given as the image's own EXIF, the orientation becomes HEIF's rotation box (irot),
        # which decoders apply, as in an iPhone's file.
        sideways = scene(SIZE_12MP)
        sideways.info["exif"] = camera_exif(6).tobytes()
        return _encode(sideways, "HEIF", quality=60, enc_params={"preset": "ultrafast"})
    return _encode(screenshot(), "PNG", optimize=False)


PHOTOS = {
    "iphone.jpg": ("image/jpeg", (3024, 4032), TAKEN, SANTIAGO),
    "iphone.heic": ("image/heic", (3024, 4032), TAKEN, SANTIAGO),
    "screenshot.png": ("image/png", (1179, 2556), None, None),
}


def camera_photos() -> dict[str, CameraPhoto]:
    """The phone-made files, from the cache or made now."""
    folder: Path = cache_dir() / f"camera-v{VERSION}"
    folder.mkdir(exist_ok=True)
    photos = {}
    for name, (content_type, size, taken, gps) in PHOTOS.items():
        path = folder / name
        if not path.exists():
            partial = path.with_suffix(f".{os.getpid()}.part")  # workers may make them at once
            partial.write_bytes(_make(name))
            partial.replace(path)
        photos[name] = CameraPhoto(name, path.read_bytes(), content_type, size, taken, gps)
    return photos
