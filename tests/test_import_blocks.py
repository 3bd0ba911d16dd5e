"""Wide spreadsheets, Alpha Progression and JEFIT: golden fixtures, real exports counted
independently, and rows looked up by hand in the real files."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from analyzer.importers import ImportOptions, ImportResult
from analyzer.importers.apps.alpha import IMPORTER as ALPHA
from analyzer.importers.apps.jefit import IMPORTER as JEFIT
from analyzer.importers.coach.generic import IMPORTER as GENERIC
from analyzer.importers.coach.wide import IMPORTER as WIDE
from analyzer.schema import LB_TO_KG, is_canonical
from tests.golden_util import GOLDEN, load, read_golden
from tests.reallogs import REAL_LOGS as REAL
from tests.reallogs import needs_real

WIDE_CSV = REAL / "spreadsheet" / "eddy-cs_data.csv"
WIDE_XLSX = REAL / "spreadsheet" / "eddy-cs_data.xlsx"
ALPHA_CSV = REAL / "alpha_progression" / "ayush-kaushik_2023_03_26_Workouts.csv"


def read(importer: object, path: Path, **opts: object) -> ImportResult:
    options = ImportOptions(**opts)  # type: ignore[arg-type]
    return importer.read(load(path, options), options)  # type: ignore[attr-defined]


# --- golden fixtures ---------------------------------------------------------------------


def test_wide_golden_keeps_every_filled_pair_and_skips_bad_reps() -> None:
    result = read_golden(WIDE, "wide")
    assert result.report.format == "wide-csv"
    assert result.report.skipped_reasons == {"reps not a number": 1}
    assert [p.row for p in result.report.problems] == [9]
    assert any("no weight unit" in n for n in result.report.notes)
    assert is_canonical(result.sets)


def test_wide_units_option_converts_pounds() -> None:
    result = read(WIDE, GOLDEN / "wide.csv", units="lb")
    assert result.sets["weight_kg"].iloc[0] == pytest.approx(100 * LB_TO_KG)
    assert result.report.notes == ()


def test_alpha_golden_units_per_block_bom_nbsp_and_multiline_note() -> None:
    result = read_golden(ALPHA, "alpha_progression")
    assert result.report.format == "alpha-progression"
    assert result.report.rows == 5
    assert result.report.skipped_reasons == {"reps not a number": 1}
    assert [p.row for p in result.report.problems] == [24]


def test_jefit_golden_packed_sets_and_bad_entries() -> None:
    result = read_golden(JEFIT, "jefit")
    assert result.report.format == "jefit"
    assert result.report.rows == 6
    assert result.report.skipped_reasons == {
        "exercise log with no sets": 1,
        "reps not a number": 1,
        "unreadable date": 1,
    }
    assert {p.row for p in result.report.problems} == {21, 23}


@pytest.mark.parametrize(
    ("fixture", "winner"),
    [("wide.csv", WIDE), ("alpha_progression.csv", ALPHA), ("jefit.csv", JEFIT)],
)
def test_detection_prefers_the_specific_importer(fixture: str, winner: object) -> None:
    doc = load(GOLDEN / fixture)
    scores = {imp.name: imp.detect(doc) for imp in (WIDE, ALPHA, JEFIT, GENERIC)}
    assert scores[winner.name] == max(scores.values()) > 0.5  # type: ignore[attr-defined]
    assert sum(s > 0 for s in scores.values()) == 1


# --- real exports --------------------------------------------------------------------------


def independent_wide_cells(rows: list[list[object]]) -> int:
    """Filled (reps, weight) pairs on `SET n` rows: a pair is columns (1, 2), (3, 4), ..."""
    total = 0
    for row in rows:
        if row and isinstance(row[0], str) and row[0].strip().upper().startswith("SET "):
            for r, w in zip(row[1::2], row[2::2], strict=False):
                total += any(v not in (None, "") for v in (r, w))
    return total


@needs_real
def test_real_wide_csv_keeps_every_filled_cell() -> None:
    rows = list(csv.reader(io.StringIO(WIDE_CSV.read_text("utf-8"))))
    expected = independent_wide_cells(rows)
    assert expected == 125  # as stated in SOURCES.md
    result = read(WIDE, WIDE_CSV)
    assert result.report.sets == expected
    assert result.report.format == "wide-csv"
    sets = result.sets
    # Line 5: `SET 1,17,70,...` under Hip Thrust; first pair dated 2022-01-15.
    first = sets[(sets["source_row"] == 5) & (sets["date"] == "2022-01-15")].iloc[0]
    assert (first["exercise"], first["reps"], first["weight_kg"]) == ("Hip Thrust", 17, 70)
    # Line 23 (`SET 1,12,,12,,12,...` under Dumbbell Curls): reps without weight = bodyweight.
    curls = sets[sets["source_row"] == 23]
    assert curls["exercise"].unique().tolist() == ["Dumbbell Curls"]
    assert curls["weight_kg"].isna().all() and curls["reps"].tolist() == [12, 12, 12]
    assert sets["date"].min() == pd.Timestamp("2022-01-15")
    assert sets["date"].max() == pd.Timestamp("2022-03-29")
    assert sets["date"].nunique() == 10


@needs_real
def test_real_wide_xlsx_matches_its_cells() -> None:
    import openpyxl

    book = openpyxl.load_workbook(WIDE_XLSX, read_only=True, data_only=True)
    rows = [list(r) for r in book["Workout A"].iter_rows(values_only=True)]
    book.close()
    expected = independent_wide_cells(rows)
    result = read(WIDE, WIDE_XLSX)
    assert result.report.sets == expected == 125
    assert result.report.format == "wide-xlsx"
    assert set(result.sets["workout"]) == {"Workout A"}
    row5 = result.sets[result.sets["source_row"] == 5]
    assert row5["reps"].iloc[0] == 17 and row5["weight_kg"].iloc[0] == 70


@needs_real
def test_real_alpha_keeps_every_set_row() -> None:
    text = ALPHA_CSV.read_bytes().decode("utf-8-sig")
    set_line = re.compile(r"^\d+,[\d.]*,\d*$")
    expected = sum(bool(set_line.match(line)) for line in text.split("\n"))
    assert expected == 393
    result = read(ALPHA, ALPHA_CSV)
    assert result.report.sets == expected
    assert result.report.skipped == 0
    sets = result.sets
    assert not sets["exercise"].str.match(r"^\d+\.").any()
    # Line 9: `1,27.5,20`, first set of "1. Twist Curls with Rope Cable" on 2023-03-24 7:26 pm.
    first = sets[sets["source_row"] == 9].iloc[0]
    assert first["exercise"] == "Twist Curls with Rope Cable"
    assert first["performed_at"] == pd.Timestamp("2023-03-24 19:26")
    assert first["weight_kg"] == pytest.approx(27.5 * LB_TO_KG)
    assert (first["reps"], first["workout"], first["notes"]) == (20, "Arms", "Superset 1")
    # Line 683: `1,50,20` under "1. Flys Cable" whose note spans two lines.
    flys = sets[sets["source_row"] == 683].iloc[0]
    assert flys["exercise"] == "Flys Cable"
    assert flys["notes"] == "Used machine anchor: 3"
    assert flys["performed_at"] == pd.Timestamp("2023-01-25 08:11")
    pullups = sets[sets["exercise"] == "Pull-Ups with Wide Overhand Grip Bodyweight"]
    assert len(pullups) > 0 and pullups["weight_kg"].isna().all()
    assert sets["performed_at"].min() == pd.Timestamp("2023-01-03 08:11")
    assert sets["performed_at"].max() == pd.Timestamp("2023-03-24 19:26")
    assert sets["performed_at"].nunique() == 35


@needs_real
def test_real_files_are_not_claimed_by_other_importers() -> None:
    assert GENERIC.detect(load(ALPHA_CSV)) == 0
    assert GENERIC.detect(load(WIDE_CSV)) == 0
    assert JEFIT.detect(load(ALPHA_CSV)) == 0
    assert WIDE.detect(load(ALPHA_CSV)) == 0
