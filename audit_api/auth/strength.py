"""How hard a new password is to guess, judged the way a guesser who knows its user would try.

Both the password and what is known of the user (name, e-mail, organization) are normalised
first: compatibility forms folded (full-width letters are letters), case folded, accents
dropped, so full-width `Password123` is `password123` and `María` is `maria`. Two checks follow:

- zxcvbn scores the whole password, given the user's words, at least `PASSWORD_MIN_SCORE`;
- its letters, without the user's words, score at least one step less by themselves: digits
  and punctuation (`2026`, `!!`, `-`) may add the last step of strength, never most of it.
  That refuses a name or a common word dressed up (`MariaGonzalez2026`, `Summer2026!!`).
"""

from __future__ import annotations

import re
import unicodedata

from flask import current_app
from zxcvbn import zxcvbn

from audit_api.errors import Reason

# zxcvbn refuses longer input (its matching grows fast with length); what follows the first
# 72 characters only adds strength, so the start is what is judged.
JUDGED_LENGTH = 72
# Shorter words of the user stay in the letters judged (cutting "de" or "li" out of every
# word would maim good passphrases); zxcvbn still knows them.
CUT_LENGTH = 3
MORE_WORDS = "Add another word or two. Uncommon words are better."


def normalise(text: str) -> str:
    """Text as a guesser compares it: NFKC, case folded, without accents."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    bare = "".join(char for char in folded if not unicodedata.combining(char))
    return unicodedata.normalize("NFKC", bare)


def _split(text: str, separators: str = r"[\W_]+") -> list[str]:
    return [part for part in re.split(separators, text) if part]


def _letters(text: str) -> str:
    return "".join(char for char in text if char.isalpha())


def user_words(email: str, name: str, org: str) -> tuple[list[str], list[str]]:
    """What a guesser knows of the user, normalised: the texts and their words for zxcvbn,
    and the words (letters only, longest first) to cut out of the password's letters."""
    email, name, org = normalise(email), normalise(name), normalise(org)
    local, _, domain = email.rpartition("@")
    labels = _split(domain, r"[.\-]+")
    # The domain's last label (com, org, cl) is left in: cutting it would maim words.
    cut = [*_split(name), *_split(local, r"[._\-+]+"), *labels[:-1], *_split(org)]
    known = {email, name, org, local, domain, *cut, *labels}
    cuts = {_letters(word) for word in cut}
    return sorted(word for word in known if word), sorted(
        (word for word in cuts if len(word) >= CUT_LENGTH), key=lambda word: (-len(word), word)
    )


def _without(letters: str, words: list[str]) -> str:
    """The letters with every one of the words cut out (again, while cutting makes more)."""
    while True:
        shorter = letters
        for word in words:
            shorter = shorter.replace(word, "")
        if shorter == letters:
            return letters
        letters = shorter


def _score(text: str, known: list[str]) -> dict:
    if not text:
        return {"score": 0, "feedback": {"warning": "", "suggestions": []}}
    return zxcvbn(text[:JUDGED_LENGTH], user_inputs=known)


def _refuse(field: str, first: str, feedback: dict) -> None:
    advice = [feedback["warning"]] if feedback["warning"] else []
    advice += feedback["suggestions"] or [MORE_WORDS]
    raise Reason.weak_password.error(
        f"Invalid {field}: too easy to guess.", {field: [first, *advice]}
    )


def check_strength(password: str, field: str, *, email: str, name: str, org: str) -> None:
    """Refuse a password too easy to guess for a guesser who knows the user's e-mail, name
    and organization: a 422 naming `field` with the reason and zxcvbn's advice."""
    needed = int(current_app.config["PASSWORD_MIN_SCORE"])
    known, cut = user_words(email, name, org)
    judged = normalise(password)
    whole = _score(judged, known)
    if whole["score"] < needed:
        first = f"Too easy to guess (strength {whole['score']} of 4; {needed} needed)."
        _refuse(field, first, whole["feedback"])
    core = _score(_without(_letters(judged), cut), known)
    if core["score"] < needed - 1:
        first = (
            "Too easy to guess without your name, e-mail, organization, digits and "
            f"punctuation (strength {core['score']} of 4 left; {needed - 1} needed)."
        )
        _refuse(field, first, {"warning": "", "suggestions": [MORE_WORDS]})
