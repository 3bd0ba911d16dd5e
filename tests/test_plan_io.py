"""`backlog plan` reads and writes plans in their own format and unit: an .xlsx plan gets an
.xlsx fixed plan laid out like `--table FILE.xlsx`, a CSV plan a CSV one, and `--units lb`
reads (and writes back) pounds."""

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
from analyzer.plan import check_plan, plan_unit, read_plan
from analyzer.schema import LB_TO_KG
from tests.common import PLAN
from tests.common import STRONG as HISTORY

runner = CliRunner()


def plan_rows() -> list[dict[str, str]]:
    with PLAN.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def sample_as_xlsx(path: Path, *, title: bool = True) -> Path:
    """The sample plan as a coach's workbook: a title row, then the table, numbers as
    numbers, RPE cells left empty where the CSV has none."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append(["Next week"])
    sheet.append(["Day", "Exercise", "Sets", "Reps", "Weight", "RPE"])
    for r in plan_rows():
        sheet.append(
            [
                r["day"],
                r["exercise"],
                int(r["sets"]),
                int(r["reps"]),
                float(r["weight"]),
                float(r["rpe"]) if r["rpe"] else None,
            ]
        )
    book.save(path)
    return path


def sheet_rows(path: Path) -> list[list[object]]:
    book = openpyxl.load_workbook(path)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def week(args: list[str]) -> dict:
    result = runner.invoke(app, ["plan", *args, "--no-write", "--json", "-"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["week"]


# --- format ------------------------------------------------------------------------------------


def test_xlsx_plan_gives_an_xlsx_fixed_plan(tmp_path: Path) -> None:
    plan = sample_as_xlsx(tmp_path / "next_week.xlsx")
    before = plan.read_bytes()
    result = runner.invoke(app, ["plan", str(plan), "--history", str(HISTORY)])
    assert result.exit_code == 0, result.output
    fixed = tmp_path / "next_week.fixed.xlsx"
    assert fixed.exists() and not (tmp_path / "next_week.fixed.csv").exists()
    assert "next_week.fixed.xlsx" in result.output
    assert plan.read_bytes() == before
    # The same fix as the CSV plan gets, cell for cell (numbers as numbers).
    shutil.copy(PLAN, tmp_path / "same.csv")
    assert (
        runner.invoke(
            app, ["plan", str(tmp_path / "same.csv"), "--history", str(HISTORY)]
        ).exit_code
        == 0
    )
    expected = csv_rows(tmp_path / "same.fixed.csv")
    header, *rows = sheet_rows(fixed)
    assert header == ["day", "exercise", "sets", "reps", "weight", "rpe", "change"]
    assert len(rows) == len(expected) == 10
    as_text = [["" if v is None else str(v) for v in row] for row in rows]
    assert as_text == [list(r.values()) for r in expected]
    assert all(isinstance(row[2], int) for row in rows)  # sets
    assert any(row[6] for row in rows)  # something changed


def test_xlsx_fixed_plan_is_laid_out_like_the_table(tmp_path: Path) -> None:
    plan = sample_as_xlsx(tmp_path / "plan.xlsx")
    assert runner.invoke(app, ["plan", str(plan), "--start", "2026-10-05"]).exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "plan.fixed.xlsx")
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:G{sheet.max_row}"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["B"].width >= 30  # exercise
    assert sheet.column_dimensions["G"].width >= 60  # change
    assert sheet.column_dimensions["C"].width < 10  # sets


def test_xlsx_fixed_plan_rechecks_clean(tmp_path: Path) -> None:
    """The written workbook, checked again as a plan, is ok: it reads as the CSV one does."""
    plan = sample_as_xlsx(tmp_path / "plan.xlsx")
    result = runner.invoke(app, ["plan", str(plan), "--start", "2026-10-05"])
    assert result.exit_code == 0, result.output
    check = check_plan(tmp_path / "plan.fixed.xlsx", start=dt.date(2026, 10, 5))
    assert check.week.status == "ok" and not check.week.swaps


def test_xlsx_fixed_names_are_reserved_like_csv(tmp_path: Path) -> None:
    plan = sample_as_xlsx(tmp_path / "plan.xlsx")
    mine = tmp_path / "plan.fixed.xlsx"
    mine.write_bytes(b"mine, keep me")
    for n in (2, 3):
        result = runner.invoke(app, ["plan", str(plan), "--start", "2026-10-05"])
        assert result.exit_code == 0, result.output
        assert f"plan.fixed-{n}.xlsx" in result.output
        assert sheet_rows(tmp_path / f"plan.fixed-{n}.xlsx")[0][0] == "day"
    assert mine.read_bytes() == b"mine, keep me"
    assert not list(tmp_path.glob("*.csv"))


def test_dated_xlsx_plan_keeps_dates_as_dates(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["date", "exercise", "sets", "reps", "weight", "rpe"])
    sheet.append([dt.datetime(2026, 9, 14), "Deadlift (Barbell)", 3, 5, 150, 8.5])
    sheet.append([dt.datetime(2026, 9, 15), "Deadlift (Barbell)", 3, 5, 150, 8.5])
    path = tmp_path / "dated.xlsx"
    book.save(path)
    result = runner.invoke(app, ["plan", str(path)])
    assert result.exit_code == 0, result.output
    fixed = openpyxl.load_workbook(tmp_path / "dated.fixed.xlsx").worksheets[0]
    days = [row[0] for row in fixed.iter_rows(min_row=2)]
    assert all(isinstance(c.value, dt.datetime) for c in days)
    assert all(c.number_format == "yyyy-mm-dd" for c in days)
    # One deadlift was moved off the back-to-back days; the days are real dates of that week.
    assert {c.value for c in days} != {dt.datetime(2026, 9, 14), dt.datetime(2026, 9, 15)}
    assert all(dt.datetime(2026, 9, 14) <= c.value <= dt.datetime(2026, 9, 20) for c in days)


def test_xlsx_formula_like_cells_stay_text(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["day", "exercise", "sets", "reps", "weight"])
    for row in (
        ["Mon", "Squat (Barbell)", 4, 5, 100],
        ["Tue", "Bent Over Row (Barbell)", 4, 8, 60],
        ["Wed", "Deadlift (Barbell)", 3, 5, 140],
        ["Thu", "@SUM(A1)", 3, 10, 20],
        ["Thu", "Overhead Press (Barbell)", 4, 6, 45],
    ):
        sheet.append(row)
    path = tmp_path / "plan.xlsx"
    book.save(path)
    assert runner.invoke(app, ["plan", str(path)]).exit_code == 0
    fixed = openpyxl.load_workbook(tmp_path / "plan.fixed.xlsx").worksheets[0]
    cells = [c for row in fixed.iter_rows(min_row=2) for c in row]
    assert "'@SUM(A1)" in [c.value for c in cells]
    assert all(c.data_type != "f" for c in cells)


def test_csv_plan_stays_csv(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    shutil.copy(PLAN, plan)
    result = runner.invoke(app, ["plan", str(plan), "--start", "2026-10-05"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in sorted(tmp_path.iterdir())] == ["plan.csv", "plan.fixed.csv"]
    assert csv_rows(tmp_path / "plan.fixed.csv")[0]["weight"] == "100"


# --- units -------------------------------------------------------------------------------------


def lb_plan(path: Path, header: str = "weight") -> Path:
    """The sample plan written in pounds (no RPE, so the loads decide each set's effort)."""
    return write_csv(
        path,
        ["day", "exercise", "sets", "reps", header],
        [
            [r["day"], r["exercise"], r["sets"], r["reps"], round(float(r["weight"]) / LB_TO_KG, 1)]
            for r in plan_rows()
        ],
    )


def kg_plan(path: Path) -> Path:
    return write_csv(
        path,
        ["day", "exercise", "sets", "reps", "weight"],
        [[r["day"], r["exercise"], r["sets"], r["reps"], r["weight"]] for r in plan_rows()],
    )


def test_units_lb_reads_the_plan_in_pounds(tmp_path: Path) -> None:
    """The same week written in pounds and checked with --units lb judges as the kg plan;
    read as kg (no --units) its loads are 2.2 times heavier against the history."""
    in_kg = week([str(kg_plan(tmp_path / "kg.csv")), "--history", str(HISTORY)])
    in_lb = week([str(lb_plan(tmp_path / "lb.csv")), "--history", str(HISTORY), "--units", "lb"])
    as_kg = week([str(tmp_path / "lb.csv"), "--history", str(HISTORY)])
    assert in_lb["lower_back_load"] == pytest.approx(in_kg["lower_back_load"], rel=1e-3)
    assert in_lb["swaps"] == in_kg["swaps"]
    assert as_kg["lower_back_load"] > in_kg["lower_back_load"] * 1.1


def test_fixed_plan_writes_pounds_back(tmp_path: Path) -> None:
    plan = lb_plan(tmp_path / "lb.csv")
    result = runner.invoke(app, ["plan", str(plan), "--history", str(HISTORY), "--units", "lb"])
    assert result.exit_code == 0, result.output
    fixed = csv_rows(tmp_path / "lb.fixed.csv")
    assert list(fixed[0]) == ["day", "exercise", "sets", "reps", "weight (lb)", "rpe", "change"]
    # Every lift keeps the load written for it, in pounds (a substitute's is left blank).
    written = {r["exercise"]: r["weight"] for r in csv_rows(plan)}
    kept = [r for r in fixed if not r["change"].startswith("was ")]
    assert kept and all(r["weight (lb)"] == written[r["exercise"]].removesuffix(".0") for r in kept)
    assert {r["weight (lb)"] for r in kept} >= {"220.5", "308.6"}  # squat, deadlift
    # Checked again without --units, the fixed plan is read in pounds (its header says so).
    again = check_plan(tmp_path / "lb.fixed.csv", start=dt.date(2026, 10, 5))
    assert again.unit == "lb"
    assert sorted(again.plan["weight"].dropna()) == sorted(
        float(r["weight (lb)"]) for r in fixed if r["weight (lb)"]
    )


def test_xlsx_plan_in_pounds(tmp_path: Path) -> None:
    plan = sample_as_xlsx(tmp_path / "plan.xlsx")
    result = runner.invoke(app, ["plan", str(plan), "--start", "2026-10-05", "--units", "lb"])
    assert result.exit_code == 0, result.output
    header, first, *_ = sheet_rows(tmp_path / "plan.fixed.xlsx")
    assert header[4] == "weight (lb)" and first[:5] == ["Mon", "Squat (Barbell)", 4, 5, 100]


def test_weight_header_unit_wins_and_cell_units_convert(tmp_path: Path) -> None:
    plan = write_csv(
        tmp_path / "p.csv",
        ["Day", "Exercise", "Sets", "Reps", "Weight (lb)"],
        [["Mon", "Squat (Barbell)", 4, 5, 225], ["Tue", "Deadlift (Barbell)", 3, 5, "140 kg"]],
    )
    read = read_plan(plan)
    assert list(read["weight"]) == [225, round(140 / LB_TO_KG, 2)]
    # --units kg does not override a header that states its unit.
    assert list(read_plan(plan, units="kg")["weight"])[0] == 225
    kg = write_csv(
        tmp_path / "k.csv",
        ["day", "exercise", "sets", "reps", "weight"],
        [["Mon", "Squat (Barbell)", 4, 5, "225 lb"], ["Tue", "Deadlift (Barbell)", 3, 5, 140]],
    )
    assert list(read_plan(kg, units="kg")["weight"]) == [round(225 * LB_TO_KG, 2), 140]
    assert plan_unit(read_plan(kg)) == "kg"  # one cell in pounds does not make a pound plan
    # Without --units, weight cells that all state pounds make a pound plan.
    cells = write_csv(
        tmp_path / "c.csv",
        ["day", "exercise", "sets", "reps", "weight"],
        [
            ["Mon", "Squat (Barbell)", 4, 5, "225 lb"],
            ["Tue", "Deadlift (Barbell)", 3, 5, "315lbs"],
            ["Wed", "Plank", 3, 1, ""],
        ],
    )
    read = read_plan(cells)
    assert plan_unit(read) == "lb" and list(read["weight"])[:2] == [225, 315]


def test_weight_limit_is_in_the_plans_unit(tmp_path: Path) -> None:
    plan = write_csv(
        tmp_path / "p.csv",
        ["day", "exercise", "sets", "reps", "weight"],
        [
            ["Mon", "Squat (Barbell)", 4, 5, 2000],
            ["Tue", "Deadlift (Barbell)", 3, 5, 2500],
            ["Wed", "Bench Press (Barbell)", 3, 5, 100],
        ],
    )
    result = runner.invoke(app, ["plan", str(plan), "--units", "lb", "--no-write"])
    assert result.exit_code == 0, result.output
    assert "row 3: weight 2500 outside 0-2205" in result.output
    result = runner.invoke(app, ["plan", str(plan), "--no-write"])
    assert "skipped 2 rows" in result.output and "weight 2000 outside 0-1000" in result.output


@pytest.mark.parametrize("value", ["stone", "", "KG2"])
def test_bad_units_exit_2(value: str) -> None:
    result = runner.invoke(app, ["plan", str(PLAN), "--units", value])
    assert result.exit_code == 2, result.output
    assert "--units must be kg or lb" in result.output and "Traceback" not in result.output


def test_units_in_help() -> None:
    result = runner.invoke(app, ["plan", "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0 and "--units" in result.output
