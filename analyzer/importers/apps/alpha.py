"""Alpha Progression's workout export: not a table but blocks of lines.

Per workout: a title line (`Arms`, `"Day 2"`), a start line `"2023-03-24 7:26 pm",51 min`
(12-hour clock, lower-case am/pm, non-breaking spaces), a plan line
(`"Day 3 · Week 1 · Plan_002"`); then per exercise a numbered name line
(`"1. Twist Curls with Rope Cable","Superset 1"`, the second field a superset label or note), a
target line (`"10 reps"`), a sub-header naming the columns and the unit (`#,LBS,REPS` or
`#,KG,REPS`), and one line per set (`1,27.5,20`).

Every line is classified at once (vectorised), then workout, start time, exercise and column
positions are carried forward onto the set lines. Variant name: `alpha-progression`. The "1. "
numbering is stripped from exercise names; the second field goes to `notes`. A logged weight
of 0 (the app's bodyweight exercises) is stored as NaN, like every bodyweight set.
"""

from __future__ import annotations

import re
from typing import Final, cast

import numpy as np
import pandas as pd

from analyzer.importers.canonical import finish
from analyzer.importers.contract import ImportOptions, ImportResult
from analyzer.importers.document import Document
from analyzer.importers.problems import RowProblems
from analyzer.importers.tabular import as_text, parse_numbers, text_grid, to_kg

NAME: Final = "alpha-progression"
START_RE: Final = r"^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2} ?[AaPp][Mm]$"
START_FORMAT: Final = "%Y-%m-%d %I:%M %p"
EXERCISE_RE: Final = r"^\d+\.\s+(.+)$"
WEIGHT_HEADERS: Final[dict[str, str]] = {"lbs": "lb", "lb": "lb", "kg": "kg", "kgs": "kg"}
_DETECT_START: Final = re.compile(r'^"?\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}\s?[ap]m"?,', re.IGNORECASE)
_DETECT_SUBHEADER: Final = re.compile(r"^#,(LBS|KGS?|LB),REPS", re.IGNORECASE)


class AlphaImporter:
    """Reads Alpha Progression's block export."""

    name = NAME

    def detect(self, doc: Document) -> float:
        lines = [ln.replace("\xa0", " ") for ln in doc.head_lines(40)]
        has_start = any(_DETECT_START.match(ln) for ln in lines)
        has_sub = any(_DETECT_SUBHEADER.match(ln) for ln in lines)
        return 0.95 if has_start and has_sub else 0.0

    def read(self, doc: Document, options: ImportOptions) -> ImportResult:
        grid = text_grid((doc.text or "").replace("\xa0", " "), delimiter=",")
        cells = grid.cells.reindex(columns=range(max(grid.cells.shape[1], 3)))
        lines = pd.Series(grid.rows, index=cells.index)
        first = as_text(cells[0])
        start = first.str.fullmatch(START_RE).fillna(False).astype(bool)
        exercise = first.str.extract(EXERCISE_RE)[0]
        is_exercise = exercise.notna() & ~start
        is_sub = (first == "#").fillna(False).astype(bool)
        is_set = first.str.fullmatch(r"\d+").fillna(False).astype(bool) & ~is_sub
        blank = cells.apply(as_text).isna().all(axis=1)

        title_at: pd.Series = pd.Series(np.nan, index=cells.index, dtype="object")
        # The workout title is the last non-blank line before each start line.
        nonblank_pos = np.flatnonzero(~blank.to_numpy())
        start_pos = np.flatnonzero(start.to_numpy())
        before = np.searchsorted(nonblank_pos, start_pos) - 1
        has_title = before >= 0
        title_at.iloc[start_pos[has_title]] = first.iloc[nonblank_pos[before[has_title]]].to_numpy()

        performed = pd.to_datetime(first.where(start), format=START_FORMAT, errors="coerce")
        sub_tokens = cells[is_sub].apply(lambda c: as_text(c).str.lower())
        weight_col = _position(sub_tokens.isin(list(WEIGHT_HEADERS)))
        reps_col = _position(sub_tokens == "reps")
        tokens = sub_tokens.stack()
        assert isinstance(tokens, pd.Series)  # one level of columns: stacked into a Series
        unit = tokens.map(WEIGHT_HEADERS).dropna().groupby(level=0).first()
        ex_note = as_text(cells[1]).str.replace("\n", " ").fillna("")

        carried = pd.DataFrame(
            {
                "workout": title_at.where(start).ffill(),
                "performed_at": performed.where(start).ffill(),
                "exercise": exercise.where(is_exercise).ffill(),
                "notes": ex_note.where(is_exercise).ffill(),
                "weight_col": weight_col.reindex(cells.index).ffill(),
                "reps_col": reps_col.reindex(cells.index).ffill(),
                "unit": unit.reindex(cells.index).where(is_sub).ffill(),
            }
        )
        sets = carried[is_set].copy()
        sets["source_row"] = lines[is_set]
        sets["set_index"] = pd.to_numeric(first[is_set])
        raw = cells[is_set].to_numpy()
        rows_i = np.arange(len(sets))
        w_idx = sets["weight_col"].fillna(1).astype("int64").to_numpy()
        r_idx = sets["reps_col"].fillna(2).astype("int64").to_numpy()
        weights_raw = pd.Series(raw[rows_i, w_idx], index=sets.index)
        reps_raw = pd.Series(raw[rows_i, r_idx], index=sets.index)
        weight = parse_numbers(
            weights_raw.astype("string").str.replace(",", "."), decimal_comma=False
        )
        reps = parse_numbers(reps_raw, decimal_comma=False)
        problems = RowProblems()
        problems.add_mask("reps not a number", reps.bad, sets["source_row"])
        problems.add_mask("weight not a number", weight.bad & ~reps.bad, sets["source_row"])
        keep = ~(reps.bad | weight.bad)
        sets["reps"] = reps.value
        unit_rows = sets["unit"].astype("string")
        sets["weight_kg"] = to_kg(weight.value.mask(weight.value == 0), unit_rows)
        sets = sets[keep].drop(columns=["weight_col", "reps_col", "unit"])
        sets["athlete"] = options.athlete or doc.stem
        notes: list[str] = []
        if unit_rows.isna().any():
            notes.append("some set rows had no LBS/KG sub-header; read as kg")
        return finish(
            doc, sets, format_name=NAME, rows=int(is_set.sum()), problems=problems, notes=notes
        )


def _position(mask: pd.DataFrame) -> pd.Series:
    """Per row, the column index of the first True in `mask` (NaN when none)."""
    hit = mask.fillna(False).to_numpy(dtype=bool)
    pos = pd.Series(hit.argmax(axis=1).astype("float64"), index=mask.index)
    return pos.where(cast(np.ndarray, hit.any(axis=1)))  # 2-D in: an array out


IMPORTER: Final = AlphaImporter()
