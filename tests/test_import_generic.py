"""Generic / coach layout: golden CSVs (plain and European), coach workbooks built here with
openpyxl, --columns mapping, date-order decisions and errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analyzer.errors import ConfigError, UnsupportedLayoutError
from analyzer.importers import ImportOptions, ImportResult
from analyzer.importers.coach.generic import IMPORTER
from analyzer.importers.headers import match_cell
from analyzer.schema import LB_TO_KG, is_canonical
from tests.golden_util import GOLDEN, load, read_golden


def read(path: Path, **opts: object) -> ImportResult:
    options = ImportOptions(**opts)  # type: ignore[arg-type]
    return IMPORTER.read(load(path, options), options)


def write_csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_coach_csv_golden_sets_expand_units_rir_and_bad_rows() -> None:
    result = read_golden(IMPORTER, "generic_coach")
    report = result.report
    assert report.format == "generic-csv"
    assert report.athletes == ("Anna", "Ben")
    assert report.rows == 7
    assert report.skipped_reasons == {
        "negative sets": 1,
        "reps not a number": 1,
        "unreadable date": 1,
    }
    assert [(p.row, p.message) for p in report.problems] == [
        (6, "unreadable date"),
        (7, "negative sets"),
        (8, "reps not a number"),
    ]
    assert is_canonical(result.sets)


def test_european_csv_golden() -> None:
    result = read_golden(IMPORTER, "generic_eu")
    assert result.report.format == "generic-csv-eu"
    assert any("no weight unit" in n for n in result.report.notes)


def test_detect_scores_low_but_positive_for_coach_files() -> None:
    score = IMPORTER.detect(load(GOLDEN / "generic_coach.csv"))
    assert 0 < score < 0.5


@pytest.mark.parametrize(
    ("header", "field", "unit"),
    [
        ("Weight (lb)", "weight", "lb"),
        ("Load kg", "weight", "kg"),
        ("LBS", "weight", "lb"),
        ("Session Date", "date", None),
        ("ÜBUNG", "exercise", None),
        ("Set #", "set", None),
        ("Client", "athlete", None),
        ("Repetitions", "reps", None),
        ("Favourite colour", None, None),
    ],
)
def test_header_synonyms(header: str, field: str | None, unit: str | None) -> None:
    assert match_cell(header) == (field, unit)


def coach_workbook(path: Path) -> Path:
    """Two athletes, one sheet each, title rows above the header, datetime cells."""
    book = openpyxl.Workbook()
    anna = book.active
    anna.title = "Anna"
    anna.append(["Autumn block - Anna"])
    anna.append(["coach: M."])
    anna.append([])
    anna.append(["Date", "Exercise", "Sets", "Reps", "Weight (lb)", "RPE", "Notes"])
    anna.append([dt.datetime(2026, 9, 7), "Back Squat", 3, 5, 225, 8, "belt"])
    anna.append([None, "Bent-Over Row", 2, 8, 135, None, None])
    anna.append([dt.datetime(2026, 9, 9), "Deadlift", 1, 3, 315, 9, None])
    ben = book.create_sheet("Ben")
    ben.append(["Day", "Movement", "Set", "Reps", "kg"])
    ben.append(["14.09.2026", "Overhead Press", 1, 5, 50])
    ben.append(["14.09.2026", "Overhead Press", 2, 5, 52.5])
    book.create_sheet("Notes").append(["nothing to see here"])
    book.save(path)
    return path


def test_xlsx_one_sheet_per_athlete(tmp_path: Path) -> None:
    result = read(coach_workbook(tmp_path / "team.xlsx"))
    sets = result.sets
    assert result.report.format == "generic-xlsx"
    assert result.report.athletes == ("Anna", "Ben")
    anna = sets[sets["athlete"] == "Anna"]
    assert len(anna) == 3 + 2 + 1
    assert anna["source_row"].tolist() == [5, 5, 5, 6, 6, 7]
    assert anna["weight_kg"].iloc[0] == pytest.approx(225 * LB_TO_KG)
    row_date = anna.loc[anna["exercise"] == "Bent-Over Row", "date"].unique().tolist()
    assert row_date == [pd.Timestamp("2026-09-07")]  # blank date cell takes the one above
    assert anna["set_index"].tolist() == [1, 2, 3, 1, 2, 1]
    ben = sets[sets["athlete"] == "Ben"]
    assert ben["weight_kg"].tolist() == [50.0, 52.5]
    assert ben["set_index"].tolist() == [1, 2]
    assert ben["date"].unique().tolist() == [pd.Timestamp("2026-09-14")]


def test_xlsx_athlete_column_on_default_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Client", "Session Date", "Lift", "Sets", "Reps", "Load kg"])
    sheet.append(["Cleo", dt.date(2026, 9, 7), "Squat", 2, 5, 80])
    sheet.append(["Dan", dt.date(2026, 9, 8), "Deadlift", 1, 5, 120])
    sheet.append(["", dt.date(2026, 9, 8), "Row", 1, 10, 40])
    path = tmp_path / "clients.xlsx"
    book.save(path)
    result = read(path, athlete="ignored-because-column")
    assert result.sets["athlete"].tolist() == ["Cleo", "Cleo", "Dan", "ignored-because-column"]


def test_xlsx_single_named_sheet_names_the_athlete_unless_given(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Eva"
    sheet.append(["Date", "Exercise", "Reps", "Weight"])
    sheet.append([dt.datetime(2026, 9, 7), "Squat", 5, 60])
    path = tmp_path / "log.xlsx"
    book.save(path)
    assert read(path).report.athletes == ("Eva",)
    assert read(path, athlete="Eve").report.athletes == ("Eve",)


def test_csv_without_athlete_uses_option_then_stem(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "lifter1.csv", "Date,Exercise,Reps\n2026-09-07,Squat,5\n")
    assert read(path).report.athletes == ("lifter1",)
    assert read(path, athlete="Zoe").report.athletes == ("Zoe",)


def test_columns_option_maps_unknown_headers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "odd.csv",
        "Session,Drill,Volume,Reps done\n2026-09-07,Squat,2,5\n2026-09-08,Deadlift,1,3\n",
    )
    with pytest.raises(UnsupportedLayoutError) as err:
        read(path)
    assert "'Session'" in err.value.message and "'Drill'" in err.value.message
    assert "--columns" in (err.value.hint or "")
    result = read(
        path,
        columns={"date": "Session", "exercise": "drill", "sets": "Volume", "reps": "Reps done"},
    )
    assert result.sets["exercise"].tolist() == ["Squat", "Squat", "Deadlift"]
    assert result.sets["reps"].tolist() == [5, 5, 3]


def test_columns_option_rejects_unknown_fields(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "a.csv", "Date,Exercise\n2026-09-07,Squat\n")
    with pytest.raises(ConfigError):
        read(path, columns={"colour": "Date"})


def test_ambiguous_slash_dates_read_day_first_and_noted(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "a.csv", "Date,Exercise\n01/02/2026,Squat\n03/04/2026,Row\n")
    result = read(path)
    assert result.sets["date"].tolist() == [pd.Timestamp("2026-02-01"), pd.Timestamp("2026-04-03")]
    assert any("ambiguous" in n for n in result.report.notes)


def test_slash_dates_month_first_when_data_says_so(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "a.csv", "Date,Exercise\n01/02/2026,Squat\n09/13/2026,Row\n")
    result = read(path)
    assert result.sets["date"].tolist() == [pd.Timestamp("2026-01-02"), pd.Timestamp("2026-09-13")]
    assert not any("ambiguous" in n for n in result.report.notes)


def test_unit_column_and_cell_suffixes(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "u.csv",
        "Date,Exercise,Reps,Weight,Unit\n"
        "2026-09-07,Squat,5,100,lbs\n2026-09-07,Squat,5,100,kg\n2026-09-07,Dip,5,BW,\n"
        "2026-09-07,Curl,5,20 lb,\n2026-09-07,Row,5,heavy,\n",
    )
    result = read(path)
    assert result.sets["weight_kg"].tolist()[:2] == [pytest.approx(100 * LB_TO_KG), 100.0]
    assert pd.isna(result.sets["weight_kg"].iloc[2])
    assert result.sets["weight_kg"].iloc[3] == pytest.approx(20 * LB_TO_KG)
    assert result.report.skipped_reasons == {"weight not a number": 1}


def test_no_date_or_exercise_column_is_an_unsupported_layout(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "x.csv", "Name,Colour\nAnna,red\n")
    with pytest.raises(UnsupportedLayoutError, match="no date or exercise column"):
        read(path)


def test_sets_x_reps_in_one_cell_expands_to_sets(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "scheme.csv",
        "Client,Session Date,Movement,Sets x Reps,Load (lbs)\n"
        "Mia,2026-09-14,Back Squat,5x5,225\n"
        "Mia,2026-09-15,Barbell Row,4 x 8,135\n"
        "Mia,2026-09-16,Deadlift,3×5-8,315\n"
        "Mia,2026-09-17,Standing OHP,heavy,95\n",
    )
    result = read(path)
    sets = result.sets
    assert sets.groupby("exercise")["reps"].agg(["size", "first"]).to_dict("index") == {
        "Back Squat": {"size": 5, "first": 5.0},
        "Barbell Row": {"size": 4, "first": 8.0},
        "Deadlift": {"size": 3, "first": 5.0},
    }
    assert sets.loc[sets["exercise"] == "Back Squat", "set_index"].tolist() == [1, 2, 3, 4, 5]
    assert sets["weight_kg"].iloc[0] == pytest.approx(225 * LB_TO_KG)
    assert result.report.skipped_reasons == {"sets x reps not like 5x5": 1}
    assert result.report.problems[0].row == 5
