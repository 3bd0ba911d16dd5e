"""`--columns` alone reads any table with a date, an exercise and reps (issue 16, point 5);
user-id columns name the athlete; the advice of the "not recognised" error works when
followed, on real-shaped files."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.importers import ImportOptions, read_log
from analyzer.importers.coach.generic import IMPORTER as GENERIC
from analyzer.importers.headers import match_cell
from tests.golden_util import GOLDEN, assert_matches

runner = CliRunner()

#: A multi-user export in the shape of Fitbod's per-set tables, ids beside the names.
MULTI = GOLDEN / "generic_user_ids.csv"


def test_multi_user_export_golden() -> None:
    result = read_log(MULTI)
    assert result.report.format == "generic-csv"
    assert result.report.athletes == ("u1", "u2")
    assert_matches(result.sets, GOLDEN / "generic_user_ids.expected.csv")


@pytest.mark.parametrize(
    "header",
    ["user", "user_id", "userId", "client", "member", "fake_user_id", "app_user_id", "Member ID"],
)
def test_user_id_columns_are_the_athlete(header: str) -> None:
    assert match_cell(header)[0] == "athlete"


@pytest.mark.parametrize("header", ["exerciseId", "workoutId", "singleSetId"])
def test_id_columns_are_not_names(header: str) -> None:
    assert match_cell(header)[0] is None


def test_camel_case_headers_match() -> None:
    assert match_cell("exerciseName")[0] == "exercise"


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--columns", "athlete=fake_user_id,exercise=exerciseName"],
        ["--columns", "athlete=fake_user_id,exercise=exerciseName", "--format", "generic"],
    ],
)
def test_multi_user_export_analyses_with_columns_alone(args: list[str]) -> None:
    result = runner.invoke(app, ["analyze", str(MULTI), "--no-charts", "--json", "-", *args])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [a["athlete"] for a in data["athletes"]] == ["u1", "u2"]
    assert data["sources"][0]["sets"] == 6


def _unrecognised(tmp_path: Path) -> Path:
    """A hand-kept log whose headers no synonym names: German day-first dates, `;`."""
    path = tmp_path / "log.csv"
    path.write_text(
        "When;Lift done;n;kg\n"
        "04.03.2024;Kreuzheben;5;100\n"
        "05.03.2024;Kniebeuge;5;80\n"
        "06.03.2024;Bankdruck;8;60\n"
        "06.03.2024;Bankdruck;8;62,5\n",
        encoding="utf-8",
    )
    return path


def test_the_advice_of_the_unrecognised_error_works_when_followed(tmp_path: Path) -> None:
    path = _unrecognised(tmp_path)
    failed = runner.invoke(app, ["analyze", str(path), "--no-charts"])
    assert failed.exit_code == 2
    message = " ".join(failed.output.split())
    assert "When, Lift done, n, kg" in message  # the headers to choose from
    advice = re.search(r"--columns ('[^']*'|\S+?);", message)
    assert advice is not None, message
    (columns,) = shlex.split(advice.group(1))
    assert columns == "date=When,exercise=Lift done,reps=n"
    followed = runner.invoke(
        app, ["analyze", str(path), "--no-charts", "--json", "-", "--columns", columns]
    )
    assert followed.exit_code == 0, followed.output
    data = json.loads(followed.stdout)
    (source,) = data["sources"]
    assert source["sets"] == 4 and source["skipped"] == 0
    days = {w["week"]: w["sets"] for w in data["athletes"][0]["weeks"]}
    assert days == {"2024-W10": 4}


def test_columns_naming_a_missing_header_says_which(tmp_path: Path) -> None:
    path = _unrecognised(tmp_path)
    result = runner.invoke(
        app, ["analyze", str(path), "--no-charts", "--columns", "date=Datum,exercise=Lift done"]
    )
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "'Datum', not in the header" in message
    assert "date=When,exercise=Lift done,reps=n" in message


def test_columns_do_not_take_over_app_exports_in_a_folder(tmp_path: Path) -> None:
    """A coach folder: the mapping is for the hand-kept log; the Strong export beside it is
    still read as Strong."""
    _unrecognised(tmp_path)
    strong = Path(__file__).resolve().parents[1] / "sample_logs" / "strong_lifter.csv"
    (tmp_path / "strong.csv").write_bytes(strong.read_bytes())
    result = runner.invoke(
        app,
        [
            "analyze",
            str(tmp_path),
            "--no-charts",
            "--json",
            "-",
            "--columns",
            "date=When,exercise=Lift done,reps=n",
        ],
    )
    assert result.exit_code == 0, result.output
    formats = {Path(s["path"]).name: s["format"] for s in json.loads(result.stdout)["sources"]}
    assert formats == {"log.csv": "generic-csv-eu", "strong.csv": "strong-2025"}


def test_fits_columns_needs_every_named_header(tmp_path: Path) -> None:
    from tests.golden_util import load

    doc = load(_unrecognised(tmp_path), ImportOptions())
    assert GENERIC.fits_columns(doc, {"date": "When", "exercise": "Lift done"})
    assert not GENERIC.fits_columns(doc, {"date": "When", "exercise": "Lift"})


@pytest.mark.slow  # guesses over 5,000-column tables: seconds
def test_the_guess_judges_a_bounded_number_of_distinct_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A file of thousands of unknown columns costs at most MAX_GUESSED_COLUMNS column
    judgements (columns with the same cells are judged once), and the guess is the one the
    first columns give; named headers are matched in every column."""
    import pandas as pd

    from analyzer.importers.coach import mapping

    calls: list[int] = []
    real = mapping._column_shares

    def counting(cells: pd.Series) -> tuple[float, float, float]:
        calls.append(len(cells))
        return real(cells)

    monkeypatch.setattr(mapping, "_column_shares", counting)
    # 5,000 columns holding "1" (the bad-input corpus file): one judgement.
    same = pd.DataFrame([[f"c{i}" for i in range(5000)], ["1"] * 5000])
    assert mapping.guess_columns(same) == {"reps": "c0"}
    assert len(calls) == 1
    # 5,000 different columns: the first MAX_GUESSED_COLUMNS are judged.
    calls.clear()
    body = [[f"x{r}-{i}" if i % 2 else str(i % 90 + r) for i in range(5000)] for r in range(6)]
    wide = pd.DataFrame([[f"c{i}" for i in range(5000)], *body])
    found = mapping.guess_columns(wide)
    assert len(calls) == mapping.MAX_GUESSED_COLUMNS
    first = wide.iloc[:, : mapping.MAX_GUESSED_COLUMNS]
    assert found == mapping.guess_columns(first) == {"exercise": "c1", "reps": "c0"}
    # A header the synonym table knows is found far beyond the bound.
    named = wide.copy()
    named.iloc[0, 4000] = "Date"
    named.iloc[1:, 4000] = "2026-09-07"
    assert mapping.guess_columns(named)["date"] == "Date"


def test_a_repeated_column_gives_the_first_copy() -> None:
    """Columns are judged once per distinct cells; of two equal columns the first is taken."""
    import pandas as pd

    from analyzer.importers.coach.mapping import guess_columns

    head = pd.DataFrame(
        [
            ["a", "b", "c", "d"],
            ["2026-09-07", "Squat", "5", "2026-09-07"],
            ["2026-09-08", "Row", "8", "2026-09-08"],
        ]
    )
    assert guess_columns(head) == {"date": "a", "exercise": "b", "reps": "c"}
