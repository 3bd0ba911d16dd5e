"""Outputs are atomic, stay inside --out, survive hostile names, and spreadsheets are safe.

Tests run as root, so read-only folders are simulated: a path under a regular file cannot
be created, and `os.access` is monkeypatched for the "not writable" branch.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from analyzer import outputs
from analyzer.cli import app
from analyzer.errors import OutputError
from analyzer.outputs import atomic_write, inside, prepare_out_dir, safe_name, spreadsheet_safe

SAMPLE = Path(__file__).parent.parent / "sample_logs" / "strong_lifter.csv"


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    text = result.output
    stderr = getattr(result, "stderr", "")
    if stderr and stderr not in text:
        text += stderr
    assert "Traceback" not in text
    return result.exit_code, text


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- atomic writes ----------------------------------------------------------------------

def test_failing_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text('{"old": true}\n')

    def half_then_fail(handle: io.BufferedIOBase) -> None:
        handle.write(b'{"new": ')
        raise RuntimeError("disk went away")

    with pytest.raises(RuntimeError):
        atomic_write(target, half_then_fail)
    assert target.read_text() == '{"old": true}\n'
    assert leftovers(tmp_path) == []


def test_cli_json_write_failing_midway_keeps_earlier_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    code, _ = run_cli("analyze", str(SAMPLE), "--no-charts", "--json", str(target), "-q")
    assert code == 0
    earlier = target.read_bytes()
    assert b'"schema_version": 1' in earlier

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(outputs.os, "fsync", broken_fsync)
    code, text = run_cli("analyze", str(SAMPLE), "--no-charts", "--json", str(target), "-q")
    assert code == 2
    assert re.search(r"report\.json: cannot write file \(Input/output error\)", text)
    assert target.read_bytes() == earlier
    assert leftovers(tmp_path) == []


def test_cli_json_render_failing_keeps_earlier_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("earlier\n")
    import json

    def boom(*args: object, **kwargs: object) -> str:
        raise ValueError("dump failed")

    monkeypatch.setattr(json, "dumps", boom)
    code, text = run_cli("analyze", str(SAMPLE), "--no-charts", "--json", str(target), "-q")
    assert code == 1 and "internal error" in text
    assert target.read_text() == "earlier\n"
    assert leftovers(tmp_path) == []


# --- missing / unwritable output folders ------------------------------------------------

def test_json_under_a_regular_file_exits_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    code, text = run_cli("analyze", str(SAMPLE), "--no-charts", "-q",
                         "--json", str(blocker / "sub" / "r.json"))
    assert code == 2
    assert re.search(r"file\.txt/sub: cannot create output folder", text)
    assert blocker.read_text() == "x"


def test_out_under_a_regular_file_exits_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    code, text = run_cli("analyze", str(SAMPLE), "-q", "--out", str(blocker / "charts"))
    assert code == 2
    assert "cannot create output folder" in text


def test_out_that_is_a_file_exits_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    code, text = run_cli("analyze", str(SAMPLE), "-q", "--out", str(blocker))
    assert code == 2
    assert "output path is a file, not a folder" in text


def test_read_only_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_access = os.access
    monkeypatch.setattr(outputs.os, "access",
                        lambda path, mode: Path(path) != tmp_path and real_access(path, mode))
    with pytest.raises(OutputError, match="not writable"):
        prepare_out_dir(tmp_path)
    code, text = run_cli("analyze", str(SAMPLE), "-q", "--json", str(tmp_path / "r.json"),
                         "--no-charts")
    assert code == 2
    assert "output folder is not writable" in text
    assert not (tmp_path / "r.json").exists()


def test_temp_file_creation_failure_is_an_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outputs.tempfile, "mkstemp", no_space)
    with pytest.raises(OutputError, match="No space left"):
        atomic_write(tmp_path / "a.json", lambda h: h.write(b"{}"))


# --- names and paths --------------------------------------------------------------------

HOSTILE = ["../../x", "..", "con", "CON.txt", "a" * 300, "é" * 300, "tab\there\nnew\x00nul",
           "/etc/passwd", "C:\\Windows\\evil", " . ", "Anna/B", "Anna_B", "anna_b"]


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_name_is_one_plain_path_part(name: str) -> None:
    safe = safe_name(name)
    assert safe and "/" not in safe and "\\" not in safe and ".." not in safe
    assert not any(ord(ch) < 32 for ch in safe)
    assert safe.split(".")[0].casefold() not in {"con", "prn", "aux", "nul"}
    assert len(safe) <= outputs.MAX_NAME and len(safe.encode()) <= outputs.MAX_NAME_BYTES
    assert not safe.startswith(".") and safe == safe.strip()


def test_safe_name_collisions_get_suffixes() -> None:
    taken: set[str] = set()
    names = [safe_name(n, taken=taken) for n in ["Anna/B", "Anna_B", "anna_b", "a" * 300,
                                                 "a" * 301]]
    h = outputs.name_hash
    # Sanitised or case-colliding names carry a hash of the exact name, never a run number.
    assert names[:3] == [f"Anna_B-{h('Anna/B')}", "Anna_B", f"anna_b-{h('anna_b')}"]
    assert names[3] == "a" * 73 + f"-{h('a' * 300)}" and names[4] == "a" * 73 + f"-{h('a' * 301)}"
    assert len({n.casefold() for n in names}) == len(names)


def test_folder_names_are_stable_per_athlete() -> None:
    """Issue 17.12: adding `Client*A` must not move `Client/A`'s folder (or give it away)."""
    def folders(names: list[str]) -> dict[str, str]:
        taken: set[str] = set()
        return {n: safe_name(n, taken=taken) for n in sorted(names)}

    alone = folders(["Client/A"])
    both = folders(["Client/A", "Client*A", "Client_A"])
    assert both["Client/A"] == alone["Client/A"] != both["Client*A"]
    assert both["Client_A"] == "Client_A"  # a clean name stays as written
    assert len(set(both.values())) == 3
    # On a case-insensitive disk `anna` and `Anna` would share a folder: they never do.
    twins = folders(["Anna", "anna"])
    assert twins["Anna"].casefold() != twins["anna"].casefold()


@pytest.mark.parametrize("name", ["roster.pdf", "weekly-2026-W35.pdf", "ROSTER.PDF", "x.png",
                                  "r.json"])
def test_athlete_names_never_take_a_report_file_name(name: str) -> None:
    safe = safe_name(name)
    assert not safe.casefold().endswith(outputs.OUTPUT_SUFFIXES), safe


def test_inside_refuses_escapes(tmp_path: Path) -> None:
    root = tmp_path / "out"
    root.mkdir()
    assert inside(root, "anna") == (root / "anna").resolve()
    with pytest.raises(OutputError, match="outside the output folder"):
        inside(root, "..", "x")
    (root / "link").symlink_to(tmp_path)
    with pytest.raises(OutputError, match="outside the output folder"):
        inside(root, "link", "x")


def test_hostile_athlete_names_stay_inside_out(tmp_path: Path) -> None:
    names = ["../../x", "con", "z" * 300, "ctl\x07bell", "Anna/B", "Anna_B"]
    rows = "".join(
        f'"{n}",2026-09-0{d},{ex},3,5,100\n'
        for n in names for d, ex in ((7, "Back Squat"), (8, "Deadlift"), (9, "Bent-Over Row"))
    )
    log = tmp_path / "in" / "roster.csv"
    log.parent.mkdir()
    log.write_text("Client,Date,Exercise,Sets,Reps,Weight (kg)\n" + rows)
    out = tmp_path / "a" / "b" / "out"
    before = {p for p in tmp_path.rglob("*")}
    code, text = run_cli("analyze", str(log), "-q", "--out", str(out))
    assert code == 0, text
    created = {p for p in tmp_path.rglob("*")} - before
    assert created, "no charts were written"
    for path in created:
        inside_out = path == out or out.resolve() in path.resolve().parents
        assert inside_out or path in out.parents, path  # only out's own parents are made
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert len(folders) == len(names)  # "Anna/B" and "Anna_B" did not collide
    assert all(".." not in f and len(f) <= outputs.MAX_NAME for f in folders)


# --- spreadsheet safety -----------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://example.invalid","x")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)",
            "-2+3", "\t=1+1", "\r=1+1"]


def test_spreadsheet_safe_prefixes_formula_text() -> None:
    values = pd.Series([*FORMULAS, "Squat", None, 5, -3.0, "-4"], dtype=object)
    out = spreadsheet_safe(values).tolist()
    assert out[: len(FORMULAS)] == ["'" + f for f in FORMULAS]
    assert out[len(FORMULAS):len(FORMULAS) + 2] == ["Squat", None]
    assert out[-3:] == [5, -3.0, "-4"]


def _table_command() -> list[str] | None:
    """The command that takes --table (issue 8 adds it), or None while it does not exist."""
    for command in ("analyze", "report"):
        result = CliRunner().invoke(app, [command, "--help"])
        if result.exit_code == 0 and "--table" in result.output:
            return [command]
    return None


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_table_output_escapes_formula_exercise_names(tmp_path: Path, suffix: str) -> None:
    command = _table_command()
    if command is None:
        pytest.xfail("--table (analyzer/render/table.py) is not in the CLI yet")
    log = tmp_path / "log.csv"
    rows = "".join(f"2026-09-0{d},{ex},1,5,100\n" for d, ex in
                   ((7, '"=HYPERLINK(""http://example.invalid"",""Squat"")"'), (8, "+cmd"),
                    (9, "@SUM(A1)")))
    log.write_text("Date,Exercise,Sets,Reps,Weight (kg)\n" + rows)
    table = tmp_path / f"weeks{suffix}"
    code, text = run_cli(*command, str(log), "--no-charts", "-q", "--out", str(tmp_path / "o"),
                         "--table", str(table))
    assert code == 0, text
    if suffix == ".csv":
        cells = [c for line in table.read_text().splitlines() for c in line.split(",")]
    else:
        book = openpyxl.load_workbook(table)
        cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
        assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows()
                   for c in row)
    text_cells = [str(c).strip('"') for c in cells if isinstance(c, str)]
    assert any("HYPERLINK" in c for c in text_cells), "exercise names not in the table"
    for cell in text_cells:
        assert not cell.startswith(("=", "+", "@")), cell


def test_no_temp_files_after_a_normal_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _ = run_cli("analyze", str(SAMPLE), "-q", "--out", str(out),
                      "--json", str(out / "r.json"))
    assert code == 0
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert os.path.getsize(out / "r.json") > 0
