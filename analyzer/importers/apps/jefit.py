"""JEFIT's CSV export (Settings -> Data Controls -> Export Data).

No real export was at hand; the layout here is assembled from JEFIT's export as described by
public converters (JeFit2Hevy and others), and the fixture in tests/golden is hand-made to it:
- The file is several tables, each introduced by a marker line `### NAME ####...` and
  separated by blank lines and lines of `#` only; each section has its own header row.
- `### EXERCISE LOGS ###` has one row per exercise per session with header
  `USERID,TIMESTAMP,belongSys,logs,_id,record,mydate,eid,ename,day_item_id,belongsession,...`:
  `mydate` is the local calendar day (YYYY-MM-DD), `ename` the exercise name, and `logs` the
  sets packed as `weightxreps` joined by commas (`"135x10,155x8"`).
- Other sections (`SETTING`, `WORKOUT SESSIONS`, `EXERCISE SET LOGS`, routines) are ignored:
  session start times are Unix seconds with no time zone, so the local day `mydate` is used.

Assumption: the export does not state the weight unit, so `--units` decides, else kg (reported).
One canonical row per packed set; `source_row` is the exercise-log line; a weight of 0
(bodyweight) is stored as NaN. Variant: `jefit`.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
import pandas as pd

from analyzer.errors import UnsupportedLayoutError
from analyzer.importers.canonical import finish
from analyzer.importers.contract import ImportOptions, ImportResult
from analyzer.importers.document import Document
from analyzer.importers.problems import RowProblems
from analyzer.importers.tabular import as_text, parse_numbers, text_grid, to_kg
from analyzer.importers.units import unstated_unit
from analyzer.schema import STR

NAME: Final = "jefit"
SECTION_RE: Final = re.compile(r"^#{3}\s*([A-Za-z][A-Za-z _]*?)\s*#*\s*$")
LOG_SECTION: Final = "EXERCISE LOGS"
REQUIRED: Final = ("mydate", "ename", "logs")


def log_section(text: str) -> tuple[int, str] | None:
    """(physical line number of its first line, text) of the exercise-logs section, with
    `#`-only separator lines blanked; None when the file has no such section."""
    lines = pd.Series(text.splitlines(), dtype=STR)
    names = lines.str.strip().str.extract(SECTION_RE)[0].str.strip().str.upper()
    marker = names.notna()
    inside = (names.ffill() == LOG_SECTION) & ~marker
    positions = np.flatnonzero(inside.fillna(False).to_numpy(dtype=bool))
    if positions.size == 0:
        return None
    chunk = lines.iloc[positions[0] : positions[-1] + 1]
    chunk = chunk.mask(chunk.str.strip().str.fullmatch(r"#+").fillna(False), "")
    return int(positions[0]) + 1, "\n".join(chunk.fillna("").tolist())


class JefitImporter:
    """Reads JEFIT's sectioned export (exercise logs with packed sets)."""

    name = NAME

    def detect(self, doc: Document) -> float:
        if not doc.is_text:
            return 0.0
        head = doc.prefix(200_000)
        if f"### {LOG_SECTION}" in head and all(col in head for col in REQUIRED):
            return 0.95
        return 0.0

    def read(self, doc: Document, options: ImportOptions) -> ImportResult:
        found = log_section(doc.text or "")
        if found is None:
            raise UnsupportedLayoutError(
                "no '### EXERCISE LOGS ###' section",
                path=doc.path,
                hint="export the full JEFIT CSV again",
            )
        first_line, section = found
        grid = text_grid(section, delimiter=",")
        cells = grid.cells
        line_numbers = pd.Series(grid.rows + first_line - 1, index=cells.index)
        texts = cells.apply(as_text)
        nonblank = texts.notna().any(axis=1)
        header_at = int(np.argmax(nonblank.to_numpy())) if nonblank.any() else 0
        header = texts.iloc[header_at].str.lower().tolist() if nonblank.any() else []
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise UnsupportedLayoutError(
                f"JEFIT exercise logs lack column(s) {', '.join(missing)}", path=doc.path
            )
        body = texts.iloc[header_at + 1 :]
        body = body[nonblank.iloc[header_at + 1 :]]
        column = {name: body[header.index(name)] for name in REQUIRED}
        logs = pd.DataFrame(
            {
                "source_row": line_numbers[body.index],
                "performed_at": pd.to_datetime(
                    column["mydate"], format="%Y-%m-%d", errors="coerce"
                ),
                "exercise": column["ename"],
                "packed": column["logs"].fillna(""),
            }
        )
        problems = RowProblems()
        problems.add_mask(
            "exercise log with no sets", logs["packed"] == "", logs["source_row"], listed=False
        )
        sets = logs.assign(packed=logs["packed"].str.split(",")).explode("packed")
        sets = sets[sets["packed"].fillna("").str.strip() != ""]
        parts = sets["packed"].str.strip().str.extract(r"^([^xX]*)[xX](.*)$")
        not_pair = parts[0].isna()
        weight = parse_numbers(parts[0], decimal_comma=False)
        reps = parse_numbers(parts[1], decimal_comma=False)
        problems.add_mask("set not in weight x reps form", not_pair, sets["source_row"])
        problems.add_mask("reps not a number", ~not_pair & reps.bad, sets["source_row"])
        problems.add_mask(
            "weight not a number", ~not_pair & ~reps.bad & weight.bad, sets["source_row"]
        )
        keep = ~(not_pair | reps.bad | weight.bad)
        unit, note = unstated_unit(
            weight.value[keep],
            units=options.units,
            kg_note="JEFIT's export states no weight unit; read as kg (use --units lb for pounds)",
        )
        sets["set_index"] = sets.groupby(level=0).cumcount() + 1
        sets = sets.assign(
            reps=reps.value,
            weight_kg=to_kg(
                weight.value.mask(weight.value == 0), pd.Series(unit, index=sets.index)
            ),
        )[keep].drop(columns=["packed"])
        sets["athlete"] = options.athlete or doc.stem
        return finish(
            doc,
            sets.reset_index(drop=True),
            format_name=NAME,
            rows=len(logs),
            problems=problems,
            notes=[] if options.units else [note],
            weight_unit=unit if unit == "lb" else None,
        )


IMPORTER: Final = JefitImporter()
