"""--table export: one row per athlete-week, formula-like text escaped in CSV and XLSX."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.errors import OutputError
from analyzer.pipeline import analyze_sets
from analyzer.render.table import COLUMNS, weekly_table, write_table
from analyzer.safe_write import escape_cell
from tests.common import ROOT, STRONG
from tests.modelkit import tagged, week_of

HOSTILE_LIFT = ('=HYPERLINK("http://x","y")', "direct", 1.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+A1", "'+A1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Squat", "Squat"),
        (-2.5, -2.5),
        ("", ""),
    ],
)
def test_escape_cell(value: object, expected: object) -> None:
    assert escape_cell(value) == expected


@pytest.fixture(scope="module")
def hostile():
    # Re-tagged as unknown (no dose), so the week's lift list starts with the hostile name.
    sessions = week_of("2026-09-07", {0: [HOSTILE_LIFT], 2: [HOSTILE_LIFT]})
    return analyze_sets(tagged(sessions, athlete="@evil"))


def test_csv_escapes_formula_like_names(hostile, tmp_path: Path) -> None:
    target = write_table(hostile, tmp_path / "weeks.csv")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    assert rows[0]["athlete"] == "'@evil"
    assert rows[0]["lifts"].startswith("'=HYPERLINK")
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r"))


def test_xlsx_escapes_and_keeps_numbers(hostile, tmp_path: Path) -> None:
    target = write_table(hostile, tmp_path / "weeks.xlsx")
    sheet = openpyxl.load_workbook(target).active
    header = [c.value for c in sheet[1]]
    assert header == COLUMNS
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert row["athlete"].value == "'@evil"
    assert row["lifts"].value.startswith("'=HYPERLINK")
    assert all(c.data_type != "f" for c in sheet[2])
    assert row["lower_back_load"].data_type == "n"  # a number, not text
    assert row["lower_back_load"].value == hostile.athletes[0].weeks[0].lower_back_load
    assert row["sets"].value == hostile.athletes[0].weeks[0].sets


def test_table_rows_mirror_the_weeks(analysed) -> None:
    analysis = analysed(STRONG)
    table = weekly_table(analysis)
    weeks = analysis.athletes[0].weeks
    assert table["week"].tolist() == [w.week for w in weeks]
    assert table["status"].tolist() == [w.status for w in weeks]
    assert table.loc[0, "loaded_days"] == "Mon Tue Wed Thu"  # squat, row, deadlift, press
    assert table.loc[4, "loaded_days"] == "Mon Sat"  # the fixed schedule
    assert table.loc[0, "lifts"].split(", ")[0] == "Deadlift (Barbell)"  # most dose first


def test_other_suffix_is_refused(hostile, tmp_path: Path) -> None:
    with pytest.raises(OutputError):
        write_table(hostile, tmp_path / "weeks.ods")
    assert not list(tmp_path.iterdir())


def test_cli_analyze_table(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "weeks.xlsx"
    result = CliRunner().invoke(
        app, ["analyze", str(STRONG), "--no-charts", "--quiet", "--table", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(target).active.max_row == 1 + 8


def test_xlsx_is_formatted_for_reading(tmp_path: Path) -> None:
    """Widths, frozen header, filter, status cells in the charts' colours, dates as dates
    (issue 16, point 6)."""
    import datetime as dt

    from openpyxl import load_workbook

    from analyzer.render import palette

    target = tmp_path / "weeks.xlsx"
    result = CliRunner().invoke(
        app, ["analyze", str(STRONG), "--no-charts", "--quiet", "--table", str(target)]
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(target)["weeks"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:R{sheet.max_row}"
    assert sheet.column_dimensions["N"].width == 40  # lifts
    assert sheet.column_dimensions["P"].width == 80  # flag messages
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["athlete", "week", "start", "status"] and sheet["A1"].font.b
    rows = list(sheet.iter_rows(min_row=2))
    assert isinstance(rows[0][2].value, dt.datetime) and rows[0][2].number_format == "yyyy-mm-dd"
    seen = set()
    for row in rows:
        status = row[3].value
        seen.add(status)
        colour = palette.STATUS_COLOURS[status].lstrip("#").upper()
        assert row[3].fill.fgColor.rgb.endswith(colour)
    assert {"overuse", "ok"} <= seen


def test_writing_a_csv_table_loads_neither_the_pdf_renderer_nor_reportlab(tmp_path: Path) -> None:
    """The table takes its words (days, swaps) from render.wording, not from render.pdf: a CSV
    export must not pay for importing reportlab (checked in a fresh interpreter, since this
    test session has loaded everything already)."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from analyzer.pipeline import analyze\n"
        "from analyzer.render.table import write_table\n"
        f"write_table(analyze([Path({str(STRONG)!r})]), Path({str(tmp_path / 't.csv')!r}))\n"
        "print(sorted(m for m in ('reportlab', 'analyzer.render.pdf') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "t.csv").read_text(encoding="utf-8-sig").startswith("athlete,week,")
