"""The CLI on the real sample files, through typer's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from analyzer.cli import app
from tests.common import PLAN, SAMPLES

runner = CliRunner()


def test_analyze_prints_weeks_flags_and_fixes(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "analyze",
            str(SAMPLES / "strong_lifter.csv"),
            "--out",
            str(tmp_path),
            "--no-charts",
            "--weeks",
            "0",
        ],
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "strong_lifter.csv [strong-2025]" in out
    assert "2026-W33  OVERUSE" in out and "2026-W40  OK" in out
    assert "Lower back loaded 4 days in a row" in out
    assert "Training guidance, not medical advice." in out
    assert not list(tmp_path.iterdir())  # --no-charts writes nothing


def test_analyze_json_to_stdout_is_pure_json() -> None:
    result = runner.invoke(
        app, ["analyze", str(SAMPLES / "generic_log.csv"), "--json", "-", "--no-charts"]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    statuses = [w["status"] for w in data["athletes"][0]["weeks"]]
    assert statuses == ["overuse"] * 4 + ["ok"] * 4


def test_analyze_json_file_and_daily(tmp_path: Path) -> None:
    target = tmp_path / "out" / "result.json"
    result = runner.invoke(
        app,
        [
            "analyze",
            str(SAMPLES / "coach_roster.xlsx"),
            "--json",
            str(target),
            "--daily",
            "--no-charts",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text("utf-8"))
    assert [a["athlete"] for a in data["athletes"]] == ["Ana Souza", "Ben Carter", "Chloé Martin"]
    assert len(data["athletes"][0]["days"]) == 8 * 7


def test_the_readme_sample_folder_holds_only_logs() -> None:
    """`backlog analyze sample_logs/` (the README's first command) reads every file in it and
    skips none: the bundled plan lives in sample_plans/."""
    result = runner.invoke(app, ["analyze", str(SAMPLES), "--no-charts", "--json", "-"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {Path(s["path"]).name for s in data["sources"]} == {
        "strong_lifter.csv",
        "generic_log.csv",
        "coach_roster.xlsx",
    }
    assert data["skipped_files"] == []
    text = runner.invoke(app, ["analyze", str(SAMPLES), "--no-charts"])
    assert text.exit_code == 0 and "Skipped" not in text.output


def test_analyze_folder_skips_what_is_not_a_log(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "strong_lifter.csv", tmp_path)
    shutil.copy(PLAN, tmp_path)
    result = runner.invoke(app, ["analyze", str(tmp_path), "--no-charts", "--json", "-"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [Path(s["path"]).name for s in data["sources"]] == ["strong_lifter.csv"]
    assert [Path(s["path"]).name for s in data["skipped_files"]] == ["next_week.csv"]


def test_athlete_and_units_options() -> None:
    kg = runner.invoke(
        app,
        [
            "analyze",
            str(SAMPLES / "strong_lifter.csv"),
            "--athlete",
            "Jo",
            "--json",
            "-",
            "--no-charts",
        ],
    )
    assert json.loads(kg.stdout)["athletes"][0]["athlete"] == "Jo"
    bad = runner.invoke(app, ["analyze", str(SAMPLES / "strong_lifter.csv"), "--units", "st"])
    assert bad.exit_code == 2 and "--units" in bad.output


def test_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "nope.csv" in result.output and "not found" in result.output
    assert "Traceback" not in result.output


def test_unknown_layout_names_the_file_and_the_fix(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("foo,bar\n1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(odd), "--no-charts"])
    assert result.exit_code == 2
    assert "odd.csv" in result.output and "--columns" in result.output


def test_exercises_lookup_and_json() -> None:
    result = runner.invoke(
        app, ["exercises", "RDL", "Leg Press", "Chest Supported Row", "--json", "-"]
    )
    assert result.exit_code == 0
    got = {e["name"]: e for e in json.loads(result.stdout)["exercises"]}
    assert got["RDL"]["load_class"] == "direct"
    assert got["Leg Press"]["load_class"] == "none"
    assert got["Chest Supported Row"]["load_class"] == "none"
    assert set(got["RDL"]) >= {
        "canonical",
        "coefficient",
        "primary_muscle",
        "matched_by",
        "score",
        "suggestions",
    }


def test_exercises_catalog_filters() -> None:
    result = runner.invoke(app, ["exercises", "--class", "direct"])
    assert result.exit_code == 0
    assert "Deadlift (Barbell)" in result.output and "Leg Press " not in result.output
    bad = runner.invoke(app, ["exercises", "--class", "spicy"])
    assert bad.exit_code == 2


def test_exercises_from_log_with_override(tmp_path: Path) -> None:
    mapping = tmp_path / "map.csv"
    mapping.write_text(
        "name,load_class,coefficient\nLying Leg Curl (Machine),indirect,0.2\n", encoding="utf-8"
    )
    result = runner.invoke(
        app,
        [
            "exercises",
            "--from",
            str(SAMPLES / "strong_lifter.csv"),
            "--exercise-map",
            str(mapping),
            "--json",
            "-",
        ],
    )
    got = {e["name"]: e for e in json.loads(result.stdout)["exercises"]}
    assert got["Lying Leg Curl (Machine)"]["matched_by"] == "override"
    assert got["Lying Leg Curl (Machine)"]["load_class"] == "indirect"
    assert got["Deadlift (Barbell)"]["sets"] == 32


def test_config_prints_values_and_applies_overrides(tmp_path: Path) -> None:
    custom = tmp_path / "c.toml"
    custom.write_text("[recovery]\nhalf_life_hours = 36.0\n", encoding="utf-8")
    result = runner.invoke(app, ["config", "--config", str(custom)])
    assert result.exit_code == 0 and "half_life_hours = 36.0" in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text("[recovery]\nhalf_lives = 3\n", encoding="utf-8")
    result = runner.invoke(app, ["config", "--config", str(bad)])
    assert result.exit_code == 2 and "half_lives" in result.output
