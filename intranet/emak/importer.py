"""Reading pay lines from an uploaded CSV or XLSX file (NIP, component, amount).

This module only turns a file into raw rows with their row numbers; checking them against the
database is ``lines.validate_rows``. A file that cannot be read at all raises ``FileRejected``.
"""

import csv
import io
import os
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..core.refusals import Refusal

XLSX_MAGIC = b"PK\x03\x04"

HEADER_NAMES = {
    "nip": {"nip", "nip pegawai", "nomor induk pegawai"},
    "component": {"component", "komponen", "jenis", "komponen gaji", "uraian"},
    "amount": {"amount", "jumlah", "nominal", "nilai", "besaran", "jumlah (rp)", "amount (rp)"},
}


class FileRejected(Refusal, ValueError):
    """The upload cannot be read at all (the message goes by the form's file field). Still a
    ValueError, as it always was. The message is kept as text (see ``runs.PayError``)."""

    def __init__(self, message, **kwargs):
        super().__init__(str(message), **kwargs)


@dataclass
class RawRow:
    number: int  # the row number as the spreadsheet shows it (header = 1)
    nip: object
    component: object
    amount: object


def _norm_header(value):
    return re.sub(r"\s+", " ", str(value or "").strip().lower())


def _is_empty(cells):
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _columns(first):
    """Column indexes from a header row, or None when the first row is data."""
    names = [_norm_header(c) for c in first]
    if not any(n in HEADER_NAMES["nip"] for n in names):
        return None
    columns = {}
    for key, accepted in HEADER_NAMES.items():
        for i, n in enumerate(names):
            if n in accepted:
                columns[key] = i
                break
    if len(columns) < 3:
        raise FileRejected(_l("The header row must name the columns NIP, component and amount."))
    return columns


def _rows(cell_rows, max_rows):
    columns = None
    header_seen = False
    rows = []
    for number, cells in cell_rows:
        cells = list(cells or ())
        if _is_empty(cells):
            continue
        if not header_seen:
            header_seen = True
            columns = _columns(cells)
            if columns is not None:
                continue
            columns = {"nip": 0, "component": 1, "amount": 2}
        if len(rows) >= max_rows:
            raise FileRejected(
                _l(
                    "The file has more than %(max)s rows; split it into smaller files.",
                    max=max_rows,
                )
            )

        values = [
            cells[i] if i < len(cells) else None
            for i in (columns["nip"], columns["component"], columns["amount"])
        ]
        rows.append(RawRow(number, *values))
    if not rows:
        raise FileRejected(_l("The file has no pay lines."))
    return rows


def _decode(data):
    if b"\x00" in data[:4096]:
        raise FileRejected(_l("This is not a CSV text file."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected(_l("The CSV file's text encoding cannot be read; save it as UTF-8."))


def _read_csv(data, max_rows):
    text = _decode(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        numbered = [(reader.line_num, row) for row in reader]
    except csv.Error:
        raise FileRejected(_l("The CSV file is malformed.")) from None
    return _rows(numbered, max_rows)


def _read_xlsx(data, max_rows):
    if not data.startswith(XLSX_MAGIC):
        raise FileRejected(_l("This is not an XLSX workbook."))
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any parse failure means "not a workbook we can read"
        raise FileRejected(_l("This is not an XLSX workbook.")) from None
    try:
        if not workbook.worksheets:
            raise FileRejected(_l("The file has no pay lines."))
        sheet = workbook.worksheets[0]

        return _rows(enumerate(sheet.iter_rows(values_only=True), start=1), max_rows)
    finally:
        workbook.close()


def read_rows(filename, data, max_rows=50_000):
    """Raw rows of an uploaded file; FileRejected when it is not a readable CSV or XLSX."""
    ext = os.path.splitext(filename or "")[1].lower()
    if not data:
        raise FileRejected(_l("The file is empty."))
    if ext == ".xlsx":
        return _read_xlsx(data, max_rows)
    if ext == ".csv":
        if data.startswith(XLSX_MAGIC):
            raise FileRejected(_l("This file is a workbook, not CSV; name it .xlsx."))
        return _read_csv(data, max_rows)
    raise FileRejected(_l("Upload a .csv or .xlsx file."))
