"""Raw cells into typed columns: text tables into cell grids, numbers (decimal comma, unit
suffixes), and dates parsed with one explicit format chosen per file from the data.

Shared by the spreadsheet-style importers (generic, wide); app-specific importers know their
formats and do not need the guessing done here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from analyzer.importers.csvtext import (
    WIDE_COLUMNS,
    _field_counts,
    _record_bounds,
    check_grid_size,
)
from analyzer.importers.timezone import split_offsets, to_local
from analyzer.schema import LB_TO_KG, as_ns

if TYPE_CHECKING:
    import pyarrow as pa

DELIMITERS: Final[tuple[str, ...]] = (",", ";", "\t", "|")

#: Explicit date formats tried on text cells, in order of preference on a tie. Day-first and
#: month-first slash formats are both listed; the data decides (see `parse_dates`).
DATE_FORMATS: Final[tuple[str, ...]] = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%y",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d-%m-%Y",
    "%m-%d-%Y",
)

#: Pairs that read the same cells with day and month swapped.
_SWAPPED: Final[dict[str, str]] = {
    "%d/%m/%Y": "%m/%d/%Y",
    "%m/%d/%Y": "%d/%m/%Y",
    "%d/%m/%Y %H:%M": "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M": "%d/%m/%Y %H:%M",
    "%d/%m/%y": "%m/%d/%y",
    "%m/%d/%y": "%d/%m/%y",
    "%d-%m-%Y": "%m-%d-%Y",
    "%m-%d-%Y": "%d-%m-%Y",
}

#: Excel serial day numbers accepted as dates (1954-10-07 .. 2119-01-26).
EXCEL_SERIAL_RANGE: Final[tuple[int, int]] = (20_000, 80_000)
EXCEL_EPOCH: Final = pd.Timestamp("1899-12-30")

UNIT_WORDS: Final[dict[str, str]] = {
    "kg": "kg",
    "kgs": "kg",
    "kilo": "kg",
    "kilos": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "lb": "lb",
    "lbs": "lb",
    "pound": "lb",
    "pounds": "lb",
    "#": "lb",
}
BODYWEIGHT_WORDS: Final[tuple[str, ...]] = ("bw", "bodyweight", "body weight", "body", "-", "—")


@dataclass(frozen=True)
class TextGrid:
    """A delimited text file as a grid of string cells (None where a row is short).

    `lines[i]` is the physical line number (1-based) on which record `i` starts, so multi-line
    quoted cells do not shift the row numbers reported to the user.
    """

    cells: pd.DataFrame
    lines: np.ndarray
    delimiter: str


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that occurs most often in the first lines (ties: comma first)."""
    sample = lines[:30]
    counts = {d: sum(line.count(d) for line in sample) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: counts[d])


def text_grid(text: str, delimiter: str | None = None, *, strings: bool = False) -> TextGrid:
    """Split `text` into a cell grid with the C csv reader; blank lines stay as empty rows.

    Large files take pandas' C parser (see `_fast_grid`); the `csv` module remains the
    reference for anything irregular. With `strings`, a large file whose records all have
    the header's width comes back as categorical columns of string cells (see
    `_arrow_grid`): the same cells, for readers that only look at them through `as_text` or
    `code_cells`."""
    delimiter = delimiter or sniff_delimiter(_head_lines(text))
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
        return TextGrid(cells, np.zeros(0, dtype=np.int64), delimiter)
    extra = np.zeros(len(cells), dtype=np.int64)
    for col in cells.columns:
        extra += cells[col].astype(STR_OBJ).str.count("\n").fillna(0).to_numpy(dtype=np.int64)
    lines = 1 + np.arange(len(cells), dtype=np.int64) + np.concatenate(([0], np.cumsum(extra)[:-1]))
    return TextGrid(cells, lines, delimiter)


#: Texts at least this long try the vectorised grid first (below it the `csv` module is fast).
FAST_GRID_CHARS: Final = 1 << 16


def _head_lines(text: str, n: int = 30) -> list[str]:
    """The first `n` non-blank lines, without splitting the whole text."""
    out: list[str] = []
    start = 0
    while len(out) < n and start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        out.extend(ln for ln in text[start:end].splitlines() if ln.strip())
        start = end + 1
    return out[:n]


def _fast_grid(text: str, delimiter: str) -> TextGrid | None:
    """The same grid as the `csv` module gives, from pandas' C parser: records found from
    the bytes (a newline ends a record after an even number of quotes), short records padded
    with None, empty lines kept as all-None rows. None when the text has carriage returns or
    the two disagree on the number of records (irregular quoting): the caller falls back."""
    if "\r" in text or len(delimiter) != 1:
        return None
    buf = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    if not _regular_quotes(buf, ord(delimiter)):
        return None
    starts, ends, lines = _record_bounds(buf)
    if starts.size == 0:
        return None
    nfields = np.where(ends > starts, _field_counts(buf, starts, ends, ord(delimiter)), 0)
    width = int(nfields.max())
    if width == 0:
        return None
    check_grid_size(width, int(starts.size))
    try:
        grid = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            names=range(width),
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            engine="c",
            quotechar='"',
            doublequote=True,
        )
    except (pd.errors.ParserError, ValueError):
        return None
    if len(grid) != starts.size:
        return None
    values = grid.to_numpy(dtype=object, copy=True)
    values[np.arange(width)[None, :] >= nfields[:, None]] = None
    return TextGrid(pd.DataFrame(values, dtype=object), lines.astype(np.int64), delimiter)


def _arrow_grid(text: str, delimiter: str) -> TextGrid | None:
    """The grid `_fast_grid` gives, read by Arrow's CSV reader (no Python string per cell):
    where a cell is None there, it is NaN here. Only for the
    regular case both readers agree on: no `\r` or BOM, quotes only at field edges, and
    every non-empty record exactly as wide as the first (Arrow checks); empty lines become
    all-NaN rows. Columns are categoricals of their distinct cells (read dictionary-encoded:
    a code per cell instead of a string). None otherwise (the caller falls back)."""
    if "\r" in text or len(delimiter) != 1 or text.startswith("\ufeff"):
        return None
    return bytes_grid(text.encode("utf-8"), delimiter)


def bytes_grid(data: bytes, delimiter: str) -> TextGrid | None:
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
            return TextGrid(_grid_cells(table, None), lines, delimiter)
    buf = np.frombuffer(data, dtype=np.uint8)
    if quotes and not _regular_quotes(buf, ord(delimiter)):
        return None
    starts, ends, lines = _record_bounds(buf, quotes=quotes)
    filled = ends > starts
    if not filled.any():
        return None
    first = int(np.argmax(filled))
    record = buf[starts[first] : ends[first]]
    width = int(
        _field_counts(record, np.zeros(1, np.int64), np.full(1, record.size), ord(delimiter))[0]
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
    return TextGrid(_grid_cells(table, at), lines.astype(np.int64, copy=False), delimiter)


#: Arrow's CSV block: larger than its 1 MB default so a big file is fewer chunks (each has its
#: own dictionary for `_categorical` to merge), not so large that Arrow's buffers for a block
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
    return pd.DataFrame({i: _categorical(table.column(i), at) for i in range(table.num_columns)})


def _categorical(column: pa.ChunkedArray, at: np.ndarray | None) -> pd.Categorical:
    """One dictionary-encoded Arrow column (a dictionary per chunk) as a pandas Categorical
    with string categories; `at` places the rows (-1: an empty line, NaN).

    The categories are the chunks' dictionaries in order of first appearance (what Arrow's
    `unify_dictionaries` gives); each chunk's codes are translated straight into the one
    code array, in the narrowest type pandas keeps, without a unified copy of every chunk."""
    import pyarrow as pa
    import pyarrow.compute as pc

    chunks = column.chunks
    if not chunks:
        categories = pd.Index(pd.array(pa.array([], pa.string()), dtype=STR_OBJ))
        return pd.Categorical.from_codes(
            np.zeros(0, np.int8) if at is None else at, dtype=pd.CategoricalDtype(categories)
        )
    categories = pd.Index(
        pd.array(pa.concat_arrays([c.dictionary for c in chunks]), dtype=STR_OBJ)
    ).unique()
    kind = code_type(len(categories))
    codes = np.empty(sum(len(c) for c in chunks), dtype=kind)
    start = 0
    for chunk in chunks:
        indices = chunk.indices if chunk.null_count == 0 else pc.fill_null(chunk.indices, -1)
        local = pd.array(chunk.dictionary, dtype=STR_OBJ)
        to_global = np.append(categories.get_indexer(local), -1).astype(kind)
        stop = start + len(chunk)
        np.take(to_global, indices.to_numpy(), out=codes[start:stop], mode="wrap")
        start = stop
    if at is not None:
        codes = np.where(at >= 0, codes[np.maximum(at, 0)], -1) if codes.size else at
    dtype = pd.CategoricalDtype(categories)  # named first: inline, the stubs infer Categorical[int]
    return pd.Categorical.from_codes(codes, dtype=dtype)


def _regular_quotes(buf: np.ndarray, delim: int) -> bool:
    """True when every `"` opens a field (after a delimiter, newline, quote or the start) or
    closes one (before a delimiter, newline, quote or the end), in pairs: quoting both
    parsers read alike. Inch marks (`Box Jump 24"`) and stray quotes are not."""
    at = np.flatnonzero(buf == ord('"'))
    if at.size % 2:
        return False
    if at.size == 0:
        return True
    ok_near = np.array([delim, ord("\n"), ord('"')], dtype=np.uint8)
    opens, closes = at[0::2], at[1::2]
    before = np.where(opens > 0, buf[np.maximum(opens - 1, 0)], ord("\n"))
    after = np.where(closes + 1 < buf.size, buf[np.minimum(closes + 1, buf.size - 1)], ord("\n"))
    return bool(np.isin(before, ok_near).all() and np.isin(after, ok_near).all())


STR_OBJ: Final = pd.StringDtype(na_value=np.nan)


def as_text(col: pd.Series) -> pd.Series:
    """Cells as stripped strings; None/NaN and empty strings become NaN."""
    text = col.astype(STR_OBJ)
    stripped = text.str.strip()
    if stripped.str.len().sum() == text.str.len().sum():
        stripped = text  # nothing was stripped: keep the original buffers, not a copy
    empty = stripped == ""
    return stripped.mask(empty) if empty.any() else stripped


@dataclass(frozen=True)
class Coded:
    """A column as its distinct cleaned cells and one code per row: row i holds
    `values[codes[i]]` (`as_text` of the cell), code -1 an empty cell. `values` are distinct
    and never NaN, so equal codes mean equal text. Readers parse the distinct values once
    and take the result back per row (a column of a million cells holds a few hundred)."""

    codes: np.ndarray  # signed integers, as narrow as `code_type` of the values allows
    values: pd.Series  # STR_OBJ on a RangeIndex

    def counts(self) -> np.ndarray:
        """How many rows hold each value (counted once per column: several readers ask)."""
        return self._counts

    @cached_property
    def _counts(self) -> np.ndarray:
        return value_counts(self.codes, len(self.values))

    def subset(self, keep: np.ndarray) -> Coded:
        """The rows where `keep` is true, with the values no kept row holds dropped."""
        codes = self.codes[keep]
        used = np.bincount(codes[codes >= 0], minlength=len(self.values)) > 0
        if used.all():
            return Coded(codes, self.values)
        remap = np.append(np.cumsum(used) - 1, -1).astype(np.int32)
        return Coded(gather(remap, codes), self.values[used].reset_index(drop=True))

    def take(self, per_value: np.ndarray, fill: object) -> np.ndarray:
        """Per-row array from one entry per value (`fill` for empty cells)."""
        if per_value.dtype == np.bool_:
            answers = np.append(per_value, bool(fill))
            if answers.all() or not answers.any():  # one answer for every row: no gather
                return np.full(self.codes.size, bool(fill))
        return gather(np.append(per_value, np.asarray([fill], dtype=per_value.dtype)), self.codes)

    def text(self, index: pd.Index) -> pd.Series:
        """The cells as `as_text` gives them."""
        return pd.Series(self.values.array.take(self.codes, allow_fill=True), index=index)


def code_cells(col: pd.Series) -> Coded:
    """`as_text(col)` as a `Coded` column. String and categorical columns are cleaned on
    their distinct cells; others (workbook cells mixing numbers and text, where 1, 1.0 and
    True would hash alike) are cleaned first."""
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        raw_codes, raw = np.asarray(col.cat.codes), pd.Series(dtype.categories)
    elif isinstance(dtype, pd.StringDtype):
        raw_codes, uniques = pd.factorize(col)
        raw = pd.Series(uniques)
    else:
        codes, uniques = pd.factorize(as_text(col))
        return Coded(codes.astype(np.int32), pd.Series(uniques, dtype=STR_OBJ))
    codes, uniques = pd.factorize(as_text(raw.reset_index(drop=True)))
    values = pd.Series(uniques, dtype=STR_OBJ)
    if np.array_equal(codes, np.arange(codes.size)):  # cells already clean and distinct
        return Coded(raw_codes, values)
    remap = np.append(codes, -1).astype(code_type(len(uniques) + 1))
    return Coded(gather(remap, raw_codes), values)


#: Rows per piece in `gather` and `value_counts`: their index arrays (8 bytes a row) stay
#: small enough to be reused from the heap instead of fresh memory for every large column.
PIECE_ROWS: Final = 1 << 20


def gather(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """`table[codes]` (code -1: the last entry) for a short table and many valid codes, a
    piece at a time (numpy widens the codes to a full-length intp array otherwise)."""
    out = np.empty(codes.size, dtype=table.dtype)
    for start in range(0, codes.size, PIECE_ROWS):
        np.take(
            table,
            codes[start : start + PIECE_ROWS],
            out=out[start : start + PIECE_ROWS],
            mode="wrap",
        )
    return out


def value_counts(codes: np.ndarray, count: int) -> np.ndarray:
    """How many of `codes` are 0, 1, ... count-1 (-1 is not counted), a piece at a time."""
    total = np.zeros(count + 1, dtype=np.int64)
    for start in range(0, codes.size, PIECE_ROWS):
        total += np.bincount(codes[start : start + PIECE_ROWS] + 1, minlength=count + 1)
    return total[1:]


def code_type(count: int) -> type[np.signedinteger]:
    """The integer type pandas keeps a categorical's codes in for `count` categories (the
    narrowest: a code per row is most of a large column's memory)."""
    for kind in (np.int8, np.int16, np.int32):
        if count < np.iinfo(kind).max:
            return kind
    return np.int64


def uses_decimal_comma(cols: list[pd.Series]) -> bool:
    """True when numeric-looking cells in these columns write decimals with a comma.
    `1,000` (three digits after the comma) could be a thousands separator, so it is no
    evidence either way."""
    return decimal_comma_vote([code_cells(col) for col in cols])


def decimal_comma_vote(cols: list[Coded]) -> bool:
    """`uses_decimal_comma` of coded columns: each distinct cell is matched once and
    counted as often as rows hold it."""
    comma, dot = decimal_tally(cols)
    return comma > dot


def decimal_tally(cols: list[Coded]) -> tuple[int, int]:
    """Cells written with a decimal comma and with a decimal point, in these columns (the
    evidence `decimal_comma_vote` weighs; tallies of row slices of a column add up)."""
    comma = dot = 0
    for col in cols:
        text, counts = col.values, col.counts()
        # The look-ahead is not Arrow's regex syntax: only cells with a comma take it.
        has = text.str.contains(",", regex=False).to_numpy(bool)
        hit = text[has].str.fullmatch(r"-?(?!\d{1,3},\d{3}$)\d+,\d+").to_numpy(bool)
        comma += int(counts[has][hit].sum())
        has = text.str.contains(".", regex=False).to_numpy(bool)
        hit = text[has].str.fullmatch(r"-?\d+\.\d+").to_numpy(bool)
        dot += int(counts[has][hit].sum())
    return comma, dot


#: A bare number in ASCII digits, the common case `parse_numbers` reads without extraction.
_PLAIN_NUMBER: Final = r"[-+]?[0-9]*\.?[0-9]+"


@dataclass(frozen=True)
class Numbers:
    """Parsed numeric cells: `value` (NaN where empty or bad), `bad` (non-empty, not a number)
    and `unit` ("kg"/"lb" where the cell itself carried one, else NaN)."""

    value: pd.Series
    bad: pd.Series
    unit: pd.Series


def parse_numbers(
    col: pd.Series,
    *,
    decimal_comma: bool,
    allow_units: bool = False,
    allow_bodyweight: bool = False,
) -> Numbers:
    """Numbers from raw cells (numbers from a workbook pass straight through).

    Bare ASCII numbers (nearly every cell) are converted in one vectorised pass; only the
    other non-empty cells go through the unit/bodyweight pattern."""
    text = as_text(col)
    if decimal_comma:
        text = text.str.replace(r"(?<=\d),(?=\d)", ".", regex=True)
    plain = text.str.fullmatch(_PLAIN_NUMBER).fillna(False).astype(bool)
    value = plain_numbers(text.where(plain))
    bad = pd.Series(False, index=text.index)
    unit = pd.Series(np.nan, index=text.index, dtype=STR_OBJ)
    other = ~plain & text.notna()
    if other.any():
        worded = _parse_worded(
            text[other], allow_units=allow_units, allow_bodyweight=allow_bodyweight
        )
        value[other] = worded.value
        bad[other] = worded.bad
        unit[other] = worded.unit
    return Numbers(value=value, bad=bad, unit=unit)


def plain_numbers(text: pd.Series) -> pd.Series:
    """float64 of string cells that are all bare ASCII numbers or missing (`_PLAIN_NUMBER`):
    Arrow's cast when the strings are Arrow-backed (the same correctly rounded values as
    `pd.to_numeric`, without a Python object per cell), else `pd.to_numeric`."""
    if getattr(text.dtype, "storage", None) == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        strings = pa.array(text.array)
        if isinstance(strings, pa.Array):
            strings = pa.chunked_array([strings])
        try:
            cast = pc.cast(strings, pa.float64())
        except (pa.ArrowInvalid, TypeError):
            pass
        else:
            return pd.Series(cast.to_numpy(), dtype="float64", index=text.index)
    return pd.to_numeric(text, errors="coerce").astype("float64")


def number_cells(text: pd.Series) -> pd.Series:
    """`pd.to_numeric(text, errors="coerce")` as float64, with bare numbers (nearly all
    cells) converted by `plain_numbers`."""
    plain = text.str.fullmatch(_PLAIN_NUMBER).fillna(False).astype(bool)
    value = plain_numbers(text.where(plain))
    other = ~plain & text.notna()
    if other.any():
        value[other] = pd.to_numeric(text[other], errors="coerce").astype("float64")
    return value


def _parse_worded(text: pd.Series, *, allow_units: bool, allow_bodyweight: bool) -> Numbers:
    """Cells that are not bare numbers: a number with a unit word, a bodyweight word, or bad."""
    parts = text.str.lower().str.extract(r"^([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)\s*([a-z#]*)$")
    value = pd.to_numeric(parts[0], errors="coerce").astype("float64")
    unit_word = parts[1].fillna("")
    unit = unit_word.map(UNIT_WORDS).astype(STR_OBJ)
    bad = text.notna() & value.isna()
    if allow_units:
        bad |= (unit_word != "") & unit.isna()
    else:
        bad |= unit_word != ""
    if allow_bodyweight:
        bad &= ~text.str.lower().isin(BODYWEIGHT_WORDS).fillna(False)
    value = value.mask(bad)
    return Numbers(value=value, bad=bad.fillna(False).astype(bool), unit=unit)


def to_kg(weight: pd.Series, unit: pd.Series) -> pd.Series:
    """Weights in kg given a per-row unit ("kg"/"lb"); unknown units are taken as kg."""
    return weight.where(unit.fillna("kg") != "lb", weight * LB_TO_KG)


@dataclass(frozen=True)
class ParsedDates:
    """Dates parsed from one column, and what the reader had to assume about them."""

    values: pd.Series  # datetime64[ns], NaT where unreadable
    formats: tuple[str, ...]  # what was used: explicit formats, "excel-serial", "iso"
    notes: tuple[str, ...]


def parse_dates(
    col: pd.Series, weights: np.ndarray | None = None, *, tz: str | None = None
) -> ParsedDates:
    """Parse a date column with one explicit format chosen for the whole file.

    Workbook datetime cells and ISO strings read as ISO; Excel serial numbers by the 1900
    epoch; other text with the format from `DATE_FORMATS` that reads the most cells. When
    day-first and month-first read the same cells (no day above 12), day-first is used and a
    note says so. `weights` (one per cell) counts a cell as that many cells when formats are
    scored, so the distinct cells of a column, weighted by their rows, read as the column.
    Timestamps ending in a UTC offset (`2024-03-04T00:09:00Z`, `... +0100`) are read without
    it and then converted to local time in the zone for `tz` (see `importers.timezone`);
    a note says so.
    """
    stamps = split_offsets(as_text(col))
    text = stamps.wall
    out = pd.Series(pd.NaT, index=col.index, dtype="datetime64[ns]")
    formats: list[str] = []
    notes: list[str] = []
    iso_mask = text.str.match(r"^\d{4}-\d{2}-\d{2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
    iso_mask = iso_mask.fillna(False).astype(bool)
    if iso_mask.any():
        out[iso_mask] = as_ns(pd.to_datetime(text[iso_mask], format="ISO8601", errors="coerce"))
        formats.append("iso")
    serial = pd.to_numeric(text.where(~iso_mask), errors="coerce")
    lo, hi = EXCEL_SERIAL_RANGE
    serial_mask = serial.between(lo, hi).fillna(False).astype(bool)
    if serial_mask.any():
        out[serial_mask] = EXCEL_EPOCH + pd.to_timedelta(serial[serial_mask], unit="D")
        formats.append("excel-serial")
    rest = text[~iso_mask & ~serial_mask].dropna()
    if not rest.empty:
        weight = (
            np.ones(len(rest), dtype=np.int64)
            if weights is None
            else np.asarray(weights, dtype=np.int64)[col.index.get_indexer(rest.index)]
        )
        scores = {
            fmt: int(
                weight[
                    pd.to_datetime(rest, format=fmt, errors="coerce").notna().to_numpy(bool)
                ].sum()
            )
            for fmt in DATE_FORMATS
        }
        best = max(DATE_FORMATS, key=lambda f: scores[f])
        if scores[best] > 0:
            swapped = _SWAPPED.get(best)
            if swapped and scores[swapped] == scores[best]:
                day_first = best if best.startswith("%d") else swapped
                best = day_first
                notes.append(f"day/month order is ambiguous (no day above 12); read as {best}")
            out[rest.index] = as_ns(pd.to_datetime(rest, format=best, errors="coerce"))
            formats.append(best)
    out, zone_notes = to_local(out, stamps, tz)
    notes.extend(zone_notes)
    return ParsedDates(values=out, formats=tuple(formats), notes=tuple(notes))
