"""The console's root blueprint (its own module, so the console's parts import it without
importing the package that assembles them)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
)
