"""Row problems: the rows an importer skips, counted per reason and listed (the first
`MAX_LISTED_PROBLEMS`) with their row numbers for the report (`SourceReport.problems`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analyzer.results import Problem

#: How many row problems a source keeps with row numbers (the rest are only counted).
MAX_LISTED_PROBLEMS = 50


@dataclass
class RowProblems:
    """Collects skipped rows by reason, vectorised: pass a boolean mask and the row numbers.

    Non-set rows that an app writes on purpose (Strong's `Rest Timer`) are counted with
    `ignore`, which does not list them as problems.
    """

    reasons: Counter[str] = field(default_factory=Counter)
    listed: list[Problem] = field(default_factory=list)
    #: every recorded row per reason (with its `listed` flag), so `finish` can re-label rows
    rows: dict[str, tuple[list[np.ndarray], bool]] = field(default_factory=dict)

    def add(
        self, reason: str, rows: Iterable[int] | pd.Series | np.ndarray, *, listed: bool = True
    ) -> None:
        arr = np.asarray(
            rows if isinstance(rows, pd.Series | np.ndarray) else list(rows), dtype=np.int64
        )
        if arr.size == 0:
            return
        self.reasons[reason] += int(arr.size)
        self.rows.setdefault(reason, ([], listed))[0].append(arr)
        room = MAX_LISTED_PROBLEMS - len(self.listed)
        if listed and room > 0:
            self.listed.extend(Problem(int(r), reason) for r in arr[:room])

    def add_mask(
        self, reason: str, mask: pd.Series, row_numbers: pd.Series, *, listed: bool = True
    ) -> None:
        """Record every row where `mask` is True."""
        mask = mask.fillna(False).astype(bool)
        if mask.any():
            self.add(reason, row_numbers[mask].to_numpy(), listed=listed)

    @property
    def total(self) -> int:
        return sum(self.reasons.values())

    def relabel(self, rows: np.ndarray, reason: str) -> RowProblems:
        """A copy where every problem on one of `rows` is counted under `reason` instead
        (each such row once), keeping the order in which reasons were first recorded."""
        out = RowProblems()
        moved: list[np.ndarray] = []
        for old, (chunks, listed) in self.rows.items():
            arr = np.concatenate(chunks)
            hit = np.isin(arr, rows)
            moved.append(arr[hit])
            out.add(old, arr[~hit], listed=listed)
        out.add(reason, np.unique(np.concatenate(moved)) if moved else [])
        return out
