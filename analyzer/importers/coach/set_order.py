"""Set positions for rows that do not number their sets: the place of each row among the
rows of the same athlete, time and exercise, computed over runs of equal keys (logs write an
exercise's sets together) rather than by grouping every row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.importers.tabular import PIECE_ROWS


def order_within(frame: pd.DataFrame) -> pd.Series:
    """1-based position of each row among the rows of the same athlete, time and exercise
    (keys: the categorical codes and the time's integer value, no text hashed).

    Logs write an exercise's sets together, so rows come in runs of one key: the position is
    the place in the run plus the rows of the same key in earlier runs, which takes a
    grouping of the runs rather than of every row."""
    keys = [
        frame["athlete"].cat.codes.to_numpy(),
        frame["performed_at"].to_numpy().view("int64"),
        frame["exercise"].cat.codes.to_numpy(),
    ]
    n = len(frame)
    new_run = np.zeros(n, dtype=bool)
    new_run[:1] = True
    changed = np.empty(max(n - 1, 0), dtype=bool)
    for key in keys:
        np.not_equal(key[1:], key[:-1], out=changed)
        new_run[1:] |= changed
    heads = np.flatnonzero(new_run)
    lengths = np.diff(np.append(heads, n))
    earlier = (
        pd.Series(lengths)
        .groupby(run_keys([key[heads] for key in keys]), sort=False, dropna=False)
        .cumsum()
        .to_numpy()
        - lengths
    )
    # Row i of run r: i + 1 - heads[r] + earlier[r]; the per-run part repeated over the run.
    order = np.repeat(earlier - heads, lengths)
    for start in range(0, n, PIECE_ROWS):
        stop = min(start + PIECE_ROWS, n)
        order[start:stop] += np.arange(start + 1, stop + 1, dtype=np.int64)
    return pd.Series(order, index=frame.index, copy=False)


def run_keys(keys: list[np.ndarray]) -> np.ndarray | list[np.ndarray]:
    """Integer keys as one int64 key with the same groups (each key as a number from 0, the
    numbers combined positionally), so the grouping hashes one array instead of one per key
    plus their combination; the keys themselves when the combination would not fit."""
    parts: list[tuple[np.ndarray, int]] = []
    size = 1
    for key in keys:
        if key.size == 0:
            return keys
        low, high = int(key.min()), int(key.max())
        if high - low < 2**31:  # category codes: shifted, not hashed
            parts.append((key.astype(np.int64) - low, high - low + 1))
        else:
            found, uniques = pd.factorize(key)
            parts.append((found.astype(np.int64, copy=False), len(uniques)))
        size *= parts[-1][1]
    if size >= 2**62:
        return keys
    combined = np.zeros(keys[0].size, dtype=np.int64)
    for number, count in parts:
        combined *= count
        combined += number
    return combined
