"""Writers that turn row dicts into CSV, JSON Lines or XLSX chunks without holding them all."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

import xlsxwriter

CHUNK_ROWS = 500


def csv_chunks(columns: list[str], rows: Iterable[dict[str, Any]], bom: bool) -> Iterator[str]:
    """CSV text in chunks of a few hundred rows; a BOM first helps Excel read UTF-8."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    if bom:
        buffer.write("\ufeff")
    writer.writeheader()
    for count, row in enumerate(rows, 1):
        writer.writerow(row)
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def jsonl_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """One JSON object per line, in chunks."""
    lines: list[str] = []
    for row in rows:
        lines.append(json.dumps(row, ensure_ascii=False))
        if len(lines) == CHUNK_ROWS:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"


def xlsx_chunks(columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """An XLSX workbook built in constant memory in a temporary file, then sent in chunks."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "in_memory": False})
        sheet = workbook.add_worksheet("audits")
        bold = workbook.add_format({"bold": True})
        sheet.write_row(0, 0, columns, bold)
        for index, row in enumerate(rows, 1):
            sheet.write_row(index, 0, [_cell(row.get(c)) for c in columns])
        workbook.close()
        with open(path, "rb") as file:
            while chunk := file.read(64 * 1024):
                yield chunk
    finally:
        os.unlink(path)


def _cell(value: Any) -> Any:
    return "" if value is None else value


def encode(
    fmt: str, columns: list[str], rows: Iterable[dict[str, Any]], bom: bool
) -> Iterator[str] | Iterator[bytes]:
    """The chunks of a file in `fmt` (csv, jsonl or xlsx)."""
    if fmt == "xlsx":
        return xlsx_chunks(columns, rows)
    if fmt == "jsonl":
        return jsonl_chunks(rows)
    return csv_chunks(columns, rows, bom)
