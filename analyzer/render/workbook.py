"""The spreadsheet layout every .xlsx backlog writes shares (`--table FILE.xlsx`, the fixed
plan of an .xlsx plan): a pinned, write-only workbook with one sheet whose columns have widths,
whose header row is bold and frozen, and whose columns carry a filter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any


def sheet_with_header(
    title: str,
    names: Sequence[str],
    widths: Mapping[str, float],
    rows: int,
    *,
    default_width: float = 10.0,
) -> tuple[Any, Any]:
    """(workbook, sheet): the header row of `names` written bold, frozen and filtered over
    `rows` data rows below it, columns `widths` wide (by name)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    # Pinned so that the same input gives the same file.
    book.properties.creator = "backlog"
    book.properties.created = dt.datetime(2000, 1, 1)
    book.properties.modified = dt.datetime(2000, 1, 1)
    sheet = book.create_sheet(title)
    for i, name in enumerate(names, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = widths.get(name, default_width)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{rows + 1}"
    header = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    return book, sheet
