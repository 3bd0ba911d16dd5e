"""Outputs are atomic, stay inside --out, survive hostile names, and spreadsheets are safe.

Tests run as root, so read-only folders are simulated: a path under a regular file cannot
be created, and `os.access` is monkeypatched for the "not writable" branch.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from analyzer import safe_write
from analyzer.cli import app
from analyzer.errors import OutputError
from analyzer.safe_write import atomic_write, inside, prepare_out_dir, safe_name, spreadsheet_safe
from tests.common import STRONG as SAMPLE
from tests.common import run_cli


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

    monkeypatch.setattr(safe_write.os, "fsync", broken_fsync)
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
    code, text = run_cli(
        "analyze", str(SAMPLE), "--no-charts", "-q", "--json", str(blocker / "sub" / "r.json")
    )
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
    monkeypatch.setattr(
        safe_write.os,
        "access",
        lambda path, mode: Path(path) != tmp_path and real_access(path, mode),
    )
    with pytest.raises(OutputError, match="not writable"):
        prepare_out_dir(tmp_path)
    code, text = run_cli(
        "analyze", str(SAMPLE), "-q", "--json", str(tmp_path / "r.json"), "--no-charts"
    )
    assert code == 2
    assert "output folder is not writable" in text
    assert not (tmp_path / "r.json").exists()


def test_temp_file_creation_failure_is_an_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safe_write.tempfile, "mkstemp", no_space)
    with pytest.raises(OutputError, match="No space left"):
        atomic_write(tmp_path / "a.json", lambda h: h.write(b"{}"))


# --- names and paths --------------------------------------------------------------------

HOSTILE = [
    "../../x",
    "..",
    "con",
    "CON.txt",
    "a" * 300,
    "é" * 300,
    "tab\there\nnew\x00nul",
    "/etc/passwd",
    "C:\\Windows\\evil",
    " . ",
    "Anna/B",
    "Anna_B",
    "anna_b",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_name_is_one_plain_path_part(name: str) -> None:
    safe = safe_name(name)
    assert safe and "/" not in safe and "\\" not in safe and ".." not in safe
    assert not any(ord(ch) < 32 for ch in safe)
    assert safe.split(".")[0].casefold() not in {"con", "prn", "aux", "nul"}
    assert len(safe) <= safe_write.MAX_NAME and len(safe.encode()) <= safe_write.MAX_NAME_BYTES
    assert not safe.startswith(".") and safe == safe.strip()


def test_safe_name_collisions_get_suffixes() -> None:
    taken: set[str] = set()
    names = [
        safe_name(n, taken=taken) for n in ["Anna/B", "Anna_B", "anna_b", "a" * 300, "a" * 301]
    ]
    h = safe_write.name_hash
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


@pytest.mark.parametrize(
    "name", ["roster.pdf", "weekly-2026-W35.pdf", "ROSTER.PDF", "x.png", "r.json"]
)
def test_athlete_names_never_take_a_report_file_name(name: str) -> None:
    safe = safe_name(name)
    assert not safe.casefold().endswith(safe_write.OUTPUT_SUFFIXES), safe


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
        for n in names
        for d, ex in ((7, "Back Squat"), (8, "Deadlift"), (9, "Bent-Over Row"))
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
    assert all(".." not in f and len(f) <= safe_write.MAX_NAME for f in folders)


# --- spreadsheet safety -----------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://example.invalid","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(A1:A9)",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


def test_spreadsheet_safe_prefixes_formula_text() -> None:
    values = pd.Series([*FORMULAS, "Squat", None, 5, -3.0, "-4"], dtype=object)
    out = spreadsheet_safe(values).tolist()
    assert out[: len(FORMULAS)] == ["'" + f for f in FORMULAS]
    assert out[len(FORMULAS) : len(FORMULAS) + 2] == ["Squat", None]
    assert out[-3:] == [5, -3.0, "-4"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_table_output_escapes_formula_exercise_names(tmp_path: Path, suffix: str) -> None:
    command = ["analyze"]
    log = tmp_path / "log.csv"
    rows = "".join(
        f"2026-09-0{d},{ex},1,5,100\n"
        for d, ex in (
            (7, '"=HYPERLINK(""http://example.invalid"",""Squat"")"'),
            (8, "+cmd"),
            (9, "@SUM(A1)"),
        )
    )
    log.write_text("Date,Exercise,Sets,Reps,Weight (kg)\n" + rows)
    table = tmp_path / f"weeks{suffix}"
    code, text = run_cli(
        *command, str(log), "--no-charts", "-q", "--out", str(tmp_path / "o"), "--table", str(table)
    )
    assert code == 0, text
    if suffix == ".csv":
        cells = [c for line in table.read_text().splitlines() for c in line.split(",")]
    else:
        book = openpyxl.load_workbook(table)
        cells = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
        assert all(
            c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row
        )
    text_cells = [str(c).strip('"') for c in cells if isinstance(c, str)]
    assert any("HYPERLINK" in c for c in text_cells), "exercise names not in the table"
    for cell in text_cells:
        assert not cell.startswith(("=", "+", "@")), cell


def test_no_temp_files_after_a_normal_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _ = run_cli(
        "analyze", str(SAMPLE), "-q", "--out", str(out), "--json", str(out / "r.json")
    )
    assert code == 0
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert os.path.getsize(out / "r.json") > 0


# --- issue 17, round 2: targets that are not regular files, inputs, modes -------------------


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "analyzer.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_json_to_dev_null_writes_into_the_device(tmp_path: Path) -> None:
    before = os.stat("/dev/null")
    code, text = run_cli("analyze", str(SAMPLE), "--no-charts", "-q", "--json", "/dev/null")
    assert code == 0, text
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino
    assert not [p for p in Path("/dev").iterdir() if p.name.endswith(".tmp")]


def test_json_to_dev_stdout_prints_it_and_keeps_the_link() -> None:
    link = os.readlink("/dev/stdout")
    done = _cli("analyze", str(SAMPLE), "--no-charts", "-q", "--json", "/dev/stdout")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["schema_version"] == 1
    assert Path("/dev/stdout").is_symlink() and os.readlink("/dev/stdout") == link


def test_json_and_table_into_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, text = run_cli("analyze", str(SAMPLE), "--no-charts", "-q", "--json", str(fifo))
    reader.join(30)
    assert code == 0, text
    assert json.loads(received[0])["schema_version"] == 1
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    # Nobody reading: one clear line at once, not a hang.
    table = tmp_path / "weeks.csv"
    os.mkfifo(table)
    code, text = run_cli("analyze", str(SAMPLE), "--no-charts", "-q", "--table", str(table))
    assert code == 2 and "weeks.csv: cannot write (no program is reading from it)" in text
    assert stat.S_ISFIFO(os.stat(table).st_mode)


def _log(folder: Path, name: str = "a.csv") -> Path:
    path = folder / name
    shutil.copy(SAMPLE, path)
    return path


def test_outputs_that_are_inputs_are_refused(tmp_path: Path) -> None:
    """Issue 17.2: every spelling of "write the output over an input" exits 2, input intact."""
    log = _log(tmp_path)
    (tmp_path / "sub").mkdir()
    book = tmp_path / "book.xlsx"
    shutil.copy(SAMPLE.parent / "coach_roster.xlsx", book)
    plan = tmp_path / "p.csv"
    plan.write_text("day,exercise,sets,reps\nMon,Squat (Barbell),3,5\n", encoding="utf-8")
    mapping = tmp_path / "map.csv"
    mapping.write_text(
        "name,load_class,coefficient\nZercher Squat,indirect,0.6\n", encoding="utf-8"
    )
    hard = tmp_path / "hard.csv"
    os.link(log, hard)
    attempts = [
        ("analyze", str(log), "--no-charts", "--json", str(log)),
        ("analyze", str(log), "--no-charts", "--json", str(tmp_path / "sub" / ".." / "a.csv")),
        ("analyze", str(log), "--no-charts", "--json", str(tmp_path / "new" / ".." / "a.csv")),
        ("analyze", str(log), "--no-charts", "--json", str(hard)),
        ("analyze", str(log), "--no-charts", "--table", str(log)),
        ("analyze", str(book), "--no-charts", "--table", str(book)),
        ("analyze", str(tmp_path), "--no-charts", "--json", str(log)),
        (
            "analyze",
            str(log),
            "--no-charts",
            "--exercise-map",
            str(mapping),
            "--json",
            str(mapping),
        ),
        ("exercises", "--from", str(log), "--json", str(log)),
        ("plan", str(plan), "--json", str(plan), "--no-write"),
        ("plan", str(plan), "--history", str(log), "--json", str(log), "--no-write"),
    ]
    before = {p: p.read_bytes() for p in (log, book, plan, mapping)}
    for args in attempts:
        code, text = run_cli(*args)
        assert code == 2, (args, text)
        assert re.search(r"--(json|table) would overwrite the input file", text), (args, text)
        assert {p: p.read_bytes() for p in before} == before, args
    assert not (tmp_path / "new").exists()


def test_atomic_write_refuses_a_protected_input(tmp_path: Path) -> None:
    log = _log(tmp_path)
    safe_write.protect_inputs([log])
    try:
        with pytest.raises(OutputError, match="would overwrite the input file"):
            atomic_write(tmp_path / "x" / ".." / "a.csv", lambda h: h.write(b"x"))
    finally:
        safe_write.clear_protected()
    assert log.read_bytes() == SAMPLE.read_bytes()


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_written_files_get_the_mode_open_would_give(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        out = tmp_path / "out"
        code, text = run_cli(
            "analyze",
            str(SAMPLE),
            "-q",
            "--out",
            str(out),
            "--json",
            str(tmp_path / "r.json"),
            "--table",
            str(tmp_path / "t.xlsx"),
        )
    finally:
        os.umask(old)
    assert code == 0, text
    written = [tmp_path / "r.json", tmp_path / "t.xlsx", *out.rglob("*.png")]
    assert len(written) > 2
    assert {stat.S_IMODE(p.stat().st_mode) for p in written} == {mode}


def test_rewriting_a_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    target.write_text("{}")
    target.chmod(0o600)
    atomic_write(target, lambda h: h.write(b"[]"))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and target.read_text() == "[]"


def test_writing_through_a_symlink_replaces_the_file_not_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic_write(link, lambda h: h.write(b"[]"))
    assert link.is_symlink() and real.read_text() == "[]"


def test_report_folders_keep_their_athlete(tmp_path: Path) -> None:
    """Issue 17.12 through the real folder assignment: `Client/A` keeps its folder when
    `Client*A` joins, and `anna`/`Anna` never share one."""
    from analyzer.safe_write import athlete_folders

    def folders(names: list[str]) -> dict[str, str]:
        return {k: v.name for k, v in athlete_folders(names, tmp_path).items()}

    first = folders(["Client/A"])
    second = folders(["Client/A", "Client*A", "anna", "Anna"])
    assert second["Client/A"] == first["Client/A"]
    assert len({v.casefold() for v in second.values()}) == 4


def test_athletes_named_like_report_files(tmp_path: Path) -> None:
    rows = "".join(
        f"{n},2026-09-0{d},{ex},3,5,100\n"
        for n in ("roster.pdf", "weekly-2026-W37.pdf")
        for d, ex in ((7, "Back Squat"), (8, "Deadlift"), (9, "Bent-Over Row"))
    )
    log = tmp_path / "clients.csv"
    log.write_text("Client,Date,Exercise,Sets,Reps,Weight (kg)\n" + rows, encoding="utf-8")
    out = tmp_path / "out"
    for extra in ([], ["--week", "2026-W37"]):
        code, text = run_cli("report", str(log), "--out", str(out), "-q", *extra)
        assert code == 0, text
    assert (out / "roster.pdf").is_file() and (out / "weekly-2026-W37.pdf").is_file()
    assert (out / "roster.pdf").read_bytes().startswith(b"%PDF")
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert len(folders) == 2 and not any(f.endswith(".pdf") for f in folders)


# --- issue 17, round 2: worker processes -----------------------------------------------------


def test_jobs_are_capped_at_the_cores(tmp_path: Path) -> None:
    from analyzer.engines.pool import cap_jobs, default_jobs

    assert cap_jobs(10_000) == default_jobs() and cap_jobs(0) == 1 and cap_jobs(None) >= 1
    result = CliRunner().invoke(
        app, ["analyze", str(SAMPLE), "--no-charts", "-q", "--jobs", "10000"]
    )
    assert result.exit_code == 0
    assert f"--jobs 10000 lowered to {default_jobs()}" in result.output


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(
    not Path("/proc/self/stat").exists() or os.cpu_count() == 1,
    reason="needs Linux /proc and two cores",
)
@pytest.mark.slow  # a fresh interpreter and its worker pool, killed mid-report
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_with_their_parent(tmp_path: Path, sig: int) -> None:
    rows = "".join(
        f"Client {i},2026-09-{7 + w * 7 + d:02d},{ex},3,5,100\n"
        for i in range(24)
        for w in range(3)
        for d, ex in ((0, "Back Squat"), (1, "Deadlift"), (2, "Bent-Over Row"))
    )
    log = tmp_path / "clients.csv"
    log.write_text("Client,Date,Exercise,Sets,Reps,Weight (kg)\n" + rows, encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "analyzer.cli",
            "report",
            str(log),
            "--out",
            str(tmp_path / "out"),
            "-q",
            "--jobs",
            "2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 90
    while not workers and proc.poll() is None and time.monotonic() < deadline:
        workers = _children(proc.pid)
        time.sleep(0.02)
    assert workers, "no worker process was started"
    os.kill(proc.pid, sig)
    proc.wait(30)
    deadline = time.monotonic() + 15
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)], "workers outlived their parent"
