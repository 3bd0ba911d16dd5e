"""Hevy, FitNotes and Fitbod importers: real exports, golden fixtures, variants and bad rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from analyzer.errors import UnsupportedLayoutError
from analyzer.importers import Document, Importer, ImportOptions, ImportResult
from analyzer.importers.apps import fitbod, fitnotes, hevy, strong
from analyzer.importers.tabular import read_table, repair_extra_fields, row_unit_factors
from analyzer.schema import LB_TO_KG, is_canonical
from tests.golden_util import GOLDEN, load, read_golden
from tests.reallogs import REAL_LOGS as REAL
from tests.reallogs import needs_real

MINE: tuple[Importer, ...] = (strong.IMPORTER, hevy.IMPORTER, fitnotes.IMPORTER, fitbod.IMPORTER)


def read(importer: Importer, path: Path, **opts: object) -> ImportResult:
    options = ImportOptions(**opts)  # type: ignore[arg-type]
    return importer.read(load(path, options), options)


def record_lines(path: Path) -> list[int]:
    """Starting physical line of every non-blank data record, via the csv module."""
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
    lines: list[int] = []
    line = 1
    for row in reader:
        if any(cell.strip() for cell in row):
            lines.append(line)
        line = reader.line_num + 1
    return lines[1:]


def best(doc: Document) -> Importer | None:
    scores = [(imp.detect(doc), imp) for imp in MINE]
    score, imp = max(scores, key=lambda pair: pair[0])
    return imp if score > 0 else None


# --- real exports ---------------------------------------------------------------------

REAL_FILES = {
    "hevy/hevy-flow_workouts.csv": (hevy.IMPORTER, "hevy-us"),
    "hevy/hevyconnect_workouts.csv": (hevy.IMPORTER, "hevy-dayfirst"),
    "fitnotes/wmgriffi3_FitNotes_Export_lbs.csv": (fitnotes.IMPORTER, "fitnotes-lbs"),
    "fitbod/chrsilvi_WorkoutExport.csv": (fitbod.IMPORTER, "fitbod"),
    "fitbod/mymmind_WorkoutExport.csv": (fitbod.IMPORTER, "fitbod"),
}


@needs_real
@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_real_file_keeps_every_set_row(name: str) -> None:
    importer, variant = REAL_FILES[name]
    path = REAL / name
    expected_lines = record_lines(path)
    assert best(load(path)) is importer  # detected from content, among the app importers
    result = read(importer, path)
    assert result.report.format == variant
    assert result.report.rows == len(expected_lines)
    assert result.report.sets == len(expected_lines)
    assert result.report.skipped == 0
    assert result.sets["source_row"].tolist() == expected_lines
    assert is_canonical(result.sets)
    assert (result.sets["weight_kg"].dropna() > 0).all()


@needs_real
def test_hevy_us_dates_and_rows() -> None:
    result = read(hevy.IMPORTER, REAL / "hevy/hevy-flow_workouts.csv")
    sets = result.sets
    first = sets.iloc[0]
    assert first["exercise"] == "Romanian Deadlift (Dumbbell)"
    assert first["performed_at"] == pd.Timestamp("2026-06-11 13:01")  # "1:01 PM"
    assert (first["weight_kg"], first["reps"], first["rpe"], first["set_index"]) == (
        30.0,
        10.0,
        7.0,
        1,
    )
    assert sets["performed_at"].min() == pd.Timestamp("2024-07-06 19:13")  # last line, 7:13 PM
    by_row = sets.set_index("source_row")
    assert by_row.loc[1994, "set_type"] == "drop" and by_row.loc[1994, "set_index"] == 3
    assert (sets["set_type"] == "drop").sum() == 2
    assert sets["rpe"].notna().sum() == 2177


@needs_real
def test_hevy_dayfirst_warmups_and_bodyweight() -> None:
    result = read(hevy.IMPORTER, REAL / "hevy/hevyconnect_workouts.csv")
    first = result.sets.iloc[0]
    assert first["exercise"] == "Pull Up" and pd.isna(first["weight_kg"]) and first["reps"] == 7
    assert first["performed_at"] == pd.Timestamp("2025-12-05 11:37")
    assert result.report.warmup_sets == 20


@needs_real
def test_fitnotes_lbs_units_and_cardio() -> None:
    result = read(fitnotes.IMPORTER, REAL / "fitnotes/wmgriffi3_FitNotes_Export_lbs.csv")
    by_row = result.sets.set_index("source_row")
    assert by_row.loc[2, "exercise"] == "Pushups" and pd.isna(by_row.loc[2, "weight_kg"])
    assert by_row.loc[1991, "exercise"] == "Dumbbell Bench Press"
    assert by_row.loc[1991, "weight_kg"] == pytest.approx(40.0 * LB_TO_KG)
    run = by_row.loc[by_row["exercise"] == "Running (Treadmill)"].iloc[0]  # 1.23 mi, 0:09:21
    assert run["distance_m"] == pytest.approx(1.23 * 1609.344)
    assert run["duration_s"] == 561.0
    assert result.sets["date"].min() == pd.Timestamp("2017-06-23")
    assert result.sets["date"].max() == pd.Timestamp("2020-08-03")


@needs_real
def test_fitbod_blank_lines_offsets_and_multiplier() -> None:
    result = read(fitbod.IMPORTER, REAL / "fitbod/chrsilvi_WorkoutExport.csv", tz="UTC")
    assert result.report.rows == 9136
    assert not set(result.sets["source_row"]) & {7618, 8962, 9087, 9088, 9095}
    first = result.sets.iloc[0]
    assert first["exercise"] == "Back Squat" and first["set_type"] == "warmup"
    assert first["performed_at"] == pd.Timestamp("2021-01-17 22:14:35")
    assert (first["reps"], first["weight_kg"], first["multiplier"]) == (4.0, 20.41168092460379, 1.0)
    assert result.report.warmup_sets == 773
    assert set(result.sets["multiplier"].unique()) == {0.0, 1.0, 2.0, 4.0}
    other = read(fitbod.IMPORTER, REAL / "fitbod/mymmind_WorkoutExport.csv")
    assert other.report.warmup_sets == 584
    assert (other.sets["notes"] != "").sum() == 5


# --- golden fixtures ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("importer", "name", "variant"),
    [
        (hevy.IMPORTER, "hevy_us", "hevy-us"),
        (hevy.IMPORTER, "hevy_dayfirst", "hevy-dayfirst"),
        (fitnotes.IMPORTER, "fitnotes_kgs", "fitnotes-kgs"),
        (fitnotes.IMPORTER, "fitnotes_weight_unit", "fitnotes-weight-unit"),
        (fitbod.IMPORTER, "fitbod", "fitbod"),
    ],
)
def test_golden(importer: Importer, name: str, variant: str) -> None:
    result = read_golden(importer, name, ImportOptions(tz="UTC"))  # goldens are UTC wall clock
    assert result.report.format == variant
    assert best(load(GOLDEN / f"{name}.csv")) is importer


def test_fitnotes_comma_in_name_is_repaired_and_reported() -> None:
    report = read_golden(fitnotes.IMPORTER, "fitnotes_kgs").report
    assert report.sets == 6 and report.skipped == 0
    assert any("rejoined" in note for note in report.notes)


def test_fitbod_blank_line_is_not_a_row() -> None:
    report = read_golden(fitbod.IMPORTER, "fitbod", ImportOptions(tz="UTC")).report
    assert report.rows == 5 and report.sets == 5


# --- variants and bad rows written here ------------------------------------------------


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


HEVY_HEADER = (
    "title,start_time,end_time,description,exercise_title,superset_id,"
    "exercise_notes,set_index,set_type,weight_kg,reps,distance_km,"
    "duration_seconds,rpe\n"
)


def test_hevy_bad_date_and_non_numeric_reps(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "h.csv",
        HEVY_HEADER
        + '"A","5 Dec 2025, 9:05","","","Squat",,"",0,"normal",100,5,,,\n'
        + '"A","31 Foo 2025, 9:05","","","Squat",,"",1,"normal",100,5,,,\n'
        + '"A","5 Dec 2025, 9:05","","","Squat",,"",2,"normal",100,x,,,\n',
    )
    report = read(hevy.IMPORTER, path).report
    assert report.format == "hevy-dayfirst"
    assert (report.rows, report.sets) == (3, 1)
    assert report.skipped_reasons == {"non-numeric reps": 1, "unreadable date": 1}
    assert [(p.row, p.message) for p in report.problems] == [
        (3, "unreadable date"),
        (4, "non-numeric reps"),
    ]


def test_hevy_utf16_crlf(tmp_path: Path) -> None:
    text = (
        HEVY_HEADER + '"A","Jun 1, 2026, 12:05 AM","","","Squat",,"",0,"warmup",50,5,,,'
    ).replace("\n", "\r\n")
    path = write(tmp_path, "h16.csv", "\ufeff" + text, encoding="utf-16-le")
    result = read(hevy.IMPORTER, path)
    row = result.sets.iloc[0]
    assert row["performed_at"] == pd.Timestamp("2026-06-01 00:05")  # 12:05 AM = 00:05
    assert row["set_type"] == "warmup"


def test_fitnotes_non_numeric_weight_and_unitless_header(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "f.csv",
        "Date,Exercise,Category,Weight,Reps\n"
        "2026-09-07,Squat,Legs,100,5\n"
        "2026-09-07,Squat,Legs,heavy,5\n"
        "2026-13-45,Squat,Legs,100,5\n",
    )
    result = read(fitnotes.IMPORTER, path, units="lb")
    assert result.report.skipped_reasons == {"non-numeric weight": 1, "unreadable date": 1}
    assert result.sets["weight_kg"].tolist() == [pytest.approx(100 * LB_TO_KG)]


def test_fitbod_offset_converted_to_tz_and_bad_reps(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "WorkoutExport.csv",
        "Date,Exercise,Reps,Weight(kg),Duration(s),Distance(m),Incline,Resistance,"
        "isWarmup,Note,multiplier\r\n"
        "2026-09-07 08:30:00 +0200,Back Squat, 5,100.0,0.0,0.0,0.0,0.0,false,, 1.0\r\n"
        "2026-09-07 08:30:00 +0200,Back Squat, ?,100.0,0.0,0.0,0.0,0.0,false,, 1.0\r\n"
        "\r\n",
    )
    result = read(fitbod.IMPORTER, path, tz="UTC")
    assert result.sets["performed_at"].tolist() == [pd.Timestamp("2026-09-07 06:30")]
    assert result.report.skipped_reasons == {"non-numeric reps": 1}
    assert result.report.rows == 2


def test_detection_ignores_file_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "strong_export.csv",
        "Date,Exercise,Category,Weight (lbs),Reps\n2026-09-07,Squat,Legs,100,5\n",
    )
    assert best(load(path)) is fitnotes.IMPORTER
    plain = write(tmp_path, "fitbod.csv", "Date,Exercise,Reps\n2026-09-07,Squat,5\n")
    assert best(load(plain)) is None


# --- csvtext helpers --------------------------------------------------------------------


def test_read_table_multiline_and_semicolons() -> None:
    table = read_table('"a";"b"\n"1";"x\ny"\n\n"2";"z"')
    assert table.delimiter == ";"
    assert table.lines.tolist() == [2, 5]
    assert table.cells["b"].tolist() == ["x\ny", "z"]


def test_read_table_falls_back_on_stray_quotes() -> None:
    table = read_table("a,b\n1,5'10\" tall\n2,ok\n")
    assert table.cells["b"].tolist() == ["5'10\" tall", "ok"]
    assert table.lines.tolist() == [2, 3]


def test_repair_extra_fields_keeps_spaces() -> None:
    table, fixed = repair_extra_fields(read_table("d,e,c\n1,Press, Incline,S\n2,Row,B\n"), 1)
    assert table.cells["e"].tolist() == ["Press, Incline", "Row"]
    assert table.cells["c"].tolist() == ["S", "B"]
    assert fixed.tolist() == [True, False]


def test_row_unit_factors() -> None:
    units = pd.Series(["kg", "KGS", "lbs", "lb", "", "stone"])
    factors = row_unit_factors(units, default=1.0)
    assert factors.tolist() == [1.0, 1.0, LB_TO_KG, LB_TO_KG, 1.0, 1.0]


@pytest.mark.parametrize("importer", MINE)
def test_forced_on_a_foreign_layout_raises_a_clear_error(importer: Importer) -> None:
    doc = load(GOLDEN / ("fitbod.csv" if importer is not fitbod.IMPORTER else "hevy_us.csv"))
    if importer is fitnotes.IMPORTER:
        doc = load(GOLDEN / "hevy_us.csv")
    with pytest.raises(UnsupportedLayoutError, match="not a .* export: no '"):
        importer.read(doc, ImportOptions())
