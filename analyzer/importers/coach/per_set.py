"""Coach sheets that give each set its own column group (`Set 1 Reps`, `Set 1 Weight`,
`Set 2 Reps`, ... or `Set 1`, `Set 2` cells written weight x reps, `100x5`, `60kg x 8`,
`BW x 10`): found from the header, and turned into one row per filled group so the generic
field readers read them like any other table.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
import pandas as pd

from analyzer.importers.headers import Column, match_cell
from analyzer.importers.problems import RowProblems
from analyzer.importers.tabular import Grid, as_text

#: Headers naming one set's column group: `Set 1 Reps`, `Satz 2`, `S3 Weight`, `Reps 1`.
_SET_WORDS: Final = r"set|satz|serie|série|series|s"
_PER_SET_HEADER: Final = re.compile(
    rf"^(?:(?:{_SET_WORDS})\s*#?\s*(?P<n>\d{{1,2}})\b\s*(?P<rest>.*)"
    rf"|(?P<rest2>.*?)\s*(?:(?:{_SET_WORDS})\s*#?\s*)?(?P<n2>\d{{1,2}}))$",
    re.IGNORECASE,
)
#: One set written in one cell, weight x reps: `100x5`, `60 kg x 8`, `BW x 10`, `62,5×5`.
_WEIGHT_X_REPS: Final = (
    r"^\s*(?P<weight>(?:[-+]?\d+(?:[.,]\d+)?\s*(?:kgs?|lbs?)?)|bw|bodyweight)"
    r"\s*[x×*]\s*(?P<reps>\d+)\s*$"
)


def per_set_columns(header: list[object]) -> dict[int, dict[str, Column]]:
    """Set number -> {"reps"|"weight"|"cell": Column} for headers naming one set's group;
    empty unless at least two set numbers are found."""
    groups: dict[int, dict[str, Column]] = {}
    for index, cell in enumerate(header):
        if cell is None or (isinstance(cell, float) and pd.isna(cell)):
            continue
        text = " ".join(str(cell).strip().split())
        found = _PER_SET_HEADER.match(text)
        if not found or text.isdigit():
            continue
        number = int(found["n"] or found["n2"])
        rest = (found["rest"] if found["n"] else found["rest2"]) or ""
        field, unit = match_cell(rest) if rest.strip() else ("cell", None)
        if field in ("reps", "weight", "cell"):
            groups.setdefault(number, {}).setdefault(
                field, Column(index=index, header=str(cell).strip(), unit=unit)
            )
    return groups if len(groups) >= 2 else {}


def long_per_set(
    grid: Grid,
    header_row: int,
    columns: dict[str, Column],
    groups: dict[int, dict[str, Column]],
    problems: RowProblems,
) -> tuple[Grid, dict[str, Column]]:
    """The table with one row per filled set group (reps, weight and set number in three
    new columns at the right), rows in file order; the columns map points at them."""
    body = grid.cells.iloc[header_row + 1 :]
    rows = pd.Series(grid.rows[header_row + 1 :], index=body.index, dtype="int64")
    width = grid.cells.shape[1]
    parts: list[pd.DataFrame] = []
    for number, group in sorted(groups.items()):
        reps = as_text(body[group["reps"].index]) if "reps" in group else None
        weight = as_text(body[group["weight"].index]) if "weight" in group else None
        if "cell" in group:
            cell = as_text(body[group["cell"].index])
            split = cell.str.extract(_WEIGHT_X_REPS, flags=re.IGNORECASE)
            unreadable = cell.notna() & split["reps"].isna()
            problems.add_mask("set cell not like 100x5 (weight x reps)", unreadable, rows)
            reps = split["reps"] if reps is None else reps.fillna(split["reps"])
            weight = split["weight"] if weight is None else weight.fillna(split["weight"])
        filled = pd.Series(False, index=body.index)
        for part in (reps, weight):
            if part is not None:
                filled |= part.notna()
        extra = pd.DataFrame(
            {
                width: reps if reps is not None else np.nan,
                width + 1: weight if weight is not None else np.nan,
                width + 2: number,
                width + 3: rows,
            },
            index=body.index,
        )
        parts.append(pd.concat([body, extra], axis=1)[filled])
    long = pd.concat(parts).sort_index(kind="stable")
    header = grid.cells.iloc[[header_row]].reindex(columns=long.columns)
    cells = pd.concat([header, long], ignore_index=True)
    line = np.concatenate(([grid.rows[header_row]], long[width + 3].to_numpy(np.int64)))
    weight_unit = next((g["weight"].unit for g in groups.values() if "weight" in g), None)
    mapped = {f: c for f, c in columns.items() if f not in ("reps", "weight", "set", "sets")}
    mapped["reps"] = Column(width, "reps", None)
    mapped["weight"] = Column(width + 1, "weight", weight_unit)
    mapped["set"] = Column(width + 2, "set", None)
    return Grid(cells.drop(columns=[width + 3]), line, grid.delimiter, grid.name), mapped
