"""Writers that turn batches of rows into CSV, JSON Lines or XLSX without holding them all."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

import xlsxwriter

from audit_api.errors import DomainError, Reason

Batches = Iterable[list[list[Any]]]
# The rows of an Excel worksheet, the header row included: Excel will not open a longer sheet.
XLSX_MAX_ROWS = 1_048_576

# Text starting with one of these is a formula to Excel, LibreOffice and Google Sheets (OWASP,
# "CSV Injection"): '=HYPERLINK(...)' in a comment would run when HQ opens the file.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Where a cell may start: the text's start, and after each ";", CR or LF, since Excel where the
# list separator is ";" (es-CL, es-AR, es-ES, es-CO, es-PE) splits a comma CSV there, quotes
# or not. The same pattern in Python's re and PostgreSQL's regexp_replace (copy_csv._defused):
# an empty match before each such cell that starts with one of FORMULA_STARTS.
FORMULA_CELLS = r"(?:^|(?<=[;\r\n]))(?=[-=+@\t\r])"
_FORMULA_CELL = re.compile(FORMULA_CELLS)


# The one rule of every CSV cell, both writers (copy_csv._defused is its SQL mirror):
# - text (a str) gets a leading "'" before every cell it could start (FORMULA_CELLS) that
#   starts like a formula, which spreadsheets show as text and never run; other text is
#   written as it is;
# - numbers (int, float), booleans and None are never changed, whatever their sign: -5 in a
#   number column (an answer, a fraction, a score) is a number, not a formula;
# - the type decides, never the look: "-5" typed as a text answer is text and becomes "'-5".
#   So COPY decides from the same facts (the column's type, jsonb_typeof) and both agree.
# JSON Lines are not for spreadsheets (raw); XLSX cells carry their type (see write_xlsx).
def defused(value: Any) -> Any:
    """A CSV cell's value that no spreadsheet runs as a formula (the rule above)."""
    return _FORMULA_CELL.sub("'", value) if isinstance(value, str) else value


def flat(value: Any) -> Any:
    """A list (critical failures) as one spreadsheet cell, `a;b`; JSON Lines keep the list."""
    return ";".join(value) if isinstance(value, list) else value


def _csv_lines(rows: list[list[Any]]) -> str:
    """Rows as CSV lines ending in "\n"; a field holding a CR is quoted, as COPY quotes it."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    text = buffer.getvalue()
    if "\r" not in text:
        return text
    # Before Python 3.13 a "\n"-ended writer leaves a CR bare, which readers take for a line
    # end; a "\r\n"-ended one quotes it: each row written so, its own line end made "\n".
    lines = []
    for row in rows:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow(row)
        lines.append(buffer.getvalue()[:-2] + "\n")
    return "".join(lines)


def csv_chunks(columns: list[str], batches: Batches, bom: bool) -> Iterator[str]:
    """CSV text, a chunk per batch of rows; a BOM first helps Excel read UTF-8."""
    # "\n" line ends: the same bytes PostgreSQL's COPY writes (csv readers take either).
    yield ("\ufeff" if bom else "") + _csv_lines([columns])
    for batch in batches:
        yield _csv_lines([[defused(flat(v)) for v in row] for row in batch])


def jsonl_chunks(columns: list[str], batches: Batches) -> Iterator[str]:
    """One JSON object per line, a chunk per batch of rows."""
    for batch in batches:
        lines = [
            json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False) for row in batch
        ]
        if lines:
            yield "\n".join(lines) + "\n"


def xlsx_refusal(data_rows: int) -> DomainError | None:
    """The error to raise, before any work, when the rows and a header are more than a
    worksheet holds."""
    if data_rows + 1 <= XLSX_MAX_ROWS:
        return None
    return Reason.too_many_rows_for_xlsx.error(
        f"{data_rows:,} rows and a header do not fit in an XLSX worksheet, which holds"
        f" {XLSX_MAX_ROWS:,} rows: ask for CSV or JSON Lines (.csv, .jsonl), or a narrower"
        " filter (from, to, location, region)."
    )


def write_xlsx(file: IO[bytes], columns: list[str], batches: Batches) -> None:
    """An XLSX workbook built in constant memory (in XlsxWriter's temp files), zipped into file."""
    # Every string a string: never a formula, a number or a link, whatever it looks like.
    options = {"strings_to_formulas": False, "strings_to_numbers": False}
    options |= {"strings_to_urls": False, "constant_memory": True, "in_memory": False}
    workbook = xlsxwriter.Workbook(file, options)
    sheet = workbook.add_worksheet("audits")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, columns, bold)
    index = 0
    for batch in batches:
        for row in batch:
            index += 1
            sheet.write_row(index, 0, ["" if v is None else flat(v) for v in row])
    workbook.close()


def write(file: IO[bytes], fmt: str, columns: list[str], batches: Batches, bom: bool) -> None:
    """A whole file in `fmt` (csv, jsonl or xlsx) written into a binary file."""
    if fmt == "xlsx":
        write_xlsx(file, columns, batches)
        return
    chunks = jsonl_chunks(columns, batches) if fmt == "jsonl" else csv_chunks(columns, batches, bom)
    for chunk in chunks:
        file.write(chunk.encode())
