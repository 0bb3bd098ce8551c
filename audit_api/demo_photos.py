"""The demo's photos: real JPEGs with texture and a phone camera's EXIF, drawn with Pillow."""

from __future__ import annotations

import io
from datetime import datetime
from functools import cache
from random import Random

from PIL import ExifTags, Image, ImageDraw

SIZE = (1024, 768)  # small enough to seed quickly, large enough to look like a photo
CAMERAS = [("samsung", "Galaxy A54 5G"), ("Apple", "iPhone 13"), ("motorola", "moto g84 5G")]


def _colour(rng: Random, low: int = 40, high: int = 230) -> tuple[int, int, int]:
    return (rng.randint(low, high), rng.randint(low, high), rng.randint(low, high))


def _storefront(rng: Random, draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """A shop front: wall, window panes, a door, an awning and the brand's sign."""
    draw.rectangle([0, 0, w, h], fill=_colour(rng, 120, 240))
    left, right = rng.randint(0, w // 6), rng.randint(w * 5 // 6, w)
    draw.rectangle([left, h // 6 - 80, right, h * 5 // 6], fill=_colour(rng, 60, 200))
    stripes, top = rng.randint(5, 12), h // 6 + rng.randint(0, h // 10)
    awning = (_colour(rng), (235, 235, 225))
    for n in range(stripes):
        x0 = left + (right - left) * n // stripes
        x1 = left + (right - left) * (n + 1) // stripes
        draw.polygon(
            [(x0, top), (x1, top), (x1 + 10, top + h // 10), (x0 + 10, top + h // 10)],
            fill=awning[n % 2],
        )
    door = rng.randint(left + 40, max(left + 41, right - w // 5))
    draw.rectangle([door, h * 2 // 5, door + w // 7, h * 5 // 6], fill=_colour(rng, 20, 90))
    for _ in range(rng.randint(2, 4)):  # window panes with a reflection
        x = rng.randint(left, max(left + 1, right - w // 5))
        y = rng.randint(h * 2 // 5, h * 3 // 5)
        draw.rectangle(
            [x, y, x + w // 6, y + h // 6],
            fill=_colour(rng, 90, 180),
            width=6,
            outline=(40, 40, 40),
        )
        draw.line([x + 10, y + h // 6 - 10, x + w // 8, y + 10], fill=(230, 240, 250), width=5)
    draw.rectangle([0, h * 5 // 6, w, h], fill=_colour(rng, 70, 150))  # pavement
    plate = (left + 20, h // 6 - 70, left + 420, h // 6 - 8)  # the sign above the awning
    draw.rectangle(plate, fill=(35, 30, 28))
    draw.text((plate[0] + 22, plate[1] + 10), "CAFE ANDINO", fill=(240, 225, 190), font_size=40)


def _floor(rng: Random, draw: ImageDraw.ImageDraw, w: int, h: int) -> None:
    """A tiled floor seen from above, with a few stains."""
    tile = rng.randint(70, 160)
    shades = (_colour(rng, 150, 230), _colour(rng, 110, 200))
    for y in range(0, h, tile):
        for x in range(0, w, tile):
            draw.rectangle([x, y, x + tile - 3, y + tile - 3], fill=shades[(x + y) // tile % 2])
    for _ in range(rng.randint(2, 6)):
        x, y, r = rng.randint(0, w), rng.randint(0, h), rng.randint(20, 90)
        draw.ellipse([x - r, y - r // 2, x + r, y + r // 2], fill=(95, 60, 30))


@cache
def _daylight(angle: int) -> Image.Image:
    """A full-size light gradient from one side (made once per side: resizing costs)."""
    return Image.linear_gradient("L").rotate(angle).resize(SIZE)


def picture(seed: int, subject: str = "storefront") -> Image.Image:
    """A scene with structure (every seed its own, so no two photos look alike) and grain."""
    rng = Random(seed)
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    (_floor if subject == "floor" else _storefront)(rng, draw, *SIZE)
    for _ in range(rng.randint(1, 3)):  # passers-by, a planter, a parked bicycle...
        x, y = rng.randint(0, SIZE[0]), rng.randint(SIZE[1] // 3, SIZE[1])
        rx, ry = rng.randint(40, 220), rng.randint(80, 320)
        draw.ellipse([x - rx, y - ry, x + rx, y + ry], fill=_colour(rng, 10, 250))
    # Framing and light differ from shot to shot: a random crop, and daylight from one side.
    zoom = rng.uniform(1.0, 1.35)
    w, h = int(SIZE[0] / zoom), int(SIZE[1] / zoom)
    x, y = rng.randint(0, SIZE[0] - w), rng.randint(0, SIZE[1] - h)
    image = image.crop((x, y, x + w, y + h)).resize(SIZE, Image.Resampling.BILINEAR)
    strength = rng.randint(20, 60)
    shade = _daylight(rng.choice([0, 90, 180, 270])).point(lambda v: 255 - v * strength // 255)
    image = Image.composite(image, Image.new("RGB", SIZE, (250, 245, 230)), shade)
    # Sensor grain: texture the JPEG encoder and the decoder must really work through
    # (random bytes: Pillow's gaussian effect_noise costs ten times as much).
    grain = Image.frombytes("L", SIZE, rng.randbytes(SIZE[0] * SIZE[1])).convert("RGB")
    return Image.blend(image, grain, 0.08)


def camera_exif(
    seed: int, taken: datetime | None, position: tuple[float, float] | None
) -> Image.Exif:
    """EXIF as a phone writes it: make and model, local capture time with offset, GPS."""
    exif = Image.Exif()
    make, model = CAMERAS[seed % len(CAMERAS)]
    exif[ExifTags.Base.Make], exif[ExifTags.Base.Model] = make, model
    details = exif.get_ifd(ExifTags.IFD.Exif)
    if taken is not None:
        details[ExifTags.Base.DateTimeOriginal] = taken.strftime("%Y:%m:%d %H:%M:%S")
        offset = taken.strftime("%z")  # +HHMM; EXIF writes +HH:MM
        details[ExifTags.Base.OffsetTimeOriginal] = f"{offset[:3]}:{offset[3:]}"
    if position is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        for ref, tag, value, signs in ((1, 2, position[0], "NS"), (3, 4, position[1], "EW")):
            whole = abs(value)
            minutes = (whole - int(whole)) * 60
            gps[ref] = signs[value < 0]
            gps[tag] = (float(int(whole)), float(int(minutes)), round((minutes % 1) * 60, 4))
    return exif


def photo(
    seed: int,
    subject: str,
    taken: datetime | None,
    position: tuple[float, float] | None,
) -> bytes:
    """A JPEG of the subject; without `taken` it carries no EXIF at all (as an edited file)."""
    out = io.BytesIO()
    exif = camera_exif(seed, taken, position) if taken is not None else None
    picture(seed, subject).save(out, "JPEG", quality=85, **({"exif": exif} if exif else {}))
    return out.getvalue()
