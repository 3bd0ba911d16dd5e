"""The few hot numeric kernels of the load model, each beside its plain reference twin.

A kernel computes its docstring's formula as plainly as its speed allows (numpy, or one
cythonised pandas call); its twin `<name>_reference` computes the same formula the obvious
way (a pandas groupby / rolling, or a loop), slowly. `tests/test_kernels.py` checks every
pair on random inputs (NaNs, empty groups, single rows, ties) within `rtol = 1e-12`: change
a kernel and its twin together. Results are equal within that tolerance, not bit for bit.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd
from pandas.api.indexers import BaseIndexer


def group_bounds(keys: Sequence[np.ndarray]) -> np.ndarray:
    """Start positions of the runs of equal rows over `keys` (integer arrays of one length,
    rows already grouped), plus the total length at the end: run j is rows
    `bounds[j]:bounds[j + 1]`. Row i starts a run when i = 0 or any key[i] != key[i - 1]."""
    n = len(keys[0])
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return np.append(np.flatnonzero(change), n)


def group_bounds_reference(keys: Sequence[np.ndarray]) -> np.ndarray:
    """`group_bounds` row by row: the runs of equal key tuples (`itertools.groupby`)."""
    rows = list(zip(*(key.tolist() for key in keys), strict=True))
    starts = [0]
    for _, run in itertools.groupby(rows):
        starts.append(starts[-1] + len(list(run)))
    return np.array(starts, dtype="int64")


def group_sums(group: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """S[g] = sum of `values[i]` over the rows i with `group[i] == g`, for g = 0..size-1:
    0 for a group without rows, NaN values counted as 0 (as pandas' groupby sum), rows with
    a negative group left out; `group` < `size`. Summed in row order (`np.bincount`): for
    values >= 0 (doses) the relative error is at most a group's row count x machine epsilon."""
    kept = group >= 0
    weights = values[kept]
    weights = np.where(np.isnan(weights), 0.0, weights)
    return np.bincount(group[kept], weights=weights, minlength=size).astype("float64")


def group_sums_reference(group: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """`group_sums` by pandas: a groupby sum reindexed onto 0..size-1."""
    kept = group >= 0
    sums = pd.Series(values[kept], dtype="float64").groupby(group[kept]).sum()
    return sums.reindex(pd.RangeIndex(size), fill_value=0.0).to_numpy(dtype="float64")


class _Bounds(BaseIndexer):
    """Rolling windows given as positions: rows start[i] to end[i] (exclusive) for row i."""

    def __init__(self, start: np.ndarray, end: np.ndarray) -> None:
        super().__init__()
        self.start, self.end = start, end

    def get_window_bounds(
        self,
        num_values: int = 0,
        min_periods: int | None = None,
        center: bool | None = None,
        closed: str | None = None,
        step: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        return self.start, self.end


def trailing_max(
    values: np.ndarray, groups: np.ndarray, at: np.ndarray, window: np.timedelta64
) -> np.ndarray:
    """best[i] = max of `values[j]` over the rows j with groups[j] = groups[i] and
    at[i] - window <= at[j] <= at[i] (rows stamped with the same time see each other; NaN
    values are skipped, NaN where all are NaN). `groups`: non-negative integer codes (the
    largest code x the number of distinct times must fit in int64); `at`: datetime64, no NaT.

    One sort by (group, time rank) makes the rows of one group and one time a run; each run
    is reduced to its max (rows of a run share their answer). A run's window is then a run of
    runs, from the first run of its group at or after at[i] - window to itself, and one
    rolling max over those position bounds replaces a time-based rolling per group."""
    if not len(values):
        return np.empty(0, dtype="float64")
    rank, times = pd.factorize(at, sort=True)
    key = groups.astype("int64") * (len(times) + 1) + rank  # (group, time rank) in one int
    order = np.argsort(key, kind="stable")
    runs = group_bounds([key[order]])  # rows of one group and one time
    run_key = key[order[runs[:-1]]]
    run_max = np.fmax.reduceat(values[order].astype("float64"), runs[:-1])
    # The rank of the earliest time inside each distinct time's window, and the first run of
    # the same group at or after it.
    first_in_window = np.searchsorted(times, times - window, side="left")
    run_rank = rank[order[runs[:-1]]]
    earliest = run_key - run_rank + first_in_window[run_rank]
    start = np.searchsorted(run_key, earliest, side="left")
    end = np.arange(1, len(run_key) + 1)
    best = pd.Series(run_max).rolling(_Bounds(start, end), min_periods=1).max().to_numpy()
    out = np.empty(len(values), dtype="float64")
    out[order] = np.repeat(best, np.diff(runs))
    return out


def trailing_max_reference(
    values: np.ndarray, groups: np.ndarray, at: np.ndarray, window: np.timedelta64
) -> np.ndarray:
    """`trailing_max` by pandas: a time-based `groupby(...).rolling(window, closed="both")`
    max over rows sorted by (group, time), then the max over rows of the same time."""
    frame = pd.DataFrame(
        {
            "group": pd.Series(groups, dtype="int64"),
            "at": pd.Series(at, dtype="datetime64[ns]"),
            "value": pd.Series(values, dtype="float64"),
        }
    ).sort_values(["group", "at"], kind="stable")
    if frame.empty:
        return np.empty(0, dtype="float64")
    rolled = frame.groupby("group", sort=False).rolling(
        pd.Timedelta(window), on="at", closed="both"
    )
    frame["best"] = rolled["value"].max().to_numpy()
    best = frame.groupby(["group", "at"], sort=False)["best"].transform("max")
    return best.sort_index().to_numpy(dtype="float64")


def decayed_sum(values: np.ndarray, segment: np.ndarray, decay: float) -> np.ndarray:
    """R[i] = decay x R[i - 1] + x[i] within each run of equal `segment` codes, R = 0 before
    a run's first row; finite x, 0 < decay < 1 (the model's decays are 0.57-0.94: the relative
    error grows like machine epsilon / decay, as pandas works with 1 - alpha).

    Via pandas' cythonised `ewm(alpha = 1 - decay, adjust=False)` per run with a 0 put in
    front of the run: it gives y[i] = decay x y[i - 1] + alpha x x[i] from y = 0, which is
    alpha x R[i]."""
    runs = group_bounds([segment])
    lengths = np.diff(runs)
    padded = np.insert(values.astype("float64"), runs[:-1], 0.0)
    run = np.repeat(np.arange(len(lengths)), lengths + 1)
    alpha = 1.0 - decay
    ewm = pd.Series(padded, copy=False).groupby(run, sort=False).ewm(alpha=alpha, adjust=False)
    y = ewm.mean().to_numpy(dtype="float64")
    real = np.ones(len(padded), dtype=bool)
    real[runs[:-1] + np.arange(len(lengths))] = False  # the zeros put in front
    return y[real] / alpha


def decayed_sum_reference(values: np.ndarray, segment: np.ndarray, decay: float) -> np.ndarray:
    """`decayed_sum` as its recursion, one row at a time."""
    out = np.empty(len(values), dtype="float64")
    state = 0.0
    for i, x in enumerate(values.tolist()):
        if i > 0 and segment[i] != segment[i - 1]:
            state = 0.0
        state = decay * state + x
        out[i] = state
    return out
