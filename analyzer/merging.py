"""Many imported files -> one canonical set table.

Two exports of the same lifter (an app's export taken twice, a year apart) are read as one
athlete, and a set found in more than one file is counted once. Clients of one coach often
train the same program on the same days, so the evidence for "same lifter" is the same sets
(date and time, exercise, weight, reps), not merely the same sessions.

The overlap between files is counted from an inverted index (set -> files holding it), so a
folder of n clients costs time in proportion to its sets and their actual overlaps, not n^2
pairwise comparisons.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer.importers import ImportResult

#: Two single-athlete files sharing at least this share of the smaller one's sets are taken
#: as two exports of the same lifter and merged.
SAME_LIFTER_OVERLAP = 0.5
#: ...and hold at least this many distinct sets (a tiny file matches by chance too easily).
MIN_SETS_TO_MERGE = 20
#: Pair rows materialised at once when counting shared sets (bounds memory when many files
#: hold the same sets).
_PAIR_ROWS_PER_CHUNK = 4_000_000


def _dedup_key(sets: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "performed_at": sets["performed_at"],
            "exercise": sets["exercise"].str.casefold(),
            "weight": sets["weight_kg"].round(1),
            "reps": sets["reps"],
        }
    )


def _key_codes(keys: pd.DataFrame) -> np.ndarray:
    """One integer per distinct row of `keys` (missing values are a value like any other)."""
    code = np.zeros(len(keys), np.int64)
    for column in keys.columns:
        part, uniques = pd.factorize(keys[column], use_na_sentinel=False)
        code, _ = pd.factorize(code * np.int64(len(uniques)) + part)
    return code


def _distinct_keys(results: Sequence[ImportResult]) -> tuple[np.ndarray, np.ndarray]:
    """(file position, key code) of every distinct set key of every file, one row each."""
    if not results:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    keys = _dedup_key(pd.concat([r.sets for r in results], ignore_index=True))
    files = np.repeat(np.arange(len(results), dtype=np.int64), [len(r.sets) for r in results])
    pairs = pd.DataFrame({"file": files, "key": _key_codes(keys)}).drop_duplicates()
    return pairs["file"].to_numpy(np.int64), pairs["key"].to_numpy(np.int64)


def shared_counts(results: Sequence[ImportResult]) -> tuple[np.ndarray, dict[tuple[int, int], int]]:
    """Distinct set keys per file, and (file i, file j) -> keys both hold, for every pair of
    files (i < j, positions in `results`) that share at least one."""
    files, keys = _distinct_keys(results)
    per_file = np.bincount(files, minlength=len(results)).astype(np.int64)
    if len(files) == 0:
        return per_file, {}
    order = np.lexsort((files, keys))
    files, keys = files[order], keys[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    shared: dict[tuple[int, int], int] = {}
    multi = sizes > 1  # keys held by one file pair with nothing
    starts, sizes = starts[multi], sizes[multi]
    if len(starts) == 0:
        return per_file, shared
    cost = np.cumsum(sizes.astype(np.int64) ** 2)
    bounds = np.searchsorted(
        cost, np.arange(_PAIR_ROWS_PER_CHUNK, cost[-1] + 1, _PAIR_ROWS_PER_CHUNK), side="right"
    )
    total = pd.Series(dtype="int64")
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(starts)], strict=True):
        if lo >= hi:
            continue
        s, n = starts[lo:hi], sizes[lo:hi]
        # every ordered pair (a, b) of files within each key's run
        group = np.repeat(np.arange(len(s)), n * n)
        offset = np.arange(int((n * n).sum())) - np.repeat(np.cumsum(n * n) - n * n, n * n)
        a = files[s[group] + offset // n[group]]
        b = files[s[group] + offset % n[group]]
        keep = a < b
        counted = (
            pd.Series(1, index=pd.MultiIndex.from_arrays([a[keep], b[keep]]))
            .groupby(level=[0, 1])
            .size()
        )
        total = counted if total.empty else total.add(counted, fill_value=0)
    counts = total.astype("int64")
    for (i, j), n_shared in zip(counts.index, counts, strict=True):  # index: (file, file) pairs
        shared[(int(i), int(j))] = int(n_shared)
    return per_file, shared


def merge_sources(results: Sequence[ImportResult]) -> tuple[pd.DataFrame, int, list[str]]:
    """One set table from many files: overlapping exports of the same lifter are merged under
    one athlete name, and exact duplicate sets across files are counted once.

    Returns (sets, duplicates dropped, notes for the user)."""
    notes: list[str] = []
    tables = [r.sets for r in results]
    if not tables:
        raise ValueError("no import results")
    sets = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0].copy(deep=False)
    if len(tables) == 1:
        return sets, 0, notes

    single = [r for r in results if len(r.report.athletes) == 1 and len(r.sets)]
    per_file, shared = shared_counts(single)
    rename: dict[str, str] = {}
    by_size = sorted(range(len(single)), key=lambda i: -len(single[i].sets))
    rank = {file: position for position, file in enumerate(by_size)}
    # candidate pairs in the order a pairwise scan (largest file first) would meet them
    candidates = sorted(
        ((i, j) if rank[i] < rank[j] else (j, i) for (i, j) in shared),
        key=lambda pair: (rank[pair[0]], rank[pair[1]]),
    )
    for big_i, small_i in candidates:
        big, small = single[big_i], single[small_i]
        n_small = int(per_file[small_i])
        overlap = shared[(min(big_i, small_i), max(big_i, small_i))] / n_small
        name_big = rename.get(big.report.athletes[0], big.report.athletes[0])
        name_small = small.report.athletes[0]
        named_by_file = name_small == Path(small.report.path).stem
        fresh = name_small not in rename and name_small != name_big and named_by_file
        if overlap >= SAME_LIFTER_OVERLAP and fresh and n_small >= MIN_SETS_TO_MERGE:
            rename[name_small] = name_big
            notes.append(
                f"{Path(small.report.path).name} and {Path(big.report.path).name} share "
                f"{overlap:.0%} of their sets: read as one lifter, {name_big!r}"
            )
    if rename:
        sets["athlete"] = sets["athlete"].replace(rename)

    key = _dedup_key(sets)
    key["athlete"] = sets["athlete"]
    key["file"] = sets["source_file"]
    cols = ["athlete", "performed_at", "exercise", "weight", "reps"]
    key["occurrence"] = key.groupby(["file", *cols], dropna=False).cumcount()
    duplicated = key.duplicated(subset=[*cols, "occurrence"], keep="first")
    dropped = int(duplicated.sum())
    if dropped:
        notes.append(f"{dropped} duplicate sets found in more than one file were counted once")
    return sets[~duplicated].reset_index(drop=True), dropped, notes
