"""Strong (iOS/Android) CSV exports, every layout the app has written.

Variants, told apart by the header only:

- `strong-2025`: `"Workout #";"Date";...;"Weight (kg)";...;"Distance (meters)"` - semicolons,
  everything quoted, unit in the header; `Set Order` may be `W`/`F`/`D` (or spelled out
  `WARM_UP`/`FAILURE`/`DROP`) or a non-set marker (`Rest Timer`, `Note`).
- `strong-semicolon-unit`: `Date;Workout Name;...;Weight;Weight Unit;...;Distance Unit;...` -
  unit per row; a distance with no unit is read as km (the same workouts appear in metres
  in that lifter's later export).
- `strong-legacy`: `Date,Workout Name,Duration,Exercise Name,Set Order,Weight,...` - no unit
  anywhere: weights are in the app's unit, taken from `--units` (default kg, reported);
  distance is read as km (mi with `--units lb`).
- `strong-2016`: `Date,...,Set Order,kg,Reps,km,...` - the unit is the column name.
- `strong-zh`: the legacy layout with Chinese headers (日期, 运动名称, 设置顺序, 重量, ...).
- `strong-localized`: any of the layouts above with headers in another language, recognised
  by structure (see `LAYOUTS`): the column count of a known layout, its date column holding
  `YYYY-MM-DD HH:MM[:SS]` times and its set-order column holding set numbers or markers. The
  columns then take the English names by position; a unit written in a localised weight or
  distance header (`Gewicht (lbs)`) is kept.

Dates may also carry a 12-hour clock (`2024-01-15 6:30:12 PM`, narrow no-break space before
the marker, as newer app versions write). A `Set Order` word the importer does not know on a
row with neither weight nor reps (a localised rest timer or note) is a non-set row.

In the layouts without unit columns, 0 means "not used": weight 0 is bodyweight (NaN) and
reps/distance/seconds 0 are NaN. `set_index` is the order of the set rows within a workout
and exercise in file order (so the 2016 layout's 0-based `Set Order` and the unnumbered
`W`/`F` rows all get 1-based positions). Notes join the set note and the workout note with
" | "; the legacy layout's literal `\\n` becomes a newline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer.importers.canonical import finish
from analyzer.importers.contract import ImportOptions, ImportResult
from analyzer.importers.document import Document
from analyzer.importers.headers import match_row
from analyzer.importers.problems import RowProblems
from analyzer.importers.tabular import (
    DISTANCE_M,
    Table,
    distance_unit_from_header,
    header_fields,
    join_text,
    parse_dates_with,
    read_table,
    require,
    row_distance_factors,
    row_unit_factors,
    to_number,
    unit_factor,
    unit_from_header,
    zero_to_nan,
)
from analyzer.importers.timezone import split_offsets, to_local
from analyzer.importers.units import unstated_unit
from analyzer.schema import SET_TYPE_WORDS

#: Chinese (zh-CN) export headers -> the English legacy names.
ZH_HEADERS: dict[str, str] = {
    "日期": "Date",
    "锻炼名称": "Workout Name",
    "时长": "Duration",
    "运动名称": "Exercise Name",
    "设置顺序": "Set Order",
    "重量": "Weight",
    "次": "Reps",
    "距离": "Distance",
    "秒": "Seconds",
    "备注": "Notes",
    "锻炼备注": "Workout Notes",
}


#: Set Order values that are not sets at all (rest timers, exercise notes).
NON_SET_TYPE_WORDS: tuple[str, ...] = ("rest timer", "note")

DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %I:%M %p",
)

#: The English header of every known layout, by column count; a localised header with the
#: same count (and data shaped like it, see `_structural_layout`) takes these names.
LAYOUTS: dict[int, tuple[str, ...]] = {
    9: (
        "Date",
        "Workout Name",
        "Exercise Name",
        "Set Order",
        "kg",
        "Reps",
        "km",
        "Seconds",
        "Notes",
    ),
    11: (
        "Date",
        "Workout Name",
        "Duration",
        "Exercise Name",
        "Set Order",
        "Weight",
        "Reps",
        "Distance",
        "Seconds",
        "Notes",
        "Workout Notes",
    ),
    12: (
        "Date",
        "Workout Name",
        "Duration",
        "Exercise Name",
        "Set Order",
        "Weight",
        "Reps",
        "Distance",
        "Seconds",
        "Notes",
        "Workout Notes",
        "RPE",
    ),
    13: (
        "Workout #",
        "Date",
        "Workout Name",
        "Duration (sec)",
        "Exercise Name",
        "Set Order",
        "Weight",
        "Reps",
        "RPE",
        "Distance (meters)",
        "Seconds",
        "Notes",
        "Workout Notes",
    ),
    14: (
        "Date",
        "Workout Name",
        "Exercise Name",
        "Set Order",
        "Weight",
        "Weight Unit",
        "Reps",
        "RPE",
        "Distance",
        "Distance Unit",
        "Seconds",
        "Notes",
        "Workout Notes",
        "Workout Duration",
    ),
}

_DATETIME_CELL = r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?"
_ORDER_CELL = r"\w+(?: \w+)?"  # a set number or a one- or two-word marker
_NUMBER_CELL = r"-?\d+(?:[.,]\d+)?"

#: What each layout length behaves like (zeros for "not used", unit columns).
LAYOUT_KIND: dict[int, str] = {
    9: "strong-2016",
    11: "strong-legacy",
    12: "strong-legacy",
    13: "strong-2025",
    14: "strong-semicolon-unit",
}
#: Share of sampled rows that must fit the date and set-order shapes.
STRUCTURE_MIN_SHARE = 0.9
STRUCTURE_SAMPLE_LINES = 60


@dataclass(frozen=True)
class StrongImporter:
    """Detects and reads Strong exports."""

    name: str = "strong"

    def detect(self, doc: Document) -> float:
        header = header_fields(doc)
        if not header:
            return 0.0
        names = {h.lower() for h in header}
        if {"exercise name", "set order"} <= names or _is_zh(header):
            return 0.95
        head = "\n".join(doc.head_lines(STRUCTURE_SAMPLE_LINES))
        if _structural_layout(read_table(head)) is not None:
            return 0.9
        return 0.0

    def read(self, doc: Document, options: ImportOptions) -> ImportResult:
        table = read_table(doc.text or "")
        was_zh = _is_zh(table.header)
        table = _translate(table)
        localized = False
        if not was_zh and table.find("Set Order") is None:
            layout = _structural_layout(table)
            if layout is not None:
                table, localized = _rename(table, layout), True
        require(table, ("Date", "Exercise Name", "Set Order"), path=doc.path, format_name="Strong")
        kind = LAYOUT_KIND[len(table.header)] if localized else _variant(table)
        variant = "strong-zh" if was_zh else "strong-localized" if localized else kind
        problems = RowProblems()
        notes: list[str] = []
        cells = table.cells
        lines = table.lines

        low = table.column("Set Order").str.strip().str.lower()
        non_set = low.isin(NON_SET_TYPE_WORDS)
        for marker in NON_SET_TYPE_WORDS:
            label = "Rest Timer" if marker == "rest timer" else "Note"
            problems.add_mask(f"non-set row ({label})", low == marker, lines, listed=False)

        weight, bad_weight, weight_unit = _weights(table, kind, options, notes)
        reps, bad_reps = to_number(table.column("Reps"))
        rpe, _ = to_number(table.column("RPE"))
        seconds, _ = to_number(table.column("Seconds"))
        distance = _distance_m(table, kind, options)

        if kind in ("strong-legacy", "strong-2016"):
            weight = zero_to_nan(weight)
            reps = zero_to_nan(reps)
        seconds = zero_to_nan(seconds)
        distance = zero_to_nan(distance)

        order_number, _ = to_number(table.column("Set Order"))
        unknown_marker = (
            order_number.isna()
            & (low != "")
            & ~low.isin(SET_TYPE_WORDS)
            & ~non_set
            & weight.isna()
            & reps.isna()
        )
        problems.add_mask("non-set row (other marker)", unknown_marker, lines, listed=False)
        non_set = non_set | unknown_marker

        problems.add_mask("non-numeric weight", bad_weight & ~non_set, lines)
        problems.add_mask("non-numeric reps", bad_reps & ~bad_weight & ~non_set, lines)
        keep = ~(non_set | bad_weight | bad_reps)

        set_type = low.map(SET_TYPE_WORDS).fillna("normal")
        note_text = join_text([table.column("Notes"), table.column("Workout Notes")])
        if kind == "strong-legacy":
            note_text = note_text.str.replace("\\n", "\n", regex=False)

        when = table.column("Date").str.replace("[\u202f\u00a0]", " ", regex=True)
        stamps = split_offsets(when)
        performed_at, _fmt = parse_dates_with(stamps.wall, DATE_FORMATS)
        performed_at, zone_notes = to_local(performed_at, stamps, options.tz)
        notes.extend(zone_notes)
        frame = pd.DataFrame(
            {
                "athlete": options.athlete or doc.stem,
                "performed_at": performed_at,
                "workout": table.column("Workout Name"),
                "exercise": table.column("Exercise Name"),
                "weight_kg": weight,
                "reps": reps,
                "rpe": rpe,
                "set_type": set_type,
                "notes": note_text,
                "distance_m": distance,
                "duration_s": seconds,
                "source_row": lines,
            },
            index=cells.index,
        )[keep]
        workout_key = table.column("Workout #")[keep] if table.has("Workout #") else None
        keys = [frame["performed_at"], frame["workout"], frame["exercise"]]
        if workout_key is not None:
            keys.insert(0, workout_key)
        frame["set_index"] = frame.groupby(keys, sort=False, dropna=False).cumcount() + 1
        return finish(
            doc,
            frame,
            format_name=variant,
            rows=len(table),
            problems=problems,
            notes=notes,
            weight_unit=weight_unit if weight_unit == "lb" else None,
        )


def _is_zh(header: list[str]) -> bool:
    """The Chinese headers (Japanese ones share some characters, such as 重量, so the two
    that only the Chinese export has decide)."""
    return {"运动名称", "设置顺序"} <= set(header)


def _translate(table: Table) -> Table:
    """Chinese headers renamed to their English legacy names (other headers untouched)."""
    if not _is_zh(table.header):
        return table
    header = [ZH_HEADERS.get(h, h) for h in table.header]
    cells = table.cells.rename(columns=ZH_HEADERS)
    return Table(header, cells, table.lines, table.nfields, table.delimiter, table.header_line)


def _structural_layout(table: Table) -> tuple[str, ...] | None:
    """The English header of the known layout this table has the shape of, or None.

    Shape: as many header fields as a layout in `LAYOUTS`, and in the sampled rows the
    layout's date column holds date-times and its set-order column short set numbers or
    marker words, with at least one number among them."""
    layout = LAYOUTS.get(len(table.header))
    if layout is None or table.cells.empty:
        return None
    named = match_row(table.header)
    for field, english in (("exercise", "Exercise Name"), ("reps", "Reps"), ("date", "Date")):
        if field in named and named[field].index != layout.index(english):
            return None  # a coach table whose own headers say otherwise
    sample = table.cells.head(STRUCTURE_SAMPLE_LINES)

    def share(name: str, pattern: str, *, allow_empty: bool = False) -> float:
        cells = sample.iloc[:, layout.index(name)].str.strip()
        fits = cells.str.fullmatch(pattern).fillna(False).astype(bool)
        return float((fits | ((cells == "") & allow_empty)).mean())

    numbered = sample.iloc[:, layout.index("Set Order")].str.strip().str.fullmatch(r"\d{1,3}")
    shaped = (
        share("Date", _DATETIME_CELL) >= STRUCTURE_MIN_SHARE
        and share("Set Order", _ORDER_CELL) >= STRUCTURE_MIN_SHARE
        and share("Reps", _NUMBER_CELL, allow_empty=True) >= STRUCTURE_MIN_SHARE
        and share("Exercise Name", _NUMBER_CELL) == 0.0
        and bool(numbered.fillna(False).any())
    )
    return layout if shaped else None


def _rename(table: Table, layout: tuple[str, ...]) -> Table:
    """`table` with the layout's English names; units stated in the localised weight and
    distance headers go into the new names (`Weight (lb)`, `Distance (mi)`)."""
    names = list(layout)
    for i, (english, original) in enumerate(zip(layout, table.header, strict=True)):
        if english in ("Weight", "kg"):
            unit = unit_from_header(original)
            names[i] = f"Weight ({unit})" if unit else english
        elif english in ("Distance", "Distance (meters)", "km"):
            dist = distance_unit_from_header(original)
            names[i] = f"Distance ({dist})" if dist else english
    positions = dict(zip(table.header, names, strict=True))
    extra = [c for c in table.cells.columns if c not in positions]
    cells = table.cells.set_axis(names + extra, axis=1)
    return Table(names, cells, table.lines, table.nfields, table.delimiter, table.header_line)


def _variant(table: Table) -> str:
    names = set(table.header)
    if table.has("Weight Unit"):
        return "strong-semicolon-unit"
    if any(h.startswith("Weight (") for h in names) or "Workout #" in names:
        return "strong-2025"
    if "Weight" not in names and any(unit_from_header(h) for h in names if len(h) <= 4):
        return "strong-2016"
    return "strong-legacy"


def _weights(
    table: Table, variant: str, options: ImportOptions, notes: list[str]
) -> tuple[pd.Series, pd.Series, str | None]:
    """Weight in kg, the mask of non-numeric weights, and the unit the file is written in
    (None when rows state their own units), for the variant. A file that states no unit is
    read by `units.unstated_unit` (pounds on evidence, with a note)."""
    if variant == "strong-semicolon-unit":
        raw, bad = to_number(table.column("Weight"))
        default = unit_factor(options.units)
        factor = row_unit_factors(table.column("Weight Unit"), default=default)
        return raw * factor, bad, None
    header_unit = [
        (h, unit_from_header(h))
        for h in table.header
        if h.lower().startswith("weight") or h.lower() in ("kg", "kgs", "lb", "lbs")
    ]
    stated = [(h, u) for h, u in header_unit if u]
    if stated:
        col, unit = stated[0]
        raw, bad = to_number(table.column(col))
        return raw * unit_factor(unit), bad, unit
    raw, bad = to_number(table.column("Weight"))
    unit, note = unstated_unit(
        raw,
        units=options.units,
        kg_note="no weight unit in file: read as kg (use --units lb if logged in pounds)",
    )
    notes.append(note)
    return raw * unit_factor(unit), bad, unit


def _distance_m(table: Table, variant: str, options: ImportOptions) -> pd.Series:
    """Distance in metres: from the header's unit, the per-row unit, or the app unit."""
    if variant == "strong-semicolon-unit":
        raw, _ = to_number(table.column("Distance"))
        return raw * row_distance_factors(table.column("Distance Unit"), default=DISTANCE_M["km"])
    for h in table.header:
        if h.lower().startswith("distance") or h.lower() in ("km", "mi", "miles", "m"):
            unit = distance_unit_from_header(h)
            raw, _ = to_number(table.column(h))
            if unit is None:
                unit = "mi" if options.units == "lb" else "km"
            return raw * DISTANCE_M[unit]
    return pd.Series(np.nan, index=table.cells.index, dtype="float64")


IMPORTER = StrongImporter()
