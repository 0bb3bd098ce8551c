"""Error paths: marshmallow's nested messages as flat `a.b[0].c` field paths (no Flask here)."""

from __future__ import annotations

from typing import Any

FieldErrors = dict[str, list[str]]


def flatten(errors: Any, prefix: str = "") -> FieldErrors:
    """Turn marshmallow's nested error dict into {"a.b[0].c": [messages]}."""
    flat: FieldErrors = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
                path = f"{prefix}[{key}]"
            elif key == "_schema":
                path = prefix or "_schema"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            for sub_path, messages in flatten(value, path).items():
                flat.setdefault(sub_path, []).extend(messages)
    elif isinstance(errors, list) and all(isinstance(m, str) for m in errors):
        flat[prefix or "_schema"] = list(errors)
    elif isinstance(errors, list):
        for item in errors:
            for sub_path, messages in flatten(item, prefix).items():
                flat.setdefault(sub_path, []).extend(messages)
    else:
        flat[prefix or "_schema"] = [str(errors)]
    return flat
