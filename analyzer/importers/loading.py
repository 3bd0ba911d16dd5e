"""Reading a file from disk into a `Document`: size limits, text decoding, workbook cells.

Inputs are opened read-only and never written. Workbooks are opened read-only and data-only
(formulas are never evaluated); their uncompressed size and sheet dimensions are bounded.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from analyzer.errors import (
    BadEncodingError,
    EmptyLogError,
    InputNotFoundError,
    NotALogError,
    TooLargeError,
)
from analyzer.importers.base import Document, ImportOptions

XLSX_MAGIC = b"PK\x03\x04"
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_SHEET_CELLS = 20_000_000
MAX_COLUMNS = 1_000

#: Byte signatures of files that are certainly not logs.
BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"%PDF": "a PDF document",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"\xd0\xcf\x11\xe0": "an old Excel/Office (.xls) file",
}


def load_document(path: Path, options: ImportOptions) -> Document:
    """Read `path` once, decide text vs workbook by content, and return a `Document`."""
    if not path.exists():
        raise InputNotFoundError("file not found", path=path, hint="check the path")
    if path.is_dir():
        raise NotALogError("is a folder, not a file", path=path)
    size = path.stat().st_size
    if size > options.max_bytes:
        raise TooLargeError(
            f"file is {size / 1e6:.0f} MB, over the {options.max_bytes / 1e6:.0f} MB limit",
            path=path,
            hint="split the export, or raise the limit with --max-mb",
        )
    with path.open("rb") as handle:
        raw = handle.read()
    if not raw.strip():
        raise EmptyLogError("file is empty", path=path, hint="export the log again")
    if raw.startswith(XLSX_MAGIC):
        return Document(path=path, sheets=read_workbook(path), encoding=None)
    for magic, what in BINARY_MAGIC.items():
        if raw.startswith(magic):
            hint = "save it as .xlsx or .csv" if "xls" in what else "pass a CSV or .xlsx export"
            raise NotALogError(f"this is {what}, not a workout log", path=path, hint=hint)
    text, encoding = decode(raw, path)
    return Document(path=path, text=text, encoding=encoding)


def decode(raw: bytes, path: Path) -> tuple[str, str]:
    """Decode bytes: UTF-8 (with or without BOM), UTF-16 (by BOM or NUL pattern), then cp1252,
    then latin-1. NUL bytes in an 8-bit file are an error, not silently dropped."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_as(raw, "utf-16", path), "utf-16"
    sample = raw[:4096]
    if sample.count(b"\x00") > len(sample) // 4:
        enc = "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        return _decode_as(raw, enc, path), enc
    if b"\x00" in raw:
        raise BadEncodingError(
            "file contains NUL bytes (binary or corrupted)",
            path=path,
            hint="export the log again as CSV",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _decode_as(raw: bytes, encoding: str, path: Path) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise BadEncodingError(
            f"cannot decode as {encoding} at byte {exc.start}",
            path=path,
            hint="save the file as UTF-8 CSV",
        ) from exc


def read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    """Cell grids of every visible sheet, values only, with zip-bomb and dimension limits."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise NotALogError("damaged .xlsx (not a valid zip)", path=path,
                           hint="open and save it again in Excel") from exc
    if total > MAX_XLSX_UNCOMPRESSED:
        raise TooLargeError(
            f"workbook unpacks to {total / 1e6:.0f} MB, over the "
            f"{MAX_XLSX_UNCOMPRESSED / 1e6:.0f} MB limit",
            path=path,
            hint="export only the training sheets",
        )
    import openpyxl  # lazy: keeps `backlog --help` fast

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise NotALogError(f"cannot open workbook ({type(exc).__name__})", path=path,
                           hint="open and save it again as .xlsx") from exc
    sheets: dict[str, pd.DataFrame] = {}
    try:
        for sheet in book.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            rows_n, cols_n = sheet.max_row or 0, sheet.max_column or 0
            if cols_n > MAX_COLUMNS or rows_n * cols_n > MAX_SHEET_CELLS:
                raise TooLargeError(
                    f"sheet {sheet.title!r} is {rows_n} x {cols_n} cells, over the limit",
                    path=path,
                    hint="delete unused rows and columns",
                )
            values = list(sheet.iter_rows(values_only=True))
            width = max((len(r) for r in values), default=0)
            if width > MAX_COLUMNS:
                raise TooLargeError(f"sheet {sheet.title!r} has {width} columns", path=path)
            sheets[sheet.title] = pd.DataFrame(values, dtype=object)
    finally:
        book.close()
    return sheets
