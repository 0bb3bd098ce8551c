"""The language of an answer: `?lang=`, else Accept-Language, else the content's first."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from werkzeug.datastructures import LanguageAccept

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


def grade_language(languages: list[str]) -> str:
    """The language of a grade label: as `pick_language`, and the first one for `lang=all`
    (a grade is one label, not a text to translate)."""
    return pick_language(languages) or languages[0]


@dataclass(frozen=True)
class LanguageChoice:
    """A caller's languages, applied to many checklists at once (exports, scorecards): the
    asked one where a checklist has it, else the best accepted one, else its first."""

    asked: str | None = None
    accept: LanguageAccept | None = None

    @classmethod
    def of_request(cls) -> LanguageChoice:
        """The current request's `?lang=` and Accept-Language."""
        return cls(request.args.get("lang"), request.accept_languages)

    def for_checklist(self, languages: list[str]) -> str:
        """The language to use for a checklist with these languages."""
        if self.asked in languages:
            return self.asked
        best = self.accept.best_match(languages) if self.accept else None
        return best or languages[0]
