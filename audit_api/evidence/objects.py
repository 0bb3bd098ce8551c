"""What every storage backend says about an object."""

from __future__ import annotations

from dataclasses import dataclass


class ObjectChanged(Exception):
    """The object is not the version that was checked (it was replaced in between)."""


@dataclass(frozen=True)
class Stat:
    """An object's size and a tag that changes whenever its bytes do."""

    size: int
    tag: str
