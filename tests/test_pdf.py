"""PDF reports: page counts, the words on each page (pypdf), links, reproducible bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from analyzer import calendar, rules
from analyzer.cli import app
from analyzer.errors import ConfigError
from analyzer.pipeline import analyze_sets
from analyzer.render import charts, pdf
from tests.common import ROSTER, STRONG
from tests.modelkit import DEADLIFT, PRESS, ROW, SQUAT, tagged, week_of


@pytest.fixture(scope="module")
def lifter(analysed):
    return analysed(STRONG).athletes[0]


@pytest.fixture(scope="module")
def roster(analysed):
    return analysed(ROSTER)


def _pages(data: bytes | Path) -> list[str]:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    return [page.extract_text() for page in PdfReader(source).pages]


def test_athlete_report_pages_and_words(lifter) -> None:
    pages = _pages(pdf.athlete_report(lifter))
    assert len(pages) == 4  # verdict+calendar, week table+flags+mobility, ...
    first = pages[0]
    assert "Lower-back report: strong_lifter" in first
    assert "Latest week 2026-W40" in first and "OK" in first
    assert "What to change" in first
    text = "\n".join(pages)
    for word in (
        "Week by week",
        "2026-W33",
        "OVERUSE",
        "Flagged weeks explained",
        "Mobility routine",
        "Supine back stretch",
        "Cat-cow",
        "Seated twist",
        "Chin drops",
        "Fan stretch",
        "Cross-body arm stretch",
        "30 s",
        "Charts",
    ):
        assert word in text, word
    assert all("Training guidance, not medical advice" in p for p in pages)
    assert not any("physiotherapist" in p for p in pages)  # no pain note in this log


def test_chart_pages_embed_the_charts_pixels(lifter) -> None:
    # The charts page draws the daily, weekly and sources charts, in that order, as RGB images
    # whose pixels are the charts' own, and each image keeps its chart's aspect on the page.
    # The order is the page's drawing order (its content stream), not the order of its image
    # resources: the PDF lists those by name, and a chart's name is a hash of its pixels.
    reader = PdfReader(io.BytesIO(pdf.athlete_report(lifter)))
    page = reader.pages[-1]
    by_name = {image.name.rsplit(".", 1)[0]: image for image in page.images}
    drawn = re.findall(
        r"([\d.]+) 0 0 ([\d.]+) 0 0 cm\s*/(\S+) Do",
        page.get_contents().get_data().decode("latin-1"),
    )
    figures = [charts.daily_load(lifter), charts.weekly_load(lifter), charts.load_sources(lifter)]
    assert len(drawn) == len(by_name) == len(figures)
    for (width, height, name), fig in zip(drawn, figures, strict=True):
        expected = np.asarray(charts.pixels(fig))[..., :3]
        got = np.asarray(by_name[name].image.convert("RGB"))
        assert got.shape == expected.shape
        assert np.array_equal(got, expected)
        w_in, h_in = fig.get_size_inches()
        assert float(height) / float(width) == pytest.approx(h_in / w_in, rel=1e-4)


def test_pain_note_puts_the_boxed_line_on_every_page(roster) -> None:
    chloe = next(a for a in roster.athletes if a.athlete == "Chloé Martin")
    pages = _pages(pdf.athlete_report(chloe))
    assert all("see a physiotherapist or physician" in p for p in pages)
    assert "Chloé Martin" in pages[0]


def test_latest_flagged_week_says_what_to_change() -> None:
    # Only the squat/row/deadlift/press weeks: the latest week is overuse.
    table = tagged(week_of("2026-09-07", {0: [SQUAT], 1: [ROW], 2: [DEADLIFT], 3: [PRESS]}))
    result = analyze_sets(table).athletes[0]
    first = _pages(pdf.athlete_report(result))[0]
    assert "OVERUSE" in first
    advice = first.split("What to change")[1]
    # The fix lines are the week's own swaps: the lift, where it goes, the flags it clears.
    week = result.weeks[-1]
    assert week.swaps
    for swap in week.swaps:
        assert swap.from_ in advice
        if swap.to:
            assert swap.to in advice
        if swap.move_to:
            assert (
                f"from {calendar.DAY_NAMES[swap.day.weekday()]} to "
                f"{calendar.DAY_NAMES[swap.move_to.weekday()]}"
            ) in advice
        assert swap.clears and all(rules.BY_CODE[c].label in advice for c in swap.clears)


def test_reports_are_byte_reproducible(lifter, roster) -> None:
    assert pdf.athlete_report(lifter) == pdf.athlete_report(lifter)
    monday = dt.date(2026, 8, 31)
    assert pdf.weekly_report(roster.athletes, monday) == pdf.weekly_report(roster.athletes, monday)
    links = {"Ana Souza": "Ana Souza/Ana Souza.pdf"}
    assert pdf.roster_report(roster.athletes, monday, links) == pdf.roster_report(
        roster.athletes, monday, links
    )


def test_weekly_report_is_one_page_per_athlete(roster) -> None:
    # 2026-W36: Ana and Chloé on the squat/row/deadlift/press schedule, Ben on the fixed one.
    pages = _pages(pdf.weekly_report(roster.athletes, dt.date(2026, 8, 31)))
    assert len(pages) == 3
    expected = {"Ana Souza": "OVERUSE", "Ben Carter": "OK", "Chloé Martin": "OVERUSE"}
    for page, (name, status) in zip(pages, expected.items(), strict=True):
        assert f"{name}: week 2026-W36" in page
        assert f"{status}: lower back loaded" in page
        assert "Sessions" in page and "Deadlift" in page
        assert "Training guidance, not medical advice" in page
    assert "Mobility" in pages[0] and "Mobility" not in pages[1]
    # A week with nothing logged still gets its page.
    empty = _pages(pdf.weekly_report(roster.athletes[:1], dt.date(2026, 12, 7)))
    assert len(empty) == 1 and "No training logged this week" in empty[0]


def test_roster_is_worst_first_with_links(roster, tmp_path: Path) -> None:
    paths = pdf.write_reports(roster, tmp_path, week="2026-W36")
    assert tmp_path / "roster.pdf" in paths
    reader = PdfReader(tmp_path / "roster.pdf")
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Roster: week 2026-W36" in text
    assert "2 overuse, 0 watch, 1 ok" in text
    # Chloé: overuse with a pain note (three kinds of flag); Ana: overuse (two); Ben: ok.
    order = [text.index(n) for n in ("Chloé Martin", "Ana Souza", "Ben Carter")]
    assert order == sorted(order)
    targets = [a["/A"]["/F"] for a in (x.get_object() for x in reader.pages[0]["/Annots"])]
    assert sorted(targets) == sorted(
        f"{n}/{n}-2026-W36.pdf" for n in ("Ana Souza", "Ben Carter", "Chloé Martin")
    )
    for target in targets:
        assert (tmp_path / target).is_file()


def test_parse_week() -> None:
    assert pdf.parse_week("2026-W37") == dt.date(2026, 9, 7)
    for bad in ("2026-37", "W37", "2026-W54"):
        with pytest.raises(ConfigError):
            pdf.parse_week(bad)


def test_cli_report_writes_roster_and_athlete_pdfs(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["report", str(ROSTER), "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "roster.pdf").is_file()
    for name in ("Ana Souza", "Ben Carter", "Chloé Martin"):
        assert len(_pages(tmp_path / name / f"{name}.pdf")) >= 3

    result = runner.invoke(
        app, ["report", str(ROSTER), "--out", str(tmp_path), "--week", "2026-W36"]
    )
    assert result.exit_code == 0, result.output
    assert len(_pages(tmp_path / "weekly-2026-W36.pdf")) == 3
    assert len(_pages(tmp_path / "Ben Carter" / "Ben Carter-2026-W36.pdf")) == 1
    assert "weekly-2026-W36.pdf" in result.output


def test_cli_report_bad_week_is_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["report", str(STRONG), "--out", str(tmp_path), "--week", "next"]
    )
    assert result.exit_code == 2
    assert "--week" in result.output
    assert not list(tmp_path.iterdir())
