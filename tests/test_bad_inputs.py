"""Bad input never breaks `backlog analyze`: a corpus of hand-made bad files, generated into
tmp_path, each run through the CLI.

For every file: no traceback, the exit code the contract gives (0 when something was
analysed and row problems were reported, 2 when nothing could be), a message naming the
file and the problem, and the input's bytes unchanged.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from analyzer.cli import app

GOLDEN = Path(__file__).parent / "golden"
TEXT_FORMATS = sorted(
    p for p in GOLDEN.glob("*.csv") if not p.name.endswith(".expected.csv")
)
TOMORROW_PLUS = date.today() + timedelta(days=3)


@dataclass(frozen=True)
class Outcome:
    code: int
    output: str


def run_cli(*args: str) -> Outcome:
    result = CliRunner().invoke(app, list(args))
    text = result.output
    stderr = getattr(result, "stderr", "")
    if stderr and stderr not in text:
        text += stderr
    return Outcome(result.exit_code, text)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"


def analyse(path: Path, tmp_path: Path, *extra: str) -> Outcome:
    """Run `analyze` on `path` and check what every bad input must satisfy."""
    before = sha(path)
    outcome = run_cli("analyze", str(path), "--no-charts", "--out", str(tmp_path / "out"),
                      *extra)
    assert "Traceback" not in outcome.output
    assert sha(path) == before, "the input file was changed"
    assert path.name in outcome.output, outcome.output
    return outcome


# --- builders ---------------------------------------------------------------------------

def truncated(golden: Path) -> bytes:
    """The file cut in the middle of its last record."""
    data = golden.read_bytes().rstrip(b"\r\n")
    start = data.rfind(b"\n") + 1
    return data[: start + (len(data) - start) // 2]


def strong_rows(*rows: tuple[str, str, str, str]) -> bytes:
    """A current-format Strong export with (date, exercise, weight, reps) rows."""
    head = ('"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";'
            '"Weight (kg)";"Reps";"RPE";"Distance (meters)";"Seconds";"Notes";"Workout Notes"\n')
    body = "".join(
        f'"1";"{d} 18:00:00";"Legs";"3600";"{e}";"{i}";"{w}";"{r}";"";"";"0.0";"";""\n'
        for i, (d, e, w, r) in enumerate(rows, start=1)
    )
    return (head + body).encode("utf-8")


GOOD_ROWS = (("2026-09-07", "Squat (Barbell)", "100", "5"),
             ("2026-09-08", "Deadlift (Barbell)", "140", "3"))


def generic(text: str) -> bytes:
    return text.encode("utf-8")


def workbook(rows: list[list[object]], title: str = "Anna") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


WORKBOOK_ROWS: list[list[object]] = [
    ["Date", "Exercise", "Sets", "Reps", "Weight (kg)"],
    ["2026-09-07", "Back Squat", 3, 5, 100],
    ["2026-09-08", "Deadlift", 1, 5, 120],
]


def with_sheet_xml(data: bytes, write: Callable[[io.BufferedIOBase], None]) -> bytes:
    """`data` (an .xlsx) with sheet1.xml replaced by what `write` streams."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with archive.open(info.filename, "w", force_zip64=True) as handle:
                    write(handle)
            else:
                archive.writestr(info, src.read(info.filename))
    return out.getvalue()


SHEET_OPEN = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
              b'spreadsheetml/2006/main"><sheetData>')
SHEET_CLOSE = b"</sheetData></worksheet>"


def zip_bomb() -> bytes:
    """A 120 MB sheet1.xml (comments: cheap to compress) in a ~100 KB workbook."""
    def write(handle: io.BufferedIOBase) -> None:
        handle.write(SHEET_OPEN)
        chunk = b"<!--" + b" " * 1_000_000 + b"-->"
        for _ in range(120):
            handle.write(chunk)
        handle.write(SHEET_CLOSE)
    return with_sheet_xml(workbook(WORKBOOK_ROWS), write)


def xml_entities() -> bytes:
    def write(handle: io.BufferedIOBase) -> None:
        handle.write(b'<?xml version="1.0"?><!DOCTYPE z [<!ENTITY a "aaaaaaaaaa">'
                     b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                     + SHEET_OPEN[SHEET_OPEN.index(b"<worksheet"):]
                     + b'<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>'
                     + SHEET_CLOSE)
    return with_sheet_xml(workbook(WORKBOOK_ROWS), write)


def widest_sheet() -> bytes:
    """No <dimension>, one cell in column XFD (16,384 columns)."""
    def write(handle: io.BufferedIOBase) -> None:
        handle.write(SHEET_OPEN + b'<row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c>'
                     b'<c r="XFD1"><v>1</v></c></row>' + SHEET_CLOSE)
    return with_sheet_xml(workbook(WORKBOOK_ROWS), write)


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return buf.getvalue()


def strong_utf16(bom: bool) -> bytes:
    text = strong_rows(*GOOD_ROWS).decode("utf-8")
    return text.encode("utf-16") if bom else text.encode("utf-16-le")


def big_field(quoted: bool) -> bytes:
    note = "x" * 2_100_000
    if quoted:
        return strong_rows(*GOOD_ROWS).replace(b'"";""\n', f'"{note}";""\n'.encode(), 1)
    return generic(f"Date,Exercise,Reps,Weight,Notes\n2026-09-07,Squat,5,100,{note}\n"
                   "2026-09-08,Deadlift,5,120,\n")


def many_columns(named: bool) -> bytes:
    head = (["Date", "Exercise", "Reps"] if named else []) + [f"c{i}" for i in range(5000)]
    row = (["2026-09-07", "Squat", "5"] if named else []) + ["1"] * 5000
    return generic(",".join(head) + "\n" + ",".join(row) + "\n")


def duplicate_header() -> bytes:
    lines = strong_rows(*GOOD_ROWS).splitlines(keepends=True)
    return b"".join(lines[:2] + [lines[0]] + lines[2:])


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], bytes]
    code: int
    message: str  # regex the output must match (case-insensitive)
    args: tuple[str, ...] = ()


CASES: list[Case] = [
    *(Case(f"truncated_{g.stem}.csv", lambda g=g: truncated(g), 0, r"Read \S+ \[")
      for g in TEXT_FORMATS),
    Case("truncated_workbook.xlsx", lambda: workbook(WORKBOOK_ROWS)[:-200], 2,
         r"damaged \.xlsx"),
    Case("empty.csv", lambda: b"", 2, r"file is empty"),
    Case("blank_lines.csv", lambda: b"\n \r\n\t\n", 2, r"file is empty"),
    Case("header_only.csv", lambda: strong_rows(), 2, r"no set rows"),
    Case("image.csv", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 2, r"PNG image"),
    Case("document.csv", lambda: b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", 2, r"PDF document"),
    Case("archive.xlsx", plain_zip, 2, r"cannot read workbook"),
    Case("old_excel.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, 2,
         r"\.xls"),
    Case("gzip.csv", lambda: b"\x1f\x8b\x08\x00" + b"\x00" * 32, 2, r"gzip"),
    Case("utf16_bom.csv", lambda: strong_utf16(True), 0, r"Read utf16_bom\.csv"),
    Case("utf16_no_bom.csv", lambda: strong_utf16(False), 0, r"Read utf16_no_bom\.csv"),
    Case("cp1252.csv", lambda: "Datum;Übung;Sätze;Wdh;Gewicht\n07.09.2026;Kniebeuge;2;5;62,5\n"
         "08.09.2026;Kreuzheben;1;3;100\n".encode("cp1252"), 0, r"Read cp1252\.csv"),
    Case("nul_bytes.csv", lambda: strong_rows(*GOOD_ROWS).replace(b"Legs", b"Le\x00gs", 1), 2,
         r"NUL"),
    Case("utf16_nul.csv", lambda: "Date,Exercise,Reps\n2026-09-07,Sq\x00uat,5\n"
         .encode("utf-16"), 2, r"NUL"),
    Case("broken_quote.csv", lambda: generic('Date,Exercise,Reps,Weight\n2026-09-07,"Squat,5,'
         '100\n2026-09-08,Deadlift,5,120\n2026-09-09,Row,8,60\n'), 2,
         r"broken quoting.*line 2"),
    Case("inch_marks.csv", lambda: generic('Date,Exercise,Reps,Weight\n2026-09-07,Box Jump 24"'
         ',5,\n2026-09-08,Deadlift,5,120\n'), 0, r"Read inch_marks\.csv"),
    Case("duplicate_header.csv", duplicate_header, 0, r"row 3: repeated header row"),
    Case("field_2mb_quoted.csv", lambda: big_field(True), 0, r"Read field_2mb_quoted\.csv"),
    Case("field_2mb_unquoted.csv", lambda: big_field(False), 0,
         r"Read field_2mb_unquoted\.csv"),
    Case("columns_5000_unknown.csv", lambda: many_columns(False), 2, r"no importer recognises"),
    Case("columns_5000.csv", lambda: many_columns(True), 0, r"Read columns_5000\.csv"),
    Case("stock_prices.csv", lambda: generic("Ticker,Open,Close\nACME,1.0,2.0\n"), 2,
         r"no importer recognises"),
    Case("page.csv", lambda: generic("<!doctype html><html><body>Export</body></html>\n"), 2,
         r"no importer recognises"),
    Case("zip_bomb.xlsx", zip_bomb, 2, r"unpacks to \d+ MB"),
    Case("xml_entities.xlsx", xml_entities, 2, r"entities or a DTD"),
    Case("columns_16384.xlsx", widest_sheet, 2, r"16384 columns"),
    Case("formulas.xlsx", lambda: workbook([
        *WORKBOOK_ROWS,
        ["2026-09-09", '=HYPERLINK("http://example.invalid","Deadlift")', 1, 5, 120],
        ["2026-09-10", "Deadlift", 1, "=2+3", "=E2*10"],
    ]), 0, r"row 4: no exercise name"),
    Case("dates_1900_2100.csv", lambda: strong_rows(
        ("1900-01-01", "Squat (Barbell)", "100", "5"), *GOOD_ROWS,
        ("2100-01-01", "Squat (Barbell)", "100", "5"),
        (TOMORROW_PLUS.isoformat(), "Squat (Barbell)", "100", "5"),
    ), 0, r"1 date before 1970, 2 date in the future"),
    Case("absurd_values.csv", lambda: strong_rows(
        *GOOD_ROWS, ("2026-09-09", "Squat (Barbell)", "-20", "5"),
        ("2026-09-09", "Squat (Barbell)", "5000", "5"),
        ("2026-09-09", "Squat (Barbell)", "100", "5000"),
    ), 0, r"1 negative weight.*1 reps over 1000.*1 weight over 1000 kg"),
    Case("only_absurd.csv", lambda: strong_rows(("2026-09-09", "Squat (Barbell)", "-1", "5")),
         2, r"no set rows found \(1 rows skipped: negative weight 1\)"),
    Case("too_big.csv", lambda: strong_rows(*GOOD_ROWS) + b"\n" * 1_200_000, 2,
         r"over the 1 MB limit", ("--max-mb", "1")),
    Case("too_many_rows.csv", lambda: strong_rows(*(GOOD_ROWS * 200)), 2,
         r"over the 100 row limit", ("--max-rows", "100")),
    Case("strict.csv", duplicate_header, 2, r"1 rows were skipped", ("--strict",)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file(case: Case, tmp_path: Path) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.build())
    outcome = analyse(path, tmp_path, *case.args)
    assert outcome.code == case.code, outcome.output
    assert re.search(case.message, outcome.output, re.IGNORECASE | re.DOTALL), outcome.output
    if case.code == 2:
        assert outcome.output.count("backlog:") == 1  # one line on stderr


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    outcome = run_cli("analyze", str(path), "--no-charts")
    assert outcome.code == 2
    assert "Traceback" not in outcome.output
    assert re.search(r"nowhere\.csv: file or folder not found", outcome.output)


def test_folder_without_logs(tmp_path: Path) -> None:
    (tmp_path / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n")
    outcome = run_cli("analyze", str(tmp_path), "--no-charts")
    assert outcome.code == 2
    assert "no workout log found among 1 file(s)" in outcome.output


def test_folder_with_one_bad_file_analyses_the_rest(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(strong_rows(*GOOD_ROWS))
    (tmp_path / "b.csv").write_bytes(b"\x89PNG\r\n\x1a\n")
    outcome = run_cli("analyze", str(tmp_path), "--no-charts")
    assert outcome.code == 0, outcome.output
    assert re.search(r"Skipped \S*b\.csv: this is a PNG image", outcome.output)


def test_formula_cells_are_not_evaluated(tmp_path: Path) -> None:
    """data_only: a formula without a cached value reads as empty, never as its text."""
    path = tmp_path / "formulas.xlsx"
    path.write_bytes(workbook([*WORKBOOK_ROWS, ["2026-09-10", "Deadlift", 1, "=2+3", 50]]))
    outcome = run_cli("analyze", str(path), "--no-charts", "--json", "-")
    assert outcome.code == 0, outcome.output
    assert "=2+3" not in outcome.output
    assert '"rows": 3' in outcome.output


def test_openpyxl_parses_xml_with_defusedxml() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
