"""Fitbod (iOS) `WorkoutExport.csv`.

Header `Date,Exercise,Reps,Weight(kg),Duration(s),Distance(m),Incline,Resistance,isWarmup,
Note,multiplier` (a `Weight(lbs)` header is honoured too; older exports without
`multiplier`, or with times lacking the offset, read the same). Dates carry a zone offset
(`2021-01-17 22:14:35 +0000`); they are converted to UTC and the offset dropped, so
`performed_at` is the UTC wall clock the file states (Fitbod writes `+0000`, so this is the
time as written). Numbers may have leading spaces; blank lines are not records.

There is no workout id: the sets of one workout share one timestamp. Workouts are listed
newest first, but the sets inside a workout are in the order done (warm-ups first), so
`set_index` is the file order within timestamp and exercise. `multiplier` (implements per
set: 2 for a dumbbell pair, 0 for cardio) is kept. Weight 0 is bodyweight (NaN); reps 0 is a
timed or cardio set (NaN); `isWarmup` true makes a warm-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analyzer.importers.base import Document, ImportOptions, ImportResult, RowProblems, finish
from analyzer.importers.csvtext import (
    header_fields,
    parse_dates,
    read_table,
    require,
    to_number,
    unit_factor,
    unit_from_header,
    zero_to_nan,
)

DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S%z",
                                 "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S",
                                 "%Y-%m-%dT%H:%M:%S")

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

        performed_at, _ = parse_dates(table.column("Date"), DATE_FORMATS, utc=True)
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
        frame["set_index"] = frame.groupby(["performed_at", "exercise"], sort=False,
                                           dropna=False).cumcount() + 1
        return finish(doc, frame, format_name="fitbod", rows=len(table), problems=problems,
                      notes=["dates converted to UTC wall-clock time (offset dropped)"])


IMPORTER = FitbodImporter()
