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

Batches = Iterable[list[list[Any]]]


def csv_chunks(columns: list[str], batches: Batches, bom: bool) -> Iterator[str]:
    """CSV text, a chunk per batch of rows; a BOM first helps Excel read UTF-8."""
    buffer = io.StringIO()
    # "\n" line ends: the same bytes PostgreSQL's COPY writes (csv readers take either).
    writer = csv.writer(buffer, lineterminator="\n")
    if bom:
        buffer.write("\ufeff")
    writer.writerow(columns)
    for batch in batches:
        writer.writerows(batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def jsonl_chunks(columns: list[str], batches: Batches) -> Iterator[str]:
    """One JSON object per line, a chunk per batch of rows."""
    for batch in batches:
        lines = [
            json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False) for row in batch
        ]
        if lines:
            yield "\n".join(lines) + "\n"


def xlsx_chunks(columns: list[str], batches: Batches) -> Iterator[bytes]:
    """An XLSX workbook built in constant memory in a temporary file, then sent in chunks."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "in_memory": False})
        sheet = workbook.add_worksheet("audits")
        bold = workbook.add_format({"bold": True})
        sheet.write_row(0, 0, columns, bold)
        index = 0
        for batch in batches:
            for row in batch:
                index += 1
                sheet.write_row(index, 0, ["" if v is None else v for v in row])
        workbook.close()
        with open(path, "rb") as file:
            while chunk := file.read(64 * 1024):
                yield chunk
    finally:
        os.unlink(path)


def encode(
    fmt: str, columns: list[str], batches: Batches, bom: bool
) -> Iterator[str] | Iterator[bytes]:
    """The chunks of a file in `fmt` (csv, jsonl or xlsx)."""
    if fmt == "xlsx":
        return xlsx_chunks(columns, batches)
    if fmt == "jsonl":
        return jsonl_chunks(columns, batches)
    return csv_chunks(columns, batches, bom)
