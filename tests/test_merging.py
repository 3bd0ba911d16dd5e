"""Merging many files: the inverted-index overlap count against a brute-force pairwise one."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from analyzer import merging
from analyzer.importers import ImportResult, read_log


def _client(path: Path, weeks: range, weight: float, lifts: tuple[str, ...]) -> Path:
    rows = ["date,exercise,sets,reps,weight"]
    start = dt.date(2026, 1, 5)
    for week in weeks:
        for day, lift in enumerate(lifts):
            rows.append(f"{start + dt.timedelta(days=7 * week + 2 * day)},{lift},3,5,{weight}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def results(tmp_path: Path) -> list[ImportResult]:
    """Six single-lifter files: one export twice (whole and its first 8 weeks), a client on the
    same program with other weights, one sharing 40% of its sets, and two unrelated ones."""
    lifts = ("Squat", "Deadlift", "Bench Press")
    files = [
        _client(tmp_path / "ana.csv", range(10), 100, lifts),
        _client(tmp_path / "ana_old.csv", range(8), 100, lifts),
        _client(tmp_path / "ben.csv", range(10), 70, lifts),
        _client(tmp_path / "cy.csv", range(6, 16), 100, lifts),
        _client(tmp_path / "dee.csv", range(8), 50, ("Leg Press", "Chest Supported Row")),
        _client(tmp_path / "eve.csv", range(2), 80, ("Good Morning",)),
    ]
    return [read_log(f) for f in files]


def _brute_force(results: list[ImportResult]) -> dict[tuple[int, int], int]:
    keys = [
        set(map(tuple, merging._dedup_key(r.sets).astype("str").to_numpy().tolist()))
        for r in results
    ]
    return {
        (i, j): len(keys[i] & keys[j])
        for i, j in itertools.combinations(range(len(results)), 2)
        if keys[i] & keys[j]
    }


def test_shared_counts_match_pairwise_intersections(results: list[ImportResult]) -> None:
    per_file, shared = merging.shared_counts(results)
    assert shared == _brute_force(results)
    assert shared[(0, 1)] == len(results[1].sets) // 3  # `3 x 5` rows: one key per row
    assert (0, 2) not in shared and (2, 4) not in shared
    assert list(per_file) == [len(r.sets) // 3 for r in results]


def test_chunked_pair_count_gives_the_same_counts(
    results: list[ImportResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = merging.shared_counts(results)[1]
    monkeypatch.setattr(merging, "_PAIR_ROWS_PER_CHUNK", 3)
    assert merging.shared_counts(results)[1] == expected


def test_merge_joins_only_the_same_lifter(results: list[ImportResult]) -> None:
    sets, dropped, notes = merging.merge_sources(results)
    athletes = set(sets["athlete"])
    assert "ana_old" not in athletes and "ana" in athletes  # half the sets: same lifter
    assert {"ben", "cy", "dee", "eve"} <= athletes  # other weights / 40% shared: others
    assert dropped == len(results[1].sets)  # ana_old's sets are all in ana's export
    assert any("ana_old.csv and ana.csv" in note for note in notes)
