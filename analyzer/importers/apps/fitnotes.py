"""FitNotes (Android) CSV exports.

Variants, from the header:

- `fitnotes-lbs`: `Date,Exercise,Category,Weight (lbs),Reps,Distance,Distance Unit,Time`
- `fitnotes-kgs`: the same with `Weight (kgs)`
- `fitnotes-weight-unit`: `Date,Exercise,Category,Weight,Weight Unit,Reps,...` with `kg`,
  `kgs` or `lbs` per row (a row with no unit takes `--units`, default kg)

Dates are days only (`YYYY-MM-DD`), so `performed_at` is midnight and the workout is empty.
There is no set number: `set_index` is the order of rows within a day and exercise. Weight 0
is a bodyweight set (NaN); reps 0 is a cardio row (NaN). FitNotes does not quote exercise
names, so a name with a comma makes one field too many: those rows are rejoined, not dropped.
An optional `Comment`/`Notes` column becomes the notes.
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
    repair_extra_fields,
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

DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class FitNotesImporter:
    """Detects and reads FitNotes exports."""

    name: str = "fitnotes"

    def detect(self, doc: Document) -> float:
        header = header_fields(doc, lower=True)
        if header[:3] != ["date", "exercise", "category"] or "reps" not in header:
            return 0.0
        weights = [h for h in header if h.startswith("weight")]
        return 0.9 if weights else 0.0

    def read(self, doc: Document, options: ImportOptions) -> ImportResult:
        table = read_table(doc.text or "")
        require(table, ("Date", "Exercise"), path=doc.path, format_name="FitNotes")
        exercise_at = [h.lower() for h in table.header].index("exercise")
        table, repaired = repair_extra_fields(table, exercise_at)
        problems = RowProblems()
        lines = table.lines
        notes: list[str] = []
        if repaired.any():
            notes.append(
                f"{int(repaired.sum())} row(s) with a comma in the exercise name were rejoined"
            )

        weight_col = table.find(
            "Weight (lbs)", "Weight (lb)", "Weight (kgs)", "Weight (kg)", "Weight"
        )
        raw, bad_weight = to_number(table.column(weight_col or "Weight"))
        unit_col = table.find("Weight Unit")
        weight_unit: str | None = None  # rows state their own unit
        if unit_col:
            variant = "fitnotes-weight-unit"
            factor = row_unit_factors(table.column(unit_col), default=unit_factor(options.units))
            weight = raw * factor
        else:
            unit = unit_from_header(weight_col or "")
            variant = {"lb": "fitnotes-lbs", "kg": "fitnotes-kgs"}.get(unit or "", "fitnotes")
            if unit is None:
                unit, note = unstated_unit(
                    raw,
                    units=options.units,
                    kg_note="no weight unit in file: read as kg "
                    "(use --units lb if logged in pounds)",
                )
                notes.append(note)
            weight_unit = unit
            weight = raw * unit_factor(unit)
        weight = zero_to_nan(weight)
        reps, bad_reps = to_number(table.column("Reps"))
        reps = zero_to_nan(reps)
        distance, _ = to_number(table.column("Distance"))
        distance = zero_to_nan(distance * row_distance_factors(table.column("Distance Unit")))
        time = table.column("Time").str.strip()
        duration = pd.to_timedelta(time.where(time != ""), errors="coerce").dt.total_seconds()
        duration = zero_to_nan(duration)

        problems.add_mask("non-numeric weight", bad_weight, lines)
        problems.add_mask("non-numeric reps", bad_reps & ~bad_weight, lines)
        keep = ~(bad_weight | bad_reps)

        stamps = split_offsets(table.column("Date"))
        performed_at, _ = parse_dates_with(stamps.wall, DATE_FORMATS)
        performed_at, zone_notes = to_local(performed_at, stamps, options.tz)
        notes.extend(zone_notes)
        comment = table.find("Comment", "Comments", "Notes", "Note")
        frame = pd.DataFrame(
            {
                "athlete": options.athlete or doc.stem,
                "performed_at": performed_at,
                "exercise": table.column(table.header[exercise_at]),
                "weight_kg": weight,
                "reps": reps,
                "notes": table.column(comment) if comment else "",
                "distance_m": distance,
                "duration_s": duration,
                "source_row": lines,
            },
            index=table.cells.index,
        )[keep]
        frame["set_index"] = (
            frame.groupby(["performed_at", "exercise"], sort=False, dropna=False).cumcount() + 1
        )
        return finish(
            doc,
            frame,
            format_name=variant,
            rows=len(table),
            problems=problems,
            notes=notes,
            weight_unit=weight_unit if weight_unit == "lb" else None,
        )


IMPORTER = FitNotesImporter()
