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

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

import numpy as np
import pandas as pd

from analyzer.errors import UnsupportedLayoutError
from analyzer.importers.base import (
    Document,
    ImportOptions,
    ImportResult,
    RowProblems,
    finish,
    head_of,
)
from analyzer.importers.cells import (
    PIECE_ROWS,
    STR_OBJ,
    Coded,
    Numbers,
    as_text,
    bytes_grid,
    code_cells,
    decimal_comma_vote,
    decimal_tally,
    number_cells,
    parse_dates,
    parse_numbers,
    sniff_delimiter,
    text_grid,
    uses_decimal_comma,
)
from analyzer.importers.headers import (
    Column,
    check_columns_option,
    find_header,
    match_cell,
    match_row,
    normalise,
)
from analyzer.importers.units import unstated_unit
from analyzer.schema import LB_TO_KG, SET_TYPE_DTYPE, WARMUP_WORDS

NAME: Final = "generic"
DETECT_SCORE: Final = 0.2
MAX_SETS_PER_ROW: Final = 100

_DEFAULT_SHEET = re.compile(
    r"^(sheet|tabelle|feuil|hoja|foglio|blad|ark|arkusz|planilha|лист|worksheet|table)\s*\d*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Table:
    """One cell grid (a sheet, or the whole text file) with each grid row's number in the file."""

    name: str | None
    cells: pd.DataFrame
    rows: np.ndarray


def tables(doc: Document, head: int | None = None) -> tuple[list[Table], str]:
    """The document's grids and the format variant; `head` limits text parsing to the first
    lines (for detection)."""
    if doc.sheets is not None:
        grids = [
            Table(name, cells, np.arange(1, len(cells) + 1, dtype=np.int64))
            for name, cells in doc.sheets.items()
        ]
        return grids, "generic-xlsx"
    if head is not None:
        grid = text_grid("\n".join(head_of(doc.source, lambda _: True, head)), strings=True)
    else:
        fast = None
        if doc.utf8 is not None:  # not decoded: Arrow reads the bytes
            fast = bytes_grid(doc.utf8, sniff_delimiter(doc.head_lines(30)))
        grid = fast or text_grid(doc.text or "", strings=True)
    variant = {";": "generic-csv-eu", "\t": "generic-tsv"}.get(grid.delimiter, "generic-csv")
    return [Table(None, grid.cells, grid.lines)], variant


def is_default_sheet_name(name: str) -> bool:
    return bool(_DEFAULT_SHEET.match(name.strip()))


class GenericImporter:
    """Reads the generic (coach) layout; scores low so app-specific importers win."""

    name = NAME

    def detect(self, doc: Document) -> float:
        grids, _ = tables(doc, head=25)
        for table in grids:
            found = find_header(table.cells.head(20))
            if found and {"date", "exercise"} <= set(found[1]):
                return DETECT_SCORE
        return 0.0

    def fits_columns(self, doc: Document, columns: Mapping[str, str]) -> bool:
        """True when a header row among the first 20 holds every header `--columns` names
        and, with them, a date and an exercise: the mapping is meant for this file."""
        wanted = {normalise(h) for h in columns.values()}
        grids, _ = tables(doc, head=25)
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
        grids, variant = tables(doc)
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
            frame, n_rows, table_notes, tally, unit = read_table(
                table, header_row, columns, athlete, options, problems
            )
            units.add(unit)
            if (
                variant == "generic-csv"
                and table.cells.shape[0]
                and _writes_decimal_comma(table, header_row, columns, tally)
            ):
                variant = "generic-csv-eu"
            frames.append(frame)
            rows += n_rows
            prefix = f"sheet {table.name!r}: " if several else ""
            notes.extend(prefix + n for n in table_notes)
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
    table: Table, header_row: int, columns: Mapping[str, Column], body: tuple[int, int] | None
) -> bool:
    """`uses_decimal_comma` of the mapped columns of the whole table; `body` is the tally
    `read_table` took of the rows below the header (None: it read other columns), so only
    the header and the rows above it are looked at again."""
    if body is None:
        return uses_decimal_comma([table.cells[c.index] for c in columns.values()])
    top = table.cells.iloc[: header_row + 1]
    comma, dot = decimal_tally([code_cells(top[c.index]) for c in columns.values()])
    return comma + body[0] > dot + body[1]


def _dedupe(notes: list[str]) -> list[str]:
    return list(dict.fromkeys(notes))


def _default_athlete(table: Table, several: bool, options: ImportOptions, doc: Document) -> str:
    if table.name is not None and (
        several or (not is_default_sheet_name(table.name) and not options.athlete)
    ):
        return table.name.strip()
    return options.athlete or doc.stem


def _missing_columns(
    doc: Document, located: Sequence[tuple[Table, object]], columns: Mapping[str, str] | None
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
    doc: Document, usable: list[tuple[Table, int, dict[str, Column]]]
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


#: Headers naming one set's column group: `Set 1 Reps`, `Satz 2`, `S3 Weight`, `Reps 1`.
_SET_WORDS: Final = r"set|satz|serie|série|series|s"
_PER_SET_HEADER: Final = re.compile(
    rf"^(?:(?:{_SET_WORDS})\s*#?\s*(?P<n>\d{{1,2}})\b\s*(?P<rest>.*)"
    rf"|(?P<rest2>.*?)\s*(?:(?:{_SET_WORDS})\s*#?\s*)?(?P<n2>\d{{1,2}}))$",
    re.IGNORECASE,
)
#: One set written in one cell, weight x reps: `100x5`, `60 kg x 8`, `BW x 10`, `62,5×5`.
_WEIGHT_X_REPS: Final = (
    r"^\s*(?P<weight>(?:[-+]?\d+(?:[.,]\d+)?\s*(?:kgs?|lbs?)?)|bw|bodyweight)"
    r"\s*[x×*]\s*(?P<reps>\d+)\s*$"
)


def per_set_columns(header: list[object]) -> dict[int, dict[str, Column]]:
    """Set number -> {"reps"|"weight"|"cell": Column} for headers naming one set's group;
    empty unless at least two set numbers are found."""
    groups: dict[int, dict[str, Column]] = {}
    for index, cell in enumerate(header):
        if cell is None or (isinstance(cell, float) and pd.isna(cell)):
            continue
        text = " ".join(str(cell).strip().split())
        found = _PER_SET_HEADER.match(text)
        if not found or text.isdigit():
            continue
        number = int(found["n"] or found["n2"])
        rest = (found["rest"] if found["n"] else found["rest2"]) or ""
        field, unit = match_cell(rest) if rest.strip() else ("cell", None)
        if field in ("reps", "weight", "cell"):
            groups.setdefault(number, {}).setdefault(
                field, Column(index=index, header=str(cell).strip(), unit=unit)
            )
    return groups if len(groups) >= 2 else {}


def _long_per_set(
    table: Table,
    header_row: int,
    columns: dict[str, Column],
    groups: dict[int, dict[str, Column]],
    problems: RowProblems,
) -> tuple[Table, dict[str, Column]]:
    """The table with one row per filled set group (reps, weight and set number in three
    new columns at the right), rows in file order; the columns map points at them."""
    body = table.cells.iloc[header_row + 1 :]
    rows = pd.Series(table.rows[header_row + 1 :], index=body.index, dtype="int64")
    width = table.cells.shape[1]
    parts: list[pd.DataFrame] = []
    for number, group in sorted(groups.items()):
        reps = as_text(body[group["reps"].index]) if "reps" in group else None
        weight = as_text(body[group["weight"].index]) if "weight" in group else None
        if "cell" in group:
            cell = as_text(body[group["cell"].index])
            split = cell.str.extract(_WEIGHT_X_REPS, flags=re.IGNORECASE)
            unreadable = cell.notna() & split["reps"].isna()
            problems.add_mask("set cell not like 100x5 (weight x reps)", unreadable, rows)
            reps = split["reps"] if reps is None else reps.fillna(split["reps"])
            weight = split["weight"] if weight is None else weight.fillna(split["weight"])
        filled = pd.Series(False, index=body.index)
        for part in (reps, weight):
            if part is not None:
                filled |= part.notna()
        extra = pd.DataFrame(
            {
                width: reps if reps is not None else np.nan,
                width + 1: weight if weight is not None else np.nan,
                width + 2: number,
                width + 3: rows,
            },
            index=body.index,
        )
        parts.append(pd.concat([body, extra], axis=1)[filled])
    long = pd.concat(parts).sort_index(kind="stable")
    header = table.cells.iloc[[header_row]].reindex(columns=long.columns)
    cells = pd.concat([header, long], ignore_index=True)
    line = np.concatenate(([table.rows[header_row]], long[width + 3].to_numpy(np.int64)))
    weight_unit = next((g["weight"].unit for g in groups.values() if "weight" in g), None)
    mapped = {f: c for f, c in columns.items() if f not in ("reps", "weight", "set", "sets")}
    mapped["reps"] = Column(width, "reps", None)
    mapped["weight"] = Column(width + 1, "weight", weight_unit)
    mapped["set"] = Column(width + 2, "set", None)
    return Table(table.name, cells.drop(columns=[width + 3]), line), mapped


def read_table(
    table: Table,
    header_row: int,
    columns: Mapping[str, Column],
    athlete: str,
    options: ImportOptions,
    problems: RowProblems,
) -> tuple[pd.DataFrame, int, list[str], tuple[int, int] | None, str | None]:
    """One grid below its header into canonical columns (before `finish`), the number of data
    records read, notes, the `decimal_tally` of the mapped columns below the header (None
    when per-set groups were read into new columns), and "lb" when every weight is in pounds
    (stated, or read so by `units.unstated_unit` when no row states a unit). Bad rows are
    recorded in `problems` and dropped.

    Each mapped column is cleaned once into a `Coded` column; numbers, dates and words are
    read from its distinct cells and taken back per row, and name columns stay categorical
    (`conform` turns them into strings)."""
    groups = per_set_columns(table.cells.iloc[header_row].tolist())
    if groups:
        table, columns = _long_per_set(table, header_row, dict(columns), groups, problems)
        header_row = 0
    body = table.cells.iloc[header_row + 1 :]
    lines = table.rows[header_row + 1 :]
    coded = {field: code_cells(body[col.index]) for field, col in columns.items()}
    index = body.index
    del body
    blank = np.zeros(len(index), dtype=bool)
    if all(c.codes.size and c.codes.min() < 0 for c in coded.values()):  # else none blank
        blank = np.logical_and.reduce([c.codes < 0 for c in coded.values()])
    if blank.any():
        index, lines = index[~blank], lines[~blank]
        coded = {f: c.subset(~blank) for f, c in coded.items()}
    source_row = pd.Series(lines, index=index, dtype="int64")
    tally = None if groups else decimal_tally(list(coded.values()))
    notes: list[str] = []
    comma = decimal_comma_vote(
        [coded[f] for f in ("weight", "reps", "rpe", "rir", "sets") if f in coded]
    )

    def per_value(field: str, **kw: bool) -> tuple[Coded, Numbers] | None:
        """The field's distinct cells read as numbers (one entry per distinct cell)."""
        if field not in coded:
            return None
        col = coded[field]
        raw = col.values if comma else _without_thousands(col.values)
        return col, parse_numbers(raw, decimal_comma=comma, **kw)

    def numbers(field: str) -> _RowNumbers | None:
        """The field's numbers per row (units are only read for weights)."""
        found = per_value(field)
        if found is None:
            return None
        col, per = found
        return _RowNumbers(
            value=pd.Series(
                col.take(per.value.to_numpy("float64"), np.nan), index=index, copy=False
            ),
            bad=pd.Series(col.take(per.bad.to_numpy(bool), False), index=index, copy=False),
        )

    frame = pd.DataFrame(index=index)
    frame["source_row"] = source_row
    frame["exercise"] = _categorical(coded["exercise"], index)
    weight_unit: str | None = None

    date = coded["date"]
    dates = parse_dates(date.values, weights=date.counts(), tz=options.tz)
    filled = _fill_down(
        date.take(dates.values.to_numpy("datetime64[ns]"), np.datetime64("NaT")), date.codes >= 0
    )
    empty_date = date.codes < 0
    if (empty_date & ~np.isnat(filled) & (coded["exercise"].codes >= 0)).any():
        notes.append("rows with an empty date took the date from the row above")
    performed = pd.Series(filled, index=index, dtype="datetime64[ns]", copy=False)
    if "time" in coded:
        performed = _add_time_of_day(performed, coded["time"].text(index))
    frame["performed_at"] = performed
    notes.extend(dates.notes)

    frame["athlete"] = (
        _categorical(coded["athlete"], index, fill=athlete)
        if "athlete" in coded
        else _constant(athlete, index)
    )
    for field in ("workout", "notes"):
        frame[field] = _categorical(coded[field], index) if field in coded else _constant("", index)

    bad = pd.Series(False, index=index)
    reps = numbers("reps")
    if reps is not None:
        frame["reps"] = reps.value
        problems.add_mask("reps not a number", reps.bad & ~bad, source_row)
        bad |= reps.bad
    weight = per_value("weight", allow_units=True, allow_bodyweight=True)
    if weight is not None:
        col, per = weight
        value = pd.Series(col.take(per.value.to_numpy("float64"), np.nan), index=index, copy=False)
        wrong = pd.Series(col.take(per.bad.to_numpy(bool), False), index=index, copy=False)
        missing, pounds = _weight_units(
            col, per.unit, coded.get("unit"), columns["weight"].unit, options, index
        )
        problems.add_mask("weight not a number", wrong & ~bad, source_row)
        bad |= wrong
        weighed = value.notna().to_numpy(bool)
        if (missing & weighed).any():
            unit, note = unstated_unit(
                per.value,
                counts=col.counts(),
                units=None,
                kg_note="no weight unit stated; read as kg (use --units lb for pounds)",
            )
            if unit == "lb" and not (weighed & ~missing).any():  # no row states a unit
                pounds, weight_unit = missing | pounds, "lb"
            else:
                note = "no weight unit stated; read as kg (use --units lb for pounds)"
            notes.append(note)
        elif weighed.any() and pounds[weighed].all():
            weight_unit = "lb"
        frame["weight_kg"] = value.where(~pounds, value * LB_TO_KG) if pounds.any() else value
    rpe = numbers("rpe")
    rir = numbers("rir")
    if rpe is not None or rir is not None:
        from_rir = 10 - rir.value if rir is not None else np.nan
        if rpe is None:
            frame["rpe"] = from_rir
        else:
            frame["rpe"] = rpe.value.fillna(from_rir) if rir is not None else rpe.value

    set_cells = coded.get("set")
    warm = np.zeros(len(index), dtype=bool)
    if set_cells is not None:
        words = set_cells.values.str.lower().isin(WARMUP_WORDS).to_numpy(bool)
        warm |= set_cells.take(words, False)
        frame["set_no"] = set_cells.take(number_cells(set_cells.values).to_numpy("float64"), np.nan)
    if "warmup" in coded:
        flag = coded["warmup"].values.str.lower().str.strip()
        warm |= coded["warmup"].take(flag.isin(TRUE_WORDS + WARMUP_WORDS).to_numpy(bool), False)
    if set_cells is not None or "warmup" in coded:
        frame["set_type"] = pd.Categorical.from_codes(warm.astype(np.int8), dtype=SET_TYPE_DTYPE)

    count = None
    scheme_text = coded["scheme"].text(index) if "scheme" in coded else None
    scheme = _scheme(scheme_text) if scheme_text is not None else None
    if scheme is not None and scheme_text is not None:
        unreadable = scheme["sets"].isna() & scheme_text.notna()
        problems.add_mask("sets x reps not like 5x5", unreadable & ~bad, source_row)
        bad |= unreadable
        if "reps" not in frame:
            frame["reps"] = scheme["reps"]
    sets = numbers("sets")
    if sets is None and scheme is not None:
        sets = _RowNumbers(value=scheme["sets"], bad=pd.Series(False, index=index))
    if sets is not None:
        negative = sets.value < 0
        fraction = (sets.value % 1 != 0) & ~negative
        huge = sets.value > MAX_SETS_PER_ROW
        zero = sets.value == 0
        for reason, mask in (
            ("sets not a number", sets.bad),
            ("negative sets", negative),
            ("sets not a whole number", fraction),
            (f"more than {MAX_SETS_PER_ROW} sets in one row", huge),
            ("0 sets", zero),
        ):
            mask = mask.fillna(False).astype(bool)
            problems.add_mask(reason, mask & ~bad, source_row)
            bad |= mask
        count = sets.value.where(~bad, 1).fillna(1).astype("int64")
    if bad.any():
        frame = frame[~bad]
        count = count[~bad] if count is not None else None
    if count is not None and (count != 1).any():
        frame = frame.loc[frame.index.repeat(count.to_numpy())]
        within = frame.groupby(level=0).cumcount() + 1
    else:
        within = pd.Series(1, index=frame.index, dtype="int64")
    if count is not None:  # there is a sets column (count is set with it)
        frame["set_index"] = within.where(
            count.loc[frame.index].to_numpy() > 1, frame.get("set_no", within)
        )
    elif "set_no" in frame:
        frame["set_index"] = frame["set_no"]
    frame = frame.reset_index(drop=True)
    if "set_index" not in frame or frame["set_index"].isna().any():
        order = _order_within(frame)
        frame["set_index"] = frame["set_index"].fillna(order) if "set_index" in frame else order
    frame = frame.drop(columns=["set_no"], errors="ignore")
    return frame, int((~blank).sum()), notes, tally, weight_unit


class _RowNumbers(NamedTuple):
    """One numeric field per row: value (NaN where empty or bad) and bad (not a number)."""

    value: pd.Series
    bad: pd.Series


def _weight_units(
    col: Coded,
    cell_unit: pd.Series,
    unit_col: Coded | None,
    header_unit: str | None,
    options: ImportOptions,
    index: pd.Index,
) -> tuple[np.ndarray, np.ndarray]:
    """Per row: no unit known, and the unit is pounds (see `_weight_unit`). `cell_unit` is
    the unit of each distinct weight cell; without a unit column the rules run on those."""
    if unit_col is not None:
        cells = pd.Series(cell_unit.array.take(col.codes, allow_fill=True), index=index)
        unit = _weight_unit(cells, unit_col.text(index), header_unit, options)
        return unit.isna().to_numpy(bool), (unit.fillna("kg") == "lb").to_numpy(bool)
    unit = _weight_unit(cell_unit, None, header_unit, options)
    fallback = header_unit if header_unit is not None else options.units  # an empty cell's
    return (
        col.take(unit.isna().to_numpy(bool), fallback is None),
        col.take((unit == "lb").fillna(False).to_numpy(bool), fallback == "lb"),
    )


def _categorical(col: Coded, index: pd.Index, fill: str | None = None) -> pd.Series:
    """A coded column as a categorical Series of its text; empty cells NaN, or `fill`."""
    codes, values = col.codes, col.values
    if fill is not None and (codes < 0).any():
        at = np.flatnonzero((values == fill).to_numpy(bool))
        if at.size:
            codes = np.where(codes < 0, at[0], codes)
        else:
            codes = np.where(codes < 0, len(values), codes)
            values = pd.concat([values, pd.Series([fill], dtype=STR_OBJ)], ignore_index=True)
    dtype = pd.CategoricalDtype(pd.Index(values.array))
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=index)


def _constant(text: str, index: pd.Index) -> pd.Series:
    """`text` on every row, as a one-category categorical Series."""
    dtype = pd.CategoricalDtype(pd.Index(pd.array([text], dtype=STR_OBJ)))
    return pd.Series(
        pd.Categorical.from_codes(np.zeros(len(index), dtype=np.int8), dtype=dtype), index=index
    )


def _fill_down(dates: np.ndarray, written: np.ndarray) -> np.ndarray:
    """Each row's date, or for a row whose date cell is empty the date of the last row above
    that wrote one (NaT before the first)."""
    if written.all():
        return dates
    last = np.maximum.accumulate(np.where(written, np.arange(len(dates)), -1))
    return np.where(last >= 0, dates[np.maximum(last, 0)], np.datetime64("NaT"))


def _order_within(frame: pd.DataFrame) -> pd.Series:
    """1-based position of each row among the rows of the same athlete, time and exercise
    (keys: the categorical codes and the time's integer value, no text hashed).

    Logs write an exercise's sets together, so rows come in runs of one key: the position is
    the place in the run plus the rows of the same key in earlier runs, which takes a
    grouping of the runs rather than of every row."""
    keys = [
        frame["athlete"].cat.codes.to_numpy(),
        frame["performed_at"].to_numpy().view("int64"),
        frame["exercise"].cat.codes.to_numpy(),
    ]
    n = len(frame)
    new_run = np.zeros(n, dtype=bool)
    new_run[:1] = True
    changed = np.empty(max(n - 1, 0), dtype=bool)
    for key in keys:
        np.not_equal(key[1:], key[:-1], out=changed)
        new_run[1:] |= changed
    heads = np.flatnonzero(new_run)
    lengths = np.diff(np.append(heads, n))
    earlier = (
        pd.Series(lengths)
        .groupby(_run_keys([key[heads] for key in keys]), sort=False, dropna=False)
        .cumsum()
        .to_numpy()
        - lengths
    )
    # Row i of run r: i + 1 - heads[r] + earlier[r]; the per-run part repeated over the run.
    order = np.repeat(earlier - heads, lengths)
    for start in range(0, n, PIECE_ROWS):
        stop = min(start + PIECE_ROWS, n)
        order[start:stop] += np.arange(start + 1, stop + 1, dtype=np.int64)
    return pd.Series(order, index=frame.index, copy=False)


def _run_keys(keys: list[np.ndarray]) -> np.ndarray | list[np.ndarray]:
    """Integer keys as one int64 key with the same groups (each key as a number from 0, the
    numbers combined positionally), so the grouping hashes one array instead of one per key
    plus their combination; the keys themselves when the combination would not fit."""
    parts: list[tuple[np.ndarray, int]] = []
    size = 1
    for key in keys:
        if key.size == 0:
            return keys
        low, high = int(key.min()), int(key.max())
        if high - low < 2**31:  # category codes: shifted, not hashed
            parts.append((key.astype(np.int64) - low, high - low + 1))
        else:
            found, uniques = pd.factorize(key)
            parts.append((found.astype(np.int64, copy=False), len(uniques)))
        size *= parts[-1][1]
    if size >= 2**62:
        return keys
    combined = np.zeros(keys[0].size, dtype=np.int64)
    for number, count in parts:
        combined *= count
        combined += number
    return combined


#: Cells of a warm-up flag column that mean "yes".
TRUE_WORDS: Final = ("true", "yes", "y", "1", "1.0", "x", "✓", "ja", "oui", "sí", "si")
_THOUSANDS: Final = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"
_CLOCK_FORMATS: Final = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p")


def _without_thousands(col: pd.Series) -> pd.Series:
    """`1,000` / `1,250.5` as `1000` / `1250.5`; other cells untouched (a file that writes
    decimal commas never gets here)."""
    text = as_text(col)
    grouped = text.str.fullmatch(_THOUSANDS).fillna(False).astype(bool)
    if not grouped.any():
        return col
    return col.astype(object).mask(grouped, text.str.replace(",", "", regex=False))


def _add_time_of_day(dates: pd.Series, clock: pd.Series) -> pd.Series:
    """Dates that carry no time of day, plus the clock time of a separate time column
    (`18:30`, `6:30 PM`, a workbook time cell); other dates unchanged."""
    text = clock.str.replace(r"[\u202f\u00a0]", " ", regex=True).str.upper()
    parsed = pd.Series(pd.NaT, index=clock.index, dtype="datetime64[ns]")
    for fmt in _CLOCK_FORMATS:
        parsed = parsed.fillna(pd.to_datetime(text, format=fmt, errors="coerce"))
    offset = parsed - parsed.dt.normalize()
    date_only = dates.notna() & (dates == dates.dt.normalize())
    return dates.where(~(date_only & offset.notna()), dates + offset)


#: "5x5", "4 x 8", "3×10", "5*5", "3x8-10" (the low end of a rep range), "4 sets of 8".
_SCHEME = r"^\s*(?P<sets>\d+)\s*(?:[x×*]|sets? of)\s*(?P<reps>\d+)"


def _scheme(cells: pd.Series) -> pd.DataFrame:
    """Sets and reps from one `sets x reps` cell (NaN where the cell does not read so)."""
    parts = cells.str.extract(_SCHEME, flags=re.IGNORECASE)
    return parts.apply(pd.to_numeric, errors="coerce").astype("float64")


def _weight_unit(
    cell_unit: pd.Series,
    unit_col: pd.Series | None,
    header_unit: str | None,
    options: ImportOptions,
) -> pd.Series:
    """Per-row unit: the cell's own suffix, then a unit column, then the header's unit."""
    unit = cell_unit.copy()
    if unit_col is not None:
        words = (
            unit_col.str.lower()
            .str.strip()
            .map({"kg": "kg", "kgs": "kg", "lb": "lb", "lbs": "lb", "pounds": "lb"})
            .astype(STR_OBJ)
        )
        unit = unit.fillna(words)
    if header_unit is not None:
        unit = unit.fillna(header_unit)
    if options.units is not None:
        unit = unit.fillna(options.units)
    return unit


IMPORTER: Final = GenericImporter()
