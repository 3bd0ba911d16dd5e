"""End to end on the bundled samples: the classic squat/row/deadlift/press weeks are overuse,
the fixed weeks are ok, through the Strong, coach .xlsx and generic CSV import paths."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from analyzer import flags, model
from analyzer.config import load_config
from analyzer.importers import read_log
from analyzer.merging import merge_sources
from analyzer.pipeline import AnalyzeOptions, analyze, judge
from analyzer.render.json_out import to_json
from analyzer.rules import FIXABLE
from analyzer.tagging import load_tagger, tag_sets
from tests.common import REAL_LOGS as REAL
from tests.common import ROSTER, SAMPLES, STRONG
from tests.reallogs import needs_real

CLASSIC = ["2026-W33", "2026-W34", "2026-W35", "2026-W36"]
FIXED = ["2026-W37", "2026-W38", "2026-W39", "2026-W40"]


def weeks_of(result, athlete: str) -> dict[str, object]:
    (a,) = [a for a in result.athletes if a.athlete == athlete]
    return {w.week: w for w in a.weeks}


@pytest.mark.parametrize(
    ("sample", "athlete"),
    [
        ("strong_lifter.csv", "strong_lifter"),
        ("generic_log.csv", "Sam Lee"),
        ("coach_roster.xlsx", "Ana Souza"),
        ("coach_roster.xlsx", "Chloé Martin"),
    ],
)
def test_classic_weeks_overuse_and_fixed_weeks_ok(sample: str, athlete: str, analysed) -> None:
    weeks = weeks_of(analysed(SAMPLES / sample), athlete)
    for label in CLASSIC:
        week = weeks[label]
        assert week.status == "overuse", label
        run = next(f for f in week.flags if f.code == "consecutive_days")
        assert run.severity == "overuse"
        assert [d.weekday() for d in run.days] == [0, 1, 2, 3]
        assert week.longest_run == 4
    for label in FIXED:
        # Only a pain note (or its follow-up) may keep a fixed week from ok: no schedule flag.
        schedule = [f for f in weeks[label].flags if f.code in FIXABLE]
        assert not schedule, (label, schedule)
        assert [d.weekday() for d in weeks[label].loaded_days] == [0, 5]


def test_athlete_on_the_fixed_schedule_throughout_is_ok(analysed) -> None:
    weeks = weeks_of(analysed(ROSTER), "Ben Carter")
    assert {w.status for w in weeks.values()} == {"ok"}


def test_pain_note_is_flagged_only_for_the_athlete_who_wrote_it(analysed) -> None:
    result = analysed(ROSTER)
    pain = {a.athlete: a.has_pain_note for a in result.athletes}
    assert pain == {"Ana Souza": False, "Ben Carter": False, "Chloé Martin": True}


def test_warmups_are_kept_but_add_no_dose(analysed) -> None:
    result = analysed(STRONG)
    (source,) = result.sources
    assert source.warmup_sets > 0
    sets = result.athletes[0].sets
    warm = sets[sets["set_type"] == "warmup"]
    assert len(warm) == source.warmup_sets
    assert (warm["dose"] == 0).all()


def test_json_contract_fields(analysed) -> None:
    data = json.loads(to_json(analysed(STRONG), daily=True))
    assert data["schema_version"] == 1
    source = data["sources"][0]
    assert {
        "path",
        "format",
        "athletes",
        "rows",
        "sets",
        "warmup_sets",
        "skipped",
        "skipped_reasons",
        "problems",
    } <= set(source)
    week = data["athletes"][0]["weeks"][0]
    assert {
        "week",
        "start",
        "sets",
        "direct_sets",
        "indirect_sets",
        "lower_back_load",
        "loaded_days",
        "longest_run",
        "acwr",
        "monotony",
        "strain",
        "status",
        "flags",
        "swaps",
        "after_swaps",
    } <= set(week)
    assert week["acwr"] is None  # no ratio before 28 days of history
    flag = week["flags"][0]
    assert {"code", "severity", "days", "exercises", "message"} <= set(flag)
    ex = data["exercises"][0]
    assert {
        "name",
        "canonical",
        "load_class",
        "coefficient",
        "primary_muscle",
        "matched_by",
        "sets",
    } <= set(ex)
    day = data["athletes"][0]["days"][0]
    assert {"date", "dose", "recovery_state", "direct_sets", "indirect_sets"} <= set(day)


@needs_real
def test_overlapping_exports_of_one_lifter_are_merged_not_doubled() -> None:
    files = [
        REAL / "strong" / "joao-conde_2024_workouts.csv",
        REAL / "strong" / "joao-conde_2025_strong_workouts.csv",
    ]
    results = [read_log(f) for f in files]
    sets, dropped, notes = merge_sources(results)
    assert sets["athlete"].nunique() == 1
    newer = results[1].sets
    # Every set of the newer, larger export is kept; the older one adds only what it alone has.
    assert len(sets) >= len(newer)
    assert dropped >= 0.9 * len(results[0].sets)
    assert notes


@needs_real
def test_real_folder_reports_each_athlete_once(analysed) -> None:
    result = analysed(REAL, swaps=False)
    names = [a.athlete for a in result.athletes]
    assert len(names) == len(set(names))
    assert len(result.sources) == 14
    assert not [a for a in names if "joao" in a][1:]  # the two joao-conde exports: one lifter
    flagged = sum(w.status != "ok" for a in result.athletes for w in a.weeks if w.sets)
    trained = sum(1 for a in result.athletes for w in a.weeks if w.sets)
    share = flagged / trained
    print(f"\nreal logs: {flagged} of {trained} trained weeks flagged ({share:.0%})")
    assert 0.02 < share < 0.8


def test_clients_on_the_same_program_are_not_merged(tmp_path: Path) -> None:
    """Two clients logging the same exercises on the same dates are two athletes unless
    their sets (weights and reps) are the same too."""
    rows = ["date,exercise,sets,reps,weight"]
    start = dt.date(2026, 8, 3)
    for week in range(8):
        for day, lift in ((0, "Squat"), (2, "Deadlift"), (4, "Bench Press")):
            rows.append(f"{start + dt.timedelta(days=7 * week + day)},{lift},3,5,100")
    text = "\n".join(rows) + "\n"
    (tmp_path / "client_a.csv").write_text(text, encoding="utf-8")
    (tmp_path / "client_b.csv").write_text(text.replace(",100", ",70"), encoding="utf-8")
    (tmp_path / "client_a_again.csv").write_text(text, encoding="utf-8")
    result = analyze([tmp_path], AnalyzeOptions(swaps=False))
    assert sorted(a.athlete for a in result.athletes) == ["client_a", "client_b"]
    assert result.duplicate_sets == len(rows[1:]) * 3


def test_analyze_takes_a_path_as_str_path_or_list() -> None:
    """A str is one path (not a sequence of one-letter paths); all three spellings agree."""
    log = STRONG
    options = AnalyzeOptions(swaps=False)
    texts = {to_json(analyze(p, options)) for p in (str(log), log, [str(log)])}
    assert len(texts) == 1


def test_week_loaded_days_are_the_loaded_days_of_its_calendar_week(analysed) -> None:
    result = analysed(ROSTER, swaps=False)
    assert len(result.athletes) > 1
    for a in result.athletes:
        assert a.days.index.equals(pd.RangeIndex(len(a.days)))
        assert a.sets.index.equals(pd.RangeIndex(len(a.sets)))
        assert set(a.sets["athlete"]) == {a.athlete} == set(a.days["athlete"])
        loaded = set(a.days.loc[a.days["loaded"], "date"].dt.date)
        for w in a.weeks:
            week = {w.start + dt.timedelta(days=k) for k in range(7)}
            assert w.start.weekday() == 0
            assert w.loaded_days == tuple(sorted(loaded & week))
        assert sum(len(w.loaded_days) for w in a.weeks) == len(loaded)


def test_judge_shares_its_set_keys_without_changing_a_stage() -> None:
    # `judge` factorises the athlete and exercise columns and reads the pain notes once and
    # hands them to the stages; each stage run on its own (working them out itself) gives
    # the same frames, to the bit.
    sets, _, _ = merge_sources([read_log(ROSTER)])
    # Shuffled: athletes interleaved, so the per-athlete grouping is exercised.
    sets = sets.sample(frac=1.0, random_state=7).reset_index(drop=True)
    tagger, config = load_tagger(), load_config()
    judged = judge(sets, tagger, config, with_swaps=False)
    dosed = model.set_doses(tag_sets(sets, tagger), config)
    days = model.daily_series(dosed, config)
    weeks = model.weekly_series(days, config)
    found = flags.find_flags(flags.AthleteGrid(days), dosed, config)
    assert sets["athlete"].nunique() > 1 and "pain_note" in set(found["code"])
    for got, want in ((judged.sets, dosed), (judged.days, days), (judged.weeks, weeks)):
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    pd.testing.assert_frame_equal(judged.flags, found, check_exact=True)
