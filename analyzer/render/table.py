"""`--table FILE.csv|FILE.xlsx`: the weekly table of every athlete, for spreadsheets.

Every text cell that a spreadsheet could read as a formula (starting with = + - @, tab or
carriage return) gets a leading single quote, so opening a file built from a client's log
never runs anything. Files are written atomically. The words in the cells (days, swaps) are
`wording`'s, as in the terminal and the PDFs; writing a table never loads reportlab.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from analyzer.errors import OutputError
from analyzer.render import palette
from analyzer.render.wording import days_text, swap_lines
from analyzer.results import Analysis
from analyzer.safe_write import atomic_write_bytes, spreadsheet_safe

COLUMNS = [
    "athlete",
    "week",
    "start",
    "status",
    "sets",
    "direct_sets",
    "indirect_sets",
    "lower_back_load",
    "loaded_days",
    "longest_run",
    "acwr",
    "monotony",
    "strain",
    "lifts",
    "flags",
    "flag_messages",
    "swaps",
    "status_after_swaps",
]


def _lifts_by_week(sets: pd.DataFrame) -> pd.Series:
    """Week Monday -> the week's distinct lifts as text, most lower-back dose first."""
    working = sets[sets["set_type"].astype("str") != "warmup"]
    monday = working["date"] - pd.to_timedelta(working["date"].dt.day_of_week, unit="D")
    per = (
        pd.DataFrame(
            {
                "monday": monday.dt.date,
                "exercise": working["exercise"].astype("str"),
                "dose": working["dose"],
            }
        )
        .groupby(["monday", "exercise"], sort=False)["dose"]
        .sum()
        .reset_index()
        .sort_values(["monday", "dose", "exercise"], ascending=[True, False, True])
    )
    return per.groupby("monday", sort=True)["exercise"].agg(", ".join)


def weekly_table(analysis: Analysis) -> pd.DataFrame:
    """One row per athlete and week (athletes sorted), text cells already escaped."""
    rows = []
    for a in sorted(analysis.athletes, key=lambda r: r.athlete):
        lifts = _lifts_by_week(a.sets)
        for w in a.weeks:
            rows.append(
                {
                    "athlete": a.athlete,
                    "week": w.week,
                    "start": w.start,
                    "status": w.status,
                    "sets": w.sets,
                    "direct_sets": w.direct_sets,
                    "indirect_sets": w.indirect_sets,
                    "lower_back_load": w.lower_back_load,
                    "loaded_days": days_text(w.loaded_days, none=""),
                    "longest_run": w.longest_run,
                    "acwr": w.acwr,
                    "monotony": w.monotony,
                    "strain": w.strain,
                    "lifts": lifts.get(w.start, ""),
                    "flags": ", ".join(dict.fromkeys(f.code for f in w.flags)),
                    "flag_messages": " | ".join(f.message for f in w.flags),
                    "swaps": "; ".join(swap_lines(w)),
                    "status_after_swaps": w.after_swaps.status if w.after_swaps else "",
                }
            )
    table = pd.DataFrame(rows, columns=COLUMNS)
    for col in (
        "athlete",
        "week",
        "status",
        "loaded_days",
        "lifts",
        "flags",
        "flag_messages",
        "swaps",
        "status_after_swaps",
    ):
        table[col] = spreadsheet_safe(table[col].astype("object"))
    for col in ("sets", "direct_sets", "indirect_sets", "longest_run"):
        table[col] = table[col].astype("int64")
    for col in ("lower_back_load", "acwr", "monotony", "strain"):
        table[col] = table[col].astype("float64")
    return table


#: Column widths in characters (Excel's unit): short codes narrow, text columns wide.
XLSX_WIDTHS: dict[str, float] = {
    "athlete": 22,
    "week": 10,
    "start": 11,
    "status": 9,
    "loaded_days": 18,
    "lifts": 40,
    "flags": 28,
    "flag_messages": 80,
    "swaps": 60,
    "status_after_swaps": 12,
}
XLSX_NUMBER_WIDTH = 9
#: Formats of the number columns (the others are General).
XLSX_FORMATS: dict[str, str] = {
    "start": "yyyy-mm-dd",
    "lower_back_load": "0.0",
    "acwr": "0.00",
    "monotony": "0.00",
    "strain": "0.0",
}


def _xlsx_bytes(table: pd.DataFrame) -> bytes:
    """The table as a workbook people can read at once: column widths, the header frozen
    and bold with a filter, status cells filled with the charts' status colours
    (`palette.STATUS_COLOURS`), `start` a real date."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    from analyzer.render.workbook import sheet_with_header

    book, sheet = sheet_with_header(
        "weeks", COLUMNS, XLSX_WIDTHS, len(table), default_width=XLSX_NUMBER_WIDTH
    )
    fills = {
        status: PatternFill("solid", fgColor=colour.lstrip("#").upper())
        for status, colour in palette.STATUS_COLOURS.items()
    }
    # White reads on green and vermillion, black on orange (as the charts' labels).
    fonts = {
        status: Font(color="000000" if status == "watch" else "FFFFFF", bold=True)
        for status in fills
    }
    wrap = Alignment(vertical="top", wrap_text=False)
    status_columns = {"status", "status_after_swaps"}
    for record in table.to_numpy(dtype=object).tolist():
        cells = []
        for name, value in zip(COLUMNS, record, strict=True):
            if isinstance(value, float) and pd.isna(value):
                value = None
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never "f": text is text, even after escaping
            if name in XLSX_FORMATS and value is not None:
                cell.number_format = XLSX_FORMATS[name]
            if name in status_columns and value in fills:
                cell.fill = fills[value]
                cell.font = fonts[value]
            cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_table(analysis: Analysis, target: Path) -> Path:
    """Write the weekly table as CSV or XLSX (chosen by the file suffix)."""
    table = weekly_table(analysis)
    suffix = target.suffix.lower()
    if suffix == ".csv":
        data = table.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")  # BOM: Excel
    elif suffix == ".xlsx":
        data = _xlsx_bytes(table)
    else:
        raise OutputError("--table must end in .csv or .xlsx", path=target)
    return atomic_write_bytes(target, data)
