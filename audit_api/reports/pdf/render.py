"""A report view and its photos' bytes in, PDF bytes out (pure: no Flask, no database)."""

from __future__ import annotations

import io
from collections.abc import Mapping

from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from audit_api.reports.pdf.layout import (
    LINE,
    MARGIN,
    MUTED,
    OUTCOME_COLOURS,
    PANEL,
    RULE,
    TONES,
    WIDTH,
    Page,
)
from audit_api.reports.pdf.view import Block, Outcome, PhotoView, ReportView, SectionView

SCORE_BOX = 58.0  # mm, the overall score's box at the top right
ITEM_COLUMNS = (10, 84, 52, 34)  # number, item, answer, result: WIDTH in all
PHOTO_GAP = 6.0
PHOTO_W = (WIDTH - PHOTO_GAP) / 2
PHOTO_H = PHOTO_W * 0.7  # about 4:3; portrait photos stand in the middle of the frame
CAPTION = 4.2  # mm per caption line: a title, the time and at most two signals
WHITE = (255, 255, 255)


def render(view: ReportView, images: Mapping[str, bytes]) -> bytes:
    """The report as PDF bytes; `images` holds the display copy of each photo by its id (a
    photo without one gets an empty frame saying so)."""
    pdf = Page(view.footer)
    pdf.set_title(f"{view.heading} · {view.checklist}")
    pdf.set_creator("audit_api")
    pdf.add_page()
    _summary(pdf, view)
    _sections(pdf, view)
    for block in view.context:
        _part(pdf, block.title, [Block("", block.facts, block.note)], "")
    _part(pdf, view.word("review"), view.reviews, view.word("no_review"))
    _part(pdf, view.word("disputes"), view.disputes, view.word("no_disputes"))
    _items(pdf, view)
    _signals(pdf, view)
    _photos(pdf, view, images)
    return bytes(pdf.output())


def _part(pdf: Page, title: str, blocks: list[Block], empty: str) -> None:
    pdf.heading(title)
    for block in blocks:
        pdf.block(block)
    if not blocks:
        pdf.muted_line(empty)


def _summary(pdf: Page, view: ReportView) -> None:
    top = pdf.get_y()
    pdf.text_style(18, "B")
    pdf.cell(WIDTH - SCORE_BOX - 4, 9, view.heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.text_style(11, colour=MUTED)
    left = WIDTH - SCORE_BOX - 4
    pdf.multi_cell(left, 5.5, view.checklist, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.facts(view.summary, label_w=26, w=left)
    bottom = pdf.get_y()
    _score_box(pdf, view, MARGIN + WIDTH - SCORE_BOX, top)
    pdf.set_y(max(bottom, top + 42) + 2)
    for prompt in view.critical_failures:
        text_colour, fill = OUTCOME_COLOURS[Outcome.FAIL]
        pdf.set_fill_color(*(fill or PANEL))
        pdf.text_style(9.5, "B", text_colour)
        text = f"⚠ {view.word('critical')}: {prompt}"
        pdf.multi_cell(
            0, 6, text, fill=True, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT, padding=1
        )
        pdf.ln(1)


def _score_box(pdf: Page, view: ReportView, x: float, y: float) -> None:
    border, fill = TONES[view.tone]
    pdf.set_fill_color(*fill)
    pdf.set_draw_color(*border)
    pdf.set_line_width(0.6)
    pdf.rect(x, y, SCORE_BOX, 40, style="DF")
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*RULE)
    pdf.set_xy(x, y + 3)
    pdf.text_style(9, colour=MUTED)
    pdf.cell(SCORE_BOX, 5, view.word("score"), align="C")
    pdf.set_xy(x, y + 9)
    pdf.text_style(26 if len(view.score) < 7 else 14, "B", border)
    pdf.cell(SCORE_BOX, 13, view.score, align="C")
    if view.grade:
        pdf.set_xy(x + 2, y + 25)
        pdf.text_style(12, "B", border)
        pdf.multi_cell(SCORE_BOX - 4, 6, view.grade, align="C")


def _sections(pdf: Page, view: ReportView) -> None:
    pdf.heading(view.word("sections"), room=12 + 7 * len(view.sections))
    widths = (88, 22, 18)
    bar_w = WIDTH - sum(widths) - 4
    pdf.text_style(8.5, "B", MUTED)
    for width, key, align in zip(widths, ("section", "score", "weight"), "LRR", strict=True):
        pdf.cell(width, 6, view.word(key), align=align)
    pdf.ln(6)
    for section in view.sections:
        y = pdf.get_y()
        pdf.text_style(9.5)
        pdf.cell(widths[0], 7, f"{section.number}. {section.title}")
        pdf.text_style(9.5, "B")
        pdf.cell(widths[1], 7, section.score, align="R")
        pdf.text_style(9.5, colour=MUTED)
        pdf.cell(widths[2], 7, section.weight, align="R")
        _bar(pdf, MARGIN + sum(widths) + 4, y + 2, bar_w, section.pct)
        pdf.ln(7)
        pdf.line(MARGIN, pdf.get_y(), MARGIN + WIDTH, pdf.get_y())


def _bar(pdf: Page, x: float, y: float, width: float, pct: float | None) -> None:
    pdf.set_fill_color(*PANEL)
    pdf.rect(x, y, width, 3, style="F")
    if pct is None:
        return
    outcome = Outcome.PASS if pct >= 75 else Outcome.PARTIAL if pct >= 60 else Outcome.FAIL
    pdf.set_fill_color(*OUTCOME_COLOURS[outcome][0])
    pdf.rect(x, y, width * max(0.0, min(pct, 100.0)) / 100, 3, style="F")


def _items(pdf: Page, view: ReportView) -> None:
    pdf.heading(view.word("items"), room=60)
    for section in view.sections:
        if not section.items:
            continue
        if pdf.will_page_break(24):
            pdf.add_page()
        pdf.text_style(10.5, "B")
        title = f"{section.number}. {section.title} · {section.score}"
        pdf.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        _item_table(pdf, view, section)
        pdf.ln(3)


def _item_table(pdf: Page, view: ReportView, section: SectionView) -> None:
    pdf.text_style(9)
    headings = FontFace(emphasis="BOLD", color=MUTED, fill_color=PANEL, size_pt=8.5)
    with pdf.table(
        col_widths=ITEM_COLUMNS,
        width=WIDTH,
        line_height=4.6,
        padding=(1.2, 1.5),
        headings_style=headings,
        borders_layout="HORIZONTAL_LINES",
        text_align=("LEFT", "LEFT", "LEFT", "LEFT"),
    ) as table:
        table.row(["#", view.word("item"), view.word("answer"), view.word("result")])
        for item in section.items:
            colour, fill = OUTCOME_COLOURS[item.outcome]
            plain = FontFace(fill_color=fill or WHITE)
            row = table.row()
            row.cell(item.number, style=plain)
            prompt = (
                f"{item.prompt} ({view.word('critical_short')})" if item.critical else item.prompt
            )
            row.cell(prompt, style=plain)
            row.cell(item.answer, style=plain)
            row.cell(
                item.result, style=FontFace(emphasis="BOLD", color=colour, fill_color=fill or WHITE)
            )
            if item.comment:
                note = FontFace(
                    emphasis="ITALICS", color=MUTED, fill_color=fill or WHITE, size_pt=8.5
                )
                row = table.row()
                row.cell("", style=plain)
                row.cell(f"{view.word('comment')}: {item.comment}", style=note, colspan=3)


def _signals(pdf: Page, view: ReportView) -> None:
    pdf.heading(view.word("signals"))
    flagged = [photo for photo in view.photos if photo.signals]
    if not flagged:
        pdf.muted_line(view.word("no_signals"))
    for photo in flagged:
        for signal in photo.signals:
            pdf.text_style(9.5, "B")
            pdf.cell(22, LINE, view.word("photo_n").format(n=photo.number))
            pdf.text_style(9.5, colour=OUTCOME_COLOURS[Outcome.FAIL][0])
            pdf.multi_cell(0, LINE, f"⚠ {signal}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _photos(pdf: Page, view: ReportView, images: Mapping[str, bytes]) -> None:
    if not view.photos:
        return
    pdf.add_page()
    pdf.heading(f"{view.word('photos')} ({len(view.photos)})")
    row_h = PHOTO_H + 4 * CAPTION + 5  # three rows to a page
    for start in range(0, len(view.photos), 2):
        if pdf.will_page_break(row_h):
            pdf.add_page()
        y = pdf.get_y()
        for column, photo in enumerate(view.photos[start : start + 2]):
            _photo(
                pdf,
                view,
                photo,
                images.get(photo.photo_id),
                MARGIN + column * (PHOTO_W + PHOTO_GAP),
                y,
            )
        pdf.set_xy(MARGIN, y + row_h)


def _photo(pdf: Page, view: ReportView, photo: PhotoView, data: bytes | None, x: float, y: float):
    pdf.set_fill_color(*PANEL)
    pdf.rect(x, y, PHOTO_W, PHOTO_H, style="F")
    if data:
        pdf.image(io.BytesIO(data), x=x, y=y, w=PHOTO_W, h=PHOTO_H, keep_aspect_ratio=True)
    else:
        pdf.set_xy(x, y + PHOTO_H / 2 - 3)
        pdf.text_style(9, "I", MUTED)
        pdf.cell(PHOTO_W, 6, view.word("missing_photo"), align="C")
    pdf.set_xy(x, y + PHOTO_H + 1.5)
    pdf.text_style(9, "B")
    title = f"{view.word('photo_n').format(n=photo.number)} · {photo.caption}"
    _caption(pdf, x, title)
    pdf.text_style(8.5, colour=MUTED)
    _caption(pdf, x, f"{view.word('taken')}: {photo.taken}")
    pdf.text_style(8.5, colour=OUTCOME_COLOURS[Outcome.FAIL][0])
    for signal in photo.signals[:2]:  # the signals part lists them all
        _caption(pdf, x, f"⚠ {signal}")


def _caption(pdf: Page, x: float, text: str) -> None:
    """One line under a photo, cut with an ellipsis where it would run into the next one."""
    if pdf.get_string_width(text) > PHOTO_W:
        while text and pdf.get_string_width(text + "…") > PHOTO_W:
            text = text[:-1]
        text = text.rstrip() + "…"
    pdf.set_x(x)
    pdf.cell(PHOTO_W, CAPTION, text, new_x=XPos.LEFT, new_y=YPos.NEXT)
