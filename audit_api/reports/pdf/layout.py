"""The report's page: A4, DejaVu Sans (every Spanish letter), a footer with page numbers, and
the few building blocks every part is drawn with: headings, label-value lines, boxed blocks."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from audit_api.reports.pdf.view import Block, Fact, Outcome, Tone

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
MARGIN = 15.0
WIDTH = 210.0 - 2 * MARGIN  # A4 less the margins, mm
LINE = 5.0  # mm per line of body text

Colour = tuple[int, int, int]
INK: Colour = (33, 37, 41)
MUTED: Colour = (108, 117, 125)
RULE: Colour = (206, 212, 218)
PANEL: Colour = (241, 243, 245)
# (text, background) by outcome: a failed item is red and marked with ✘, never colour alone.
OUTCOME_COLOURS: dict[Outcome, tuple[Colour, Colour | None]] = {
    Outcome.PASS: ((25, 120, 60), None),
    Outcome.PARTIAL: ((156, 98, 0), None),
    Outcome.FAIL: ((176, 24, 24), (253, 226, 225)),
    Outcome.NA: (MUTED, None),
    Outcome.UNSCORED: (MUTED, None),
    Outcome.UNANSWERED: (MUTED, None),
}
TONES: dict[Tone, tuple[Colour, Colour]] = {  # (border and text, background)
    Tone.GOOD: ((25, 120, 60), (225, 243, 231)),
    Tone.FAIR: ((156, 98, 0), (255, 243, 205)),
    Tone.POOR: ((176, 24, 24), (253, 226, 225)),
    Tone.NONE: (MUTED, PANEL),
}


class Page(FPDF):
    """An A4 document with the report's fonts and a footer line on every page."""

    def __init__(self, footer: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer
        for style, name in (("", ""), ("B", "-Bold"), ("I", "-Oblique")):
            self.add_font(FAMILY, style, str(FONTS / f"DejaVuSansCondensed{name}.ttf"))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=18)
        self.alias_nb_pages("{nb}")
        self.set_text_color(*INK)
        self.set_draw_color(*RULE)

    def footer(self) -> None:
        """The audit, the report's version and the page, small and grey."""
        self.set_y(-12)
        self.text_style(7.5, colour=MUTED)
        text = self.footer_text.replace("{page}", str(self.page_no())).replace("{pages}", "{nb}")
        self.cell(0, 4, text, align="C")

    def text_style(self, size: float, style: str = "", colour: Colour = INK) -> None:
        """Font size, emphasis and colour in one call."""
        self.set_font(FAMILY, style, size)
        self.set_text_color(*colour)

    def heading(self, text: str, room: float = 30) -> None:
        """A part's title with a rule under it; a new page when less than `room` mm is left."""
        if self.will_page_break(room):
            self.add_page()
        else:
            self.ln(3)
        self.text_style(12.5, "B")
        self.cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.line(MARGIN, self.get_y(), MARGIN + WIDTH, self.get_y())
        self.ln(2)

    def facts(self, facts: list[Fact], x: float = MARGIN, label_w: float = 38, w: float = WIDTH):
        """Label-value lines (labels grey, values wrapping under themselves); the label column
        widens to its longest label, up to half the width."""
        self.text_style(9)
        widest = max((self.get_string_width(f.label) for f in facts), default=0)
        label_w = min(max(label_w, widest + 3), w / 2)
        for fact in facts:
            self.set_x(x)
            top = self.get_y()
            self.text_style(9, colour=MUTED)
            self.multi_cell(label_w, LINE, fact.label, align="L", new_x=XPos.RIGHT, new_y=YPos.TOP)
            label_bottom = top + self.multi_cell(
                label_w, LINE, fact.label, align="L", dry_run=True, output="HEIGHT"
            )
            self.text_style(9.5)
            self.multi_cell(
                w - label_w, LINE, fact.value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
            if self.get_y() < label_bottom:
                self.set_y(label_bottom)  # a label of two lines beside a value of one

    def block(self, block: Block) -> None:
        """A sub-title, its facts and an optional note in italics."""
        if self.will_page_break(LINE * (len(block.facts) + 2)):
            self.add_page()
        indent = 3 if block.title else 0
        if block.title:
            self.text_style(10, "B")
            self.cell(0, 6, block.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.facts(block.facts, x=MARGIN + indent, w=WIDTH - indent)
        if block.note:
            self.set_x(MARGIN + indent)
            self.text_style(9, "I", MUTED)
            self.multi_cell(
                WIDTH - indent, LINE, block.note, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        self.ln(1.5)

    def muted_line(self, text: str) -> None:
        """A line of grey text (an empty part: no disputes, no review yet)."""
        self.text_style(9, "I", MUTED)
        self.multi_cell(0, LINE, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
