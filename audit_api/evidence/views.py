"""Presenting photos."""

from __future__ import annotations

from typing import Any

from audit_api.evidence.models import Photo, PhotoStatus


def photo_view(photo: Photo) -> dict[str, Any]:
    """A photo as the API shows it; links only once its bytes have arrived."""
    content = f"/api/v1/photos/{photo.id}/content"
    ready = photo.status == PhotoStatus.READY
    return {
        "id": photo.id,
        "audit_id": photo.audit_id,
        "item": photo.item_key,
        "status": photo.status,
        "content_type": photo.content_type,
        "size": photo.size,
        "width": photo.width,
        "height": photo.height,
        "sha256": photo.sha256,
        "phash": photo.phash,
        "taken_at": photo.taken_at,
        "latitude": photo.latitude,
        "longitude": photo.longitude,
        "signals": photo.signals or [],
        "links": {v: f"{content}?variant={v}" for v in ("display", "thumb")} if ready else {},
        "created_at": photo.created_at,
    }
