"""Which athletes `backlog analyze` charts: every athlete of a small input, the athletes a
coach reads first on a large one (`--charts attention`), or as asked (`all`, `none`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.errors import ConfigError
from analyzer.render import roster, wording
from tests.common import SAMPLES

runner = CliRunner()


@pytest.fixture(scope="module")
def clients12(tmp_path_factory) -> Path:
    """12 single-lifter exports from the sample generic log (Sam Lee: 4 weeks of the seed
    schedule, overuse, then 4 weeks of its fix, ok): 6 whole logs (latest week ok) and 6 of
    the seed weeks only, moved 4 weeks later (latest week overuse, same last day)."""
    log = pd.read_csv(SAMPLES / "generic_log.csv", dtype={"date": "str"})
    date = pd.to_datetime(log["date"])
    seed = log[date < pd.Timestamp("2026-09-07")].copy()
    seed["date"] = (date[seed.index] + pd.Timedelta(days=28)).dt.strftime("%Y-%m-%d")
    folder = tmp_path_factory.mktemp("clients12")
    for i in range(6):
        log.assign(athlete=f"Calm {i}").to_csv(folder / f"calm_{i}.csv", index=False)
        seed.assign(athlete=f"Flagged {i}").to_csv(folder / f"flagged_{i}.csv", index=False)
    return folder


def _charted(out: Path) -> set[str]:
    return {p.parent.name for p in out.glob("*/*.png")}


def test_a_small_input_charts_every_athlete(analysed) -> None:
    analysis = analysed(SAMPLES)
    athletes = [a for a in analysis.athletes if a.weeks]
    assert 1 < len(athletes) <= roster.CHART_EVERY_ATHLETE_UP_TO
    assert roster.charted_athletes(analysis) == sorted(athletes, key=lambda a: a.athlete)
    assert roster.charted_athletes(analysis, "none") == []


def test_a_large_input_charts_the_first_athletes_needing_attention(
    clients12: Path, analysed
) -> None:
    analysis = analysed(clients12)
    standings = roster.standings(analysis.athletes)
    attention = [s.athlete for s in standings if not s.stale and s.status == "overuse"]
    assert sorted(attention) == [f"Flagged {i}" for i in range(6)]
    assert [a.athlete for a in roster.needing_attention(analysis.athletes)] == attention
    charted = [a.athlete for a in roster.charted_athletes(analysis)]
    # Six at overuse, five charted: the first five of the summary's worst-first list.
    assert roster.CHART_ATTENTION_AT_MOST == 5
    assert charted == sorted(attention[: roster.CHART_ATTENTION_AT_MOST])
    assert len(roster.charted_athletes(analysis, "all")) == 12


def test_the_charts_note_says_whom_it_charted_and_how_to_get_the_rest() -> None:
    assert wording.charts_note(12, 12, 6) is None
    few = wording.charts_note(3, 40, 3)
    assert few is not None
    assert few.startswith("Charts for 3 of 40 athletes: those still logging and at overuse")
    assert "--charts all" in few
    capped = wording.charts_note(5, 40, 9)
    assert capped is not None
    assert capped.startswith("Charts for 5 of 40 athletes: the first 5 of the 9 still logging")
    assert "--athlete NAME" in capped and "--charts all" in capped


@pytest.mark.slow  # charts for 17 athletes: seconds of matplotlib
def test_cli_charts_attention_by_default_and_all_on_request(
    clients12: Path, tmp_path: Path, analysed
) -> None:
    analysis = analysed(clients12)
    wanted = {a.athlete for a in roster.charted_athletes(analysis)}
    default = runner.invoke(app, ["analyze", str(clients12), "--out", str(tmp_path / "a")])
    assert default.exit_code == 0, default.output
    charted = _charted(tmp_path / "a")
    assert charted == wanted and len(charted) == roster.CHART_ATTENTION_AT_MOST
    assert all(name.startswith("Flagged") for name in charted)
    assert "Charts for 5 of 12 athletes: the first 5 of the 6" in " ".join(default.output.split())
    every = runner.invoke(
        app, ["analyze", str(clients12), "--charts", "all", "--out", str(tmp_path / "b")]
    )
    assert every.exit_code == 0, every.output
    assert len(_charted(tmp_path / "b")) == 12
    assert "--charts all" not in every.output


def test_cli_charts_none_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["analyze", str(SAMPLES), "--charts", "none", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not out.exists() or not list(out.iterdir())


def test_an_unknown_choice_is_one_clear_line_before_any_work(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(SAMPLES), "--charts", "some"])
    assert result.exit_code != 0
    assert "--charts must be one of attention, all, none" in result.output
    assert "Traceback" not in result.output
    with pytest.raises(ConfigError):
        roster.check_chart_choice("every")
