"""Large generic CSVs: the bytes + Arrow path (a UTF-8 file of 1 MB or more is never decoded
whole), the decoded-text Arrow path and the `csv`-module path give the same table and report;
and the distinct-cell helpers behind them (`code_cells`, weighted `parse_dates`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analyzer.importers.loading as loading
import analyzer.importers.tabular.grid as tabular_grid
from analyzer.importers import ImportOptions, ImportResult, read_log
from analyzer.importers.tabular import code_cells, parse_dates
from analyzer.results import Problem
from analyzer.schema import LB_TO_KG, is_canonical

HEADER = "athlete,date,workout,exercise,set,reps,weight_kg,rpe,notes"
SESSIONS = 1600  # x 8 rows: ~560 KB per copy, written twice below (> 1 MB)


def _rows() -> list[str]:
    """Eight rows per session; every 100th session holds the odd cells counted below."""
    out: list[str] = []
    for s in range(SESSIONS):
        day = (dt.date(2024, 1, 1) + dt.timedelta(days=s % 300)).isoformat()
        who = ["Anna", " Anna ", "Élodie", "李"][s % 4]
        odd = s % 100 == 0
        out += [
            f"{who},{day},Lower,Back Squat,W,5,60,,",
            f"{who},,Lower,Back Squat,1,5,100,8,",  # blank date: the row above's
            f"{who},{day},Lower,  Back Squat ,2,5,{'junk' if odd else '1000.5'},8,",
            f"{who},{day},Lower,深蹲,1,5,{'135 lbs' if odd else '80'},7,",
            f"{who},{day},Lower,Deadlift,1,{'x' if odd else '3'},140,9,note",
            f"{who},{day},Lower,Deadlift,2,3,bw,9,   ",
            f"{who},{day},Lower,Deadlift,3,3,60 kg,9.5,",
            f"{who},{day},Lower,Deadlift,,3,150,,",  # no set number
        ]
    return out


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = _rows()
    lines = [HEADER, *rows, "", HEADER, *rows]  # a blank line and a repeated header
    path = tmp_path_factory.mktemp("large") / "roster.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size >= loading.KEEP_BYTES_FROM
    return path


def _read(path: Path) -> ImportResult:
    return read_log(path, ImportOptions(today=dt.date(2026, 11, 25)))


def test_bytes_text_and_csv_module_paths_agree(
    big_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_bytes = _read(big_csv)
    monkeypatch.setattr(loading, "KEEP_BYTES_FROM", 1 << 60)
    on_text = _read(big_csv)
    monkeypatch.setattr(tabular_grid, "FAST_GRID_CHARS", 1 << 60)
    on_csv_module = _read(big_csv)
    for other in (on_text, on_csv_module):
        assert on_bytes.sets.equals(other.sets)
        assert (on_bytes.sets.dtypes == other.sets.dtypes).all()
        assert on_bytes.report == other.report


def test_large_file_rows_counted_cleaned_and_reported(big_csv: Path) -> None:
    result = _read(big_csv)
    sets, report = result.sets, result.report
    assert is_canonical(sets)
    odd = 2 * SESSIONS // 100  # odd sessions in the two copies
    assert report.rows == 2 * SESSIONS * 8 + 1  # the repeated header is a record
    header_line = 1 + SESSIONS * 8 + 2  # header, rows, the blank line
    assert report.skipped_reasons == {
        "weight not a number": odd,
        "reps not a number": odd,
        "weight over 1000 kg": 2 * SESSIONS - odd,
        "repeated header row": 1,
    }
    assert report.problems[:2] == (
        Problem(4, "weight not a number"),  # session 0, row 3
        Problem(6, "reps not a number"),
    )  # session 0, row 5
    assert Problem(header_line + 1 + 2, "weight not a number") in report.problems
    assert report.sets == 2 * SESSIONS * 8 - 2 * odd - (2 * SESSIONS - odd)
    assert set(sets["athlete"]) == {"Anna", "Élodie", "李"}
    assert set(sets["exercise"]) == {"Back Squat", "深蹲", "Deadlift"}
    assert sets["performed_at"].notna().all()  # blank dates filled from the row above
    assert (sets["notes"] == "").sum() == len(sets) - (sets["notes"] == "note").sum()
    pounds = sets["weight_kg"].sub(135 * LB_TO_KG).abs() < 1e-9
    assert pounds.sum() == odd
    assert report.warmup_sets == 2 * SESSIONS
    # session 1's set without a number follows three Deadlift sets of that athlete and day
    unnumbered = sets[sets["source_row"] == 2 + 8 + 7].iloc[0]
    assert unnumbered["exercise"] == "Deadlift" and unnumbered["set_index"] == 4


def test_code_cells_cleans_each_distinct_cell_once() -> None:
    col = pd.Series([" a", "a", "", "  ", "b ", None], dtype="category")
    coded = code_cells(col)
    assert coded.values.tolist() == ["a", "b"]
    assert coded.codes.tolist() == [0, 0, -1, -1, 1, -1]
    assert coded.counts().tolist() == [2, 1]
    kept = coded.subset(np.array([False, False, True, True, True, True]))
    assert kept.values.tolist() == ["b"] and kept.codes.tolist() == [-1, -1, 0, -1]
    # workbook cells: 1, 1.0 and True hash alike but read as different text
    mixed = code_cells(pd.Series([1, 1.0, True, "1"], dtype=object))
    assert mixed.values.tolist() == ["1", "1.0", "True"]
    assert mixed.codes.tolist() == [0, 1, 2, 0]


def test_parse_dates_weights_count_each_distinct_cell_as_its_rows() -> None:
    cells_ = pd.Series(["13/02/2024", "02/14/2024"], dtype="string")
    day_first = parse_dates(cells_, weights=np.array([3, 1]))
    assert day_first.formats == ("%d/%m/%Y",)
    assert day_first.values.iloc[0] == pd.Timestamp("2024-02-13")
    assert pd.isna(day_first.values.iloc[1])
    month_first = parse_dates(cells_, weights=np.array([1, 3]))
    assert month_first.formats == ("%m/%d/%Y",)
    assert month_first.values.iloc[1] == pd.Timestamp("2024-02-14")


def test_quote_free_file_in_many_arrow_blocks_agrees_with_csv_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No quote and no blank line: Arrow reads it with empty lines refused, in blocks small
    enough that each chunk has its own dictionary; the merged categories give the table
    and report the `csv` module gives, with every record on its own line."""
    path = tmp_path / "roster.csv"
    rows = _rows()
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    monkeypatch.setattr(tabular_grid, "ARROW_BLOCK_BYTES", 1 << 16)
    grid = tabular_grid.bytes_grid(path.read_bytes(), ",")
    assert grid is not None
    assert np.array_equal(grid.rows, np.arange(1, len(rows) + 2))
    on_bytes = _read(path)
    monkeypatch.setattr(loading, "KEEP_BYTES_FROM", 1 << 60)
    monkeypatch.setattr(tabular_grid, "FAST_GRID_CHARS", 1 << 60)
    on_csv_module = _read(path)
    assert on_bytes.sets.equals(on_csv_module.sets)
    assert on_bytes.report == on_csv_module.report
    assert on_bytes.report.rows == len(rows)


def test_byte_order_mark_found_after_many_other_0xef_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A header pasted mid-file with its byte order mark is still a repeated header when
    fullwidth characters (UTF-8 0xEF ...) come before it, also once the one-byte probes
    give way to the three-byte search."""
    import analyzer.importers.tabular.records as records

    rows = [r.replace("Lower", "Lower（A）") for r in _rows()]
    path = tmp_path / "two_exports.csv"
    path.write_text("\n".join([HEADER, *rows, "\ufeff" + HEADER, *rows]) + "\n", encoding="utf-8")
    data = path.read_bytes()
    without = data.replace("\ufeff".encode(), b"")
    assert without.count(b"\xef") == 4 * len(rows)  # （ and ） in both copies
    for probes in (records._BOM_PROBES, 3):
        monkeypatch.setattr(records, "_BOM_PROBES", probes)
        assert records._holds_bom(data) and not records._holds_bom(without)
        doc = loading.load_document(path, ImportOptions())
        assert records.repeated_header_lines(doc.source).tolist() == [len(rows) + 2]
        assert _read(path).report.skipped_reasons["repeated header row"] == 1
