"""Reading a file from disk into a `Document`: size limits, text decoding, workbook cells.

Inputs are opened read-only and never written. Workbooks are opened read-only and data-only
(formulas are never evaluated); their uncompressed size and sheet dimensions are bounded.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analyzer.errors import (
    BacklogError,
    BadEncodingError,
    EmptyLogError,
    InputNotFoundError,
    NotALogError,
    TooLargeError,
)
from analyzer.importers.contract import ImportOptions
from analyzer.importers.document import Document
from analyzer.importers.tabular import HEADER_DELIMITERS, header_delimiter

XLSX_MAGIC = b"PK\x03\x04"
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_XLSX_MEMBERS = 10_000
MAX_SHEET_CELLS = 5_000_000
MAX_SHEET_ROWS = 1_048_576  # Excel's own limit
MAX_COLUMNS = 1_000
#: Lines allowed beyond `max_rows` for headers, titles and section markers.
MAX_PREAMBLE_LINES = 100

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
    raw = read_regular_file(path, options.max_bytes)
    if not raw or raw.isspace():  # (no stripped copy of a large file)
        raise EmptyLogError("file is empty", path=path, hint="export the log again")
    if raw.startswith(XLSX_MAGIC):
        return Document(
            path=path,
            sheets=read_workbook(path, max_rows=options.max_rows, data=raw),
            encoding=None,
            today=options.today,
        )
    for magic, what in BINARY_MAGIC.items():
        if raw.startswith(magic):
            hint = "save it as .xlsx or .csv" if "xls" in what else "pass a CSV or .xlsx export"
            raise NotALogError(f"this is {what}, not a workout log", path=path, hint=hint)
    if _keep_bytes(raw):  # readers decode what they need (see Document)
        check_line_count(raw, path, options.max_rows)
        return Document(path=path, encoding="utf-8", today=options.today, utf8=raw)
    text, encoding = decode(raw, path)
    text = blank_excel_sep_line(fix_line_ends(text))
    check_line_count(text, path, options.max_rows)
    check_quoting(text, path)
    return Document(path=path, text=text, encoding=encoding, today=options.today)


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of `path`, which must be a regular file (symlinks followed) of at most
    `max_bytes`. Devices (`/dev/zero`), FIFOs and sockets are refused before anything is
    read (a FIFO is opened without waiting for a writer); a file that cannot be opened
    (permissions) is one clear error; at most `max_bytes + 1` bytes are ever read, so a file
    that grows while it is read cannot exceed the limit either."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise NotALogError(
            f"cannot open the file ({exc.strerror or exc})",
            path=path,
            hint="check that it exists and that you may read it",
        ) from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotALogError(
                "is not a regular file (a device, pipe or socket); only saved files are read",
                path=path,
                hint="pass an exported log file",
            )
        too_large = TooLargeError(
            f"file is {max(info.st_size, max_bytes + 1) / 1e6:.0f} MB, over the "
            f"{max_bytes / 1e6:.0f} MB limit",
            path=path,
            hint="split the export, or raise the limit with --max-mb",
        )
        if info.st_size > max_bytes:
            raise too_large
        try:
            # The file's size bounds the buffer (never a limit-sized allocation).
            raw = handle.read(min(info.st_size, max_bytes) + 1)
        except OSError as exc:
            raise NotALogError(
                f"cannot read the file ({exc.strerror or exc})",
                path=path,
                hint="check that you may read it",
            ) from exc
    if len(raw) > max_bytes:
        raise too_large
    return raw


_LONE_CR = re.compile(r"\r(?!\n)")


def fix_line_ends(text: str) -> str:
    """Line ends every reader understands: a file whose lines end in CR alone (classic Mac
    Excel) gets LF; a stray CR inside an LF or CRLF file (not followed by LF) becomes a
    space, as it can only be a typing or copy error inside a cell. Line numbers stay the
    file's."""
    if "\r" not in text or _LONE_CR.search(text) is None:
        return text
    if "\n" not in text:
        return text.replace("\r", "\n")
    return _LONE_CR.sub(" ", text)


#: Plain UTF-8 files at least this large are kept as bytes (see `Document`).
KEEP_BYTES_FROM = 1 << 20


def _keep_bytes(raw: bytes) -> bool:
    """True for a large file that `decode` reads as plain UTF-8 (no BOM, no NUL) and that
    needs none of the text fixes `load_document` makes: no `sep=` line to blank, and an
    even number of quotes (so `check_quoting` has nothing to look at)."""
    if (
        len(raw) < KEEP_BYTES_FROM
        or raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"))
        or b"\x00" in raw
        or raw.count(b'"') % 2
    ):
        return False
    if b"\r" in raw and raw.count(b"\r") != raw.count(b"\r\n"):
        return False  # a CR without LF: `fix_line_ends` has work to do
    head = raw[: 1 << 16].decode("utf-8", errors="ignore")
    if not head.strip() or _SEP_START.match(head) is not None:
        return False
    return _valid_utf8(raw)


#: How a text that may open with Excel's `sep=` line starts (see `_SEP_LINE`).
_SEP_START = re.compile(r"\A\ufeff?\s*\"?sep=", re.IGNORECASE)


def _valid_utf8(raw: bytes) -> bool:
    """Whether `raw` decodes as UTF-8, checked by Arrow without building the text (the
    decoded copy of a large file takes up to 4 bytes per character); else by decoding."""
    try:
        import pyarrow as pa
    except ImportError:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    offsets = pa.py_buffer(np.array([0, len(raw)], dtype=np.int64).tobytes())
    whole = pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(raw))
    try:
        whole.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


_SEP_LINE = re.compile(r"\A\ufeff?\s*\"?sep=.?\"?[ \t]*(?=\r?\n)", re.IGNORECASE)


def blank_excel_sep_line(text: str) -> str:
    """Excel's `sep=;` first line emptied (not removed, so line numbers stay the file's):
    the delimiter is sniffed from the header anyway, and an empty line is skipped by every
    reader, so app exports saved this way are still detected by their header."""
    return _SEP_LINE.sub("", text, count=1)


def check_line_count(text: str | bytes, path: Path, max_rows: int) -> None:
    """Refuse text (or its UTF-8 bytes) with more lines than `max_rows` allows (header and
    title lines get slack).

    Physical lines bound records from above, so this is checked before any parsing."""
    lines = (text.count(b"\n") if isinstance(text, bytes) else text.count("\n")) + 1
    if lines > max_rows + MAX_PREAMBLE_LINES:
        raise TooLargeError(
            f"file has {lines} lines, over the {max_rows} row limit",
            path=path,
            hint="split the export, or raise the limit with --max-rows",
        )


def decode(raw: bytes, path: Path) -> tuple[str, str]:
    """Decode bytes: UTF-8 (with or without BOM), UTF-16 (by BOM or NUL pattern), then cp1252,
    then latin-1. NUL bytes in an 8-bit file are an error, not silently dropped."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _no_nul(_decode_as(raw, "utf-16", path), path), "utf-16"
    sample = raw[:4096]
    if sample.count(b"\x00") > len(sample) // 4:
        enc = "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        return _no_nul(_decode_as(raw, enc, path), path), enc
    if b"\x00" in raw:
        raise BadEncodingError(
            "file contains NUL bytes (binary or corrupted)",
            path=path,
            hint="export the log again as CSV",
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        return _decode_as(raw[3:], "utf-8", path), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _no_nul(text: str, path: Path) -> str:
    if "\x00" in text:
        raise BadEncodingError(
            f"file contains NUL characters (line {text.count(chr(10), 0, text.index(chr(0))) + 1})",
            path=path,
            hint="export the log again as CSV",
        )
    return text


def _decode_as(raw: bytes, encoding: str, path: Path) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise BadEncodingError(
            f"cannot decode as {encoding} at byte {exc.start}",
            path=path,
            hint="save the file as UTF-8 CSV",
        ) from exc


def check_quoting(text: str, path: Path) -> None:
    """Refuse text whose last record opens a quote that is never closed and so swallows
    later lines that look like records (a stray quote, or a file cut off mid-field).

    Only runs when the file holds an odd number of `"`; the `csv` module decides where
    fields start, so inch marks inside unquoted cells (`Box Jump 24"`) are not mistaken.
    """
    if text.count('"') % 2 == 0:
        return
    first = next((line for line in text.split("\n") if line.strip()), "")
    delimiter = header_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    last: list[str] = []
    start = end = 0
    try:
        for row in reader:
            last, start, end = row, end + 1, reader.line_num
    except csv.Error as exc:
        raise NotALogError(
            f"unreadable CSV at line {reader.line_num}: {exc}",
            path=path,
            hint="export the log again as CSV",
        ) from exc
    tail = last[-1].split("\n", 1)[1] if last and "\n" in last[-1] else ""
    if any(d in tail for d in HEADER_DELIMITERS):
        raise NotALogError(
            f"broken quoting: the quote opened on line {start} is never closed, so lines "
            f"{start}-{end} would be read as one cell",
            path=path,
            hint="the file may be cut off or hold a stray quote; export it again",
        )


def read_workbook(
    path: Path, *, max_rows: int = MAX_SHEET_ROWS, data: bytes | None = None
) -> dict[str, pd.DataFrame]:
    """Cell grids of every visible sheet, values only, with zip-bomb and dimension limits.

    The zip's declared sizes bound what can be unpacked (zipfile stops at the declared size),
    so checking their sum stops a zip bomb before any XML is parsed. Rows are then read one
    at a time and counted, because a sheet's `<dimension>` element may be missing or lie.
    """
    source: Path | io.BytesIO = path if data is None else io.BytesIO(data)
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise NotALogError(
            "damaged .xlsx (not a valid zip)", path=path, hint="open and save it again in Excel"
        ) from exc
    total = sum(info.file_size for info in members)
    if total > MAX_XLSX_UNCOMPRESSED or len(members) > MAX_XLSX_MEMBERS:
        raise TooLargeError(
            f"workbook unpacks to {total / 1e6:.0f} MB in {len(members)} parts, over the "
            f"{MAX_XLSX_UNCOMPRESSED / 1e6:.0f} MB limit",
            path=path,
            hint="export only the training sheets",
        )
    import openpyxl  # lazy: keeps `backlog --help` fast

    try:
        if isinstance(source, io.BytesIO):
            source.seek(0)
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise _workbook_error(path, exc) from exc
    sheets: dict[str, pd.DataFrame] = {}
    try:
        for sheet in book.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            sheets[sheet.title] = _read_sheet(path, sheet, max_rows)
    except BacklogError:
        raise
    except Exception as exc:  # damaged or hostile XML inside a sheet
        raise _workbook_error(path, exc) from exc
    finally:
        book.close()
    return sheets


def _read_sheet(path: Path, sheet: Any, max_rows: int) -> pd.DataFrame:
    """One sheet's values as an object grid, refusing oversized sheets while reading."""
    rows_n, cols_n = sheet.max_row or 0, sheet.max_column or 0
    if cols_n > MAX_COLUMNS or rows_n * cols_n > MAX_SHEET_CELLS:
        raise TooLargeError(
            f"sheet {sheet.title!r} is {rows_n} x {cols_n} cells, over the limit",
            path=path,
            hint="delete unused rows and columns",
        )
    row_limit = min(max_rows + 1, MAX_SHEET_ROWS)
    # The <dimension> element may understate the sheet; read every row that is there (the
    # limits below are counted while reading).
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    values: list[tuple[object, ...]] = []
    cells = 0
    for row in sheet.iter_rows(values_only=True):
        cells += len(row)
        if len(row) > MAX_COLUMNS:
            raise TooLargeError(
                f"sheet {sheet.title!r} has {len(row)} columns, over the {MAX_COLUMNS} limit",
                path=path,
                hint="delete unused columns",
            )
        if len(values) >= row_limit or cells > MAX_SHEET_CELLS:
            raise TooLargeError(
                f"sheet {sheet.title!r} has more than {len(values)} rows "
                f"or {MAX_SHEET_CELLS} cells",
                path=path,
                hint="delete unused rows, or raise the limit with --max-rows",
            )
        values.append(tuple(row))
    while values and not any(v is not None for v in values[-1]):
        values.pop()
    width = max(map(len, values), default=0)  # rows end at their last cell
    return pd.DataFrame(
        [row + (None,) * (width - len(row)) if len(row) < width else row for row in values],
        dtype=object,
    )


def _workbook_error(path: Path, exc: BaseException) -> BacklogError:
    """A one-line error for a workbook openpyxl could not read; XML attacks are named."""
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 10:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    if any(type(c).__module__.startswith("defusedxml") for c in chain):
        return NotALogError(
            "workbook XML declares entities or a DTD (an XML attack pattern); refused",
            path=path,
            hint="open and save it again in Excel",
        )
    return NotALogError(
        f"cannot read workbook ({type(exc).__name__})",
        path=path,
        hint="open and save it again as .xlsx",
    )


def single_sheet_as_text(doc: Document) -> tuple[str, Document] | None:
    """A workbook whose only non-empty sheet holds a table, as comma-separated text (sheet
    name, text document), so an app export re-saved from Excel is read by the app's own
    importer. Date cells are written `YYYY-MM-DD HH:MM:SS`, a layout every app importer
    accepts. Row n of the sheet is line n of the text (until a cell holding a line break).
    None when the workbook has several non-empty sheets (a coach workbook: the generic
    reader's job)."""
    if doc.sheets is None:
        return None
    filled = [
        (name, cells)
        for name, cells in doc.sheets.items()
        if not cells.empty and cells.notna().to_numpy().any()
    ]
    if len(filled) != 1:
        return None
    name, cells = filled[0]
    text = cells.to_csv(header=False, index=False, lineterminator="\n")
    text = _EMPTY_ROW.sub("", text)
    return name, Document(doc.path, text=text, encoding=doc.encoding, today=doc.today)


_EMPTY_ROW = re.compile(r"(?m)^,+$")
