"""The swap search (analyzer/swaps.py): small, pattern-keeping, never a no-op, judged by the
same rule engine as the analysis (issue 15)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from analyzer import flags, model, swaps
from analyzer.catalog import load_catalog
from analyzer.config import load_config
from analyzer.pipeline import analyze_sets
from analyzer.results import Analysis, Week
from analyzer.tagging import load_tagger, tag_sets
from tests.common import GENERIC, ROSTER, SAMPLES, STRONG
from tests.modelkit import DEADLIFT, PRESS, ROW, SQUAT, tagged, week_of
from tests.reallogs import REAL_LOG_FILES as REAL

CONFIG = load_config()
CATALOG = load_catalog().drop_duplicates("name").set_index("name")


def spaced_weeks(n: int, start: str = "2026-01-05") -> list:
    monday = dt.date.fromisoformat(start)
    out: list = []
    for k in range(n):
        out += week_of(str(monday + dt.timedelta(weeks=k)), {0: [DEADLIFT], 2: [SQUAT], 4: [ROW]})
    return out


def seed(monday: str = "2026-02-02") -> list:
    return week_of(monday, {0: [SQUAT], 1: [ROW], 2: [DEADLIFT], 3: [PRESS]})


def latest(result: Analysis) -> Week:
    (athlete,) = result.athletes
    return athlete.weeks[-1]


def catalog_table(sessions: list) -> pd.DataFrame:
    """Hand-made sessions tagged by the real catalog (so substitutes come from it)."""
    table = tagged(sessions)
    return tag_sets(
        table.drop(columns=["canonical", "load_class", "coefficient", "primary_muscle", "pattern"]),
        load_tagger(),
    )


# -- the seed ---------------------------------------------------------------------------------


def test_the_seed_week_is_fixed_by_moving_the_deadlift_to_the_end_of_the_week() -> None:
    week = latest(analyze_sets(catalog_table(spaced_weeks(4) + seed())))
    assert week.status == "overuse"
    (swap,) = week.swaps
    assert (swap.kind, swap.from_, swap.day.weekday()) == ("move", "Deadlift (Barbell)", 2)
    assert swap.move_to is not None and swap.move_to.weekday() >= 4
    assert week.after_swaps is not None and week.after_swaps.status == "ok"
    assert set(swap.clears) == {"consecutive_days", "hard_spacing"}
    # The fix line's numbers: hard sessions now at least 48 h apart, runs of at most 2 days.
    gap = week.after_swaps.closest_gap_hours
    assert gap is None or gap >= 48
    assert week.after_swaps.longest_run <= 2 < week.longest_run


def test_a_protected_deadlift_is_not_moved_away_from_its_lifts_when_keep_names_it() -> None:
    # With the deadlift kept and moves that cannot clear the week taken out (every other day
    # already trained), the search substitutes the row and never the deadlift.
    sessions = spaced_weeks(4) + week_of(
        "2026-02-02",
        {0: [SQUAT], 1: [ROW], 2: [DEADLIFT], 3: [PRESS], 4: [SQUAT], 5: [PRESS], 6: [SQUAT]},
    )
    keep = dataclasses.replace(CONFIG, keep_lifts=("deadlift (barbell)",))
    week = latest(analyze_sets(catalog_table(sessions), config=keep))
    assert all(not (s.kind == "substitute" and s.from_ == "Deadlift (Barbell)") for s in week.swaps)
    powerlifter = dataclasses.replace(CONFIG, sport="powerlifting")
    week = latest(analyze_sets(catalog_table(sessions), config=powerlifter))
    assert all(
        s.kind != "substitute" or s.from_ not in ("Deadlift (Barbell)", "Squat (Barbell)")
        for s in week.swaps
    )


def _lifts(*names: str) -> list[tuple[str, str, float]]:
    """Lifts by catalog name (class and coefficient come from the catalog when tagged)."""
    return [(name, "direct", 0.5) for name in names]


def test_a_weightlifters_week_keeps_the_competition_lifts_and_their_patterns() -> None:
    # Three spaced weeks set the norms, then a 5-day block: every day a pull from the floor.
    monday = dt.date(2026, 1, 5)
    sessions: list = []
    for k in range(4):
        sessions += week_of(
            str(monday + dt.timedelta(weeks=k)),
            {
                0: _lifts("Snatch (Barbell)", "Front Squat (Barbell)"),
                2: _lifts("Clean and Jerk (Barbell)", "Clean Pull (Barbell)"),
                4: _lifts("Snatch Pull (Barbell)", "Squat (Barbell)"),
            },
        )
    sessions += week_of(
        "2026-02-02",
        {
            0: _lifts("Snatch (Barbell)", "Clean Pull (Barbell)"),
            1: _lifts("Clean and Jerk (Barbell)", "Front Squat (Barbell)"),
            2: _lifts("Power Clean", "Snatch Pull (Barbell)"),
            3: _lifts("Snatch (Barbell)", "Squat (Barbell)"),
            4: _lifts("Clean and Jerk (Barbell)", "Clean Pull (Barbell)"),
        },
    )
    table = catalog_table(sessions)
    assert table["canonical"].notna().all()
    lifter = dataclasses.replace(CONFIG, sport="weightlifting")
    week = latest(analyze_sets(table, config=lifter))
    assert week.status != "ok" and week.swaps
    assert len(week.swaps) <= CONFIG.swap_max_edits
    # Competition lifts and their pulls are moved or cut, never replaced.
    assert {s.kind for s in week.swaps} <= {"move", "reduce"}
    assert week.after_swaps is not None and week.swaps[0].clears
    # As a general lifter, a substitute keeps the lift's pattern and primary muscle and is
    # never a hip thrust or a drill.
    general = latest(analyze_sets(table))
    for s in general.swaps:
        if s.kind == "substitute":
            assert s.to not in ("Hip Thrust (Barbell)", "Bird Dog", "Dead Hang")
            old, new = CATALOG.loc[s.from_], CATALOG.loc[s.to]
            assert (old["pattern"], old["primary_muscle"]) == (
                new["pattern"],
                new["primary_muscle"],
            )


def test_a_return_week_keeps_its_lifts_and_cuts_sets() -> None:
    sessions = spaced_weeks(6)
    heavy = [("2026-03-09", *DEADLIFT, 6), ("2026-03-11", *SQUAT, 6), ("2026-03-13", *ROW, 6)]
    week = latest(analyze_sets(catalog_table(sessions + heavy)))
    assert [f.code for f in week.flags] == ["return_after_break"]
    assert week.swaps and {s.kind for s in week.swaps} == {"reduce"}
    for s in week.swaps:
        assert s.sets_before is not None and s.sets_after is not None
        assert 0 < s.sets_after < s.sets_before


# -- the engine judges candidates as it judges the log ----------------------------------------


def blocks_of(result: Analysis, tagger_config=CONFIG):
    """(block, the week's analysis flags) of every flagged week of `result`."""
    for athlete in result.athletes:
        days = athlete.days
        grid = flags.AthleteGrid(days)
        chronic = grid.chronic(tagger_config)
        for w in athlete.weeks:
            if not w.flags:
                continue
            start = pd.Timestamp(w.start)
            sets = athlete.sets
            in_week = sets[(sets["date"] >= start) & (sets["date"] < start + pd.Timedelta(days=7))]
            series, week = grid.week_index(athlete.athlete, w.start)
            context = swaps.SwapContext(load_catalog(), tagger_config)
            yield swaps.WeekBlock(grid.grid, chronic, series, week, in_week, start, context), w


@pytest.mark.parametrize("path", [ROSTER, *REAL[:6]], ids=lambda p: p.name)
def test_an_unchanged_candidate_gets_the_analysis_verdict(path: Path, analysed) -> None:
    result = analysed(path, swaps=False)
    checked = 0
    for block, week in blocks_of(result):
        (outcome,) = block.judge([()])
        expected = [(f.code, f.severity) for f in week.flags]
        if block.repeat:  # the week after is the week again: only the week's own rules match
            expected = [f for f in expected if f[0] != "consecutive_days"]
            got = [f for f in outcome.flags if f[0] != "consecutive_days"]
        else:
            got = list(outcome.flags)
        assert sorted(got) == sorted(expected), (week.week, got, expected)
        assert outcome.load == pytest.approx(week.lower_back_load, abs=1e-3)
        checked += 1
    assert checked > 0 or path.parent != SAMPLES  # the sample roster has flagged weeks


# -- every fix on every real log is small, honest and keeps the training ----------------------


def check_fixes(result: Analysis) -> int:
    n = 0
    for athlete in result.athletes:
        for w in athlete.weeks:
            if not w.swaps:
                assert w.after_swaps is None
                continue
            n += 1
            a = w.after_swaps
            assert a is not None
            assert len(w.swaps) <= CONFIG.swap_max_edits
            for s in w.swaps:
                if s.kind == "move":
                    assert s.move_to is not None and s.move_to != s.day
                    assert s.move_to - w.start < dt.timedelta(days=7)
                elif s.kind == "substitute":
                    assert s.to and s.to != s.from_
                    lift = athlete.sets.loc[athlete.sets["exercise"] == s.from_, "canonical"]
                    canonical = lift.iloc[0]
                    assert CATALOG.loc[s.to, "pattern"] == CATALOG.loc[canonical, "pattern"]
                    assert (
                        CATALOG.loc[s.to, "primary_muscle"]
                        == CATALOG.loc[canonical, "primary_muscle"]
                    )
                    assert CATALOG.loc[s.to, "pattern"] not in ("stretch", "core")
                else:
                    assert s.sets_after is not None and s.sets_before is not None
                    assert s.sets_after < s.sets_before
            before = {f.code for f in w.flags if f.code in swaps.FIXABLE}
            # Every printed fix clears a flag or lowers one from overuse: never an empty promise.
            assert w.swaps[0].clears and set(w.swaps[0].clears) <= before
            if a.note.startswith("No change"):
                # Not cleared: the single most useful change.
                assert len(w.swaps) == 1
            else:
                assert a.status != "overuse"
            volume = before <= swaps.VOLUME_RULES
            if not volume:
                assert a.lower_back_load >= CONFIG.swap_min_load_kept * w.lower_back_load - 1e-6
            else:
                assert {s.kind for s in w.swaps} == {"reduce"}
    return n


@pytest.mark.parametrize(
    "path",
    [STRONG, GENERIC, ROSTER, *REAL],
    ids=lambda p: p.name,
)
def test_fixes_are_small_honest_and_keep_the_training(path: Path) -> None:
    everything = dataclasses.replace(CONFIG, swap_recent_weeks=0)
    result = analyze_sets(pd.concat([r for r in [_sets(path)]]), config=everything)
    check_fixes(result)


def _sets(path: Path) -> pd.DataFrame:
    from analyzer.importers import read_inputs
    from analyzer.merging import merge_sources

    sets, _, _ = merge_sources(read_inputs([path]).results)
    return sets


def test_swaps_are_searched_for_the_latest_weeks_only_by_default() -> None:
    sessions = spaced_weeks(2) + seed("2026-01-19") + spaced_weeks(10, "2026-01-26")
    table = catalog_table(sessions)
    default = analyze_sets(table).athletes[0]
    flagged = next(w for w in default.weeks if w.week == "2026-W04")
    assert flagged.status == "overuse" and not flagged.swaps
    everything = analyze_sets(table, config=dataclasses.replace(CONFIG, swap_recent_weeks=0))
    assert next(w for w in everything.athletes[0].weeks if w.week == "2026-W04").swaps
    # The week a coach asks for (`report --week`) is searched whatever its age.
    asked = analyze_sets(table, config=dataclasses.replace(CONFIG, swap_also_week="2026-W04"))
    weeks = {w.week: w for w in asked.athletes[0].weeks}
    assert weeks["2026-W04"].swaps
    assert not any(
        w.swaps for label, w in weeks.items() if label != "2026-W04" and label < "2026-W06"
    )


def test_model_days_feed_the_grid_in_order() -> None:
    """The grid rows the blocks are cut from are the daily table's own numbers."""
    dosed = model.set_doses(catalog_table(spaced_weeks(3) + seed("2026-01-26")), CONFIG)
    days = model.daily_series(dosed, CONFIG)
    grid = flags.AthleteGrid(days)
    assert grid.grid.dose[0, : len(days)].tolist() == days["dose"].tolist()
    assert grid.grid.valid[0].sum() == len(days)


def test_cli_keep_sport_and_swaps_options() -> None:
    import json

    from typer.testing import CliRunner

    from analyzer.cli import app

    runner = CliRunner()
    sample = str(STRONG)
    quiet = ["-q", "--no-charts"]  # the JSON is read: no charts drawn into ./reports
    plain = json.loads(runner.invoke(app, ["analyze", sample, *quiet, "--json", "-"]).output)
    moved = [s for w in plain["athletes"][0]["weeks"] for s in w["swaps"]]
    assert moved and all(s["from"] == "Deadlift (Barbell)" for s in moved)
    none = json.loads(
        runner.invoke(app, ["analyze", sample, *quiet, "--swaps", "none", "--json", "-"]).output
    )
    assert not any(w["swaps"] for w in none["athletes"][0]["weeks"])
    bad = runner.invoke(app, ["analyze", sample, "-q", "--swaps", "some"])
    assert bad.exit_code == 2 and "--swaps must be recent, all or none" in bad.output
    bad = runner.invoke(app, ["analyze", sample, "-q", "--sport", "curling"])
    assert bad.exit_code == 2 and "--sport must be one of" in bad.output
    kept = json.loads(
        runner.invoke(
            app, ["analyze", sample, *quiet, "--keep", "Bent Over Row (Barbell)", "--json", "-"]
        ).output
    )
    assert not any(
        s["kind"] == "substitute" and s["from"] == "Bent Over Row (Barbell)"
        for w in kept["athletes"][0]["weeks"]
        for s in w["swaps"]
    )
