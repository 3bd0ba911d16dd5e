"""The generic reader's field readers: one coach table below its header into canonical
columns, a short function per field (dates, names, reps, weight, RPE, set type, set counts).

Each mapped column is cleaned once into a `Coded` column (`Body`); numbers, dates and words
are read from its distinct cells and taken back per row, and name columns stay categorical
(`conform` turns them into strings). Rows a reader cannot use are recorded in the
`RowProblems` and dropped; the order in which readers record them is the order of the
fields in `read_sets`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, NamedTuple

import numpy as np
import pandas as pd

from analyzer.importers.coach.per_set import long_per_set, per_set_columns
from analyzer.importers.coach.set_order import order_within
from analyzer.importers.contract import ImportOptions
from analyzer.importers.headers import Column
from analyzer.importers.problems import RowProblems
from analyzer.importers.tabular import (
    Coded,
    Grid,
    Numbers,
    as_text,
    code_cells,
    decimal_comma_vote,
    decimal_tally,
    number_cells,
    parse_dates,
    parse_numbers,
)
from analyzer.importers.units import unstated_unit
from analyzer.schema import LB_TO_KG, SET_TYPE_DTYPE, STR, WARMUP_WORDS

MAX_SETS_PER_ROW: Final = 100
#: Spellings of a per-row unit column's cells (other cells state no unit).
UNIT_COLUMN_WORDS: Final = {"kg": "kg", "kgs": "kg", "lb": "lb", "lbs": "lb", "pounds": "lb"}
#: Fields whose cells vote on whether the file writes decimal commas.
NUMBER_FIELDS: Final = ("weight", "reps", "rpe", "rir", "sets")
_KG_ASSUMED: Final = "no weight unit stated; read as kg (use --units lb for pounds)"


class SheetSets(NamedTuple):
    """One table read by `read_sets`."""

    frame: pd.DataFrame  # canonical columns, before `finish`
    rows: int  # data records read (blank rows excluded)
    notes: list[str]
    #: `decimal_tally` of the mapped columns below the header; None when per-set groups
    #: were read into new columns.
    tally: tuple[int, int] | None
    #: "lb" when every weight is in pounds (stated, or read so by `units.unstated_unit`
    #: when no row states a unit), else None.
    weight_unit: str | None


class _RowNumbers(NamedTuple):
    """One numeric field per row: value (NaN where empty or bad) and bad (not a number)."""

    value: pd.Series
    bad: pd.Series


@dataclass(frozen=True)
class Body:
    """The mapped columns of one table below its header, each cleaned once (blank rows
    left out): what every field reader reads."""

    coded: dict[str, Coded]
    index: pd.Index
    source_row: pd.Series  # the file's row (or line) of each data row
    decimal_comma: bool  # the number cells write decimals with a comma

    def per_row(self, col: Coded, per_value: np.ndarray, fill: object) -> pd.Series:
        """A Series over the body's rows from one entry per distinct cell of `col`."""
        return pd.Series(col.take(per_value, fill), index=self.index, copy=False)

    def per_value(self, field: str, **kw: bool) -> tuple[Coded, Numbers] | None:
        """The field's distinct cells read as numbers (one entry per distinct cell)."""
        if field not in self.coded:
            return None
        col = self.coded[field]
        raw = col.values if self.decimal_comma else _without_thousands(col.values)
        return col, parse_numbers(raw, decimal_comma=self.decimal_comma, **kw)

    def numbers(self, field: str) -> _RowNumbers | None:
        """The field's numbers per row (units are only read for weights)."""
        found = self.per_value(field)
        if found is None:
            return None
        col, per = found
        return _RowNumbers(
            value=self.per_row(col, per.value.to_numpy("float64"), np.nan),
            bad=self.per_row(col, per.bad.to_numpy(bool), False),
        )


def read_sets(
    grid: Grid,
    header_row: int,
    columns: Mapping[str, Column],
    athlete: str,
    options: ImportOptions,
    problems: RowProblems,
) -> SheetSets:
    """One grid below its header row into canonical set rows (see `SheetSets`); bad rows
    are recorded in `problems` and dropped."""
    groups = per_set_columns(grid.cells.iloc[header_row].tolist())
    if groups:
        grid, columns = long_per_set(grid, header_row, dict(columns), groups, problems)
        header_row = 0
    body = read_body(grid, header_row, columns)
    tally = None if groups else decimal_tally(list(body.coded.values()))
    frame = pd.DataFrame(index=body.index)
    frame["source_row"] = body.source_row
    frame["exercise"] = _categorical(body.coded["exercise"], body.index)
    frame["performed_at"], notes = read_dates(body, options.tz)
    for field, names in read_names(body, athlete).items():
        frame[field] = names
    bad = pd.Series(False, index=body.index)
    reps = body.numbers("reps")
    if reps is not None:
        frame["reps"] = reps.value
        bad = _record(problems, "reps not a number", reps.bad, bad, body.source_row)
    weight = read_weight(body, columns["weight"].unit if "weight" in columns else None, options)
    if weight is not None:
        frame["weight_kg"] = weight.kg
        bad = _record(problems, "weight not a number", weight.bad, bad, body.source_row)
        notes.extend(weight.notes)
    rpe = read_rpe(body)
    if rpe is not None:
        frame["rpe"] = rpe
    set_no, set_type = read_set_types(body)
    if set_no is not None:
        frame["set_no"] = set_no
    if set_type is not None:
        frame["set_type"] = set_type
    count, bad = read_set_counts(body, frame, problems, bad)
    if bad.any():
        frame = frame[~bad]
        count = count[~bad] if count is not None else None
    unit = weight.unit if weight is not None else None
    return SheetSets(number_sets(frame, count), len(body.index), notes, tally, unit)


def read_body(grid: Grid, header_row: int, columns: Mapping[str, Column]) -> Body:
    """The mapped columns below `header_row` as a `Body`: rows with every mapped cell empty
    are left out, and the number cells' decimal mark is voted on."""
    body = grid.cells.iloc[header_row + 1 :]
    lines = grid.rows[header_row + 1 :]
    coded = {field: code_cells(body[col.index]) for field, col in columns.items()}
    index = body.index
    del body
    blank = np.zeros(len(index), dtype=bool)
    if all(c.codes.size and c.codes.min() < 0 for c in coded.values()):  # else none blank
        blank = np.logical_and.reduce([c.codes < 0 for c in coded.values()])
    if blank.any():
        index, lines = index[~blank], lines[~blank]
        coded = {f: c.subset(~blank) for f, c in coded.items()}
    comma = decimal_comma_vote([coded[f] for f in NUMBER_FIELDS if f in coded])
    return Body(coded, index, pd.Series(lines, index=index, dtype="int64"), comma)


def read_dates(body: Body, tz: str | None) -> tuple[pd.Series, list[str]]:
    """Each row's `performed_at` and the notes on how dates were read: one format for the
    column, an empty date cell taking the date above, a time column adding the time of
    day (`tz`: the zone for dates with a UTC offset)."""
    notes: list[str] = []
    date = body.coded["date"]
    dates = parse_dates(date.values, weights=date.counts(), tz=tz)
    filled = _fill_down(
        date.take(dates.values.to_numpy("datetime64[ns]"), np.datetime64("NaT")), date.codes >= 0
    )
    empty_date = date.codes < 0
    if (empty_date & ~np.isnat(filled) & (body.coded["exercise"].codes >= 0)).any():
        notes.append("rows with an empty date took the date from the row above")
    performed = pd.Series(filled, index=body.index, dtype="datetime64[ns]", copy=False)
    if "time" in body.coded:
        performed = _add_time_of_day(performed, body.coded["time"].text(body.index))
    notes.extend(dates.notes)
    return performed, notes


def read_names(body: Body, athlete: str) -> dict[str, pd.Series]:
    """`athlete` (the column, empty cells `athlete`; else `athlete` on every row),
    `workout` and `notes` (empty when the table has no such column), as categoricals."""
    index = body.index
    out = {
        "athlete": (
            _categorical(body.coded["athlete"], index, fill=athlete)
            if "athlete" in body.coded
            else _constant(athlete, index)
        )
    }
    for field in ("workout", "notes"):
        out[field] = (
            _categorical(body.coded[field], index) if field in body.coded else _constant("", index)
        )
    return out


class Weights(NamedTuple):
    """The weight column read: kilograms per row, the rows whose cell is not a weight, the
    unit shown ("lb" when every weight is in pounds, else None) and notes on the unit."""

    kg: pd.Series
    bad: pd.Series
    unit: str | None
    notes: list[str]


def read_weight(body: Body, header_unit: str | None, options: ImportOptions) -> Weights | None:
    """The weight column in kilograms (None without one). The unit of a row is the cell's
    own (`60 kg`), a unit column's, the header's (`header_unit`), `--units`; when none
    says, the file's numbers decide (`units.unstated_unit`), with a note."""
    found = body.per_value("weight", allow_units=True, allow_bodyweight=True)
    if found is None:
        return None
    col, per = found
    value = body.per_row(col, per.value.to_numpy("float64"), np.nan)
    wrong = body.per_row(col, per.bad.to_numpy(bool), False)
    missing, pounds = _weight_units(
        col, per.unit, body.coded.get("unit"), header_unit, options, body.index
    )
    notes: list[str] = []
    weight_unit: str | None = None
    weighed = value.notna().to_numpy(bool)
    if (missing & weighed).any():
        unit, note = unstated_unit(per.value, counts=col.counts(), units=None, kg_note=_KG_ASSUMED)
        if unit == "lb" and not (weighed & ~missing).any():  # no row states a unit
            pounds, weight_unit = missing | pounds, "lb"
        else:
            note = _KG_ASSUMED
        notes.append(note)
    elif weighed.any() and pounds[weighed].all():
        weight_unit = "lb"
    kg = value.where(~pounds, value * LB_TO_KG) if pounds.any() else value
    return Weights(kg, wrong, weight_unit, notes)


def read_rpe(body: Body) -> pd.Series | None:
    """RPE per row: the RPE column, else (or where it is empty) 10 - RIR; None without
    either column. Cells that are not numbers are left empty, not skipped."""
    rpe, rir = body.numbers("rpe"), body.numbers("rir")
    if rir is None:
        return None if rpe is None else rpe.value
    from_rir = 10 - rir.value
    return from_rir if rpe is None else rpe.value.fillna(from_rir)


def read_set_types(body: Body) -> tuple[np.ndarray | None, pd.Categorical | None]:
    """The set number a `set` column writes (None without one) and the set type: warm-up
    where the set cell is a warm-up word (`W`, `warmup`) or a warm-up column says yes
    (None with neither column)."""
    set_cells = body.coded.get("set")
    warm = np.zeros(len(body.index), dtype=bool)
    set_no = None
    if set_cells is not None:
        words = set_cells.values.str.lower().isin(WARMUP_WORDS).to_numpy(bool)
        warm |= set_cells.take(words, False)
        set_no = set_cells.take(number_cells(set_cells.values).to_numpy("float64"), np.nan)
    if "warmup" in body.coded:
        flag = body.coded["warmup"].values.str.lower().str.strip()
        warm |= body.coded["warmup"].take(
            flag.isin(TRUE_WORDS + WARMUP_WORDS).to_numpy(bool), False
        )
    if set_cells is None and "warmup" not in body.coded:
        return set_no, None
    return set_no, pd.Categorical.from_codes(warm.astype(np.int8), dtype=SET_TYPE_DTYPE)


def read_set_counts(
    body: Body, frame: pd.DataFrame, problems: RowProblems, bad: pd.Series
) -> tuple[pd.Series | None, pd.Series]:
    """How many sets each row stands for (a `sets` column, or a `5x5` scheme cell, whose
    reps fill `frame["reps"]` when there is no reps column), and the rows bad now: a
    count that is not a whole number from 1 to `MAX_SETS_PER_ROW` is a row problem.
    None without either column."""
    scheme_text = body.coded["scheme"].text(body.index) if "scheme" in body.coded else None
    scheme = _scheme(scheme_text) if scheme_text is not None else None
    if scheme is not None and scheme_text is not None:
        unreadable = scheme["sets"].isna() & scheme_text.notna()
        bad = _record(problems, "sets x reps not like 5x5", unreadable, bad, body.source_row)
        if "reps" not in frame:
            frame["reps"] = scheme["reps"]
    sets = body.numbers("sets")
    if sets is None and scheme is not None:
        sets = _RowNumbers(value=scheme["sets"], bad=pd.Series(False, index=body.index))
    if sets is None:
        return None, bad
    for reason, mask in _count_problems(sets):
        bad = _record(problems, reason, mask.fillna(False).astype(bool), bad, body.source_row)
    return sets.value.where(~bad, 1).fillna(1).astype("int64"), bad


def _count_problems(sets: _RowNumbers) -> list[tuple[str, pd.Series]]:
    """(reason, mask) of set counts that cannot be meant, in the order they are reported."""
    negative = sets.value < 0
    return [
        ("sets not a number", sets.bad),
        ("negative sets", negative),
        ("sets not a whole number", (sets.value % 1 != 0) & ~negative),
        (f"more than {MAX_SETS_PER_ROW} sets in one row", sets.value > MAX_SETS_PER_ROW),
        ("0 sets", sets.value == 0),
    ]


def _record(
    problems: RowProblems, reason: str, mask: pd.Series, bad: pd.Series, rows: pd.Series
) -> pd.Series:
    """Record the rows of `mask` not already bad under `reason`; the rows bad now."""
    problems.add_mask(reason, mask & ~bad, rows)
    return bad | mask


def number_sets(frame: pd.DataFrame, count: pd.Series | None) -> pd.DataFrame:
    """The good rows with a row per set (a row standing for `count` sets repeated) and
    `set_index`: the position within a repeated row, else the set column's number, else
    the position among the rows of the same athlete, time and exercise."""
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
        order = order_within(frame)
        frame["set_index"] = frame["set_index"].fillna(order) if "set_index" in frame else order
    return frame.drop(columns=["set_no"], errors="ignore")


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
            values = pd.concat([values, pd.Series([fill], dtype=STR)], ignore_index=True)
    dtype = pd.CategoricalDtype(pd.Index(values.array))
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=index)


def _constant(text: str, index: pd.Index) -> pd.Series:
    """`text` on every row, as a one-category categorical Series."""
    dtype = pd.CategoricalDtype(pd.Index(pd.array([text], dtype=STR)))
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
        words = unit_col.str.lower().str.strip().map(UNIT_COLUMN_WORDS).astype(STR)
        unit = unit.fillna(words)
    if header_unit is not None:
        unit = unit.fillna(header_unit)
    if options.units is not None:
        unit = unit.fillna(options.units)
    return unit
