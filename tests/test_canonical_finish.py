"""`canonical.finish` checks rows on a staged frame (`schema.stage`) and builds per-row text
only for the rows it keeps (`schema.materialise`). These tests hold it to what conforming
every row first and dropping rows afterwards gives: same rows, values, dtypes and report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyzer.importers.canonical import MAX_NAME_CHARS, finish, implausible
from analyzer.importers.document import Document
from analyzer.importers.problems import RowProblems
from analyzer.importers.tabular import repeated_header_lines
from analyzer.schema import STR, conform, constant_column, is_canonical, materialise, stage

TODAY = date(2026, 3, 1)
HEADER = "date,exercise,reps"
#: Line 4 repeats the header: `finish` relabels it and drops its row.
TEXT = "\n".join([HEADER, "x,y,z", "x,y,z", HEADER, *["x,y,z"] * 20]) + "\n"

EXERCISES = [
    "Squat",
    " Squat",  # cleans to "Squat": one category after cleaning
    "Squat\u200b",  # a zero width space, removed
    "Deadlift\x07",  # a control character, removed from names
    "",  # no exercise name
    "\u200b ",  # empty once cleaned
    None,  # missing
    "x" * (MAX_NAME_CHARS + 1),  # too long
    "Bench Press",
]
WORKOUTS = ["Push", None, " Pull ", "Legs\ufeff"]


def _frame(rows: int, *, seed: int) -> pd.DataFrame:
    """An importer's frame with every case `finish` checks, as object columns."""
    rng = np.random.default_rng(seed)
    when = pd.Series(
        pd.to_datetime("2025-06-01") + pd.to_timedelta(rng.integers(0, 300, rows), "D")
    )
    when[rng.random(rows) < 0.05] = pd.NaT
    when[rng.random(rows) < 0.05] = pd.Timestamp("1960-01-01")
    when[rng.random(rows) < 0.05] = pd.Timestamp("2030-01-01")
    weight = rng.choice([-5.0, 60.0, 100.0, 1500.0, np.nan], rows, p=[0.05, 0.4, 0.4, 0.05, 0.1])
    reps = rng.choice([-1.0, 5.0, 8.0, 2000.0, np.nan], rows, p=[0.05, 0.4, 0.4, 0.05, 0.1])
    return pd.DataFrame(
        {
            "athlete": pd.Series(rng.choice(["Ann", " Ben", "Cy\x00"], rows), dtype=object),
            "performed_at": when,
            "workout": pd.Series(rng.choice(np.array(WORKOUTS, dtype=object), rows)),
            "exercise": pd.Series(rng.choice(np.array(EXERCISES, dtype=object), rows)),
            "set_index": rng.integers(1, 5, rows).astype("float64"),
            "weight_kg": weight,
            "reps": reps,
            "set_type": pd.Series(rng.choice(["normal", "warmup", None], rows), dtype=object),
            "notes": pd.Series(rng.choice(np.array(["", None, "easy "], dtype=object), rows)),
            "source_row": np.arange(2, rows + 2, dtype=np.int64),
        }
    )


def _as_categorical(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with categorical text columns, as the generic (Arrow) reader builds it."""
    text = ["athlete", "workout", "exercise", "notes", "set_type"]
    return frame.assign(**{c: frame[c].astype("category") for c in text})


def _reference_finish(
    doc: Document, frame: pd.DataFrame, problems: RowProblems
) -> tuple[pd.DataFrame, RowProblems]:
    """`finish`'s table and problems as it made them before staging: conform every row, then
    drop rows."""
    sets = conform(frame.assign(source_file=str(doc.path)))
    header_rows = repeated_header_lines(doc.source)
    if header_rows.size:
        problems = problems.relabel(header_rows, "repeated header row")
        sets = sets[~sets["source_row"].isin(header_rows)]
    no_date = sets["performed_at"].isna()
    problems.add_mask("unreadable date", no_date, sets["source_row"])
    no_name = sets["exercise"].isna() | (sets["exercise"].fillna("") == "")
    problems.add_mask("no exercise name", no_name & ~no_date, sets["source_row"])
    drop = no_date | no_name
    long_name = sets["exercise"].str.len().gt(MAX_NAME_CHARS).fillna(False).astype(bool) & ~drop
    if long_name.any():
        problems.add(
            f"exercise name over {MAX_NAME_CHARS} characters",
            np.unique(sets.loc[long_name, "source_row"].to_numpy()),
        )
        drop |= long_name
    for reason, mask in implausible(sets, today=doc.today).items():
        mask = mask & ~drop
        if mask.any():
            problems.add(reason, np.unique(sets.loc[mask, "source_row"].to_numpy()))
        drop |= mask
    return sets[~drop].reset_index(drop=True), problems


def _problems() -> RowProblems:
    problems = RowProblems()
    problems.add("unreadable date", [4])  # the repeated header line, as a reader saw it
    return problems


@pytest.mark.parametrize("categorical", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_finish_equals_conforming_every_row_then_dropping(categorical: bool, seed: int) -> None:
    frame = _frame(400, seed=seed)
    if categorical:
        frame = _as_categorical(frame)
    doc = Document(Path("/logs/some lifter.csv"), text=TEXT, today=TODAY)
    got = finish(doc, frame, format_name="t", rows=len(frame), problems=_problems())
    sets, problems = _reference_finish(doc, frame, _problems())
    assert is_canonical(got.sets)
    assert 0 < len(got.sets) < len(frame)
    pd.testing.assert_frame_equal(got.sets, sets, check_dtype=True, check_exact=True)
    assert got.report.skipped_reasons == dict(sorted(problems.reasons.items()))
    assert got.report.problems == tuple(sorted(problems.listed, key=lambda p: p.row))
    assert got.report.skipped == problems.total
    assert got.report.athletes == ("Ann", "Ben", "Cy")
    assert got.report.skipped_reasons["repeated header row"] == 1
    assert (got.sets["source_file"] == "/logs/some lifter.csv").all()


@pytest.mark.parametrize("categorical", [False, True])
def test_materialise_of_a_filtered_stage_equals_filtering_conform(categorical: bool) -> None:
    frame = _frame(300, seed=7)
    if categorical:
        frame = _as_categorical(frame)
    keep = np.random.default_rng(3).random(len(frame)) < 0.6
    whole = conform(frame)
    pd.testing.assert_frame_equal(
        materialise(stage(frame)[keep]),
        whole[keep].reset_index(drop=True),
        check_dtype=True,
        check_exact=True,
    )
    pd.testing.assert_frame_equal(materialise(stage(frame)), whole, check_exact=True)


def test_stage_merges_cells_that_clean_to_the_same_text() -> None:
    frame = pd.DataFrame(
        {
            "exercise": pd.Categorical(["Squat", " Squat", "Squat\u200b", None]),
            "workout": pd.Categorical(["A", None, "A ", "B"]),
            "notes": pd.Categorical(["", None, "n", "n"]),
            "performed_at": pd.to_datetime(["2025-01-01"] * 4),
        }
    )
    staged = stage(frame)
    assert list(staged["exercise"].cat.categories) == ["Squat"]
    assert staged["exercise"].cat.codes.tolist() == [0, 0, 0, -1]
    table = materialise(staged)
    assert table["exercise"].tolist()[:3] == ["Squat"] * 3
    assert pd.isna(table["exercise"].iloc[3])
    assert table["workout"].tolist() == ["A", "", "A", "B"]  # missing: "" (a new category)
    assert table["notes"].tolist() == ["", "", "n", "n"]  # missing: the "" already there
    assert table["athlete"].isna().all() and table["athlete"].dtype == STR
    assert (table["set_type"] == "normal").all()
    assert is_canonical(table)


def test_constant_column_is_one_code_per_row() -> None:
    col = constant_column("/a/b.csv", pd.RangeIndex(5))
    assert col.cat.codes.dtype == np.int8 and (col.cat.codes == 0).all()
    assert (
        materialise(stage(pd.DataFrame({"source_file": col})))["source_file"].tolist()
        == ["/a/b.csv"] * 5
    )
