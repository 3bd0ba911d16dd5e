"""`backlog plan`: a planned week is judged, fixed, and the fix is written beside it safely."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.plan import check_plan, csv_cell, read_plan
from tests.common import PLAN
from tests.common import STRONG as HISTORY

runner = CliRunner()


@pytest.fixture()
def plan_copy(tmp_path: Path) -> Path:
    target = tmp_path / "next_week.csv"
    shutil.copy(PLAN, target)
    return target


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_plan_command_prints_the_fix_and_writes_the_fixed_plan(plan_copy: Path) -> None:
    before = plan_copy.read_bytes()
    result = runner.invoke(app, ["plan", str(plan_copy), "--history", str(HISTORY)])
    assert result.exit_code == 0, result.output
    assert "OVERUSE" in result.output and "8 weeks of history" in result.output
    # The seed's fix: the deadlift moves to the end of the week, one edit.
    said = " ".join(result.output.split())
    assert "Wed Deadlift (Barbell) -> move to Sat" in said
    assert "Clears loaded days in a row, hard back sessions too close" in said
    fixed = plan_copy.with_name("next_week.fixed.csv")
    assert fixed.exists() and plan_copy.read_bytes() == before
    rows = _rows(fixed)
    original = _rows(plan_copy)
    assert len(rows) == len(original) == 10
    changed = [r for r in rows if r["change"]]
    assert [(r["day"], r["exercise"], r["sets"], r["change"]) for r in changed] == [
        ("Sat", "Deadlift (Barbell)", "3", "moved from Wed")
    ]
    # Everything else is the plan as written.
    same = [(r["day"], r["exercise"], r["sets"], r["reps"]) for r in rows if not r["change"]]
    assert same == [
        (r["day"], r["exercise"], r["sets"], r["reps"])
        for r in original
        if r["exercise"] != "Deadlift (Barbell)"
    ]


def test_plan_never_overwrites(plan_copy: Path) -> None:
    first = plan_copy.with_name("next_week.fixed.csv")
    first.write_text("mine, keep me\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", str(plan_copy)])
    assert result.exit_code == 0, result.output
    assert first.read_text(encoding="utf-8") == "mine, keep me\n"
    second = plan_copy.with_name("next_week.fixed-2.csv")
    assert second.exists() and "next_week.fixed-2.csv" in result.output
    runner.invoke(app, ["plan", str(plan_copy)])
    assert plan_copy.with_name("next_week.fixed-3.csv").exists()


def test_fixed_plan_rechecks_clean(plan_copy: Path) -> None:
    """The written fixed plan, checked again as a plan, is ok: the proof closes the loop."""
    runner.invoke(app, ["plan", str(plan_copy), "--start", "2026-10-05"])
    fixed = plan_copy.with_name("next_week.fixed.csv")
    check = check_plan(fixed, start=dt.date(2026, 10, 5))
    assert check.week.status == "ok" and not check.week.swaps


def test_plan_json_and_dates(tmp_path: Path) -> None:
    plan = tmp_path / "dated.csv"
    plan.write_text(
        "Day,Exercise,Sets,Reps,Weight,RPE\n"
        "2026-09-14,Deadlift (Barbell),3,5,150,8.5\n"
        "2026-09-15,Deadlift (Barbell),3,5,150,8.5\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["plan", str(plan), "--json", "-"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["week"]["week"] == "2026-W38" and out["week"]["status"] == "overuse"
    (swap,) = out["week"]["swaps"]
    assert swap["kind"] == "move" and swap["day"] in ("2026-09-14", "2026-09-15")
    assert out["week"]["after_swaps"]["status"] == "ok"
    rows = _rows(Path(out["fixed_plan"]))
    days = sorted(dt.date.fromisoformat(r["day"]) for r in rows)
    assert swap["move_to"] in [r["day"] for r in rows]
    # The two deadlifts end 72 h or more apart inside the week, and 72 h or more from the
    # next week's first one (the plan repeats).
    assert (days[1] - days[0]).days >= 3 and (days[0] + dt.timedelta(days=7) - days[1]).days >= 3


def test_xlsx_plan(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Week plan"])
    sheet.append(["day", "exercise", "sets", "reps", "weight"])
    sheet.append(["Mon", "Squat (Barbell)", 4, 5, 100])
    sheet.append(["Tue", "Bent Over Row (Barbell)", 4, 8, 60])
    sheet.append(["Wed", "Deadlift (Barbell)", 3, 5, 140])
    sheet.append(["Thu", "Overhead Press (Barbell)", 4, 6, 45])
    path = tmp_path / "plan.xlsx"
    book.save(path)
    plan = read_plan(path)
    assert list(plan["sets"]) == [4, 4, 3, 4]
    assert list(plan["date"].dt.day_of_week) == [0, 1, 2, 3]
    result = runner.invoke(app, ["plan", str(path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "plan.fixed.xlsx").exists()  # the plan's own format


def test_formula_like_cells_are_escaped(tmp_path: Path) -> None:
    lines = [
        "day,exercise,sets,reps,weight",
        "Mon,Squat (Barbell),4,5,100",
        "Tue,Bent Over Row (Barbell),4,8,60",
        "Wed,Deadlift (Barbell),3,5,140",
        'Thu,"=HYPERLINK(""http://x"",""y"")",3,10,20',
        "Thu,@SUM(A1),3,10,20",
        "Thu,Overhead Press (Barbell),4,6,45",
    ]
    plan = tmp_path / "plan.csv"
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", str(plan)])
    assert result.exit_code == 0, result.output
    rows = _rows(tmp_path / "plan.fixed.csv")
    names = [r["exercise"] for r in rows]
    assert '\'=HYPERLINK("http://x","y")' in names and "'@SUM(A1)" in names
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_csv_cell() -> None:
    # Formulas are escaped; numbers (also signed, also as text) stay numbers.
    cells = ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM", "\tx", "ok", "+1", "-2", 4.0, 2.5)
    assert [csv_cell(v) for v in cells] == [
        "'=1+1",
        "'+cmd|' /C calc'!A0",
        "'-2+3",
        "'@SUM",
        "'\tx",
        "ok",
        "+1",
        "-2",
        "4",
        "2.5",
    ]


def test_bad_plans_exit_2(tmp_path: Path) -> None:
    bad_day = tmp_path / "bad.csv"
    bad_day.write_text("day,exercise,sets,reps\nsomeday,Squat (Barbell),3,5\n", encoding="utf-8")
    no_table = tmp_path / "none.csv"
    no_table.write_text("a,b\n1,2\n", encoding="utf-8")
    for path in (bad_day, no_table, tmp_path / "missing.csv"):
        result = runner.invoke(app, ["plan", str(path)])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
    result = runner.invoke(app, ["plan", str(PLAN), "--start", "soon"])
    assert result.exit_code == 2
