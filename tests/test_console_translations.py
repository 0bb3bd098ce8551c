"""The console's Spanish catalogue: every text of its templates and code is translated, and
the compiled messages.mo is the current messages.po."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CONSOLE = ROOT / "audit_api" / "console"
CATALOG = ROOT / "audit_api" / "translations" / "es" / "LC_MESSAGES"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "lazy_gettext": None,
    "_l": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
}


def _used() -> dict[str, str]:
    """Every msgid in the console's templates and code, with a file that uses it."""
    found = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(CONSOLE), METHODS, keywords=KEYWORDS
    ):
        key = message[0] if isinstance(message, tuple) else message
        found.setdefault(key, filename)
    return found


def _po():
    with (CATALOG / "messages.po").open("rb") as f:
        return read_po(f, locale="es")


def test_every_console_text_has_a_spanish_translation():
    catalog = _po()
    missing = []
    for msgid, where in sorted(_used().items()):
        entry = catalog.get(msgid)
        strings = [] if entry is None else entry.string
        strings = list(strings) if isinstance(strings, tuple | list) else [strings]
        if entry is None or not all(strings) or entry.fuzzy:
            missing.append(f"{msgid!r} ({where})")
    assert missing == []


def test_the_compiled_catalogue_is_the_current_one():
    with (CATALOG / "messages.mo").open("rb") as f:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    written = {_key(m.id): _key(m.string) for m in _po() if m.id}
    assert compiled == written, "run: pybabel compile -d audit_api/translations"


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_entries_sit_in_area_blocks():
    text = (CATALOG / "messages.po").read_text()
    body = text[text.index("\n# area: ") :]
    assert body.count('msgid ""') == 0
    areas = [line[len("# area: ") :] for line in body.splitlines() if line.startswith("# area: ")]
    assert len(areas) == len(set(areas))


def test_pages_speak_spanish_and_english(client):
    spanish = client.get("/console/sign-in", headers={"Accept-Language": "es-CL,es;q=0.9"})
    assert '<html lang="es"' in spanish.text and "Iniciar sesión" in spanish.text
    english = client.get("/console/sign-in", headers={"Accept-Language": "en-GB"})
    assert '<html lang="en"' in english.text and "Sign in" in english.text
    chosen = client.get("/console/sign-in?lang=es", headers={"Accept-Language": "en"})
    assert "Iniciar sesión" in chosen.text
    # The switch is kept for the session.
    kept = client.get("/console/sign-in", headers={"Accept-Language": "en"})
    assert "Iniciar sesión" in kept.text
    back = client.get("/console/sign-in?lang=en")
    assert "Iniciar sesión" not in back.text


def test_the_spanish_speaks_to_the_reader_as_tu_and_says_lista_de_control():
    # Formal "usted" imperatives and possessives, and the other word for a checklist.
    formal = re.compile(
        r"\b(Elija|Indique|Escriba|Seleccione|Cópielo|Actívelo|Dé|Sus sistemas|Pauta|pauta)\b"
    )
    found = [
        f"{m.id!r}: {text}"
        for m in _po()
        if m.id
        for text in (m.string if isinstance(m.string, tuple | list) else [m.string])
        if formal.search(text)
    ]
    assert found == []
