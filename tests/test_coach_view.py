"""What a coach opens on Monday (issue 16, points 1, 2 and 4): the roster at each athlete's
latest logged week, weekly reports that never break, a terminal that fits 80 columns, clean
--help and --version. Flag messages and verdicts are not asserted here (they are being
recalibrated): layout, order, counts and presence are."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from pypdf import PdfReader
from rich.console import Console
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.errors import ConfigError
from analyzer.pipeline import analyze_sets
from analyzer.render import pdf, roster, terminal, wording
from analyzer.render.progress import StageProgress
from analyzer.results import Flag
from tests.common import GENERIC, REAL_LOGS, ROOT, ROSTER
from tests.common import STRONG as STRONG_ONE
from tests.modelkit import DEADLIFT, LEG_PRESS, PRESS, ROW, SQUAT, tagged, week_of
from tests.reallogs import needs_real

runner = CliRunner()
STATUS_WORDS = ("OVERUSE", "WATCH", "OK", "NO LOG")


def _pages(data: bytes | Path) -> list[str]:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    return [page.extract_text() for page in PdfReader(source).pages]


def _partial_athlete(name: str = "Partial Pat"):
    """An overuse week, then a week the log ends inside (Mon and Wed, nothing loading the
    back): the latest week is ok so far and in progress."""
    table = tagged(
        week_of("2026-09-07", {0: [SQUAT], 1: [ROW], 2: [DEADLIFT], 3: [PRESS]})
        + week_of("2026-09-14", {0: [LEG_PRESS], 2: [LEG_PRESS]}),
        athlete=name,
    )
    return analyze_sets(table).athletes[0]


def _headline_counts(text: str) -> dict[str, int]:
    match = re.search(
        r"(\d+) athletes?: (\d+) overuse, (\d+) watch, (\d+) ok"
        r"(?:; (\d+) with no (?:recent log|training logged this week))?",
        text,
    )
    assert match, text
    total, over, watch, ok, rest = (int(x) if x else 0 for x in match.groups())
    return {"total": total, "overuse": over, "watch": watch, "ok": ok, "rest": rest}


# --- roster ------------------------------------------------------------------------------------


def test_roster_shows_each_athletes_own_latest_week_and_counts_match_rows(analysed) -> None:
    analysis = analysed(ROSTER)
    results = [*analysis.athletes, _partial_athlete()]
    lines = roster.standings(results)
    text = "\n".join(_pages(pdf.roster_report(results, None, {})))
    assert "Roster: each athlete's latest logged week" in text
    for r in results:
        assert r.athlete in text
        assert r.weeks[-1].week in text  # their own latest week, not one shared week
    counts = _headline_counts(text)
    assert counts["total"] == len(results)
    head = [ln for ln in lines if not ln.stale]
    for status in ("overuse", "watch", "ok"):
        assert counts[status] == sum(ln.status == status for ln in head)
    assert counts["rest"] == sum(ln.stale for ln in lines)
    assert sum(counts[s] for s in ("overuse", "watch", "ok", "rest")) == counts["total"]
    # Worst first: rows in the order of the standings, their statuses never improving.
    order = [text.index(ln.athlete) for ln in lines]
    assert order == sorted(order)
    ranks = [{"overuse": 2, "watch": 1, "ok": 0}.get(ln.status, -1) for ln in head]
    assert ranks == sorted(ranks, reverse=True)


def test_a_week_in_progress_is_never_green_and_says_so(analysed) -> None:
    partial = _partial_athlete()
    assert partial.weeks[-1].in_progress and partial.weeks[-1].status == "ok"
    (line,) = roster.standings([partial])
    assert line.status == partial.status == "overuse"
    assert line.decided_by_week_before is partial.weeks[-2]
    assert wording.progress_note(partial.weeks[-1]) == "week in progress, through Wed"
    page = " ".join(
        " ".join(
            _pages(pdf.roster_report([partial, *analysed(STRONG_ONE).athletes], None, {}))
        ).split()
    )
    row = page[page.index("Partial Pat") :]
    assert row.split()[2] == "OVERUSE", row  # name, "open report"... the status cell
    assert "week in progress, through Wed" in row
    report = " ".join(_pages(pdf.athlete_report(partial))[0].split())
    assert "week in progress, through Wed" in report and "OVERUSE" in report
    assert "This week so far: OK" in report
    weekly = " ".join(_pages(pdf.weekly_report([partial], dt.date(2026, 9, 14)))[0].split())
    assert "OVERUSE (week in progress, through Wed)" in weekly
    out = terminal.render(
        analyze_sets(
            tagged(
                week_of("2026-09-07", {0: [SQUAT], 1: [ROW], 2: [DEADLIFT], 3: [PRESS]})
                + week_of("2026-09-14", {0: [LEG_PRESS], 2: [LEG_PRESS]}),
                athlete="Partial Pat",
            )
        )
    )
    assert "Latest week: 2026-W38 OVERUSE (week in progress, through Wed" in " ".join(out.split())


def test_no_recent_log_group_comes_last(analysed) -> None:
    analysis = analysed(ROSTER)
    old = _partial_athlete("Old Olga")  # ends in Sep 2026, roster logs run to Oct
    newest = roster.as_of([*analysis.athletes, old])
    assert (newest - old.last_date).days >= roster.NO_RECENT_DAYS
    lines = roster.standings([old, *analysis.athletes])
    assert lines[-1].athlete == "Old Olga" and lines[-1].stale
    text = "\n".join(_pages(pdf.roster_report([old, *analysis.athletes], None, {})))
    assert "No recent log" in text
    assert text.index("No recent log") < text.index("Old Olga")
    assert all(text.index(a.athlete) < text.index("No recent log") for a in analysis.athletes)
    assert "last logged" in text


def test_long_and_underscored_names_fit_the_roster(analysed) -> None:
    # A 2,000-character name (user data) used to raise LayoutError; names break between
    # their parts, never inside a word.
    lifter = analysed(STRONG_ONE).athletes[0]
    long = dataclasses.replace(lifter, athlete="Ab" * 1000)
    spaced = dataclasses.replace(lifter, athlete="Maximilian " * 180)
    data = pdf.roster_report([long, spaced, lifter], None, {})
    assert len(_pages(data)) == 1
    _pages(pdf.weekly_report([long], lifter.weeks[-1].start))
    _pages(pdf.athlete_report(long))
    regular, bold = pdf._fonts()
    width = pdf.ROSTER_WIDTHS[0] - pdf.CELL_PAD
    lines, _ = pdf.wrap_name("mymmind_WorkoutExport", bold, width)
    assert "".join(lines) == "mymmind_WorkoutExport"
    assert all(
        line
        in (
            "mymmind_",
            "Workout",
            "Export",
            "mymmind_Workout",
            "WorkoutExport",
            "mymmind_WorkoutExport",
        )
        for line in lines
    ), lines
    lines, _ = pdf.wrap_name("joao-conde_2025_strong_workouts", bold, width)
    assert "".join(lines) == "joao-conde_2025_strong_workouts"
    assert all(re.search(r"[_\-]$", line) for line in lines[:-1]), lines


def test_pain_box_names_the_athlete(analysed) -> None:
    chloe = next(a for a in analysed(ROSTER).athletes if a.athlete == "Chloé Martin")
    pages = _pages(pdf.athlete_report(chloe))
    assert all("Pain was noted in Chloé Martin's log" in p for p in pages)
    assert "Pain was noted in the logs of Ann, Bob and Cy:" in pdf.pain_text(["Ann", "Bob", "Cy"])
    many = pdf.pain_text([f"Athlete number {i}" for i in range(40)])
    assert "40 athletes" in many


def test_sparkline_has_a_scale_and_calendar_rows_name_the_year(analysed) -> None:
    from analyzer.render import charts

    lifter = analysed(STRONG_ONE).athletes[0]
    fig = charts.sparkline(lifter, weeks=8)
    labels = [t.get_text() for t in fig.texts]
    top = max(w.lower_back_load for w in lifter.weeks[-8:])
    assert "0" in labels and any(
        lab and float(lab) == pytest.approx(top, abs=0.5) for lab in labels if lab != "0"
    )
    # One year: rows say W37; two years: 2025-W52 / 2026-W01.
    texts = [t.get_text() for t in charts.week_calendar(lifter, weeks=2).axes[0].texts]
    assert any(re.match(r"W\d\d\n", t) for t in texts)
    table = tagged(week_of("2025-12-22", {0: [SQUAT]}) + week_of("2026-01-05", {0: [SQUAT]}))
    two = analyze_sets(table).athletes[0]
    texts = [t.get_text() for t in charts.week_calendar(two, weeks=4).axes[0].texts]
    assert any(t.startswith("2026-W02\n") for t in texts), texts


def test_info_flags_are_notes_in_grey(analysed) -> None:
    lifter = analysed(STRONG_ONE).athletes[0]
    note = Flag("pain_note", "info", (lifter.weeks[-1].start,), (), "Shoulder sore (a note).")
    last = dataclasses.replace(lifter.weeks[-1], flags=(note,))
    result = dataclasses.replace(lifter, weeks=(*lifter.weeks[:-1], last))
    assert wording.flag_labels(last.flags, {"pain_note": "pain noted"}) == "pain noted (note)"
    out = terminal.render(analysed(STRONG_ONE), athletes=[result], weeks=1)
    assert "[info] Shoulder sore (a note)." in out
    assert "pain noted (note)" in out
    text = _pages(pdf.athlete_report(result))[0]
    assert "Shoulder sore" in text


# --- weekly report -----------------------------------------------------------------------------


def test_rest_week_is_a_page_not_a_crash(tmp_path: Path) -> None:
    # generic_log.csv without 2026-09-14..20: 2026-W38 is a rest week inside the log.
    lines = GENERIC.read_text("utf-8").splitlines(keepends=True)
    kept = [ln for ln in lines if not re.search(r"2026-09-(1[4-9]|20)", ln)]
    assert len(kept) < len(lines)
    log = tmp_path / "rested.csv"
    log.write_text("".join(kept), "utf-8")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["report", str(log), "--week", "2026-W38", "--out", str(out), "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    (page,) = _pages(next(out.rglob("*-2026-W38.pdf")))
    assert "No training logged this week" in page
    assert "The week before, 2026-W37" in page


def test_week_outside_every_log_is_exit_2_with_the_range(tmp_path: Path, analysed) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(ROSTER), "--week", "2031-W01", "--out", str(out)])
    assert result.exit_code == 2
    assert "outside every log" in result.output
    span = roster.log_range(analysed(ROSTER).athletes)
    assert f"{span[0]:%d %b %Y}" in result.output and f"{span[1]:%d %b %Y}" in result.output
    assert not out.exists()
    with pytest.raises(ConfigError):
        pdf.check_week(analysed(ROSTER).athletes, dt.date(2031, 1, 6))


def test_one_athletes_failure_does_not_break_the_others(tmp_path: Path, monkeypatch) -> None:
    real_page = pdf.week_page

    def page(result, *args, **kwargs):
        if result.athlete == "Ben Carter":
            raise ValueError("boom")
        return real_page(result, *args, **kwargs)

    monkeypatch.setattr(pdf, "week_page", page)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["report", str(ROSTER), "--week", "2026-W36", "--out", str(out), "-j", "1"]
    )
    assert result.exit_code == 1
    assert "Ben Carter: could not write reports: ValueError: boom" in result.output
    for name in ("Ana Souza", "Chloé Martin"):
        assert (out / name / f"{name}-2026-W36.pdf").is_file()
    assert not (out / "Ben Carter" / "Ben Carter-2026-W36.pdf").exists()
    pages = _pages(out / "weekly-2026-W36.pdf")
    assert len(pages) == 3 and "could not be drawn" in pages[1]
    assert (out / "roster.pdf").is_file()


@needs_real
@pytest.mark.slow  # 25 PDFs for the 12 real lifters
def test_real_logs_roster_and_week_2020_w50(tmp_path: Path, analysed) -> None:
    analysis = analysed(REAL_LOGS)
    assert len(analysis.athletes) == 12
    links = {a.athlete: "x.pdf" for a in analysis.athletes}
    text = "\n".join(_pages(pdf.roster_report(analysis.athletes, None, links)))
    for a in analysis.athletes:
        assert a.athlete in text.replace("\n", "")
    counts = _headline_counts(text)
    assert counts["total"] == 12
    assert sum(counts[s] for s in ("overuse", "watch", "ok", "rest")) == 12
    assert text.count("NO LOG") == 0  # everyone has their own latest week
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(REAL_LOGS), "--week", "2020-W50", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(_pages(out / "weekly-2020-W50.pdf")) == 12
    assert len(list(out.glob("*/*-2020-W50.pdf"))) == 12
    assert (out / "roster.pdf").is_file()


# --- terminal ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clients50(tmp_path_factory) -> Path:
    from benchmarks.generate import write_strong_folder

    folder = tmp_path_factory.mktemp("clients50")
    write_strong_folder(folder, 50)
    return folder


@pytest.mark.slow  # 50 generated client logs analysed twice
def test_fifty_clients_fit_80_columns_worst_first(clients50: Path, analysed) -> None:
    result = runner.invoke(app, ["analyze", str(clients50), "--no-charts"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    out = result.output
    head = out.index("== Who needs attention")
    assert head < out.index("== client_")  # the summary comes before the details
    counts = _headline_counts(out[head:])
    assert counts["total"] == 50
    # The details follow the summary's worst-first order.
    analysis = analysed(clients50)
    order = [ln.athlete for ln in roster.standings(analysis.athletes)]
    details = re.findall(r"^== (client_\d+):", out, flags=re.M)
    assert details == order


def test_terminal_wraps_to_the_width_given(analysed) -> None:
    analysis = analysed(ROSTER)
    for width in (60, 80, 100):
        text = terminal.render(analysis, width=width, weeks=0)
        assert max(len(line) for line in text.splitlines()) <= width


def test_plurals() -> None:
    assert wording.plural(1, "day") == "1 day" and wording.plural(2, "week") == "2 weeks"
    one = analyze_sets(tagged(week_of("2026-09-07", {0: [SQUAT]}), athlete="Solo"))
    text = terminal.render(one)
    assert "1 week," in text and "1 weeks" not in text
    assert "1 days" not in "\n".join(_pages(pdf.athlete_report(one.athletes[0])))


def test_no_color_is_honoured(monkeypatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert terminal.use_colour(Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not terminal.use_colour(Tty())
    assert not terminal.use_colour(io.StringIO())


def test_progress_shows_only_for_slow_stages() -> None:
    import time

    def run(seconds: float) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=True, width=80)
        progress = StageProgress(True, console=console, delay=0.05)
        with progress.stage("Writing reports", total=2) as advance:
            time.sleep(seconds)
            advance()
            advance()
        return buffer.getvalue()

    assert "Writing reports" in run(0.4)
    assert run(0.0) == ""
    quiet = StageProgress(False)
    with quiet.stage("nothing") as advance:
        advance()


# --- --help and --version ----------------------------------------------------------------------


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"backlog {version('backlog')}"


def test_typer_is_in_the_pinned_range() -> None:
    """The help below is checked with the typer range pyproject.toml pins (newer typer
    releases print `<bool>`, `<list[Path]>`, `{paths}...`)."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    pin = next(d for d in deps["dependencies"] if d.startswith("typer"))
    low, high = re.match(r"typer>=([\d.]+),<([\d.]+)", pin).groups()

    def key(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in v.split("."))

    assert key(low) <= key(version("typer")) < key(high)


@pytest.mark.parametrize(
    "command", [[], ["analyze"], ["report"], ["exercises"], ["config"], ["plan"]]
)
def test_help_is_clean_at_80_columns(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    text = result.output
    assert max(len(line) for line in text.splitlines()) <= 80
    for junk in ("<bool>", "<str>", "<int>", "<path>", "list[Path]", "{paths}", "...\n"):
        assert junk not in text, (junk, text)
    assert "Usage: backlog" in text
    if not command:
        flat = " ".join(text.split())
        for words in (
            "--version",
            "and a roster worst first when the input holds several athletes.",
        ):
            assert words in flat.replace("│ ", "").replace(" │", ""), flat
