"""Capture time and GPS position read from EXIF, defensively (phones write odd values)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from PIL import ExifTags, Image

DATE_FORMAT = "%Y:%m:%d %H:%M:%S"
# A camera clock set to year 1 or 9999 says nothing about the visit; outside these years the
# time is treated as missing (and could not even be moved to UTC at the ends of the range).
YEARS = range(1970, 2101)
OFFSET = re.compile(r"([+-])(\d\d):(\d\d)", re.ASCII)
MAX_OFFSET = timedelta(hours=14)  # UTC-12:00 .. UTC+14:00 are the offsets clocks use


@dataclass(frozen=True)
class CaptureFacts:
    """When and where the camera says the photo was taken (None when it does not say)."""

    taken_at: datetime | None  # aware when EXIF gives the offset, else the camera's local time
    latitude: float | None
    longitude: float | None


def capture_facts(exif: Image.Exif) -> CaptureFacts:
    """Read capture time and GPS before the metadata is stripped."""
    latitude, longitude = _position(exif)
    return CaptureFacts(_taken_at(exif), latitude, longitude)


def _taken_at(exif: Image.Exif) -> datetime | None:
    details = exif.get_ifd(ExifTags.IFD.Exif)
    raw = details.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    try:
        moment = datetime.strptime(str(raw).strip("\x00 "), DATE_FORMAT)
    except (TypeError, ValueError):
        return None
    if moment.year not in YEARS:
        return None
    offset = details.get(ExifTags.Base.OffsetTimeOriginal) or details.get(ExifTags.Base.OffsetTime)
    zone = _offset(offset)
    return moment.replace(tzinfo=zone) if zone else moment


def _offset(raw: Any) -> timezone | None:
    """'+HH:MM' / '-HH:MM' as a timezone; anything else, or beyond +-14:00, is None."""
    match = OFFSET.fullmatch(str(raw or "").strip("\x00 "))
    if match is None:
        return None
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3))
    delta = timedelta(hours=hours, minutes=minutes)
    if minutes >= 60 or delta > MAX_OFFSET:
        return None
    return timezone(-delta if sign == "-" else delta)


def _position(exif: Image.Exif) -> tuple[float | None, float | None]:
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    latitude = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
    longitude = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef))
    if latitude is None or longitude is None:
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None
    return latitude, longitude


def _degrees(value: Any, ref: Any) -> float | None:
    """Degrees, minutes, seconds (rationals) and a hemisphere letter as signed degrees."""
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if d != d or m != m or s != s:  # NaN from a 0/0 rational
        return None
    degrees = d + m / 60 + s / 3600
    hemisphere = str(ref or "").strip("\x00 ").upper()
    degrees = round(degrees, 7)  # about 1 cm: more digits are float noise
    return -degrees if hemisphere in ("S", "W") else degrees
