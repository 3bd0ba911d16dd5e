"""Timestamps with a UTC offset read as the lifter's local wall clock (issue 14): the zone
from `ImportOptions.tz` / `--tz`, else this computer's (`system_zone`), the report note, and
naive timestamps left alone. No test depends on the machine's own zone: each passes a zone
or sets `TZ`."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.errors import ConfigError
from analyzer.importers import ImportOptions, ImportResult, read_log
from analyzer.importers.apps import fitbod
from analyzer.importers.timezone import resolve_zone, split_offsets, system_zone, to_local
from tests.golden_util import load
from tests.reallogs import REAL_LOGS, needs_real

REAL_FITBOD = REAL_LOGS / "fitbod"

#: The header of a Fitbod `WorkoutExport.csv` (as in ../shared/real_logs/fitbod).
HEADER = (
    "Date,Exercise,Reps,Weight(kg),Duration(s),Distance(m),Incline,Resistance,"
    "isWarmup,Note,multiplier"
)
TODAY = dt.date(2030, 1, 1)  # the future-date check's "now", fixed for every read here


def fitbod_file(tmp_path: Path, *dates: str) -> Path:
    """A small Fitbod export: one deadlift set per date."""
    rows = [f"{d},Deadlift, 5,100.0,0.0,0.0,0.0,0.0,false,, 1.0" for d in dates]
    path = tmp_path / "WorkoutExport.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def read(path: Path, **opts: object) -> ImportResult:
    options = ImportOptions(today=TODAY, **opts)  # type: ignore[arg-type]
    return fitbod.IMPORTER.read(load(path, options), options)


def times(result: ImportResult) -> list[pd.Timestamp]:
    return result.sets["performed_at"].tolist()


# --- Fitbod: +0000 into a named zone --------------------------------------------------------


def test_utc_after_midnight_is_the_previous_evening_in_chicago(tmp_path: Path) -> None:
    result = read(fitbod_file(tmp_path, "2021-01-19 00:09:00 +0000"), tz="America/Chicago")
    assert times(result) == [pd.Timestamp("2021-01-18 18:09:00")]  # Monday evening
    assert result.sets["date"].tolist() == [pd.Timestamp("2021-01-18")]
    assert result.sets["performed_at"].dtype == "datetime64[ns]"
    assert result.report.notes == ("times converted from UTC to America/Chicago (from --tz)",)


def test_utc_after_midnight_stays_the_same_day_in_berlin(tmp_path: Path) -> None:
    result = read(fitbod_file(tmp_path, "2021-01-19 00:09:00 +0000"), tz="Europe/Berlin")
    assert times(result) == [pd.Timestamp("2021-01-19 01:09:00")]
    assert result.sets["date"].tolist() == [pd.Timestamp("2021-01-19")]


def test_daylight_saving_time_is_the_zone_s_own(tmp_path: Path) -> None:
    path = fitbod_file(tmp_path, "2021-07-01 12:00:00 +0000", "2021-01-01 12:00:00 +0000")
    assert times(read(path, tz="America/Chicago")) == [
        pd.Timestamp("2021-07-01 07:00"),
        pd.Timestamp("2021-01-01 06:00"),
    ]  # CDT, CST


def test_other_offsets_and_z_are_honoured(tmp_path: Path) -> None:
    path = fitbod_file(
        tmp_path, "2021-01-19 08:30:00 +0200", "2021-01-19 06:30:00Z", "2021-01-19 01:30:00 -05:00"
    )
    result = read(path, tz="UTC")
    assert times(result) == [pd.Timestamp("2021-01-19 06:30")] * 3
    assert result.report.notes == ("times converted from their UTC offsets to UTC (from --tz)",)


# --- times without an offset ----------------------------------------------------------------


def test_naive_timestamps_are_local_already_and_unchanged(tmp_path: Path) -> None:
    result = read(fitbod_file(tmp_path, "2021-01-19 00:09:00"), tz="America/Chicago")
    assert times(result) == [pd.Timestamp("2021-01-19 00:09:00")]
    assert result.report.notes == ()


def test_mixed_file_converts_only_the_cells_with_an_offset(tmp_path: Path) -> None:
    path = fitbod_file(tmp_path, "2021-01-19 00:09:00 +0000", "2021-01-19 00:09:00")
    result = read(path, tz="America/Chicago")
    assert times(result) == [pd.Timestamp("2021-01-18 18:09"), pd.Timestamp("2021-01-19 00:09")]
    assert len(result.report.notes) == 1


def test_split_offsets_leaves_dates_and_naive_cells_alone() -> None:
    cells = pd.Series(
        [
            "2021-01-19",
            "2021-01-19 00:09",
            "",
            "2021-01-19 10:09 PM +0100",
            "2021-01-19T00:09:00.5Z",
        ],
        dtype="str",
    )
    stamps = split_offsets(cells)
    assert stamps.wall.tolist() == [
        "2021-01-19",
        "2021-01-19 00:09",
        "",
        "2021-01-19 10:09 PM",
        "2021-01-19T00:09:00.5",
    ]
    assert stamps.offset_min is not None
    assert stamps.offset_min.fillna(-1.0).tolist() == [-1.0, -1.0, -1.0, 60.0, 0.0]
    plain = pd.Series(["2021-01-19 00:09", "2021-01-19"], dtype="str")
    assert split_offsets(plain).offset_min is None
    parsed = pd.to_datetime(plain, format="mixed")
    assert to_local(parsed, split_offsets(plain), "Asia/Tokyo") == (parsed, ())


# --- the zone: named, or the computer's --------------------------------------------------------


def test_default_zone_is_the_computer_s_and_the_note_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    result = read(fitbod_file(tmp_path, "2021-01-19 00:09:00 +0000"))
    assert times(result) == [pd.Timestamp("2021-01-19 09:09")]
    assert result.report.notes == (
        "times converted from UTC to Asia/Tokyo (the computer's time zone; set another with --tz)",
    )


def test_read_log_reports_the_note(tmp_path: Path) -> None:
    result = read_log(
        fitbod_file(tmp_path, "2021-01-19 00:09:00 +0000"),
        ImportOptions(tz="America/Chicago", today=TODAY),
    )
    assert result.report.format == "fitbod"
    assert "times converted from UTC to America/Chicago (from --tz)" in result.report.notes


def test_unknown_zone_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match=r"unknown time zone 'Mars/Base'.*IANA name"):
        ImportOptions(tz="Mars/Base")
    with pytest.raises(ConfigError):
        ImportOptions(tz="")
    assert resolve_zone("Europe/Berlin").name == "Europe/Berlin"


def test_system_zone_honours_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/Chicago")
    assert system_zone() == (ZoneInfo("America/Chicago"), "America/Chicago")
    assert system_zone({"TZ": ":Europe/Berlin"})[1] == "Europe/Berlin"
    assert system_zone({"TZ": "/usr/share/zoneinfo/Asia/Tokyo"})[1] == "Asia/Tokyo"
    zone = resolve_zone(None)
    assert (zone.name, zone.chosen) == ("America/Chicago", False)


def test_system_zone_reads_localtime_link_then_timezone_file(tmp_path: Path) -> None:
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/posix/America/Chicago")
    named = tmp_path / "timezone"
    named.write_text("Europe/Berlin\n", encoding="utf-8")
    missing = tmp_path / "missing"
    assert system_zone({}, link, named)[1] == "America/Chicago"
    assert system_zone({"TZ": "Mars/Base"}, link, named)[1] == "America/Chicago"
    assert system_zone({}, missing, named)[1] == "Europe/Berlin"
    fallback, name = system_zone({}, missing, missing)
    assert re.fullmatch(r"UTC([+-]\d{2}:\d{2})?", name)
    assert fallback.utcoffset(None) is not None


# --- the real Fitbod exports --------------------------------------------------------------------


@needs_real
@pytest.mark.parametrize("name", ["chrsilvi_WorkoutExport.csv", "mymmind_WorkoutExport.csv"])
def test_real_fitbod_exports_shift_by_the_zone_s_offset(name: str) -> None:
    path = REAL_FITBOD / name
    utc, local = read(path, tz="UTC"), read(path, tz="America/Chicago")
    assert local.report.sets == utc.report.sets
    assert "times converted from UTC to America/Chicago (from --tz)" in local.report.notes
    pairs = utc.sets[["source_row", "performed_at"]].merge(
        local.sets[["source_row", "performed_at"]], on="source_row", suffixes=("_utc", "_loc")
    )
    assert len(pairs) == len(utc.sets)
    shift = pairs["performed_at_loc"] - pairs["performed_at_utc"]
    assert set(shift.unique()) == {pd.Timedelta(hours=-6), pd.Timedelta(hours=-5)}
    chicago = ZoneInfo("America/Chicago")
    summer = pairs["performed_at_utc"].map(
        lambda t: t.tz_localize("UTC").astimezone(chicago).dst() != dt.timedelta(0)
    )
    assert (shift[summer] == pd.Timedelta(hours=-5)).all()
    assert (shift[~summer] == pd.Timedelta(hours=-6)).all()
    moved_day = local.sets["date"].to_numpy() != utc.sets["date"].to_numpy()
    assert moved_day.any()  # evening sessions land on the local day before


@needs_real
def test_real_fitbod_first_set_in_local_time() -> None:
    result = read(REAL_FITBOD / "chrsilvi_WorkoutExport.csv", tz="America/Chicago")
    assert result.sets.iloc[0]["performed_at"] == pd.Timestamp("2021-01-17 16:14:35")


# --- other formats ----------------------------------------------------------------------------


def test_generic_csv_with_z_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "date,exercise,reps,weight\n"
        "2024-03-05T00:09:00Z,Deadlift,5,100\n"
        "2024-03-05T18:00:00,Squat,5,80\n",
        encoding="utf-8",
    )
    result = read_log(path, ImportOptions(tz="America/New_York", today=TODAY))
    assert times(result) == [pd.Timestamp("2024-03-04 19:09"), pd.Timestamp("2024-03-05 18:00")]
    assert "times converted from UTC to America/New_York (from --tz)" in result.report.notes


def test_hevy_iso_start_times_with_offset(tmp_path: Path) -> None:
    path = tmp_path / "workouts.csv"
    path.write_text(
        "title,start_time,end_time,description,exercise_title,superset_id,"
        "exercise_notes,set_index,set_type,weight_kg,reps,distance_km,"
        "duration_seconds,rpe\n"
        "Legs,2024-03-05 00:09:00+00:00,2024-03-05 01:00:00+00:00,,Deadlift,,,0,"
        "normal,100,5,,,\n",
        encoding="utf-8",
    )
    result = read_log(path, ImportOptions(tz="America/Chicago", today=TODAY))
    assert result.report.format.startswith("hevy")
    assert times(result) == [pd.Timestamp("2024-03-04 18:09")]
    assert any("America/Chicago" in note for note in result.report.notes)


# --- the command line -----------------------------------------------------------------------------


def test_cli_unknown_zone_exits_2_with_one_line(tmp_path: Path) -> None:
    path = fitbod_file(tmp_path, "2021-01-19 00:09:00 +0000")
    result = CliRunner().invoke(app, ["analyze", str(path), "--no-charts", "--tz", "Mars/Base"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "unknown time zone 'Mars/Base'" in lines[0] and "IANA" in lines[0]


def test_cli_tz_reaches_the_importer(tmp_path: Path) -> None:
    path = fitbod_file(tmp_path, "2021-01-19 00:09:00 +0000")
    result = CliRunner().invoke(
        app,
        [
            "analyze",
            str(path),
            "--no-charts",
            "--json",
            "-",
            "--tz",
            "America/Chicago",
            "--jobs",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["sources"][0]["notes"] == [
        "times converted from UTC to America/Chicago (from --tz)"
    ]


@pytest.mark.parametrize("command", ["analyze", "report", "plan", "exercises"])
def test_every_command_reading_logs_takes_tz(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "--tz" in result.output
