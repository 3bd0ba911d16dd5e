"""Cell values: numbers (decimal comma, thousands, a unit or bodyweight word in the cell),
weight and distance units (in a header, a unit column or a cell) and dates (one explicit
format per column, chosen from the data, or the format an app is known to write).

Everything is vectorised over columns; readers of large files call these on a column's
distinct cells (`cells.Coded`) and take the answers back per row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from analyzer.importers.tabular.cells import Coded, as_text, code_cells
from analyzer.importers.timezone import split_offsets, to_local
from analyzer.schema import LB_TO_KG, STR, as_ns

# --- units -------------------------------------------------------------------------------

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

_KG_WORDS: Final = "|".join(w for w, unit in UNIT_WORDS.items() if unit == "kg")
_LB_WORDS: Final = "|".join(w for w, unit in UNIT_WORDS.items() if unit == "lb" and w.isalpha())
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


# --- numbers -----------------------------------------------------------------------------


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
    unit = pd.Series(np.nan, index=text.index, dtype=STR)
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
    unit = unit_word.map(UNIT_WORDS).astype(STR)
    bad = text.notna() & value.isna()
    if allow_units:
        bad |= (unit_word != "") & unit.isna()
    else:
        bad |= unit_word != ""
    if allow_bodyweight:
        bad &= ~text.str.lower().isin(BODYWEIGHT_WORDS).fillna(False)
    value = value.mask(bad)
    return Numbers(value=value, bad=bad.fillna(False).astype(bool), unit=unit)


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


def to_kg(weight: pd.Series, unit: pd.Series) -> pd.Series:
    """Weights in kg given a per-row unit ("kg"/"lb"); unknown units are taken as kg."""
    return weight.where(unit.fillna("kg") != "lb", weight * LB_TO_KG)


# --- dates -------------------------------------------------------------------------------

#: Explicit date formats tried on text cells, in order of preference on a tie. Day-first and
#: month-first slash formats are both listed; the data decides (see `parse_dates`).
GUESSED_DATE_FORMATS: Final[tuple[str, ...]] = (
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
    epoch; other text with the format from `GUESSED_DATE_FORMATS` that reads the most cells. When
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
            for fmt in GUESSED_DATE_FORMATS
        }
        best = max(GUESSED_DATE_FORMATS, key=lambda f: scores[f])
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


def parse_dates_with(
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
