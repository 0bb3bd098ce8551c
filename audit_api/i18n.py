"""The language of an answer: `?lang=`, else Accept-Language, else the content's first."""

from __future__ import annotations

from flask import request

from audit_api.errors import Reason, field_error


def pick_language(languages: list[str]) -> str | None:
    """`?lang=` (or 'all', giving None), else the best Accept-Language match, else the first."""
    asked = request.args.get("lang")
    if asked == "all":
        return None
    if asked:
        if asked not in languages:
            raise field_error(
                "lang", f"one of {', '.join(languages)} or all", Reason.unknown_language
            )
        return asked
    return request.accept_languages.best_match(languages) or languages[0]
