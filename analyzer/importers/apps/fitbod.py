"""Fitbod (iOS) `WorkoutExport.csv`.

Header `Date,Exercise,Reps,Weight(kg),Duration(s),Distance(m),Incline,Resistance,isWarmup,
Note,multiplier` (a `Weight(lbs)` header is honoured too; older exports without
`multiplier`, or with times lacking the offset, read the same). Dates carry a zone offset
(`2021-01-17 22:14:35 +0000`, Fitbod writes UTC); they are converted to the lifter's local
wall-clock time (`ImportOptions.tz`, else this computer's zone; see `importers.timezone`)
and the offset dropped, and the report says so. Times without an offset are local already
and kept as written. Numbers may have leading spaces; blank lines are not records.

There is no workout id: the sets of one workout share one timestamp. Workouts are listed
newest first, but the sets inside a workout are in the order done (warm-ups first), so
`set_index` is the file order within timestamp and exercise. `multiplier` (implements per
set: 2 for a dumbbell pair, 0 for cardio) is kept. Weight 0 is bodyweight (NaN); reps 0 is a
timed or cardio set (NaN); `isWarmup` true makes a warm-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analyzer.importers.canonical import finish
from analyzer.importers.contract import ImportOptions, ImportResult
from analyzer.importers.document import Document
from analyzer.importers.problems import RowProblems
from analyzer.importers.tabular import (
    header_fields,
    parse_dates_with,
    read_table,
    require,
    to_number,
    unit_factor,
    unit_from_header,
    zero_to_nan,
)
from analyzer.importers.timezone import split_offsets, to_local

#: Formats of the date cells once their offset is split off (`split_offsets`).
DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")

#: Headers every Fitbod export has; `multiplier` came later and may be missing.
MARKERS = {"date", "exercise", "reps", "iswarmup"}


@dataclass(frozen=True)
class FitbodImporter:
    """Detects and reads Fitbod exports."""

    name: str = "fitbod"

    def detect(self, doc: Document) -> float:
        names = header_fields(doc, lower=True)
        if set(names) >= MARKERS and any(n.startswith("weight") for n in names):
            return 0.95
        return 0.0

    def read(self, doc: Document, options: ImportOptions) -> ImportResult:
        table = read_table(doc.text or "")
        require(table, ("Date", "Exercise"), path=doc.path, format_name="Fitbod")
        problems = RowProblems()
        lines = table.lines

        weight_col = next((h for h in table.header if h.lower().startswith("weight")), "Weight")
        raw, bad_weight = to_number(table.column(weight_col))
        weight = zero_to_nan(raw * unit_factor(unit_from_header(weight_col) or "kg"))
        reps, bad_reps = to_number(table.column("Reps"))
        reps = zero_to_nan(reps)
        duration, _ = to_number(table.column(table.find("Duration(s)", "Duration") or ""))
        distance, _ = to_number(table.column(table.find("Distance(m)", "Distance") or ""))
        multiplier, _ = to_number(table.column("multiplier"))
        warmup = table.column("isWarmup").str.strip().str.lower().isin(("true", "1", "yes"))

        problems.add_mask("non-numeric weight", bad_weight, lines)
        problems.add_mask("non-numeric reps", bad_reps & ~bad_weight, lines)
        keep = ~(bad_weight | bad_reps)

        stamps = split_offsets(table.column("Date"))
        performed_at, _ = parse_dates_with(stamps.wall, DATE_FORMATS)
        performed_at, notes = to_local(performed_at, stamps, options.tz)
        frame = pd.DataFrame(
            {
                "athlete": options.athlete or doc.stem,
                "performed_at": performed_at,
                "exercise": table.column("Exercise"),
                "weight_kg": weight,
                "reps": reps,
                "set_type": warmup.map({True: "warmup", False: "normal"}),
                "notes": table.column("Note"),
                "distance_m": zero_to_nan(distance),
                "duration_s": zero_to_nan(duration),
                "multiplier": multiplier,
                "source_row": lines,
            },
            index=table.cells.index,
        )[keep]
        frame["set_index"] = (
            frame.groupby(["performed_at", "exercise"], sort=False, dropna=False).cumcount() + 1
        )
        return finish(
            doc, frame, format_name="fitbod", rows=len(table), problems=problems, notes=notes
        )


IMPORTER = FitbodImporter()
