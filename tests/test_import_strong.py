"""Strong importer: every real export layout, hand-made fixtures per variant, and bad rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from analyzer.importers import ImportOptions, ImportResult
from analyzer.importers.apps.strong import IMPORTER
from analyzer.schema import LB_TO_KG, is_canonical
from tests.golden_util import GOLDEN, load, read_golden
from tests.reallogs import REAL_LOGS, needs_real

REAL_STRONG = REAL_LOGS / "strong"


def read(path: Path, **opts: object) -> ImportResult:
    options = ImportOptions(**opts)  # type: ignore[arg-type]
    return IMPORTER.read(load(path, options), options)


def independent_records(path: Path) -> list[tuple[int, list[str]]]:
    """(starting physical line, fields) of every non-blank record, via the csv module."""
    text = path.read_bytes().decode("utf-8")
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out: list[tuple[int, list[str]]] = []
    line = 1
    for row in reader:
        if row:
            out.append((line, row))
        line = reader.line_num + 1
    return out


# --- real exports ---------------------------------------------------------------------

REAL_FILES = {
    "joao-conde_2025_strong_workouts.csv": "strong-2025",
    "cmccorkle21_strong_workouts.csv": "strong-2025",
    "joao-conde_2024_workouts.csv": "strong-semicolon-unit",
    "placy2_strong.csv": "strong-legacy",
    "mlahoz_2017_strong.csv": "strong-2016",
    "dericmei_zh_strong.csv": "strong-zh",
}


@needs_real
@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_real_file_keeps_every_set_row(name: str) -> None:
    path = REAL_STRONG / name
    records = independent_records(path)
    header, body = records[0][1], records[1:]
    order_at = [i for i, h in enumerate(header) if h in ("Set Order", "设置顺序")][0]
    set_lines = [line for line, row in body if row[order_at] not in ("Rest Timer", "Note")]
    non_set = len(body) - len(set_lines)

    assert IMPORTER.detect(load(path)) > 0.5
    result = read(path)
    report = result.report
    assert report.format == REAL_FILES[name]
    assert report.rows == len(body)
    assert report.sets == len(set_lines)
    assert report.skipped == non_set
    assert result.sets["source_row"].tolist() == set_lines
    assert is_canonical(result.sets)
    assert (result.sets["set_index"] >= 1).all()


@needs_real
def test_current_format_markers_and_non_set_rows() -> None:
    result = read(REAL_STRONG / "joao-conde_2025_strong_workouts.csv")
    assert result.report.skipped_reasons == {
        "non-set row (Note)": 6,
        "non-set row (Rest Timer)": 118,
    }
    assert result.report.problems == ()  # non-set rows are expected, not problems
    counts = result.sets["set_type"].value_counts()
    assert counts["warmup"] == 4 and counts["failure"] == 6
    row = result.sets.set_index("source_row").loc[2236]  # looked up by hand
    assert row["exercise"] == "Chest Dip (Assisted)"
    assert row["performed_at"] == pd.Timestamp("2022-10-07 17:50:21")
    assert (row["weight_kg"], row["reps"], row["set_type"]) == (21.0, 9.0, "failure")
    assert row["set_index"] == 3  # after sets "1" and "2" of the same exercise
    cycling = result.sets.set_index("source_row").loc[2]
    assert cycling["distance_m"] == 8000.0


@needs_real
def test_spelled_out_markers_multiline_notes_and_lb_noise() -> None:
    result = read(REAL_STRONG / "cmccorkle21_strong_workouts.csv")
    counts = result.sets["set_type"].value_counts()
    assert counts["warmup"] == 1230 and counts["failure"] == 243
    by_row = result.sets.set_index("source_row")
    assert by_row.loc[1054, "set_type"] == "warmup"
    assert by_row.loc[1054, "weight_kg"] == 2.2679618500000003  # left as the app wrote it
    assert result.sets["notes"].str.contains("\n").any()
    assert result.sets["performed_at"].min() == pd.Timestamp("2020-01-20 11:43:41")
    assert result.sets["date"].max() == pd.Timestamp("2025-09-20")


@needs_real
def test_semicolon_per_row_units() -> None:
    result = read(REAL_STRONG / "joao-conde_2024_workouts.csv")
    by_row = result.sets.set_index("source_row")
    assert by_row.loc[4, "exercise"] == "Chest Press (Machine)"
    assert (by_row.loc[4, "weight_kg"], by_row.loc[4, "reps"]) == (35.0, 12.0)
    assert by_row.loc[2, "distance_m"] == 8000.0  # "8" with no unit: km, as the 2025 export says
    assert pd.isna(by_row.loc[2, "weight_kg"])


@needs_real
def test_legacy_comma_units_default_kg_and_lb_option() -> None:
    path = REAL_STRONG / "placy2_strong.csv"
    kg = read(path)
    assert any("read as kg" in note for note in kg.report.notes)
    deadlift = kg.sets.set_index("source_row").loc[28]
    assert deadlift["exercise"] == "Deadlift (Barbell)" and deadlift["weight_kg"] == 135.0
    lb = read(path, units="lb")
    assert lb.sets.set_index("source_row").loc[28, "weight_kg"] == pytest.approx(135 * LB_TO_KG)
    pull_up = kg.sets.set_index("source_row").loc[3]
    assert pull_up["exercise"] == "Pull Up" and pd.isna(pull_up["weight_kg"])  # 0 = bodyweight
    note = kg.sets.set_index("source_row").loc[4476, "notes"]
    assert "\n\n1 min rest" in note and "\\n" not in note


@needs_real
def test_2016_crlf_zero_based_set_order() -> None:
    result = read(REAL_STRONG / "mlahoz_2017_strong.csv")
    first = result.sets.iloc[0]
    assert (first["exercise"], first["weight_kg"], first["reps"]) == ("Squat", 70.0, 5.0)
    assert first["set_index"] == 1  # Set Order 0 in the file
    assert first["performed_at"] == pd.Timestamp("2016-10-03 19:30:55")
    assert not result.sets["workout"].str.contains("\r").any()
    assert result.report.notes == ()  # the unit is the column name


@needs_real
def test_chinese_headers_first_row() -> None:
    path = REAL_STRONG / "dericmei_zh_strong.csv"
    first = read(path).sets.iloc[0]
    assert first["exercise"] == "Bent Over Row (Barbell)"
    assert first["performed_at"] == pd.Timestamp("2020-09-29 07:10:22")
    assert first["notes"] == "4x8 | 星期二"
    # No unit column, but the weights are exact pound values of round kilograms: pounds.
    result = read(path)
    assert first["weight_kg"] == pytest.approx(20.0, abs=1e-9)  # the app's 20 kg, round-tripped
    assert result.report.weight_unit == "lb"
    (note,) = result.report.notes
    assert note.startswith("no weight unit in file: read as lb because 84% of its weights")
    assert "44.09245244 lb = 20 kg" in note and "--units kg" in note
    as_kg = read(path, units="kg")
    assert as_kg.sets.iloc[0]["weight_kg"] == pytest.approx(44.09245243697551)
    assert as_kg.report.notes == ("no weight unit in file: read as kg (from --units)",)
    # In 2023 the lifter logs plain pounds: a 135 lb bench, never 135 kg.
    bench = result.sets[
        (result.sets["date"] == pd.Timestamp("2023-08-20"))
        & (result.sets["exercise"] == "Bench Press (Barbell)")
    ]
    assert bench["weight_kg"].max() == pytest.approx(235 * LB_TO_KG)


# --- hand-made fixtures ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "variant"),
    [
        ("strong_2025", "strong-2025"),
        ("strong_semicolon_unit", "strong-semicolon-unit"),
        ("strong_legacy", "strong-legacy"),
        ("strong_2016", "strong-2016"),
        ("strong_zh", "strong-zh"),
    ],
)
def test_golden(name: str, variant: str) -> None:
    result = read_golden(IMPORTER, name)
    assert result.report.format == variant
    assert IMPORTER.detect(load(GOLDEN / f"{name}.csv")) > 0.5


def test_golden_rest_timer_and_note_are_counted_not_listed() -> None:
    report = read_golden(IMPORTER, "strong_2025").report
    assert report.rows == 8  # 9 physical data lines, one record spans two
    assert report.sets == 6  # minus the Rest Timer and the Note row
    assert report.skipped_reasons == {"non-set row (Note)": 1, "non-set row (Rest Timer)": 1}
    assert report.warmup_sets == 1
    assert report.problems == ()


def test_bad_rows_are_skipped_with_reasons(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,"
        "Notes,Workout Notes,RPE\n"
        '2026-09-09 17:00:00,"A",5m,"Squat",1,100,5,0,0,"","",\n'
        'yesterday,"A",5m,"Squat",2,100,5,0,0,"","",\n'
        '2026-09-09 17:00:00,"A",5m,"Squat",3,100,five,0,0,"","",\n'
        '2026-09-09 17:00:00,"A",5m,"Squat",4,heavy,5,0,0,"","",\n'
        '2026-09-09 17:00:00,"A",5m,"Squat",5,100,4,0,0,"","",',
        encoding="utf-8",
    )
    result = read(path, units="kg")
    report = result.report
    assert report.rows == 5 and report.sets == 2
    assert report.skipped_reasons == {
        "non-numeric reps": 1,
        "non-numeric weight": 1,
        "unreadable date": 1,
    }
    assert sorted((p.row, p.message) for p in report.problems) == [
        (3, "unreadable date"),
        (4, "non-numeric reps"),
        (5, "non-numeric weight"),
    ]
    assert result.sets["source_row"].tolist() == [2, 6]
    assert report.notes == ("no weight unit in file: read as kg (from --units)",)


def test_not_strong() -> None:
    doc = load(GOLDEN / "strong_2025.csv")
    other = type(doc)(path=doc.path, text="Date,Exercise,Reps\n2026-01-01,Squat,5\n")
    assert IMPORTER.detect(other) == 0.0
