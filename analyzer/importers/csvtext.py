"""Shared helpers for delimited-text exports: splitting text into a table of strings that
remembers each record's physical line, and turning header names and cells into numbers,
units and dates.

Everything here is vectorised (numpy over the text's bytes, pandas over columns); the only
per-record Python loop is the fallback parser used when a file's quoting is too irregular
for the fast path (see `read_table`).

Typical use in an importer::

    table = read_table(doc.text)                  # delimiter sniffed from the header line
    col = table.column("Weight (kg)")             # str Series ("" when the cell is empty)
    weight, bad = to_number(col)                  # float Series + mask of non-numeric cells
    factor = unit_factor(unit_from_header("Weight (kg)") or "kg")
    problems.add_mask("non-numeric weight", bad, table.lines)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from analyzer.errors import TooLargeError, UnsupportedLayoutError
from analyzer.importers.base import Document
from analyzer.schema import LB_TO_KG, STR, as_ns

#: Delimiters `sniff_delimiter` chooses from, in tie-break order.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")

#: Largest single field the `csv` module accepts here (its default, 128 KiB, would turn a
#: long note into a crash). Whole files are already bounded by `ImportOptions.max_bytes`.
MAX_FIELD_CHARS = 64 * 1024 * 1024
csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_CHARS))

_QUOTE = ord('"')
_NEWLINE = ord("\n")


@dataclass(frozen=True, eq=False)
class Table:
    """A delimited text file as strings.

    `cells` has one column per header field, named by the stripped header text (duplicates
    get `.1`, `.2` suffixes), plus `__extra1`, `__extra2`, ... when some records have more
    fields than the header. Every cell is a string, as written (not stripped, so a field
    split by a stray delimiter can be rejoined exactly); missing and empty cells are "".
    `lines` is the physical line (1-based, counting every line of the file) on which each
    data record starts, so a multi-line quoted note does not shift later rows. `nfields` is
    the number of fields in each data record. Blank lines are neither records nor counted.
    """

    header: list[str]
    cells: pd.DataFrame
    lines: pd.Series
    nfields: pd.Series
    delimiter: str
    header_line: int

    def __len__(self) -> int:
        return len(self.cells)

    def has(self, name: str) -> bool:
        return name in self.cells.columns

    def column(self, name: str) -> pd.Series:
        """The column named `name` (strings as written), or all "" when the file lacks it."""
        if name in self.cells.columns:
            return self.cells[name]
        return pd.Series("", index=self.cells.index, dtype=STR)

    def find(self, *names: str) -> str | None:
        """The first header among `names` present in the file (case-insensitive), or None."""
        lowered = {h.lower(): h for h in self.cells.columns}
        for name in names:
            if name.lower() in lowered:
                return lowered[name.lower()]
        return None


def split_header(line: str, delimiter: str | None = None) -> list[str]:
    """The fields of one header line (quotes removed, stripped); delimiter sniffed if None."""
    delimiter = delimiter or sniff_delimiter(line)
    row = next(csv.reader([line], delimiter=delimiter), [])
    return [clean_header(h) for h in row]


def header_fields(doc: Document, *, lower: bool = False) -> list[str]:
    """The fields of a text document's first non-empty line ([] for workbooks or empty text):
    what every app importer's `detect` looks at."""
    head = doc.head_lines(1)
    if not head:
        return []
    fields = split_header(head[0])
    return [f.lower() for f in fields] if lower else fields


def clean_header(name: str) -> str:
    """Header text without BOM, surrounding quotes or whitespace."""
    return name.replace("\ufeff", "").strip().strip('"').strip()


def sniff_delimiter(line: str) -> str:
    """The delimiter of a header line: the candidate in `DELIMITERS` occurring most often
    outside double quotes (ties go to the comma)."""
    outside = re.sub(r'"[^"]*"', "", line)
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


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


def read_table(text: str, delimiter: str | None = None) -> Table:
    """Parse delimited `text` whose first non-blank line is the header.

    Fast path: pandas' C parser for the cells, and numpy over the bytes for where each record
    starts (a newline ends a record when an even number of `"` precede it). If the two
    disagree (quotes inside unquoted fields, stray `\\r`), the whole file is re-read with the
    `csv` module, which reports line numbers itself.
    """
    data = text.encode("utf-8")
    buf = np.frombuffer(data, dtype=np.uint8)
    starts, ends, lines = _record_bounds(buf)
    nonblank = _nonblank(buf, starts, ends)
    starts, ends, lines = starts[nonblank], ends[nonblank], lines[nonblank]
    if starts.size == 0:
        return _empty_table(delimiter or ",")
    first = data[starts[0] : ends[0]].decode("utf-8")
    delimiter = delimiter or sniff_delimiter(first)
    nfields = _field_counts(buf, starts, ends, ord(delimiter)) if len(delimiter) == 1 else None
    width = int(nfields.max()) if nfields is not None else 0
    check_grid_size(width, int(starts.size))
    grid: pd.DataFrame | None = None
    if nfields is not None:
        try:
            grid = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                header=None,
                names=range(width),
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=True,
                engine="c",
                quotechar='"',
                doublequote=True,
            )
        except (pd.errors.ParserError, ValueError):
            grid = None
    if grid is None or nfields is None or len(grid) != starts.size:
        return _read_table_slow(text, delimiter)
    grid = grid.fillna("")
    return _make_table(grid, lines, nfields, delimiter)


def _record_bounds(
    buf: np.ndarray, *, quotes: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start/end byte offsets and 1-based starting line of every record (blank ones too).

    Quote parity is looked up only at the newlines (binary search over the quote positions),
    so no array as long as the text is built besides the two position lists. `quotes=False`
    says the text holds no `"` (every line is a record)."""
    all_nl = np.flatnonzero(buf == _NEWLINE)
    quotes_at = np.flatnonzero(buf == _QUOTE) if quotes else np.zeros(0, dtype=np.intp)
    ends = all_nl[(np.searchsorted(quotes_at, all_nl) % 2) == 0] if quotes_at.size else all_nl
    starts = np.concatenate(([0], ends + 1))
    ends = np.concatenate((ends, [buf.size]))
    if starts[-1] >= buf.size:  # text ends with a newline: no record after it
        starts, ends = starts[:-1], ends[:-1]
    if quotes_at.size:
        lines = np.searchsorted(all_nl, starts) + 1
    else:  # record i starts after the i-th newline
        lines = np.arange(1, starts.size + 1, dtype=np.int64)
    return starts, ends, lines


def _nonblank(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """True for records holding anything but whitespace."""
    solid = ~np.isin(buf, np.frombuffer(b" \t\r\n\x0b\x0c", dtype=np.uint8))
    out = np.zeros(starts.size, dtype=bool)
    filled = ends > starts
    if filled.any():
        # Each segment [start, next filled start) is the record plus newlines only (empty
        # records between are bare newlines), so it is solid exactly when the record is.
        out[filled] = np.logical_or.reduceat(solid, starts[filled])
    return out


def _field_counts(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, delim: int) -> np.ndarray:
    """Fields per record: delimiters outside quotes, plus one."""
    at = np.flatnonzero(buf == delim)
    quotes_at = np.flatnonzero(buf == _QUOTE)
    if quotes_at.size:
        at = at[(np.searchsorted(quotes_at, at) % 2) == 0]
    return (np.searchsorted(at, ends) - np.searchsorted(at, starts) + 1).astype(np.int64)


def _read_table_slow(text: str, delimiter: str) -> Table:
    """Record-by-record fallback with the `csv` module (irregular quoting only)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    next_line = 1
    for row in reader:
        if any(cell.strip() for cell in row):
            rows.append(row)
            lines.append(next_line)
        next_line = reader.line_num + 1
    if not rows:
        return _empty_table(delimiter)
    width = max(len(r) for r in rows)
    check_grid_size(width, len(rows))
    grid = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    counts = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    return _make_table(grid, np.asarray(lines, dtype=np.int64), counts, delimiter)


def _make_table(
    grid: pd.DataFrame, lines: np.ndarray, nfields: np.ndarray, delimiter: str
) -> Table:
    header_cells = [clean_header(str(v)) for v in grid.iloc[0].tolist()]
    n_header = int(nfields[0])
    names = _unique_names(header_cells[:n_header])
    names += [f"__extra{i}" for i in range(1, grid.shape[1] - n_header + 1)]
    body = grid.iloc[1:].reset_index(drop=True)
    body.columns = names
    body = body.astype(STR).fillna("")
    return Table(
        header=names[:n_header],
        cells=body,
        lines=pd.Series(lines[1:], dtype="int64"),
        nfields=pd.Series(nfields[1:], dtype="int64"),
        delimiter=delimiter,
        header_line=int(lines[0]),
    )


def _unique_names(names: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in names:
        if name in seen:
            seen[name] += 1
            out.append(f"{name}.{seen[name]}")
        else:
            seen[name] = 0
            out.append(name)
    return out


def _empty_table(delimiter: str) -> Table:
    empty = pd.Series(dtype="int64")
    return Table([], pd.DataFrame(), empty, empty, delimiter, 1)


def repair_extra_fields(table: Table, at: int, joiner: str = ",") -> tuple[Table, pd.Series]:
    """Fix records with more fields than the header, caused by an unquoted delimiter inside
    the field at position `at` (e.g. FitNotes' `Press, Incline`): that field is rejoined with
    the surplus fields after it and the rest shift back into place. Returns the repaired
    table and a mask of repaired records. Records with fewer fields are left alone.
    """
    extra = (table.nfields - len(table.header)).clip(lower=0)
    repaired = extra > 0
    if not repaired.any():
        return table, repaired
    positional = table.cells.copy()
    ordered = list(positional.columns)
    out = positional[table.header].copy()
    for k in sorted(int(x) for x in extra[repaired].unique()):
        rows = extra == k
        parts = [positional.loc[rows, ordered[i]] for i in range(at, at + k + 1)]
        # pandas-stubs lists only strings or one Series for `others`; a list of Series works.
        joined = parts[0].str.cat(parts[1:], sep=joiner)  # type: ignore[arg-type]
        out.loc[rows, table.header[at]] = joined
        for j, name in enumerate(table.header[at + 1 :], start=at + 1):
            out.loc[rows, name] = positional.loc[rows, ordered[j + k]]
    fixed = Table(
        table.header,
        out,
        table.lines,
        table.nfields.where(~repaired, len(table.header)),
        table.delimiter,
        table.header_line,
    )
    return fixed, repaired


# --- numbers and units ------------------------------------------------------------------

_KG_WORDS = r"kg|kgs|kilo|kilos|kilogram|kilograms"
_LB_WORDS = r"lb|lbs|pound|pounds"
_KG_RE = re.compile(rf"(?:^|[^a-z])(?:{_KG_WORDS})(?:$|[^a-z])")
_LB_RE = re.compile(rf"(?:^|[^a-z])(?:{_LB_WORDS})(?:$|[^a-z])")

#: Distance unit spellings -> metres.
DISTANCE_M: dict[str, float] = {
    "m": 1.0,
    "meter": 1.0,
    "meters": 1.0,
    "metre": 1.0,
    "metres": 1.0,
    "km": 1000.0,
    "kms": 1000.0,
    "kilometer": 1000.0,
    "kilometers": 1000.0,
    "kilometre": 1000.0,
    "kilometres": 1000.0,
    "mi": 1609.344,
    "mile": 1609.344,
    "miles": 1609.344,
    "ft": 0.3048,
    "feet": 0.3048,
    "yd": 0.9144,
    "yds": 0.9144,
    "yards": 0.9144,
}
_DIST_RE = re.compile(
    r"(?:^|[^a-z])(" + "|".join(sorted(DISTANCE_M, key=len, reverse=True)) + r")(?:$|[^a-z])"
)


def unit_from_header(name: str) -> str | None:
    """The weight unit a header names: "kg" for `Weight (kg)`, `kg`, `weight_kgs`, "lb" for
    `Weight (lbs)`, `weight_lbs`, `lb`; None when it names none."""
    low = name.lower()
    if _LB_RE.search(low):
        return "lb"
    if _KG_RE.search(low):
        return "kg"
    return None


def distance_unit_from_header(name: str) -> str | None:
    """The distance unit a header names (`Distance (meters)`, `distance_km`, `km`), as a key
    of `DISTANCE_M`, or None."""
    match = _DIST_RE.search(name.lower())
    return match.group(1) if match else None


def unit_factor(unit: str | None) -> float:
    """kg per unit: 1 for kg, `LB_TO_KG` for lb. Raises KeyError on anything else."""
    return {"kg": 1.0, "lb": LB_TO_KG}[unit or "kg"]


def row_unit_factors(units: pd.Series, default: float = np.nan) -> pd.Series:
    """kg-per-unit for a per-row unit column (`kg`, `kgs`, `lbs`, `lb`, `pounds`, any case);
    empty or unknown spellings get `default`."""
    low = units.astype(STR).fillna("").str.strip().str.lower()
    kg = low.str.fullmatch(_KG_WORDS)
    lb = low.str.fullmatch(_LB_WORDS)
    out = pd.Series(default, index=units.index, dtype="float64")
    out[kg.fillna(False).astype(bool)] = 1.0
    out[lb.fillna(False).astype(bool)] = LB_TO_KG
    return out


def row_distance_factors(units: pd.Series, default: float = np.nan) -> pd.Series:
    """Metres per unit for a per-row distance unit column; empty/unknown get `default`."""
    low = units.astype(STR).fillna("").str.strip().str.lower()
    mapped = low.map(DISTANCE_M).astype("float64")
    return mapped.fillna(default)


def to_number(cells: pd.Series, *, decimal_comma: bool = False) -> tuple[pd.Series, pd.Series]:
    """Cells as float64 (surrounding spaces ignored; empty -> NaN) and a mask of cells that
    hold text that is not a number (those are row problems, not silent NaNs)."""
    text = cells.astype(STR).fillna("").str.strip()
    if decimal_comma:
        text = text.str.replace(",", ".", regex=False)
    values = pd.to_numeric(text.where(text != ""), errors="coerce").astype("float64")
    bad = values.isna() & (text != "")
    return values, bad


def zero_to_nan(values: pd.Series) -> pd.Series:
    """NaN where a value is 0: for formats that write 0 for "not used" (bodyweight, cardio)."""
    return values.mask(values == 0)


# --- dates ------------------------------------------------------------------------------


def parse_dates(
    cells: pd.Series, formats: Sequence[str], *, sample: int = 500
) -> tuple[pd.Series, str]:
    """Parse with one explicit strftime format for the whole column: the first of `formats`
    that reads the most of the first `sample` non-empty cells. Unreadable cells become NaT.
    Returns the naive datetime64[ns] Series and the chosen format. Cells ending in a UTC
    offset are split first and converted after (see `importers.timezone`)."""
    text = cells.astype(STR).fillna("").str.strip()
    probe = text[text != ""].head(sample)
    best, best_ok = formats[0], -1
    for fmt in formats:
        ok = int(pd.to_datetime(probe, format=fmt, errors="coerce").notna().sum())
        if ok > best_ok:
            best, best_ok = fmt, ok
            if ok == len(probe):
                break
    parsed = pd.to_datetime(text.where(text != ""), format=best, errors="coerce")
    return as_ns(parsed), best


def join_text(parts: Iterable[pd.Series], sep: str = " | ") -> pd.Series:
    """Join string columns row-wise with `sep`, leaving out empty parts."""
    cols = [p.astype(STR).fillna("").str.strip() for p in parts]
    if not cols:
        return pd.Series(dtype=STR)
    out = cols[0]
    for col in cols[1:]:
        out = (out + sep + col).where((out != "") & (col != ""), out.where(out != "", col))
    return out


def require(table: Table, names: Iterable[str], *, path: object, format_name: str) -> None:
    """Raise `UnsupportedLayoutError` naming the first of `names` missing from the header
    (case-insensitive): a file forced into a format it does not have."""
    for name in names:
        if table.find(name) is None:
            raise UnsupportedLayoutError(
                f"not a {format_name} export: no {name!r} column",
                path=str(path),
                hint="leave out --format to detect the layout",
            )
