"""Text and workbook sheets as grids of raw cells (`Grid`): the one reader of delimited text
every format builds on, with its size limits.

Three readers give the same cells, fastest first: Arrow's CSV reader over the UTF-8 bytes
(`bytes_grid`: categorical columns, no Python string per cell), pandas' C parser
(`read_csv_cells`, the one pandas fast path, also behind `table.read_table`), and the `csv`
module, the reference for anything irregular. Record boundaries and field counts come from
the bytes (`records.py`), so a fast reader's answer is used only when it agrees with them.
`document_grids` gives every grid of a document: a workbook's sheets, or the text's one grid.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from analyzer.errors import TooLargeError
from analyzer.importers.document import Document, head_of
from analyzer.importers.tabular.cells import code_type
from analyzer.importers.tabular.records import (
    field_counts,
    record_bounds,
    regular_quotes,
    sniff_delimiter,
)
from analyzer.schema import STR

if TYPE_CHECKING:
    import pyarrow as pa

#: Largest single field the `csv` module accepts here (its default, 128 KiB, would turn a
#: long note into a crash). Whole files are already bounded by `ImportOptions.max_bytes`.
MAX_FIELD_CHARS = 64 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_CHARS))


@dataclass(frozen=True)
class Grid:
    """One grid of raw cells: a workbook sheet, or a delimited text (cells None or NaN where a
    record is short, or an empty line).

    `rows[i]` is where grid row `i` is in the file: the sheet row, or for text the physical
    line (1-based) on which the record starts, so multi-line quoted cells do not shift the
    row numbers reported to the user. `name` is the sheet's name (None for text);
    `delimiter` the text's (None for a sheet).
    """

    cells: pd.DataFrame
    rows: np.ndarray
    delimiter: str | None = None
    name: str | None = None


def document_grids(doc: Document, head: int | None = None) -> list[Grid]:
    """Every grid of `doc`: its sheets in workbook order, or its text as one grid. `head`
    reads only the first lines of a text (for detection). A large text still held as
    bytes is read by Arrow without being decoded; text cells may then be categorical
    (see `text_grid`'s `strings`)."""
    if doc.sheets is not None:
        return [
            Grid(cells, np.arange(1, len(cells) + 1, dtype=np.int64), name=name)
            for name, cells in doc.sheets.items()
        ]
    if head is not None:
        return [text_grid("\n".join(head_of(doc.source, lambda _: True, head)), strings=True)]
    fast = None
    if doc.utf8 is not None:  # not decoded: Arrow reads the bytes
        fast = bytes_grid(doc.utf8, sniff_delimiter(doc.head_lines(30)))
    return [fast or text_grid(doc.text or "", strings=True)]


#: Names spreadsheet programs give new sheets (`Sheet1`, `Tabelle1`, `Feuil1`, ...): such a
#: name says nothing about the athlete or the workout.
_DEFAULT_SHEET: Final = re.compile(
    r"^(sheet|tabelle|feuil|hoja|foglio|blad|ark|arkusz|planilha|лист|worksheet|table)\s*\d*$",
    re.IGNORECASE,
)


def is_default_sheet_name(name: str) -> bool:
    """True for a name a spreadsheet program gives a new sheet (see `_DEFAULT_SHEET`)."""
    return bool(_DEFAULT_SHEET.match(name.strip()))


def _filled(line: str) -> bool:
    return bool(line.strip())


def text_grid(text: str, delimiter: str | None = None, *, strings: bool = False) -> Grid:
    """Split `text` into a cell grid with the C csv reader; blank lines stay as empty rows.

    Large files take pandas' C parser (see `_fast_grid`); the `csv` module remains the
    reference for anything irregular. With `strings`, a large file whose records all have
    the header's width comes back as categorical columns of string cells (see
    `_arrow_grid`): the same cells, for readers that only look at them through `as_text` or
    `code_cells`."""
    delimiter = delimiter or sniff_delimiter(head_of(text, _filled, 30))
    if len(text) >= FAST_GRID_CHARS:
        fast = _arrow_grid(text, delimiter) if strings else None
        fast = fast or _fast_grid(text, delimiter)
        if fast is not None:
            return fast
    records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    width = max(map(len, records), default=0)
    check_grid_size(width, len(records))
    cells = pd.DataFrame([r + [None] * (width - len(r)) for r in records], dtype=object)
    if cells.empty:
        return Grid(cells, np.zeros(0, dtype=np.int64), delimiter)
    extra = np.zeros(len(cells), dtype=np.int64)
    for col in cells.columns:
        extra += cells[col].astype(STR).str.count("\n").fillna(0).to_numpy(dtype=np.int64)
    lines = 1 + np.arange(len(cells), dtype=np.int64) + np.concatenate(([0], np.cumsum(extra)[:-1]))
    return Grid(cells, lines, delimiter)


#: Texts at least this long try the vectorised grid first (below it the `csv` module is fast).
FAST_GRID_CHARS: Final = 1 << 16


def _fast_grid(text: str, delimiter: str) -> Grid | None:
    """The same grid as the `csv` module gives, from pandas' C parser: records found from
    the bytes (a newline ends a record after an even number of quotes), short records padded
    with None, empty lines kept as all-None rows. None when the text has carriage returns or
    the two disagree on the number of records (irregular quoting): the caller falls back."""
    if "\r" in text or len(delimiter) != 1:
        return None
    buf = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    if not regular_quotes(buf, ord(delimiter)):
        return None
    starts, ends, lines = record_bounds(buf)
    if starts.size == 0:
        return None
    nfields = np.where(ends > starts, field_counts(buf, starts, ends, ord(delimiter)), 0)
    width = int(nfields.max())
    if width == 0:
        return None
    check_grid_size(width, int(starts.size))
    grid = read_csv_cells(text, delimiter, width, int(starts.size), blank_lines=True, strings=False)
    if grid is None:
        return None
    values = grid.to_numpy(dtype=object, copy=True)
    values[np.arange(width)[None, :] >= nfields[:, None]] = None
    return Grid(pd.DataFrame(values, dtype=object), lines.astype(np.int64), delimiter)


def read_csv_cells(
    text: str, delimiter: str, width: int, records: int, *, blank_lines: bool, strings: bool
) -> pd.DataFrame | None:
    """`text` read by pandas' C parser into `width` columns 0, 1, ... of cells as written
    (short records padded with NaN): the one pandas fast path of the text readers.

    `blank_lines` keeps empty lines as all-NaN rows (else they are skipped); `strings` reads
    the cells as a string dtype (else Python objects). `records` is how many records the
    bytes hold (`records.record_bounds`); None when pandas refuses the text or finds another
    number of records (irregular quoting), so the caller falls back to the `csv` module."""
    try:
        grid = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            names=range(width),
            dtype=str if strings else object,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=not blank_lines,
            engine="c",
            quotechar='"',
            doublequote=True,
        )
    except (pd.errors.ParserError, ValueError):
        return None
    return grid if len(grid) == records else None


def _arrow_grid(text: str, delimiter: str) -> Grid | None:
    """The grid `_fast_grid` gives, read by Arrow's CSV reader (no Python string per cell):
    where a cell is None there, it is NaN here. Only for the
    regular case both readers agree on: no `\r` or BOM, quotes only at field edges, and
    every non-empty record exactly as wide as the first (Arrow checks); empty lines become
    all-NaN rows. Columns are categoricals of their distinct cells (read dictionary-encoded:
    a code per cell instead of a string). None otherwise (the caller falls back)."""
    if "\r" in text or len(delimiter) != 1 or text.startswith("\ufeff"):
        return None
    return bytes_grid(text.encode("utf-8"), delimiter)


def bytes_grid(data: bytes, delimiter: str) -> Grid | None:
    """`_arrow_grid` of the text whose UTF-8 bytes are `data` (None where it gives None).

    A text without quotes is first read with empty lines refused: when Arrow accepts it,
    every line is one record and the line numbers need no pass over the bytes."""
    if b"\r" in data or len(delimiter) != 1 or data.startswith(b"\xef\xbb\xbf"):
        return None
    try:
        import pyarrow as pa  # noqa: F401  (optional: without it the object grid serves)
    except ImportError:
        return None
    quotes = b'"' in data
    if not quotes and not data.startswith(b"\n"):
        newline = data.find(b"\n")
        width = data[: newline if newline >= 0 else len(data)].count(delimiter.encode()) + 1
        check_grid_size(width, data.count(b"\n") + 1 if width > WIDE_COLUMNS else 1)
        # An empty line is one field, so with two or more Arrow refuses it (and below the
        # general way reads the file).
        table = _arrow_table(data, delimiter, width, empty_lines=False) if width > 1 else None
        if table is not None:
            lines = np.arange(1, table.num_rows + 1, dtype=np.int64)
            return Grid(_grid_cells(table, None), lines, delimiter)
    buf = np.frombuffer(data, dtype=np.uint8)
    if quotes and not regular_quotes(buf, ord(delimiter)):
        return None
    starts, ends, lines = record_bounds(buf, quotes=quotes)
    filled = ends > starts
    if not filled.any():
        return None
    first = int(np.argmax(filled))
    record = buf[starts[first] : ends[first]]
    width = int(
        field_counts(record, np.zeros(1, np.int64), np.full(1, record.size), ord(delimiter))[0]
    )
    check_grid_size(width, int(filled.sum()))
    del buf, record, starts, ends  # Arrow refuses any record of another width
    table = _arrow_table(data, delimiter, width, empty_lines=True)
    del data
    if table is None or table.num_rows != int(filled.sum()):
        return None
    at = None
    if not filled.all():
        at = np.full(filled.size, -1, dtype=np.int64)
        at[filled] = np.arange(table.num_rows)
    return Grid(_grid_cells(table, at), lines.astype(np.int64, copy=False), delimiter)


#: Arrow's CSV block: larger than its 1 MB default so a big file is fewer chunks (each has its
#: own dictionary for `_arrow_categorical` to merge), not so large that Arrow's buffers for a block
#: come fresh from the kernel (16 MB took ~1.6x the page faults of 4 MB for the same time).
ARROW_BLOCK_BYTES: Final = 4 << 20


def _arrow_table(data: bytes, delimiter: str, width: int, *, empty_lines: bool) -> pa.Table | None:
    """`data` read by Arrow as `width` dictionary-encoded string columns (empty lines
    skipped, or with `empty_lines=False` refused); None when Arrow refuses the text."""
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    names = [str(i) for i in range(width)]
    try:
        return pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=ARROW_BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=empty_lines,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.dictionary(pa.int32(), pa.string())),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, ValueError):
        return None


def _grid_cells(table: pa.Table, at: np.ndarray | None) -> pd.DataFrame:
    """An Arrow table from `_arrow_table` as a frame of categorical columns 0, 1, ..."""
    return pd.DataFrame(
        {i: _arrow_categorical(table.column(i), at) for i in range(table.num_columns)}
    )


def _arrow_categorical(column: pa.ChunkedArray, at: np.ndarray | None) -> pd.Categorical:
    """One dictionary-encoded Arrow column (a dictionary per chunk) as a pandas Categorical
    with string categories; `at` places the rows (-1: an empty line, NaN).

    The categories are the chunks' dictionaries in order of first appearance (what Arrow's
    `unify_dictionaries` gives); each chunk's codes are translated straight into the one
    code array, in the narrowest type pandas keeps, without a unified copy of every chunk."""
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks = column.chunks
    if not chunks:
        categories = pd.Index(pd.array(pa.array([], pa.string()), dtype=STR))
        return pd.Categorical.from_codes(
            np.zeros(0, np.int8) if at is None else at, dtype=pd.CategoricalDtype(categories)
        )
    categories = pd.Index(
        pd.array(pa.concat_arrays([c.dictionary for c in chunks]), dtype=STR)
    ).unique()
    kind = code_type(len(categories))
    codes = np.empty(sum(len(c) for c in chunks), dtype=kind)
    start = 0
    for chunk in chunks:
        indices = chunk.indices if chunk.null_count == 0 else pc.fill_null(chunk.indices, -1)
        local = pd.array(chunk.dictionary, dtype=STR)
        to_global = np.append(categories.get_indexer(local), -1).astype(kind)
        stop = start + len(chunk)
        np.take(to_global, indices.to_numpy(), out=codes[start:stop], mode="wrap")
        start = stop
    if at is not None:
        codes = np.where(at >= 0, codes[np.maximum(at, 0)], -1) if codes.size else at
    dtype = pd.CategoricalDtype(categories)  # named first: inline, the stubs infer Categorical[int]
    return pd.Categorical.from_codes(codes, dtype=dtype)


#: Most columns a text file may have (a workbook sheet: `loading.MAX_COLUMNS`), and most cells
#: a grid wider than `WIDE_COLUMNS` may hold: checked before the grid is built, since each
#: column costs far more than its bytes (200,000 columns took 3.8 GB).
MAX_TEXT_COLUMNS: Final = 6_000
WIDE_COLUMNS: Final = 1_000
MAX_WIDE_CELLS: Final = 5_000_000


def check_grid_size(width: int, records: int) -> None:
    """Refuse a text grid too wide (or too wide and long) to read within bounded memory."""
    if width > MAX_TEXT_COLUMNS or (width > WIDE_COLUMNS and width * records > MAX_WIDE_CELLS):
        limit = (
            f"the {MAX_TEXT_COLUMNS} column limit"
            if width > MAX_TEXT_COLUMNS
            else f"the {MAX_WIDE_CELLS} cell limit for tables over {WIDE_COLUMNS} columns"
        )
        raise TooLargeError(
            f"a row has {width} columns ({records} rows), over {limit}",
            hint="export only the training columns",
        )
