"""Weight units (issue 16, point 3): a file that states no unit is read as pounds when its
numbers say so, with a note; the unit the lifter logs in is reported (JSON stays kg)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.importers import ImportOptions, read_log
from analyzer.importers.apps.strong import IMPORTER as STRONG
from analyzer.importers.units import (
    AthleteSources,
    by_athlete,
    format_weight,
    pound_evidence,
    shown_unit,
    unstated_unit,
)
from analyzer.schema import LB_TO_KG
from tests.common import REAL_LOGS, SAMPLES
from tests.golden_util import GOLDEN, read_golden
from tests.reallogs import needs_real

runner = CliRunner()

#: A kilogram lifter's loads: 1.25 kg plates, round tens.
KG_LOADS = [20, 40, 60, 60, 62.5, 80, 80, 100, 100, 102.5, 120, 140, 22.5, 32.5, 57.5] * 3


def test_strong_legacy_on_pound_plate_math_golden() -> None:
    result = read_golden(STRONG, "strong_legacy_pounds")
    assert result.report.weight_unit == "lb"
    (note,) = result.report.notes
    assert note == (
        "no weight unit in file: read as lb because its common loads are pound "
        "plate math (95, 135, 185, 225, 315) (use --units kg if they are kilograms)"
    )


def test_units_option_wins_over_the_evidence() -> None:
    options = ImportOptions(units="kg")
    from tests.golden_util import load

    result = STRONG.read(load(GOLDEN / "strong_legacy_pounds.csv", options), options)
    assert result.sets["weight_kg"].max() == 315.0
    assert result.report.notes == ("no weight unit in file: read as kg (from --units)",)
    assert result.report.weight_unit == "kg"


def test_exact_pound_values_of_round_kilograms_are_pounds() -> None:
    kilos = np.array([20, 40, 60, 62.5, 80, 100, 102.5] * 4, dtype=float)
    evidence = pound_evidence(kilos / LB_TO_KG)
    assert evidence is not None and evidence.startswith("100% of its weights are exact")


def test_kilogram_logs_and_small_files_are_not_pounds() -> None:
    assert pound_evidence(np.array(KG_LOADS, dtype=float)) is None
    few = np.array([135, 185, 225, 315, 135, 225], dtype=float)  # too few sets to judge
    assert pound_evidence(few) is None
    unit, note = unstated_unit(np.array(KG_LOADS, dtype=float), units=None, kg_note="kg!")
    assert (unit, note) == ("kg", "kg!")


def test_counts_weigh_distinct_values() -> None:
    values = np.array([135.0, 185.0, 225.0, 315.0, 60.0])
    assert pound_evidence(values) is None
    assert pound_evidence(values, counts=np.array([10, 10, 10, 5, 5])) is not None


def test_generic_sheet_without_unit_in_pounds(tmp_path: Path) -> None:
    path = tmp_path / "coach.csv"
    lines = ["date,exercise,sets,reps,weight"]
    for week in range(6):
        day = pd.Timestamp("2026-09-07") + pd.Timedelta(weeks=week)
        lines += [
            f"{day:%Y-%m-%d},Back Squat,5,5,225",
            f"{day + pd.Timedelta(days=1):%Y-%m-%d},Deadlift,3,5,315",
            f"{day + pd.Timedelta(days=2):%Y-%m-%d},Bench Press,5,5,185",
            f"{day + pd.Timedelta(days=3):%Y-%m-%d},Overhead Press,5,5,95",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read_log(path)
    assert result.report.weight_unit == "lb"
    assert result.sets["weight_kg"].max() == pytest.approx(315 * LB_TO_KG)
    assert any(
        "read as lb because its common loads are pound plate math" in n for n in result.report.notes
    )
    # A unit column that says kg is never second-guessed.
    stated = tmp_path / "stated.csv"
    stated.write_text(
        "\n".join([lines[0] + ",unit"] + [ln + ",kg" for ln in lines[1:]]) + "\n", encoding="utf-8"
    )
    kg = read_log(stated)
    assert kg.sets["weight_kg"].max() == 315.0 and kg.report.weight_unit == "kg"
    assert not any("read as" in n for n in kg.report.notes)


def test_kilograms_of_whole_pounds_are_shown_in_pounds() -> None:
    assert shown_unit(pd.Series([135, 185, 225, 45, 95]) * LB_TO_KG) == "lb"
    assert shown_unit(pd.Series(KG_LOADS, dtype=float)) == "kg"
    assert shown_unit(pd.Series([np.nan, 0.0])) is None


def test_format_weight() -> None:
    assert format_weight(102.05828325, "lb") == "225 lb"
    assert format_weight(20.0, "lb") == "44.1 lb"
    assert format_weight(62.5, "kg") == "62.5 kg"
    assert format_weight(62.5, None) == "62.5 kg"


def test_by_athlete_takes_the_biggest_files_unit_and_every_note() -> None:
    from analyzer.results import SourceReport

    def report(path: str, sets: int, unit: str, notes: tuple[str, ...]) -> SourceReport:
        return SourceReport(
            path=path,
            format="x",
            athletes=("Ann",),
            rows=sets,
            sets=sets,
            warmup_sets=0,
            skipped=0,
            skipped_reasons={},
            problems=(),
            notes=notes,
            weight_unit=unit,
        )

    about = by_athlete(
        [
            report("a/old.csv", 10, "kg", ("read as kg",)),
            report("b/new.csv", 90, "lb", ("read as lb",)),
        ]
    )
    assert about == {"Ann": AthleteSources("lb", ("old.csv: read as kg", "new.csv: read as lb"))}


def test_json_says_the_unit_and_stays_kg() -> None:
    result = runner.invoke(
        app, ["analyze", str(GOLDEN / "strong_legacy_pounds.csv"), "--no-charts", "--json", "-"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["sources"][0]["weight_unit"] == "lb"
    assert data["athletes"][0]["weight_unit"] == "lb"
    sample = runner.invoke(
        app, ["analyze", str(SAMPLES / "strong_lifter.csv"), "--no-charts", "--json", "-"]
    )
    assert json.loads(sample.stdout)["athletes"][0]["weight_unit"] == "kg"


@needs_real
def test_real_dericmei_is_pounds_and_kilogram_logs_stay_kilograms() -> None:
    strong = REAL_LOGS / "strong"
    dericmei = read_log(strong / "dericmei_zh_strong.csv")
    assert dericmei.report.weight_unit == "lb"
    assert "read as lb" in dericmei.report.notes[0]
    for name in ("joao-conde_2024_workouts.csv", "mlahoz_2017_strong.csv"):
        assert read_log(strong / name).report.weight_unit == "kg"
    # Fitbod writes kilograms; this lifter's loads are whole pounds.
    fitbod = read_log(REAL_LOGS / "fitbod" / "chrsilvi_WorkoutExport.csv")
    assert fitbod.report.weight_unit == "lb"
    assert "weights shown in lb: the file's loads are whole pounds" in fitbod.report.notes


def test_pdf_shows_pounds_and_says_why(tmp_path: Path) -> None:
    """The weekly page of a pound log prints its loads in lb and the reading note; the full
    report prints the note on page 1."""
    from pypdf import PdfReader

    result = runner.invoke(
        app,
        [
            "report",
            str(GOLDEN / "strong_legacy_pounds.csv"),
            "--week",
            "2026-W37",
            "--out",
            str(tmp_path),
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    full = runner.invoke(
        app, ["report", str(GOLDEN / "strong_legacy_pounds.csv"), "--out", str(tmp_path), "--quiet"]
    )
    assert full.exit_code == 0, full.output
    folder = tmp_path / "strong_legacy_pounds"

    def text(path: Path, page: int = 0) -> str:
        return " ".join(PdfReader(path).pages[page].extract_text().split())

    week = text(folder / "strong_legacy_pounds-2026-W37.pdf")
    assert (
        "4 × 5 @ 315 lb" in week
        and "@ 225 lb" in week
        and " kg" not in week.split("How the log was read")[0]
    )
    for page in (week, text(folder / "strong_legacy_pounds.pdf")):
        assert (
            "How the log was read: Weights in lb. No weight unit in file: read as lb because"
            " its common loads are pound plate math" in page
        )
