"""Wide hand-kept spreadsheets: one reps/weight column pair per session date.

Layout (as in the Eddy-cs sheet): an optional title row; a pair row whose first cell is a label
such as `Reps/Weight` followed by `R,W,R,W,...`; a dates row (`Dates,2022-01-15,,2022-01-20,...`,
the date on the R or W column of its pair); then exercise-name rows, each followed by `SET n`
rows holding reps and weight per session. Every filled cell pair is one set; empty pairs are
sets not done; reps without weight is a bodyweight set (NaN weight).

Variants `wide-csv` and `wide-xlsx`. The unit is not stated in this layout: `--units`, else kg
(reported). Athlete: `--athlete`, else the file stem; a workbook's non-default sheet name is
taken as the workout name (the sample's sheet is `Workout A`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from analyzer.importers.canonical import finish
from analyzer.importers.contract import ImportOptions, ImportResult
from analyzer.importers.document import Document, head_of
from analyzer.importers.problems import RowProblems
from analyzer.importers.tabular import (
    Grid,
    as_text,
    document_grids,
    is_default_sheet_name,
    parse_dates,
    parse_numbers,
    text_grid,
    to_kg,
)
from analyzer.importers.units import unstated_unit

NAME: Final = "wide"
REPS_MARKS: Final = ("r", "reps", "rep", "wdh")
WEIGHT_MARKS: Final = ("w", "weight", "kg", "lb", "lbs", "load")
SET_LABEL: Final = r"^set\s*#?\s*(\d+)$"
SCAN_ROWS: Final = 15


@dataclass(frozen=True)
class Layout:
    """Where the parts of one wide grid are: pair row, dates row, and R/W column pairs."""

    pair_row: int
    date_row: int
    reps_cols: np.ndarray
    weight_cols: np.ndarray


def find_layout(cells: pd.DataFrame) -> Layout | None:
    """Locate the R/W pair row (at least two pairs) and the dates row below it."""
    head = cells.head(SCAN_ROWS)
    for row in range(len(head) - 1):
        marks = as_text(head.iloc[row, 1:]).str.lower()
        reps_cols = marks.index[marks.isin(REPS_MARKS).fillna(False).to_numpy()].to_numpy()
        if len(reps_cols) < 2:
            continue
        weight_next = marks.reindex(reps_cols + 1).isin(WEIGHT_MARKS).fillna(False).to_numpy()
        if weight_next.mean() < 0.9:
            continue
        reps_cols = reps_cols[weight_next]
        return Layout(row, row + 1, reps_cols, reps_cols + 1)
    return None


def _grids(doc: Document) -> tuple[list[Grid], str]:
    """The grids a wide layout may be in (every sheet, or the text), and the variant."""
    if doc.sheets is not None:
        return document_grids(doc), "wide-xlsx"
    return [text_grid(doc.text or "")], "wide-csv"


class WideImporter:
    """Reads the wide reps/weight-pair layout."""

    name = NAME

    def detect(self, doc: Document) -> float:
        if doc.sheets is not None:
            grids = [cells.head(SCAN_ROWS + 10) for cells in doc.sheets.values()]
        else:
            head = head_of(doc.source, lambda _: True, SCAN_ROWS + 10)
            grids = [text_grid("\n".join(head)).cells]
        for cells in grids:
            layout = find_layout(cells)
            if layout is None:
                continue
            labels = as_text(cells.iloc[layout.date_row + 1 :, 0]).str.lower()
            if labels.str.fullmatch(SET_LABEL).fillna(False).any():
                return 0.9
        return 0.0

    def read(self, doc: Document, options: ImportOptions) -> ImportResult:
        grids, variant = _grids(doc)
        problems = RowProblems()
        frames: list[pd.DataFrame] = []
        rows = 0
        notes: list[str] = []
        for grid in grids:
            layout = find_layout(grid.cells)
            if layout is None:
                continue
            frame, n_rows, date_notes = read_grid(
                grid.cells, grid.rows, layout, problems, tz=options.tz
            )
            notes.extend(date_notes)
            sheet = grid.name
            frame["workout"] = sheet if sheet and not is_default_sheet_name(sheet) else ""
            frames.append(frame)
            rows += n_rows
        frame = (
            pd.concat(frames, ignore_index=True)
            if frames
            else pd.DataFrame(columns=["performed_at", "exercise", "source_row", "weight", "reps"])
        )
        unit, note = unstated_unit(
            frame["weight"],
            units=options.units,
            kg_note="this layout states no weight unit; read as kg (use --units lb)",
        )
        if options.units is None and frame["weight"].notna().any():
            notes.append(note)
        frame["weight_kg"] = to_kg(frame["weight"], pd.Series(unit, index=frame.index))
        frame["athlete"] = options.athlete or doc.stem
        return finish(
            doc,
            frame.drop(columns=["weight"]),
            format_name=variant,
            rows=rows,
            problems=problems,
            notes=list(dict.fromkeys(notes)),
            weight_unit=unit if unit == "lb" else None,
        )


def read_grid(
    cells: pd.DataFrame,
    line_numbers: np.ndarray,
    layout: Layout,
    problems: RowProblems,
    *,
    tz: str | None = None,
) -> tuple[pd.DataFrame, int, tuple[str, ...]]:
    """Long table of every filled (reps, weight) pair under `layout`, the number of `SET n`
    rows read, and notes on the dates (`tz`: the zone for dates with a UTC offset)."""
    body = cells.iloc[layout.date_row + 1 :]
    label = as_text(body[0])
    set_no = label.str.lower().str.extract(SET_LABEL)[0]
    is_set = set_no.notna()
    exercise = label.where(~is_set & label.notna()).ffill()
    set_rows = body[is_set.to_numpy()]
    n, p = len(set_rows), len(layout.reps_cols)
    date_cells = cells.iloc[layout.date_row]
    pair_dates = as_text(date_cells.iloc[layout.reps_cols]).fillna(
        as_text(date_cells.iloc[layout.weight_cols]).set_axis(layout.reps_cols)
    )
    dates = parse_dates(pair_dates.set_axis(range(p)), tz=tz)
    long = pd.DataFrame(
        {
            "source_row": np.repeat(line_numbers[set_rows.index.to_numpy()], p),
            "exercise": np.repeat(exercise[is_set].to_numpy(), p),
            "set_index": np.repeat(pd.to_numeric(set_no[is_set]).to_numpy(), p),
            "pair": np.tile(np.arange(p), n),
            "reps_raw": set_rows[layout.reps_cols].to_numpy().ravel(),
            "weight_raw": set_rows[layout.weight_cols].to_numpy().ravel(),
        }
    )
    reps = parse_numbers(long["reps_raw"], decimal_comma=False)
    weight = parse_numbers(long["weight_raw"], decimal_comma=False, allow_bodyweight=True)
    filled = as_text(long["reps_raw"]).notna() | as_text(long["weight_raw"]).notna()
    problems.add_mask("reps not a number", filled & reps.bad, long["source_row"])
    problems.add_mask("weight not a number", filled & weight.bad & ~reps.bad, long["source_row"])
    keep = filled & ~reps.bad & ~weight.bad
    long["reps"], long["weight"] = reps.value, weight.value
    long["performed_at"] = dates.values.to_numpy()[long["pair"].to_numpy()]
    out = long[keep].sort_values(["pair", "source_row"], kind="stable")
    out = out.drop(columns=["pair", "reps_raw", "weight_raw"]).reset_index(drop=True)
    return out, n, dates.notes


IMPORTER: Final = WideImporter()
