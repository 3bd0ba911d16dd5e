"""Bad input never breaks `backlog analyze`: a corpus of hand-made bad files, generated into
tmp_path, each run through the CLI.

For every file: no traceback, the exit code the contract gives (0 when something was
analysed and row problems were reported, 2 when nothing could be), a message naming the
file and the problem, and the input's bytes unchanged.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.common import GOLDEN, Outcome, run_cli

TEXT_FORMATS = sorted(p for p in GOLDEN.glob("*.csv") if not p.name.endswith(".expected.csv"))
TOMORROW_PLUS = date.today() + timedelta(days=3)


def flat(text: str) -> str:
    """The output with every run of whitespace as one space (the terminal wraps long lines)."""
    return " ".join(text.split())


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"


def analyse(path: Path, tmp_path: Path, *extra: str) -> Outcome:
    """Run `analyze` on `path` and check what every bad input must satisfy."""
    before = sha(path)
    outcome = run_cli("analyze", str(path), "--no-charts", "--out", str(tmp_path / "out"), *extra)
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
    head = (
        '"Workout #";"Date";"Workout Name";"Duration (sec)";"Exercise Name";"Set Order";'
        '"Weight (kg)";"Reps";"RPE";"Distance (meters)";"Seconds";"Notes";"Workout Notes"\n'
    )
    body = "".join(
        f'"1";"{d} 18:00:00";"Legs";"3600";"{e}";"{i}";"{w}";"{r}";"";"";"0.0";"";""\n'
        for i, (d, e, w, r) in enumerate(rows, start=1)
    )
    return (head + body).encode("utf-8")


GOOD_ROWS = (
    ("2026-09-07", "Squat (Barbell)", "100", "5"),
    ("2026-09-08", "Deadlift (Barbell)", "140", "3"),
)


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


SHEET_OPEN = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"><sheetData>'
)
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
        handle.write(
            b'<?xml version="1.0"?><!DOCTYPE z [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            + SHEET_OPEN[SHEET_OPEN.index(b"<worksheet") :]
            + b'<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>'
            + SHEET_CLOSE
        )

    return with_sheet_xml(workbook(WORKBOOK_ROWS), write)


def widest_sheet() -> bytes:
    """No <dimension>, one cell in column XFD (16,384 columns)."""

    def write(handle: io.BufferedIOBase) -> None:
        handle.write(
            SHEET_OPEN + b'<row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c>'
            b'<c r="XFD1"><v>1</v></c></row>' + SHEET_CLOSE
        )

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
    return generic(
        f"Date,Exercise,Reps,Weight,Notes\n2026-09-07,Squat,5,100,{note}\n"
        "2026-09-08,Deadlift,5,120,\n"
    )


def many_columns(named: bool) -> bytes:
    head = (["Date", "Exercise", "Reps"] if named else []) + [f"c{i}" for i in range(5000)]
    row = (["2026-09-07", "Squat", "5"] if named else []) + ["1"] * 5000
    return generic(",".join(head) + "\n" + ",".join(row) + "\n")


def duplicate_header() -> bytes:
    lines = strong_rows(*GOOD_ROWS).splitlines(keepends=True)
    return b"".join(lines[:2] + [lines[0]] + lines[2:])


def cr_only(golden: Path) -> bytes:
    """The export saved by classic Mac Excel: every line ends in CR alone."""
    return golden.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r")


def stray_cr(golden: Path) -> bytes:
    """One CR inside the second line of an LF (or CRLF) file."""
    lines = golden.read_bytes().split(b"\n")
    line = lines[1]
    lines[1] = line[: len(line) // 2] + b"\r" + line[len(line) // 2 :]
    return b"\n".join(lines)


def with_year(golden: Path, year: str) -> bytes:
    """The export with the first 20xx year after its first line written as `year`."""
    head, _, rest = golden.read_bytes().partition(b"\n")
    return head + b"\n" + re.sub(rb"20\d\d", year.encode(), rest, count=1)


def understated_dimension() -> bytes:
    """A 61-row sheet (60 sessions of 3 sets) whose <dimension> claims A1:E3."""
    start = date(2026, 8, 3)
    lifts = ("Back Squat", "Bent-Over Row", "Deadlift", "Overhead Press")
    rows: list[list[object]] = [list(WORKBOOK_ROWS[0])]
    rows += [
        [(start + timedelta(days=7 * w + i)).isoformat(), lift, 3, 5, 100]
        for w in range(15)
        for i, lift in enumerate(lifts)
    ]
    src = zipfile.ZipFile(io.BytesIO(workbook(rows)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(
                    rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:E3"/>', data
                )
                assert n == 1
            archive.writestr(info, data)
    return out.getvalue()


def wide_header(columns: int) -> bytes:
    return generic(
        "date,exercise,"
        + ",".join(["reps"] * columns)
        + "\n2026-09-07,Squat,"
        + ",".join(["5"] * columns)
        + "\n"
    )


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], bytes]
    code: int
    message: str  # regex the output must match (case-insensitive)
    args: tuple[str, ...] = ()


CASES: list[Case] = [
    *(
        Case(f"truncated_{g.stem}.csv", lambda g=g: truncated(g), 0, r"Read \S+ \[")
        for g in TEXT_FORMATS
    ),
    Case("truncated_workbook.xlsx", lambda: workbook(WORKBOOK_ROWS)[:-200], 2, r"damaged \.xlsx"),
    Case("empty.csv", lambda: b"", 2, r"file is empty"),
    Case("blank_lines.csv", lambda: b"\n \r\n\t\n", 2, r"file is empty"),
    Case("header_only.csv", lambda: strong_rows(), 2, r"no set rows"),
    Case("image.csv", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 2, r"PNG image"),
    Case("document.csv", lambda: b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", 2, r"PDF document"),
    Case("archive.xlsx", plain_zip, 2, r"cannot read workbook"),
    Case("old_excel.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, 2, r"\.xls"),
    Case("gzip.csv", lambda: b"\x1f\x8b\x08\x00" + b"\x00" * 32, 2, r"gzip"),
    Case("utf16_bom.csv", lambda: strong_utf16(True), 0, r"Read utf16_bom\.csv"),
    Case("utf16_no_bom.csv", lambda: strong_utf16(False), 0, r"Read utf16_no_bom\.csv"),
    Case(
        "cp1252.csv",
        lambda: (
            "Datum;Übung;Sätze;Wdh;Gewicht\n07.09.2026;Kniebeuge;2;5;62,5\n"
            "08.09.2026;Kreuzheben;1;3;100\n".encode("cp1252")
        ),
        0,
        r"Read cp1252\.csv",
    ),
    Case(
        "nul_bytes.csv", lambda: strong_rows(*GOOD_ROWS).replace(b"Legs", b"Le\x00gs", 1), 2, r"NUL"
    ),
    Case(
        "utf16_nul.csv",
        lambda: "Date,Exercise,Reps\n2026-09-07,Sq\x00uat,5\n".encode("utf-16"),
        2,
        r"NUL",
    ),
    Case(
        "broken_quote.csv",
        lambda: generic(
            'Date,Exercise,Reps,Weight\n2026-09-07,"Squat,5,'
            "100\n2026-09-08,Deadlift,5,120\n2026-09-09,Row,8,60\n"
        ),
        2,
        r"broken quoting.*line 2",
    ),
    Case(
        "inch_marks.csv",
        lambda: generic(
            'Date,Exercise,Reps,Weight\n2026-09-07,Box Jump 24",5,\n2026-09-08,Deadlift,5,120\n'
        ),
        0,
        r"Read inch_marks\.csv",
    ),
    Case("duplicate_header.csv", duplicate_header, 0, r"row 3: repeated header row"),
    Case("field_2mb_quoted.csv", lambda: big_field(True), 0, r"Read field_2mb_quoted\.csv"),
    Case("field_2mb_unquoted.csv", lambda: big_field(False), 0, r"Read field_2mb_unquoted\.csv"),
    Case("columns_5000_unknown.csv", lambda: many_columns(False), 2, r"no importer recognises"),
    Case("columns_5000.csv", lambda: many_columns(True), 0, r"Read columns_5000\.csv"),
    Case(
        "stock_prices.csv",
        lambda: generic("Ticker,Open,Close\nACME,1.0,2.0\n"),
        2,
        r"no importer recognises",
    ),
    Case(
        "page.csv",
        lambda: generic("<!doctype html><html><body>Export</body></html>\n"),
        2,
        r"no importer recognises",
    ),
    Case("zip_bomb.xlsx", zip_bomb, 2, r"unpacks to \d+ MB"),
    Case("xml_entities.xlsx", xml_entities, 2, r"entities or a DTD"),
    Case("columns_16384.xlsx", widest_sheet, 2, r"16384 columns"),
    Case(
        "formulas.xlsx",
        lambda: workbook(
            [
                *WORKBOOK_ROWS,
                ["2026-09-09", '=HYPERLINK("http://example.invalid","Deadlift")', 1, 5, 120],
                ["2026-09-10", "Deadlift", 1, "=2+3", "=E2*10"],
            ]
        ),
        0,
        r"row 4: no exercise name",
    ),
    Case(
        "dates_1900_2100.csv",
        lambda: strong_rows(
            ("1900-01-01", "Squat (Barbell)", "100", "5"),
            *GOOD_ROWS,
            ("2100-01-01", "Squat (Barbell)", "100", "5"),
            (TOMORROW_PLUS.isoformat(), "Squat (Barbell)", "100", "5"),
        ),
        0,
        r"1 date before 1970, 2 date in the future",
    ),
    Case(
        "absurd_values.csv",
        lambda: strong_rows(
            *GOOD_ROWS,
            ("2026-09-09", "Squat (Barbell)", "-20", "5"),
            ("2026-09-09", "Squat (Barbell)", "5000", "5"),
            ("2026-09-09", "Squat (Barbell)", "100", "5000"),
        ),
        0,
        r"1 negative weight.*1 reps over 1000.*1 weight over 1000 kg",
    ),
    Case(
        "only_absurd.csv",
        lambda: strong_rows(("2026-09-09", "Squat (Barbell)", "-1", "5")),
        2,
        r"no set rows found \(1 rows skipped: negative weight 1\)",
    ),
    Case(
        "too_big.csv",
        lambda: strong_rows(*GOOD_ROWS) + b"\n" * 1_200_000,
        2,
        r"over the 1 MB limit",
        ("--max-mb", "1"),
    ),
    Case(
        "too_many_rows.csv",
        lambda: strong_rows(*(GOOD_ROWS * 200)),
        2,
        r"over the 100 row limit",
        ("--max-rows", "100"),
    ),
    Case("strict.csv", duplicate_header, 2, r"1 rows were skipped", ("--strict",)),
    # --- issue 17, round 2 ---------------------------------------------------------------
    # 4: wide headers and huge fields are refused or skipped before they cost memory or time.
    Case("columns_200k.csv", lambda: wide_header(200_000), 2, r"200002 columns.*column limit"),
    Case("columns_500k.csv", lambda: wide_header(500_000), 2, r"500002 columns.*column limit"),
    Case(
        "exercise_name_2mb.csv",
        lambda: generic(
            "Date,Exercise,Reps,Weight\n2026-09-07," + "Squat" * 400_000 + ",5,100\n"
            "2026-09-08,Deadlift,5,120\n"
        ),
        0,
        r"1 exercise name over 200 characters",
    ),
    # 5: dates beyond what a nanosecond timestamp holds are rows skipped with a reason.
    *(
        Case(
            f"year_{y}_{g.stem}.csv",
            lambda g=g, y=y: with_year(g, y),
            0,
            r"Read \S+ \[.*(date in the future|date before 1970|unreadable date)",
        )
        for g in TEXT_FORMATS
        for y in ("9999", "3000", "0001")
    ),
    Case(
        "year_9999_cells.xlsx",
        lambda: workbook(
            [
                *WORKBOOK_ROWS,
                [datetime(9999, 12, 31, 18, 0), "Deadlift", 1, 5, 120],
                [datetime(1, 1, 1), "Deadlift", 1, 5, 120],
            ]
        ),
        0,
        r"1 date before 1970.*1 date in the future",
    ),
    # 6: classic Mac (CR-only) line ends, or one stray CR, read like any other file.
    *(
        Case(f"cr_only_{g.stem}.csv", lambda g=g: cr_only(g), 0, r"Read \S+ \[")
        for g in TEXT_FORMATS
    ),
    *(
        Case(f"stray_cr_{g.stem}.csv", lambda g=g: stray_cr(g), 0, r"Read \S+ \[")
        for g in TEXT_FORMATS
    ),
    # 7: a sheet whose <dimension> understates it is read in full, never a silent subset.
    Case("dimension_understated.xlsx", understated_dimension, 0, r"180 sets"),
]


# Megabytes of cells or fields: seconds each, in the slow suite.
SLOW_CASES = {
    "field_2mb_quoted.csv",
    "field_2mb_unquoted.csv",
    "columns_5000_unknown.csv",
    "columns_5000.csv",
    "exercise_name_2mb.csv",
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.name, marks=[pytest.mark.slow] if c.name in SLOW_CASES else [])
        for c in CASES
    ],
)
def test_bad_file(case: Case, tmp_path: Path) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.build())
    outcome = analyse(path, tmp_path, *case.args)
    assert outcome.code == case.code, outcome.output
    assert re.search(case.message, flat(outcome.output), re.IGNORECASE | re.DOTALL), outcome.output
    if case.code == 2:
        assert outcome.output.count("backlog:") == 1  # one line on stderr


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 130


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
    assert re.search(r"Skipped \S*b\.csv: this is a PNG image", flat(outcome.output))


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


# --- issue 17, round 2: files that are not regular files, or not the user's --------------


def test_format_characters_class_covers_unicode() -> None:
    from analyzer.schema import FORMAT_CHARS

    pattern = re.compile(FORMAT_CHARS)
    missing = [
        hex(c)
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) == "Cf" and not pattern.match(chr(c))
    ]
    assert missing == []


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_before_reading(device: str) -> None:
    outcome = run_cli("analyze", device, "--no-charts", "--max-mb", "1")
    assert outcome.code == 2, outcome.output
    assert re.search(rf"{device}: is not a regular file", outcome.output)
    assert "Traceback" not in outcome.output


def _with_timeout(args: list[str], seconds: float = 60) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process, so that a hang fails the test instead of stalling it."""
    return subprocess.run(
        [sys.executable, "-m", "analyzer.cli", *args],
        capture_output=True,
        text=True,
        timeout=seconds,
        check=False,
    )


@pytest.mark.slow  # six fresh interpreters, each guarded by a timeout
def test_fifo_without_writer_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "log.csv"
    os.mkfifo(fifo)
    log = tmp_path / "real.csv"
    log.write_bytes(strong_rows(*GOOD_ROWS))
    for args in (
        ["analyze", str(fifo), "--no-charts"],
        ["analyze", str(log), "--no-charts", "--config", str(fifo)],
        ["analyze", str(log), "--no-charts", "--exercise-map", str(fifo)],
        ["config", "--config", str(fifo)],
        ["plan", str(fifo), "--no-write"],
        ["plan", str(log), "--no-write", "--history", str(fifo)],
    ):
        done = _with_timeout(args, 30)
        assert done.returncode == 2, (args, done.stderr)
        assert "log.csv" in done.stderr and "Traceback" not in done.stderr
        assert re.search(r"not a regular file", done.stderr), done.stderr


def test_folder_fifo_and_device_links_are_passed_over(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(strong_rows(*GOOD_ROWS))
    os.mkfifo(tmp_path / "pipe.csv")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    done = _with_timeout(["analyze", str(tmp_path), "--no-charts"], 60)
    assert done.returncode == 0, done.stderr
    assert re.search(r"Skipped \S*pipe\.csv: not a regular file", flat(done.stdout))
    assert re.search(r"Skipped \S*zero\.csv: symbolic link to /dev/zero", flat(done.stdout))


def test_symlink_to_a_file_outside_is_not_read_or_quoted(tmp_path: Path) -> None:
    link = tmp_path / "x.csv"
    link.symlink_to("/etc/passwd")
    outcome = run_cli("analyze", str(link), "--no-charts")
    assert outcome.code == 2
    assert "x.csv: is a symbolic link to /etc/passwd, outside its folder" in outcome.output
    assert "root:" not in outcome.output
    # In a folder: another client's log linked in is not read; the rest is.
    other = tmp_path / "other_client"
    other.mkdir()
    (other / "b.csv").write_bytes(strong_rows(*GOOD_ROWS))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.csv").write_bytes(strong_rows(*GOOD_ROWS))
    (inbox / "b.csv").symlink_to(other / "b.csv")
    (inbox / "passwd.csv").symlink_to("/etc/passwd")
    (inbox / "same.csv").symlink_to(inbox / "a.csv")  # inside the folder: followed
    outcome = run_cli("analyze", str(inbox), "--no-charts", "--json", "-")
    assert outcome.code == 0, outcome.output
    data = json.loads(outcome.output[outcome.output.index("{") :])
    assert sorted(Path(s["path"]).name for s in data["sources"]) == ["a.csv", "same.csv"]
    reasons = {Path(s["path"]).name: s["reason"] for s in data["skipped_files"]}
    assert set(reasons) == {"b.csv", "passwd.csv"}
    assert all("outside the folder" in r for r in reasons.values())
    assert "root:" not in outcome.output


def test_unreadable_file_in_a_folder_is_reported_and_the_rest_analysed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests run as root, so permission errors are simulated at os.open / os.scandir."""
    from analyzer.importers import loading

    (tmp_path / "a.csv").write_bytes(strong_rows(*GOOD_ROWS))
    locked = tmp_path / "b.csv"
    locked.write_bytes(strong_rows(*GOOD_ROWS))
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "c.csv").write_bytes(strong_rows(*GOOD_ROWS))
    real_open, real_scandir = os.open, os.scandir

    def deny_open(path: object, *args: Any, **kwargs: Any) -> int:
        if Path(str(path)).name == "b.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    def deny_scandir(path: Any = ".") -> Any:
        if Path(str(path)).name == "sub":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(loading.os, "open", deny_open)
    monkeypatch.setattr(os, "scandir", deny_scandir)
    for jobs in ("1", "2"):
        outcome = run_cli("analyze", str(tmp_path), "--no-charts", "--jobs", jobs)
        assert outcome.code == 0, outcome.output
        text = flat(outcome.output)
        assert re.search(r"Skipped \S*b\.csv: cannot open the file \(Permission denied\)", text), (
            text
        )
        assert re.search(r"Skipped \S*sub: folder cannot be read \(Permission denied\)", text), text
        assert "Read a.csv" in outcome.output
    outcome = run_cli("analyze", str(locked), "--no-charts")
    assert outcome.code == 2
    assert "b.csv: cannot open the file (Permission denied)" in outcome.output


def test_folder_with_a_far_date_file_analyses_everything(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(strong_rows(*GOOD_ROWS))
    (tmp_path / "b.csv").write_bytes(
        strong_rows(("9999-01-01", "Squat (Barbell)", "100", "5"), *GOOD_ROWS)
    )
    outcome = run_cli("analyze", str(tmp_path), "--no-charts")
    assert outcome.code == 0, outcome.output
    assert re.search(
        r"Read b\.csv .*skipped 1 rows? \(1 date in the future\)", flat(outcome.output)
    )


def test_invisible_format_characters_never_reach_any_output(tmp_path: Path) -> None:
    hidden = "\u202e\u200b\ufeff\u2066\u00ad"
    a, b, c = "\u202e\u200b", "\ufeff\u2066", "\u00ad"
    rows = "".join(
        f"{a}Anna{b},2026-09-0{d},{c}Dead{a}lift{b},3,5,100,{b}note{c}\n" for d in (7, 8, 9)
    )
    log = tmp_path / "log.csv"
    log.write_text("Client,Date,Exercise,Sets,Reps,Weight (kg),Notes\n" + rows, encoding="utf-8")
    out = tmp_path / "out"
    table = tmp_path / "weeks.csv"
    outcome = run_cli("analyze", str(log), "--out", str(out), "--json", "-", "--table", str(table))
    assert outcome.code == 0, outcome.output
    data = json.loads(outcome.output[outcome.output.index("{") :])
    assert [a["athlete"] for a in data["athletes"]] == ["Anna"]
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    text = run_cli("analyze", str(log), "--no-charts").output + table.read_text("utf-8-sig")
    for ch in hidden:
        assert ch not in text and ch not in outcome.output
        assert f"\\u{ord(ch):04x}" not in outcome.output
    assert [p.name for p in out.iterdir()] == ["Anna"]


# --- issue 17, round 2: exercise maps ----------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            "Coach Pull,direct,0.9,Dedlift (Barbell)\n",
            r"row 2: canonical 'Dedlift \(Barbell\)' is not a lift in the catalog \(did you mean "
            r"'Deadlift \(Barbell\)'",
        ),
        ("RDL,direct,0.8,\nrdl,none,0,\n", r"row 3: exercise listed twice"),
        ("Zercher  Squat,indirect,0.6,\nzercher squat,indirect,0.5,\n", r"row 3: exercise listed"),
    ],
)
def test_exercise_map_mistakes_are_named(tmp_path: Path, rows: str, message: str) -> None:
    mapping = tmp_path / "map.csv"
    mapping.write_text("name,load_class,coefficient,canonical\n" + rows, encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_bytes(strong_rows(*GOOD_ROWS))
    outcome = run_cli("analyze", str(log), "--no-charts", "--exercise-map", str(mapping))
    assert outcome.code == 2, outcome.output
    assert re.search(rf"map\.csv: {message}", outcome.output), outcome.output


def test_exercise_map_canonical_in_another_case_is_the_catalog_lift(tmp_path: Path) -> None:
    from analyzer.tagging import load_tagger

    mapping = tmp_path / "map.csv"
    mapping.write_text(
        "name,load_class,coefficient,canonical\nCoach Pull,direct,0.9,deadlift (barbell)\n",
        encoding="utf-8",
    )
    tag = load_tagger(mapping).tag("Coach Pull")
    assert tag.canonical == "Deadlift (Barbell)" and tag.primary_muscle is not None


# --- issue 17, round 2: plans -------------------------------------------------------------

HISTORY = Path(__file__).resolve().parents[1] / "sample_logs" / "strong_lifter.csv"


def _plan(tmp_path: Path, body: str) -> Path:
    plan = tmp_path / "plan.csv"
    plan.write_text("day,exercise,sets,reps,weight,rpe\n" + body, encoding="utf-8")
    return plan


def test_plan_with_no_sets_is_exit_2(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "Mon,Squat (Barbell),0,5,100,8\nWed,Deadlift (Barbell),0,5,140,8\n")
    for extra in ([], ["--history", str(HISTORY)]):
        outcome = run_cli("plan", str(plan), "--no-write", *extra)
        assert outcome.code == 2, outcome.output
        assert "plan.csv: the plan has no sets (every row has 0 sets)" in outcome.output


def test_plan_absurd_values_are_skipped_and_reported(tmp_path: Path) -> None:
    plan = _plan(
        tmp_path,
        "Mon,Squat (Barbell),3,5,100,8\n"
        "Tue,Deadlift (Barbell),3,5,1e308,8\n"
        "Wed,Bent Over Row (Barbell),3,1000000000,60,8\n"
        "Thu,Overhead Press (Barbell),3,5,40,50\n"
        "Fri,Deadlift (Barbell),-3,5,140,8\n"
        "Sat,Deadlift (Barbell),3,5,inf,8\n",
    )
    done = _with_timeout(
        ["plan", str(plan), "--no-write", "--history", str(HISTORY), "--json", "-"], 120
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr and "Traceback" not in done.stderr
    assert re.search(
        r"plan\.csv: skipped 4 rows \(row 3: weight 1e\+308 outside 0-1000; "
        r"row 4: reps 1e\+09 outside 0-1000; row 5: RPE 50 outside 0-10; "
        r"row 6: sets -3 outside 0-100",
        done.stderr,
    ), done.stderr
    data = json.loads(done.stdout)
    assert len(data["skipped_rows"]) == 4  # "inf" is no number: read as no weight
    assert data["week"]["week"]  # the one sane row was judged


@pytest.mark.parametrize(
    "body", ["9999-09-14,Squat (Barbell),3,5,100,8\n", "0001-01-01,Squat (Barbell),3,5,100,8\n"]
)
def test_plan_days_beyond_any_calendar_are_skipped(tmp_path: Path, body: str) -> None:
    plan = _plan(tmp_path, body + "2026-09-15,Deadlift (Barbell),3,5,140,8\n")
    outcome = run_cli("plan", str(plan), "--no-write")
    assert outcome.code == 0, outcome.output
    assert re.search(r"skipped 1 rows \(row 2: day outside 1970-2199\)", outcome.output)


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01", "3000-01-06"])
def test_plan_start_beyond_any_calendar_is_exit_2(tmp_path: Path, start: str) -> None:
    plan = _plan(tmp_path, "Mon,Squat (Barbell),3,5,100,8\n")
    outcome = run_cli("plan", str(plan), "--no-write", "--start", start)
    assert outcome.code == 2, outcome.output
    assert f"--start {start} is outside 1970-2199" in outcome.output


def test_parallel_plan_runs_never_share_a_fixed_file(tmp_path: Path) -> None:
    """Each run reserves its `.fixed-N.csv` atomically: eight threads, eight files."""
    from analyzer.plan import check_plan, write_fixed

    plan = _plan(
        tmp_path,
        "Mon,Squat (Barbell),3,5,100,8\nTue,Bent Over Row (Barbell),4,8,60,8\n"
        "Wed,Deadlift (Barbell),3,5,140,8\nThu,Overhead Press (Barbell),3,5,40,8\n",
    )
    check = check_plan(plan)
    assert check.week.swaps, "the plan needs a fix for this test"
    with ThreadPoolExecutor(8) as pool:
        written = list(pool.map(lambda _: write_fixed(check), range(8)))
    assert len(set(written)) == 8
    assert sorted(p.name for p in tmp_path.glob("plan.fixed*.csv")) == sorted(
        p.name for p in written
    )
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize("ending", [b"\r", b"\r\n"])
def test_plan_with_classic_mac_line_ends(tmp_path: Path, ending: bytes) -> None:
    plan = tmp_path / "plan.csv"
    lines = [b"day,exercise,sets,reps", b"Mon,Squat (Barbell),3,5", b"Wed,Dead\rlift (Barbell),3,5"]
    if ending == b"\r":
        lines[2] = lines[2].replace(b"\r", b"")
    plan.write_bytes(ending.join(lines) + ending)
    outcome = run_cli("plan", str(plan), "--no-write", "--json", "-")
    assert outcome.code == 0, outcome.output
    data = json.loads(outcome.output)
    assert data["week"]["sets"] == 6
