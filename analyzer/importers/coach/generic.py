"""The generic layout: any table (coach spreadsheet, hand-made CSV) whose header names at least
a date and an exercise, found through the synonym table (`headers.py`).

Variants: `generic-csv`, `generic-csv-eu` (`;` delimiter or decimal comma), `generic-tsv`,
`generic-xlsx`. Rules a coach file is read by:
- The header row is the best-matching row among the first 20 (title rows above it are ignored).
- A `sets` column repeats the row (`sets = 4` is four sets); a `set` column numbers them.
- Athlete: an athlete column names many athletes; otherwise a workbook's sheet name (when the
  workbook has several data sheets, or its one sheet has a non-default name and no
  `--athlete` was given); otherwise `--athlete`, otherwise the file stem.
- A blank date cell takes the date above it (sheets often write the date once per session).
- Weight unit: a unit in the cell (`60 kg`), a unit column, the header (`Weight (lb)`), then
  `--units`, then kg (reported in the notes). `1,000` reads as a thousand unless the file
  writes decimal commas elsewhere.
- A `Time` column next to a date-only `Date` column adds the time of day.
- A warm-up column (`isWarmup`, `Warmup`: true/yes/1/x) marks warm-up sets.
- One column group per set (`Set 1 Reps`, `Set 1 Weight`, `Set 2 Reps`, ... or `Set 1`,
  `Set 2` cells written weight x reps, `100x5`, `60kg x 8`, `BW x 10`): each filled group is
  one set, numbered by its column.
- A date column with no readable date at all (a program sheet's `Day 1`, `Week 2`) is an
  unsupported layout: the error names the column rather than guessing dates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import pandas as pd

from analyzer.errors import UnsupportedLayoutError
from analyzer.importers.canonical import finish
from analyzer.importers.coach.fields import read_sets
from analyzer.importers.contract import ImportOptions, ImportResult
from analyzer.importers.document import Document
from analyzer.importers.headers import (
    Column,
    check_columns_option,
    find_header,
    match_row,
    normalise,
)
from analyzer.importers.problems import RowProblems
from analyzer.importers.tabular import (
    Grid,
    as_text,
    code_cells,
    decimal_tally,
    document_grids,
    is_default_sheet_name,
    uses_decimal_comma,
)

NAME: Final = "generic"
DETECT_SCORE: Final = 0.2


def _generic_variant(doc: Document, grids: list[Grid]) -> str:
    """The format variant a generic file is reported as: by workbook, else by delimiter."""
    if doc.sheets is not None:
        return "generic-xlsx"
    return {";": "generic-csv-eu", "\t": "generic-tsv"}.get(
        grids[0].delimiter or ",", "generic-csv"
    )


class GenericImporter:
    """Reads the generic (coach) layout; scores low so app-specific importers win."""

    name = NAME

    def detect(self, doc: Document) -> float:
        grids = document_grids(doc, head=25)
        for table in grids:
            found = find_header(table.cells.head(20))
            if found and {"date", "exercise"} <= set(found[1]):
                return DETECT_SCORE
        return 0.0

    def fits_columns(self, doc: Document, columns: Mapping[str, str]) -> bool:
        """True when a header row among the first 20 holds every header `--columns` names
        and, with them, a date and an exercise: the mapping is meant for this file."""
        wanted = {normalise(h) for h in columns.values()}
        grids = document_grids(doc, head=25)
        for table in grids:
            head = table.cells.head(20)
            found = find_header(head, columns)
            if not found or not {"date", "exercise"} <= set(found[1]):
                continue
            row = {
                normalise(c)
                for c in head.iloc[found[0]].tolist()
                if c is not None and not (isinstance(c, float) and pd.isna(c))
            }
            if wanted <= row:
                return True
        return False

    def read(self, doc: Document, options: ImportOptions) -> ImportResult:
        check_columns_option(options.columns)
        grids = document_grids(doc)
        variant = _generic_variant(doc, grids)
        located = [(t, find_header(t.cells, options.columns)) for t in grids]
        usable = [
            (t, hdr[0], hdr[1])
            for t, hdr in located
            if hdr is not None and {"date", "exercise"} <= set(hdr[1])
        ]
        if not usable:
            raise _missing_columns(doc, located, options.columns)
        problems = RowProblems()
        notes: list[str] = []
        frames: list[pd.DataFrame] = []
        units: set[str | None] = set()
        rows = 0
        several = len(usable) > 1
        for table, header_row, columns in usable:
            athlete = _default_athlete(table, several, options, doc)
            read = read_sets(table, header_row, columns, athlete, options, problems)
            units.add(read.weight_unit)
            if (
                variant == "generic-csv"
                and table.cells.shape[0]
                and _writes_decimal_comma(table, header_row, columns, read.tally)
            ):
                variant = "generic-csv-eu"
            frames.append(read.frame)
            rows += read.rows
            prefix = f"sheet {table.name!r}: " if several else ""
            notes.extend(prefix + n for n in read.notes)
        frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        if not frame.empty and frame["performed_at"].isna().all():
            raise _no_dates(doc, usable)
        del grids, located, usable, table, frames  # the cell grids are not needed any more
        return finish(
            doc,
            frame,
            format_name=variant,
            rows=rows,
            problems=problems,
            notes=_dedupe(notes),
            weight_unit="lb" if units == {"lb"} else None,
        )


def _writes_decimal_comma(
    table: Grid, header_row: int, columns: Mapping[str, Column], body: tuple[int, int] | None
) -> bool:
    """`uses_decimal_comma` of the mapped columns of the whole table; `body` is the tally
    `read_sets` took of the rows below the header (None: it read other columns), so only
    the header and the rows above it are looked at again."""
    if body is None:
        return uses_decimal_comma([table.cells[c.index] for c in columns.values()])
    top = table.cells.iloc[: header_row + 1]
    comma, dot = decimal_tally([code_cells(top[c.index]) for c in columns.values()])
    return comma + body[0] > dot + body[1]


def _dedupe(notes: list[str]) -> list[str]:
    return list(dict.fromkeys(notes))


def _default_athlete(table: Grid, several: bool, options: ImportOptions, doc: Document) -> str:
    if table.name is not None and (
        several or (not is_default_sheet_name(table.name) and not options.athlete)
    ):
        return table.name.strip()
    return options.athlete or doc.stem


def _missing_columns(
    doc: Document, located: Sequence[tuple[Grid, object]], columns: Mapping[str, str] | None
) -> UnsupportedLayoutError:
    """The error for a table without date/exercise columns, naming the headers seen."""
    seen: list[str] = []
    for table, _ in located:
        first = table.cells.dropna(how="all").head(1)
        if not first.empty:
            seen = [
                str(v).strip()
                for v in first.iloc[0].tolist()
                if v is not None and str(v).strip() and str(v) != "nan"
            ]
            break
    matched = match_row(seen, columns)
    missing = [f for f in ("date", "exercise") if f not in matched]
    return UnsupportedLayoutError(
        f"no {' or '.join(missing)} column found; columns are: "
        + (", ".join(repr(s) for s in seen[:20]) or "none"),
        path=doc.path,
        hint="name them with --columns date=<header>,exercise=<header>,reps=<header>",
    )


def _no_dates(
    doc: Document, usable: list[tuple[Grid, int, dict[str, Column]]]
) -> UnsupportedLayoutError:
    """The error for a table whose date column holds no date (a program sheet)."""
    table, header_row, columns = usable[0]
    col = columns["date"]
    seen = as_text(table.cells.iloc[header_row + 1 :, col.index]).dropna().unique()[:3]
    return UnsupportedLayoutError(
        f"column {col.header!r} holds no dates ("
        + ", ".join(repr(str(v)) for v in seen)
        + "): a program or plan sheet without session dates cannot be placed in weeks",
        path=doc.path,
        hint="add a column with each session's date (YYYY-MM-DD), or map the real date "
        "column with --columns date=<header>",
    )


IMPORTER: Final = GenericImporter()
