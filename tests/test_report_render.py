"""The report's parts without the service: its words in both languages, answers written out,
and the renderer (a view and image bytes in, a PDF whose text and first page can be read)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from audit_api.checklists.views import localize
from audit_api.reports.pdf.answers import Context, ItemScore, Scores, section_views
from audit_api.reports.pdf.catalog import WORDS, Words
from audit_api.reports.pdf.render import render
from audit_api.reports.pdf.view import Block, Fact, Outcome, PhotoView, ReportView, Tone
from tests.support.checklist_factory import checklist, item, section
from tests.support.report_helpers import ink, pdf_images, pdf_text, photo_bytes


def test_both_catalogues_hold_the_same_words_with_the_same_blanks():
    assert set(WORDS["es"]) == set(WORDS["en"])
    for key, text in WORDS["es"].items():
        blanks = {part.split("}")[0] for part in text.split("{")[1:]}
        assert blanks == {part.split("}")[0] for part in WORDS["en"][key].split("{")[1:]}, key


def test_numbers_days_and_times_as_each_language_writes_them():
    es, en = Words("es"), Words("en")
    assert (es.number(72.834), en.number(72.834)) == ("72,83", "72.83")
    assert (es.number(1234.5, 1), en.number(1234.5, 1)) == ("1.234,5", "1,234.5")
    assert (es.number(100.0), es.number(None), es.number(14.2, 0)) == ("100", "—", "14")
    assert es.day(date(2026, 11, 2)) == "2 nov 2026" and en.day(date(2026, 1, 2)) == "2 Jan 2026"
    moment = datetime(2026, 11, 22, 15, 5, tzinfo=UTC)
    assert es.moment(moment, "America/Santiago") == "22 nov 2026 12:05"
    assert Words("pt")("title") == "Audit report"  # no catalogue: English words


def test_a_distance_reads_in_metres_then_kilometres():
    es, en = Words("es"), Words("en")
    assert (en.distance(340.4), en.distance(1500), en.distance(1_134_062)) == (
        "340 m",
        "1.5 km",
        "1,134 km",
    )
    assert es("far_from_location", distance=es.distance(2260)) == "tomada a 2,3 km del local"


OPTIONS = [
    {"key": "x", "label": {"es": "Equis", "en": "Ex"}, "score": 1},
    {"key": "y", "label": {"es": "Ye", "en": "Why"}, "score": 0},
]
RANGE = "4 (1\u20135)"  # an en dash between the scale's ends


def _definition():
    return checklist(
        [
            section(
                "a",
                [
                    item("ok", critical=True),
                    item("bad"),
                    item("level", "scale", min=1, max=5),
                    item("why", "text", required=False, show_if={"item": "bad", "equals": True}),
                    item("kind", "choice", options=OPTIONS),
                    item(
                        "wait", "number", unit="s", bands=[{"max": 5, "score": 1}], na_allowed=True
                    ),
                ],
            )
        ]
    )


def test_shown_items_are_written_out_with_their_outcome():
    answers = [
        {"item": "ok", "value": True, "comment": "Muy bien", "photo_ids": ["p2"]},
        {"item": "bad", "value": False},
        {"item": "level", "value": 4},
        {"item": "why", "value": "hidden: bad is no"},
        {"item": "kind", "value": "x"},
        {"item": "wait", "na": True},
    ]
    scores = Scores(
        {"a": (62.5, 4.0)},
        {
            "ok": ItemScore(True, 1.0, False),
            "bad": ItemScore(True, 0.0, True),
            "level": ItemScore(True, 0.75, False),
            "kind": ItemScore(True, 1.0, False),
        },
    )
    ctx = Context(Words("es"), "America/Santiago", frozenset(), {"p1": 1, "p2": 2})
    [view] = section_views(localize(_definition(), "es"), answers, scores, ctx)
    rows = {row.prompt.split(" ")[0]: row for row in view.items}
    assert [r.number for r in view.items] == ["1.1", "1.2", "1.3", "1.5", "1.6"]  # 1.4 hidden
    assert (view.score, view.weight) == ("62,5 %", "4")
    assert rows["ok"].outcome == Outcome.PASS and rows["ok"].answer == "Sí · Foto 2"
    assert rows["ok"].critical and rows["ok"].comment == "Muy bien"
    assert (rows["bad"].answer, rows["bad"].result) == ("No", "✘ No cumple")
    assert (rows["level"].answer, rows["level"].result) == (RANGE, "◑ 75 %")
    assert rows["kind"].answer == "Equis" and rows["wait"].outcome == Outcome.NA
    unscored = section_views(localize(_definition(), "en"), answers, Scores({}, {}), ctx)
    assert {r.outcome for r in unscored[0].items} == {Outcome.UNSCORED, Outcome.NA}


def view_of(sections, photos, lang: str = "es") -> ReportView:
    """A report view around the given sections and photos."""
    words = Words(lang)
    return ReportView(
        words=words.table,
        heading=words("title"),
        checklist="Lista · versión 1",
        summary=[Fact(words("location"), "Café Ñuñoa (NU1)"), Fact(words("kind"), words("visit"))],
        score="62,5",
        grade="Regular",
        tone=Tone.FAIR,
        critical_failures=["¿Saludaron al entrar?"],
        sections=sections,
        context=[Block(words("checkin"), [Fact(words("distance"), "14 m")])],
        photos=photos,
        reviews=[],
        disputes=[],
        footer=words("footer", audit="a1", version="r1", at="hoy", page="{page}", pages="{pages}"),
    )


def test_the_renderer_draws_text_marks_and_photos(tmp_path: Path):
    ctx = Context(Words("es"), "UTC", frozenset(), {})
    answers = [
        {"item": "ok", "value": True, "comment": "Muy bien 👍 店"},  # glyphs DejaVu lacks
        {"item": "bad", "value": False},
    ]
    scores = Scores(
        {"a": (50.0, 2.0)}, {"ok": ItemScore(True, 1, False), "bad": ItemScore(True, 0, True)}
    )
    sections = section_views(localize(_definition(), "es"), answers, scores, ctx)
    photos = [
        PhotoView(n, f"p{n}", "General", "22 nov 2026 12:05", ["sin hora de captura"] * (n == 3))
        for n in range(1, 4)
    ]
    # The third photo's file is missing: an empty frame says so, the report is still made.
    data = render(view_of(sections, photos), {"p1": photo_bytes(1), "p2": photo_bytes(4)})
    text = pdf_text(data)
    assert data.startswith(b"%PDF-") and "Café Ñuñoa" in text and "62,5" in text
    assert text.count("✘ No cumple") == 1 and "✔ Cumple" in text and "Fotos (3)" in text
    assert (
        "Comentario: Muy bien" in text
        and "(archivo no disponible)" in text
        and "⚠ sin hora de captura" in text
    )
    assert pdf_images(data) == 2
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    (tmp_path / "r.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "r.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    [png] = list(tmp_path.glob("page*.png"))
    assert 0.02 < ink(png.read_bytes()) < 0.9  # text and colour on it, not a blank page
