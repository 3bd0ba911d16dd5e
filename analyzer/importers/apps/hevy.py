"""Hevy CSV exports.

Header `title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,
set_index,set_type,weight_kg|weight_lbs,reps,distance_km|distance_miles,duration_seconds,rpe`
(quoted or not). The date style depends on the phone's locale and is decided once per file
from the data; the variant names it:

- `hevy-us`: `Jun 11, 2026, 1:01 PM` (12-hour clock)
- `hevy-us-24h`: `Jun 11, 2026, 13:01`
- `hevy-dayfirst`: `5 Dec 2025, 11:37` (24-hour clock, hour not always zero-padded)
- `hevy-iso`: `2025-12-05 11:37:00`

Month names in another language (`5 dic 2025, 11:37`, `5 déc. 2025`, `5 Dez. 2025`) are
read through `MONTHS`. Only `start_time` and `exercise_title` are required (with a set,
reps or weight column to tell the layout): other columns may be missing or in any order.

`set_index` is 0-based in the file and 1-based here; `set_type` `dropset` becomes `drop`;
the workout is the `title`; notes are the exercise notes and the workout description.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer.importers.canonical import finish
from analyzer.importers.contract import ImportOptions, ImportResult
from analyzer.importers.document import Document
from analyzer.importers.problems import RowProblems
from analyzer.importers.tabular import (
    DISTANCE_M,
    distance_unit_from_header,
    header_fields,
    join_text,
    parse_dates_with,
    read_table,
    require,
    to_number,
    unit_factor,
    unit_from_header,
)
from analyzer.importers.timezone import split_offsets, to_local
from analyzer.schema import SET_TYPE_WORDS

#: strftime format -> variant name, in the order tried.
DATE_VARIANTS: dict[str, str] = {
    "%b %d, %Y, %I:%M %p": "hevy-us",
    "%b %d, %Y, %H:%M": "hevy-us-24h",
    "%d %b %Y, %H:%M": "hevy-dayfirst",
    "%Y-%m-%d %H:%M:%S": "hevy-iso",
    "%Y-%m-%dT%H:%M:%S": "hevy-iso",
}

REQUIRED_HEADERS = {"start_time", "exercise_title"}
#: At least one of these must be present as well.
SET_HEADERS = {"set_index", "set_type", "reps", "weight_kg", "weight_lbs"}

#: Month stems in the app's other languages -> English (es, fr, de, it, pt, nl); a word
#: starting with a stem is that month.
MONTHS: dict[str, str] = {
    "ene": "Jan",
    "janv": "Jan",
    "jän": "Jan",
    "gen": "Jan",
    "févr": "Feb",
    "fév": "Feb",
    "fev": "Feb",
    "mrt": "Mar",
    "mars": "Mar",
    "märz": "Mar",
    "mär": "Mar",
    "avr": "Apr",
    "abr": "Apr",
    "mai": "May",
    "mei": "May",
    "mag": "May",
    "juin": "Jun",
    "juni": "Jun",
    "giu": "Jun",
    "juil": "Jul",
    "juli": "Jul",
    "lug": "Jul",
    "août": "Aug",
    "ago": "Aug",
    "sept": "Sep",
    "set": "Sep",
    "okt": "Oct",
    "ott": "Oct",
    "out": "Oct",
    "déc": "Dec",
    "dic": "Dec",
    "dez": "Dec",
    # English stems, for full names (`junio`, `marzo`, `septiembre`, `November`)
    "jan": "Jan",
    "feb": "Feb",
    "mar": "Mar",
    "apr": "Apr",
    "may": "May",
    "jun": "Jun",
    "jul": "Jul",
    "aug": "Aug",
    "sep": "Sep",
    "oct": "Oct",
    "nov": "Nov",
    "dec": "Dec",
}


@dataclass(frozen=True)
class HevyImporter:
    """Detects and reads Hevy exports."""

    name: str = "hevy"

    def detect(self, doc: Document) -> float:
        names = set(header_fields(doc, lower=True))
        return 0.95 if names >= REQUIRED_HEADERS and names & SET_HEADERS else 0.0

    def read(self, doc: Document, options: ImportOptions) -> ImportResult:
        table = read_table(doc.text or "")
        require(table, ("start_time", "exercise_title"), path=doc.path, format_name="Hevy")
        problems = RowProblems()
        lines = table.lines

        weight_col = table.find("weight_kg", "weight_lbs", "weight_lb", "weight")
        raw_weight, bad_weight = to_number(table.column(weight_col or "weight_kg"))
        unit = unit_from_header(weight_col or "") or options.units or "kg"
        weight = raw_weight * unit_factor(unit)
        reps, bad_reps = to_number(table.column("reps"))
        rpe, _ = to_number(table.column("rpe"))
        duration, _ = to_number(table.column("duration_seconds"))
        distance_col = table.find("distance_km", "distance_miles", "distance_mi", "distance_m")
        if distance_col:
            raw_distance, _ = to_number(table.column(distance_col))
            distance = raw_distance * DISTANCE_M[distance_unit_from_header(distance_col) or "km"]
        else:
            distance = pd.Series(np.nan, index=table.cells.index)

        problems.add_mask("non-numeric weight", bad_weight, lines)
        problems.add_mask("non-numeric reps", bad_reps & ~bad_weight, lines)
        keep = ~(bad_weight | bad_reps)

        start = table.column("start_time")
        stamps = split_offsets(start)
        performed_at, fmt = parse_dates_with(stamps.wall, list(DATE_VARIANTS))
        if performed_at.isna().sum() > (start.str.strip() == "").sum():
            english = english_months(stamps.wall)
            retry, retry_fmt = parse_dates_with(english, list(DATE_VARIANTS))
            if retry.notna().sum() > performed_at.notna().sum():
                performed_at, fmt = retry, retry_fmt
        performed_at, zone_notes = to_local(performed_at, stamps, options.tz)
        set_type = (
            table.column("set_type").str.strip().str.lower().map(SET_TYPE_WORDS).fillna("normal")
        )
        index0, _ = to_number(table.column("set_index"))
        frame = pd.DataFrame(
            {
                "athlete": options.athlete or doc.stem,
                "performed_at": performed_at,
                "workout": table.column("title"),
                "exercise": table.column("exercise_title"),
                "set_index": index0 + 1,
                "weight_kg": weight,
                "reps": reps,
                "rpe": rpe,
                "set_type": set_type,
                "notes": join_text([table.column("exercise_notes"), table.column("description")]),
                "distance_m": distance,
                "duration_s": duration,
                "source_row": lines,
            },
            index=table.cells.index,
        )[keep]
        fallback = (
            frame.groupby(
                ["performed_at", "workout", "exercise"], sort=False, dropna=False
            ).cumcount()
            + 1
        )
        frame["set_index"] = frame["set_index"].fillna(fallback)
        notes = [] if weight_col else ["no weight column found: weights left empty"]
        notes.extend(zone_notes)
        return finish(
            doc,
            frame,
            format_name=DATE_VARIANTS[fmt],
            rows=len(table),
            problems=problems,
            notes=notes,
        )


IMPORTER = HevyImporter()


def english_months(cells: pd.Series) -> pd.Series:
    """Date text with the month abbreviations of `MONTHS` (and a dot after them) in
    English, one vectorised replacement per spelling."""
    out = cells.astype("string").fillna("")
    for word, english in sorted(MONTHS.items(), key=lambda kv: -len(kv[0])):
        out = out.str.replace(
            rf"(?i)(?<![^\W\d_]){word}[^\W\d_]*\.?(?![^\W\d_])", english, regex=True
        )
    return out
