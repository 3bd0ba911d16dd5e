"""Exports nobody tuned the importers against: localised Strong headers, Hevy variants, coach
sheets written by hand (TSV, unit suffixes, split date/time, one column group per set), Excel
artefacts (BOM + `sep=;`, cp1252, CRLF) and app exports re-saved as .xlsx.

Every fixture is small and hand-made (written here or in `tests/golden/unseen_*`); expected
values are worked out by hand from the fixture, with 1 lb = 0.45359237 kg.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.errors import UnsupportedLayoutError
from analyzer.importers import ImportOptions, ImportResult, read_log
from analyzer.importers.apps.strong import IMPORTER as STRONG
from analyzer.importers.headers import match_cell
from analyzer.schema import is_canonical
from tests.golden_util import GOLDEN, load
from tests.reallogs import REAL_LOGS, SKIP_REASON

LB = 0.45359237
runner = CliRunner()


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def values(result: ImportResult, column: str) -> list[object]:
    return result.sets[column].tolist()


# --- header keywords -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field", "unit"),
    [
        ("Übung (Name)", "exercise", None),
        ("Exercise performed", "exercise", None),
        ("Gewicht kg", "weight", "kg"),
        ("Actual weight (lbs)", "weight", "lb"),
        ("Datum der Einheit", "date", None),
        ("Reps done", "reps", None),
        ("種目名", "exercise", None),
        ("回数", "reps", None),
        ("Упражнение", "exercise", None),
        ("Poids (kg)", "weight", "kg"),
        ("Répétitions", "reps", None),
        ("Ripetizioni", "reps", None),
        ("Série", "set", None),
        ("Exercise notes", "notes", None),
        # vetoed or ambiguous: never a misread
        ("Body weight", None, None),
        ("Bodyweight (kg)", None, None),
        ("Körpergewicht", None, None),
        ("Target reps", None, None),
        ("Rest (s)", None, None),
        ("Exercise ID", None, None),
        ("Set 1 Reps", None, None),
        ("Weight 1RM", None, None),
        ("Favourite colour", None, None),
    ],
)
def test_header_keyword_fallback(header: str, field: str | None, unit: str | None) -> None:
    assert match_cell(header) == (field, unit)


# --- Strong with localised headers -------------------------------------------------------


def test_strong_german_headers_detected_by_structure() -> None:
    result = read_log(GOLDEN / "unseen_strong_de.csv")
    report = result.report
    assert report.format == "strong-localized"
    assert report.rows == 6
    assert report.sets == 5  # 6 records minus the localised rest-timer row
    assert report.skipped_reasons == {"non-set row (other marker)": 1}
    assert values(result, "exercise") == [
        "Kniebeuge (Langhantel)",
        "Kniebeuge (Langhantel)",
        "Klimmzug",
        "Kreuzheben (Langhantel)",
        "Kreuzheben (Langhantel)",
    ]
    weight = values(result, "weight_kg")
    assert weight[:2] == [100.0, 100.0] and np.isnan(weight[2])  # 0 = bodyweight
    assert weight[3:] == [60.0, 140.0]
    assert values(result, "set_type") == ["normal", "normal", "normal", "warmup", "normal"]
    assert values(result, "set_index") == [1, 2, 1, 1, 2]
    assert values(result, "rpe")[1] == 8.0
    assert values(result, "notes")[4] == "schwer"
    assert values(result, "source_row") == [2, 3, 5, 6, 7]
    assert result.sets["performed_at"].iloc[3] == pd.Timestamp("2024-03-05 07:15:00")
    assert any("read as kg" in n for n in report.notes)
    lb = read_log(GOLDEN / "unseen_strong_de.csv", ImportOptions(units="lb"))
    assert lb.sets["weight_kg"].iloc[4] == pytest.approx(140 * LB)


def test_strong_spanish_2025_layout_with_12_hour_clock(tmp_path: Path) -> None:
    nnbsp = "\u202f"
    head = (
        '"Workout #";"Fecha";"Nombre del entrenamiento";"Duración (seg)";'
        '"Nombre del ejercicio";"Orden de la serie";"Peso (lbs)";"Repeticiones";"RPE";'
        '"Distancia (metros)";"Segundos";"Notas";"Notas del entrenamiento"'
    )
    rows = [
        f'"1";"2025-01-10 6:30:12{nnbsp}PM";"Pierna";"3600";"Sentadilla (Barra)";"1";"200";'
        '"5";"";"";"";"";""',
        f'"1";"2025-01-10 6:30:12{nnbsp}PM";"Pierna";"3600";"Sentadilla (Barra)";'
        '"Rest Timer";"";"";"";"";"120.0";"";""',
        f'"1";"2025-01-10 6:30:12{nnbsp}PM";"Pierna";"3600";"Sentadilla (Barra)";"2";"205";'
        '"5";"8";"";"";"";""',
        f'"2";"2025-01-12 9:05:00{nnbsp}AM";"Espalda";"2400";"Peso muerto (Barra)";"F";'
        '"300";"4";"";"";"";"";""',
    ]
    result = read_log(write(tmp_path, "export.csv", "\n".join([head, *rows])))
    assert result.report.format == "strong-localized"
    assert result.report.sets == 3
    assert result.report.skipped_reasons == {"non-set row (Rest Timer)": 1}
    assert result.sets["performed_at"].tolist() == [
        pd.Timestamp("2025-01-10 18:30:12"),
        pd.Timestamp("2025-01-10 18:30:12"),
        pd.Timestamp("2025-01-12 09:05:00"),
    ]
    assert result.sets["weight_kg"].tolist() == pytest.approx([200 * LB, 205 * LB, 300 * LB])
    assert values(result, "set_type") == ["normal", "normal", "failure"]
    assert not result.report.notes  # the unit came from "Peso (lbs)"


def test_strong_japanese_legacy_headers(tmp_path: Path) -> None:
    text = (
        "日付,ワークアウト名,時間,種目名,セット順,重量,回数,距離,秒,メモ,ワークアウトメモ,RPE\n"
        '2023-05-01 07:00:00,"脚",45分,"Squat (Barbell)",1,80,5,0,0,"",,\n'
        '2023-05-01 07:00:00,"脚",45分,"Squat (Barbell)",2,80,5,0,0,"",,\n'
        '2023-05-03 07:00:00,"背中",40分,"Deadlift (Barbell)",1,120,3,0,0,"",,\n'
    )
    result = read_log(write(tmp_path, "strong_ja.csv", text))
    assert result.report.format == "strong-localized"
    assert values(result, "exercise") == ["Squat (Barbell)"] * 2 + ["Deadlift (Barbell)"]
    assert values(result, "weight_kg") == [80.0, 80.0, 120.0]
    assert values(result, "set_index") == [1, 2, 1]


def test_strong_structure_does_not_claim_a_coach_table(tmp_path: Path) -> None:
    """Twelve columns and a date-time first column, but the coach's own headers put the
    exercise elsewhere: the generic reader keeps it."""
    text = (
        "Date,Athlete,Exercise,Program,Set,Weight,Reps,RPE,Notes,Coach,Block,Week\n"
        "2026-09-07 10:00:00,Ana,Back Squat,5/3/1,1,100,5,8,,M,1,1\n"
        "2026-09-07 10:00:00,Ana,Back Squat,5/3/1,2,100,5,8,,M,1,1\n"
    )
    path = write(tmp_path, "coach.csv", text)
    assert STRONG.detect(load(path)) == 0.0
    result = read_log(path)
    assert result.report.format == "generic-csv"
    assert values(result, "exercise") == ["Back Squat", "Back Squat"]
    assert values(result, "athlete") == ["Ana", "Ana"]


# --- Hevy variants -----------------------------------------------------------------------


def test_hevy_pounds_miles_reordered_and_missing_columns(tmp_path: Path) -> None:
    text = (
        '"exercise_title","start_time","set_index","weight_lbs","reps","distance_miles",'
        '"set_type"\n'
        '"Deadlift (Barbell)","2025-12-05 11:37:00",0,"135",5,,"warmup"\n'
        '"Deadlift (Barbell)","2025-12-05 11:37:00",1,"315",3,,"normal"\n'
        '"Running","2025-12-05 11:37:00",0,,,1.5,"normal"\n'
    )
    result = read_log(write(tmp_path, "hevy.csv", text))
    assert result.report.format == "hevy-iso"
    assert result.report.sets == 3
    weight = values(result, "weight_kg")
    assert weight[:2] == pytest.approx([135 * LB, 315 * LB]) and np.isnan(weight[2])
    assert result.sets["distance_m"].iloc[2] == pytest.approx(1.5 * 1609.344)
    assert values(result, "set_type") == ["warmup", "normal", "normal"]
    assert values(result, "set_index") == [1, 2, 1]
    assert values(result, "workout") == ["", "", ""]


def test_hevy_month_names_in_another_language(tmp_path: Path) -> None:
    head = (
        '"title","start_time","end_time","description","exercise_title","superset_id",'
        '"exercise_notes","set_index","set_type","weight_kg","reps","distance_km",'
        '"duration_seconds","rpe"\n'
    )
    rows = (
        '"Pierna","5 dic 2025, 11:37","5 dic 2025, 12:40","","Sentadilla",,"",0,"normal",'
        "100,5,,,\n"
        '"Jambes","12 sept. 2025, 9:05","12 sept. 2025, 10:00","","Squat",,"",0,"normal",'
        "90,5,,,\n"
        '"Beine","3 Mär. 2025, 18:00","3 Mär. 2025, 19:00","","Kniebeuge",,"",0,"normal",'
        "80,5,,,\n"
    )
    result = read_log(write(tmp_path, "hevy_es.csv", head + rows))
    assert result.report.format == "hevy-dayfirst"
    assert result.sets["performed_at"].tolist() == [
        pd.Timestamp("2025-12-05 11:37"),
        pd.Timestamp("2025-09-12 09:05"),
        pd.Timestamp("2025-03-03 18:00"),
    ]


# --- Fitbod without `multiplier` ---------------------------------------------------------


def test_fitbod_older_export_without_multiplier_or_offset(tmp_path: Path) -> None:
    text = (
        "Date,Exercise,Reps,Weight(lbs),Duration(s),Distance(m),Incline,Resistance,isWarmup,"
        "Note\n"
        "2021-01-17 22:14:35,Deadlift, 5,135.0,0.0,0.0,0.0,0.0,true,\n"
        "2021-01-17 22:14:35,Deadlift, 5,225.0,0.0,0.0,0.0,0.0,false,\n"
    )
    result = read_log(write(tmp_path, "WorkoutExport.csv", text))
    assert result.report.format == "fitbod"
    assert values(result, "weight_kg") == pytest.approx([135 * LB, 225 * LB])
    assert values(result, "set_type") == ["warmup", "normal"]
    assert result.sets["performed_at"].iloc[0] == pd.Timestamp("2021-01-17 22:14:35")


# --- coach spreadsheets ------------------------------------------------------------------


def test_tsv_with_unit_suffixes_bodyweight_column_and_rir(tmp_path: Path) -> None:
    text = (
        "Date\tExercise\tReps\tWeight\tRIR\tBodyweight\n"
        "2026-09-07\tBack Squat\t5\t100kg\t2\t82\n"
        "2026-09-07\tBench Press\t8\t225 lb\t1\t82\n"
        "2026-09-08\tDip\t12\tBW\t\t82\n"
    )
    result = read_log(write(tmp_path, "coach.tsv", text))
    assert result.report.format == "generic-tsv"
    weight = values(result, "weight_kg")
    assert weight[:2] == pytest.approx([100.0, 225 * LB]) and np.isnan(weight[2])
    rpe = values(result, "rpe")
    assert rpe[:2] == [8.0, 9.0] and np.isnan(rpe[2])  # RPE = 10 - RIR
    assert values(result, "reps") == [5, 8, 12]


def test_split_date_and_time_columns(tmp_path: Path) -> None:
    text = (
        "Date,Time,Exercise,Reps,Weight (kg)\n"
        "07/09/2026,18:30,Squat,5,100\n"
        "14/09/2026,6:15 PM,Deadlift,3,140\n"
        "21/09/2026,,Row,8,60\n"
    )
    result = read_log(write(tmp_path, "times.csv", text))
    assert result.sets["performed_at"].tolist() == [
        pd.Timestamp("2026-09-07 18:30"),
        pd.Timestamp("2026-09-14 18:15"),
        pd.Timestamp("2026-09-21 00:00"),
    ]


def test_program_sheet_without_dates_is_refused_with_the_column_named(tmp_path: Path) -> None:
    text = "Week,Day,Exercise,Sets,Reps,Weight\n1,Day 1,Squat,5,5,100\n1,Day 2,Deadlift,3,5,140\n"
    with pytest.raises(UnsupportedLayoutError) as err:
        read_log(write(tmp_path, "program.csv", text))
    assert "'Day' holds no dates" in err.value.message
    assert "'Day 1'" in err.value.message
    assert "--columns date=" in (err.value.hint or "")


def test_one_column_group_per_set() -> None:
    result = read_log(GOLDEN / "unseen_per_set.csv")
    sets = result.sets
    assert result.report.format == "generic-csv"
    assert len(sets) == 6  # squat 3 + pull-up 2 + deadlift 1; empty groups are no sets
    assert values(result, "exercise") == ["Back Squat"] * 3 + ["Pull-Up"] * 2 + ["Deadlift"]
    assert values(result, "set_index") == [1, 2, 3, 1, 2, 1]
    assert values(result, "reps") == [5, 5, 5, 10, 8, 3]
    weight = values(result, "weight_kg")
    assert weight[:3] == pytest.approx([225 * LB, 225 * LB, 235 * LB])
    assert np.isnan(weight[3]) and np.isnan(weight[4])  # pull-ups: no weight written
    assert weight[5] == pytest.approx(315 * LB)  # not the 180 lb bodyweight column
    assert values(result, "source_row") == [2, 2, 2, 3, 3, 4]
    assert is_canonical(sets)


def test_set_cells_written_weight_x_reps(tmp_path: Path) -> None:
    text = (
        "Date,Exercise,Set 1,Set 2,Set 3\n"
        "2026-09-07,Squat,100x5,100 x 5,105kg x 3\n"
        "2026-09-07,Chin-Up,BW x 10,bw x 8,\n"
        "2026-09-08,Deadlift,140×3,heavy,\n"
    )
    result = read_log(write(tmp_path, "sets.csv", text))
    assert values(result, "exercise") == ["Squat"] * 3 + ["Chin-Up"] * 2 + ["Deadlift"]
    assert values(result, "reps") == [5, 5, 3, 10, 8, 3]
    weight = values(result, "weight_kg")
    assert weight[:3] == [100.0, 100.0, 105.0] and weight[5] == 140.0
    assert np.isnan(weight[3]) and np.isnan(weight[4])
    assert values(result, "set_index") == [1, 2, 3, 1, 2, 1]
    assert result.report.skipped_reasons == {"set cell not like 100x5 (weight x reps)": 1}
    assert [p.row for p in result.report.problems] == [4]


def test_warmup_flag_column(tmp_path: Path) -> None:
    text = (
        "Workout DateTime,Exercise,Is Warmup Set,Completed Reps,Weight Value,Weight Unit\n"
        "2026-09-07 08:00:00,Squat,true,5,60,kg\n"
        "2026-09-07 08:00:00,Squat,false,5,135,lb\n"
    )
    result = read_log(write(tmp_path, "liftlog.csv", text))
    assert values(result, "set_type") == ["warmup", "normal"]
    assert values(result, "weight_kg") == pytest.approx([60.0, 135 * LB])
    assert values(result, "reps") == [5, 5]


# --- Excel artefacts ---------------------------------------------------------------------


def test_bom_and_excel_sep_line_still_detects_strong(tmp_path: Path) -> None:
    text = (
        "sep=;\r\n"
        "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;"
        "Distance Unit;Seconds;Notes;Workout Notes;Workout Duration\r\n"
        '2024-01-02 10:00:00;"A";"Squat (Barbell)";1;100;kg;5;;;;;;;1h\r\n'
        '2024-01-02 10:00:00;"A";"Squat (Barbell)";2;225;lbs;5;;;;;;;1h\r\n'
    )
    result = read_log(write(tmp_path, "strong.csv", "\ufeff" + text))
    assert result.report.format == "strong-semicolon-unit"
    assert values(result, "weight_kg") == pytest.approx([100.0, 225 * LB])
    assert values(result, "source_row") == [3, 4]  # line numbers as in the file


def test_cp1252_crlf_german_coach_sheet(tmp_path: Path) -> None:
    text = (
        "Datum;Übung;Sätze;Wdh;Gewicht\r\n07.09.2026;Kniebeuge;3;5;102,5\r\n"
        "08.09.2026;Rudern;2;8;60\r\n"
    )
    result = read_log(write(tmp_path, "plan.csv", text, encoding="cp1252"))
    assert result.report.format == "generic-csv-eu"
    assert values(result, "exercise") == ["Kniebeuge"] * 3 + ["Rudern"] * 2
    assert values(result, "weight_kg") == [102.5] * 3 + [60.0] * 2


def test_trailing_empty_columns_quoted_numbers_and_thousands(tmp_path: Path) -> None:
    text = (
        "Date,Exercise,Reps,Weight (lb),,,\n"
        '2026-09-07,Leg Press,"10","1,000",,,\n'
        '2026-09-07,Squat,"5","225",,,\n'
        '2026-09-07,Curl,"12","27.5",,,\n'
    )
    result = read_log(write(tmp_path, "lb.csv", text))
    assert values(result, "weight_kg") == pytest.approx([1000 * LB, 225 * LB, 27.5 * LB])
    assert values(result, "reps") == [10, 5, 12]


def test_decimal_comma_file_keeps_reading_commas_as_decimals(tmp_path: Path) -> None:
    text = "Datum;Übung;Wdh;Gewicht\n07.09.2026;Curl;10;12,5\n07.09.2026;Presse;10;1,250\n"
    result = read_log(write(tmp_path, "eu.csv", text))
    assert values(result, "weight_kg") == [12.5, 1.25]


# --- app exports re-saved as .xlsx -------------------------------------------------------


def test_strong_export_resaved_as_xlsx_reads_as_strong(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "strong"
    sheet.append(
        [
            "Date",
            "Workout Name",
            "Duration",
            "Exercise Name",
            "Set Order",
            "Weight",
            "Reps",
            "Distance",
            "Seconds",
            "Notes",
            "Workout Notes",
            "RPE",
        ]
    )
    when = dt.datetime(2024, 3, 4, 18, 2, 11)
    sheet.append([when, "Legs", "1h", "Squat (Barbell)", "W", 60, 5, 0, 0, None, None, None])
    sheet.append([when, "Legs", "1h", "Squat (Barbell)", 1, 100, 5, 0, 0, None, None, 8])
    sheet.append(
        [when, "Legs", "1h", "Squat (Barbell)", "Rest Timer", 0, 0, 0, 90, None, None, None]
    )
    sheet.append([when, "Legs", "1h", "Pull Up", 1, 0, 10, 0, 0, None, None, None])
    path = tmp_path / "strong.xlsx"
    book.save(path)
    result = read_log(path)
    assert result.report.format == "strong-legacy-xlsx"
    assert result.report.sets == 3
    assert result.report.skipped_reasons == {"non-set row (Rest Timer)": 1}
    assert values(result, "set_type") == ["warmup", "normal", "normal"]
    weight = values(result, "weight_kg")
    assert weight[:2] == [60.0, 100.0] and np.isnan(weight[2])
    assert values(result, "source_row") == [2, 3, 5]
    assert result.sets["performed_at"].iloc[0] == pd.Timestamp(when)


def test_hevy_export_resaved_as_xlsx_with_excel_dates(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "title",
            "start_time",
            "end_time",
            "description",
            "exercise_title",
            "superset_id",
            "exercise_notes",
            "set_index",
            "set_type",
            "weight_lbs",
            "reps",
            "distance_miles",
            "duration_seconds",
            "rpe",
        ]
    )
    start, end = dt.datetime(2025, 6, 11, 13, 1), dt.datetime(2025, 6, 11, 14, 0)
    sheet.append(
        [
            "Push",
            start,
            end,
            None,
            "Bench Press (Barbell)",
            None,
            None,
            0,
            "warmup",
            95,
            10,
            None,
            None,
            None,
        ]
    )
    sheet.append(
        [
            "Push",
            start,
            end,
            None,
            "Bench Press (Barbell)",
            None,
            None,
            1,
            "normal",
            185,
            5,
            None,
            None,
            8,
        ]
    )
    path = tmp_path / "hevy.xlsx"
    book.save(path)
    result = read_log(path)
    assert result.report.format == "hevy-iso-xlsx"
    assert values(result, "weight_kg") == pytest.approx([95 * LB, 185 * LB])
    assert values(result, "set_type") == ["warmup", "normal"]


# --- through the CLI ---------------------------------------------------------------------


def test_cli_reads_localised_strong_export() -> None:
    result = runner.invoke(
        app, ["analyze", str(GOLDEN / "unseen_strong_de.csv"), "--no-charts", "--json", "-"]
    )
    assert result.exit_code == 0, result.stderr
    source = json.loads(result.stdout)["sources"][0]
    assert source["format"] == "strong-localized"
    assert source["sets"] == 5
    assert source["warmup_sets"] == 1
    assert source["skipped_reasons"] == {"non-set row (other marker)": 1}


def test_cli_program_sheet_exits_2_with_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, "program.csv", "Week,Day,Exercise,Reps\n1,Day 1,Squat,5\n")
    result = runner.invoke(app, ["analyze", str(path), "--no-charts", "--json", "-"])
    assert result.exit_code == 2
    assert "holds no dates" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow  # thousands of rows written to .xlsx and read back
@pytest.mark.parametrize(
    ("name", "sep", "date_column", "sets"),
    [
        ("strong/placy2_strong.csv", ",", "Date", 6625),
        ("strong/cmccorkle21_strong_workouts.csv", ";", "Date", 8004),
        ("hevy/hevyconnect_workouts.csv", ",", None, 1922),
    ],
)
def test_real_export_resaved_as_xlsx_keeps_every_set(
    tmp_path: Path, name: str, sep: str, date_column: str | None, sets: int
) -> None:
    """The real export opened in a spreadsheet and saved as .xlsx (date cells become dates,
    as Excel makes them); set counts are SOURCES.md's."""
    source = REAL_LOGS / name
    if not source.exists():
        pytest.skip(SKIP_REASON)
    frame = pd.read_csv(source, sep=sep, dtype=str, keep_default_na=False)
    if date_column:
        frame[date_column] = pd.to_datetime(frame[date_column], format="%Y-%m-%d %H:%M:%S")
    path = tmp_path / "export.xlsx"
    frame.to_excel(path, index=False)
    original, resaved = read_log(source), read_log(path)
    assert resaved.report.format == original.report.format + "-xlsx"
    assert resaved.report.sets == original.report.sets == sets
    assert resaved.sets["weight_kg"].sum() == pytest.approx(original.sets["weight_kg"].sum())
