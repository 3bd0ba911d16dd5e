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

from analyzer.importers.base import (
    Document,
    ImportOptions,
    ImportResult,
    RowProblems,
    finish,
)
from analyzer.importers.csvtext import (
    DISTANCE_M,
    Table,
    distance_unit_from_header,
    join_text,
    parse_dates,
    read_table,
    require,
    row_distance_factors,
    row_unit_factors,
    split_header,
    to_number,
    unit_factor,
    unit_from_header,
    zero_to_nan,
)

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

#: Set Order markers -> set_type (numbers are normal sets).
SET_MARKERS: dict[str, str] = {
    "w": "warmup", "warm_up": "warmup", "warmup": "warmup",
    "f": "failure", "failure": "failure",
    "d": "drop", "drop": "drop", "dropset": "drop", "drop_set": "drop",
}

#: Set Order values that are not sets at all (rest timers, exercise notes).
NON_SET_MARKERS: tuple[str, ...] = ("rest timer", "note")

DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class StrongImporter:
    """Detects and reads Strong exports."""

    name: str = "strong"

    def detect(self, doc: Document) -> float:
        header = _header(doc)
        if header is None:
            return 0.0
        names = {h.lower() for h in header}
        if {"exercise name", "set order"} <= names or {"运动名称", "设置顺序"} <= set(header):
            return 0.95
        return 0.0

    def read(self, doc: Document, options: ImportOptions) -> ImportResult:
        table = read_table(doc.text or "")
        was_zh = any(h in ZH_HEADERS for h in table.header)
        table = _translate(table)
        require(table, ("Date", "Exercise Name", "Set Order"), path=doc.path,
                format_name="Strong")
        variant = "strong-zh" if was_zh else _variant(table)
        problems = RowProblems()
        notes: list[str] = []
        cells = table.cells
        lines = table.lines

        low = table.column("Set Order").str.strip().str.lower()
        non_set = low.isin(NON_SET_MARKERS)
        for marker in NON_SET_MARKERS:
            label = "Rest Timer" if marker == "rest timer" else "Note"
            problems.add_mask(f"non-set row ({label})", low == marker, lines, listed=False)

        weight, bad_weight = _weights(table, variant, options, notes)
        reps, bad_reps = to_number(table.column("Reps"))
        rpe, _ = to_number(table.column("RPE"))
        seconds, _ = to_number(table.column("Seconds"))
        distance = _distance_m(table, variant, options)

        if variant in ("strong-legacy", "strong-zh", "strong-2016"):
            weight = zero_to_nan(weight)
            reps = zero_to_nan(reps)
        seconds = zero_to_nan(seconds)
        distance = zero_to_nan(distance)

        problems.add_mask("non-numeric weight", bad_weight & ~non_set, lines)
        problems.add_mask("non-numeric reps", bad_reps & ~bad_weight & ~non_set, lines)
        keep = ~(non_set | bad_weight | bad_reps)

        set_type = low.map(SET_MARKERS).fillna("normal")
        note_text = join_text([table.column("Notes"), table.column("Workout Notes")])
        if variant in ("strong-legacy", "strong-zh"):
            note_text = note_text.str.replace("\\n", "\n", regex=False)

        performed_at, _fmt = parse_dates(table.column("Date"), DATE_FORMATS)
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
        return finish(doc, frame, format_name=variant, rows=len(table), problems=problems,
                      notes=notes)


def _header(doc: Document) -> list[str] | None:
    head = doc.head_lines(1)
    if not head:
        return None
    return split_header(head[0])


def _translate(table: Table) -> Table:
    """Chinese headers renamed to their English legacy names (other headers untouched)."""
    if not any(h in ZH_HEADERS for h in table.header):
        return table
    header = [ZH_HEADERS.get(h, h) for h in table.header]
    cells = table.cells.rename(columns=ZH_HEADERS)
    return Table(header, cells, table.lines, table.nfields, table.delimiter, table.header_line)


def _variant(table: Table) -> str:
    names = set(table.header)
    if table.has("Weight Unit"):
        return "strong-semicolon-unit"
    if any(h.startswith("Weight (") for h in names) or "Workout #" in names:
        return "strong-2025"
    if "Weight" not in names and any(unit_from_header(h) for h in names if len(h) <= 4):
        return "strong-2016"
    return "strong-legacy"


def _weights(table: Table, variant: str, options: ImportOptions,
             notes: list[str]) -> tuple[pd.Series, pd.Series]:
    """Weight in kg and the mask of non-numeric weights, for the variant."""
    if variant == "strong-semicolon-unit":
        raw, bad = to_number(table.column("Weight"))
        default = unit_factor(options.units)
        factor = row_unit_factors(table.column("Weight Unit"), default=default)
        return raw * factor, bad
    header_unit = [(h, unit_from_header(h)) for h in table.header
                   if h.lower().startswith("weight") or h.lower() in ("kg", "kgs", "lb", "lbs")]
    stated = [(h, u) for h, u in header_unit if u]
    if stated:
        col, unit = stated[0]
        raw, bad = to_number(table.column(col))
        return raw * unit_factor(unit), bad
    raw, bad = to_number(table.column("Weight"))
    unit = options.units or "kg"
    if options.units is None:
        notes.append("no weight unit in file: read as kg (use --units lb if logged in pounds)")
    else:
        notes.append(f"no weight unit in file: read as {unit} (from --units)")
    return raw * unit_factor(unit), bad


def _distance_m(table: Table, variant: str, options: ImportOptions) -> pd.Series:
    """Distance in metres: from the header's unit, the per-row unit, or the app unit."""
    if variant == "strong-semicolon-unit":
        raw, _ = to_number(table.column("Distance"))
        return raw * row_distance_factors(table.column("Distance Unit"),
                                          default=DISTANCE_M["km"])
    for h in table.header:
        if h.lower().startswith("distance") or h.lower() in ("km", "mi", "miles", "m"):
            unit = distance_unit_from_header(h)
            raw, _ = to_number(table.column(h))
            if unit is None:
                unit = "mi" if options.units == "lb" else "km"
            return raw * DISTANCE_M[unit]
    return pd.Series(np.nan, index=table.cells.index, dtype="float64")


IMPORTER = StrongImporter()
