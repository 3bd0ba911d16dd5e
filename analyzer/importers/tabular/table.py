"""A delimited text export as a table of strings under its header line (`Table`), read by
`read_table`: what the app importers (Strong, Hevy, FitNotes, Fitbod) read their exports
with. Each record remembers the physical line it starts on, so row numbers in messages are
the file's.

Everything is vectorised (numpy over the text's bytes, pandas over columns); the only
per-record Python loop is the fallback parser used when a file's quoting is too irregular
for the fast path (`grid.read_csv_cells`).

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer.errors import UnsupportedLayoutError
from analyzer.importers.document import Document
from analyzer.importers.tabular.grid import check_grid_size, read_csv_cells
from analyzer.importers.tabular.records import (
    field_counts,
    header_delimiter,
    nonblank_records,
    record_bounds,
)
from analyzer.schema import STR


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
    delimiter = delimiter or header_delimiter(line)
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


def read_table(text: str, delimiter: str | None = None) -> Table:
    """Parse delimited `text` whose first non-blank line is the header.

    Fast path: pandas' C parser for the cells, and numpy over the bytes for where each record
    starts (a newline ends a record when an even number of `"` precede it). If the two
    disagree (quotes inside unquoted fields, stray `\\r`), the whole file is re-read with the
    `csv` module, which reports line numbers itself.
    """
    data = text.encode("utf-8")
    buf = np.frombuffer(data, dtype=np.uint8)
    starts, ends, lines = record_bounds(buf)
    nonblank = nonblank_records(buf, starts, ends)
    starts, ends, lines = starts[nonblank], ends[nonblank], lines[nonblank]
    if starts.size == 0:
        return _empty_table(delimiter or ",")
    first = data[starts[0] : ends[0]].decode("utf-8")
    delimiter = delimiter or header_delimiter(first)
    if len(delimiter) != 1:  # the C parser's one-character fast path does not apply
        return _read_table_slow(text, delimiter)
    nfields = field_counts(buf, starts, ends, ord(delimiter))
    width = int(nfields.max())
    check_grid_size(width, int(starts.size))
    grid = read_csv_cells(text, delimiter, width, int(starts.size), blank_lines=False, strings=True)
    if grid is None:
        return _read_table_slow(text, delimiter)
    return _make_table(grid.fillna(""), lines, nfields, delimiter)


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
