"""Flags on hand-made weeks: the classic squat/row/deadlift/press week, its fix, runs across
week boundaries, pain notes, and properties that must hold for any schedule."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.config import load_config
from tests.modelkit import (
    CS_ROW,
    DEADLIFT,
    LEG_PRESS,
    PRESS,
    ROW,
    SEATED_PRESS,
    SQUAT,
    run,
    tagged,
    week_of,
)

CONFIG = load_config()
CLASSIC = {0: [SQUAT], 1: [ROW], 2: [DEADLIFT], 3: [PRESS]}
FIXED = {0: [SQUAT], 1: [CS_ROW], 2: [SEATED_PRESS], 5: [DEADLIFT]}


def codes(flags: pd.DataFrame, week_start: str) -> dict[str, str]:
    week = flags[flags["week_start"] == pd.Timestamp(week_start)]
    return dict(zip(week["code"], week["severity"], strict=True))


def test_classic_week_is_overuse_with_a_four_day_run() -> None:
    _, _, weeks, flags = run(tagged(week_of("2026-09-07", CLASSIC)))
    found = codes(flags, "2026-09-07")
    assert found["consecutive_days"] == "overuse"
    assert found["short_recovery"] == "overuse"  # row Tue then deadlift Wed
    run_flag = flags[flags["code"] == "consecutive_days"].iloc[0]
    assert run_flag["days"] == tuple(dt.date(2026, 9, d) for d in (7, 8, 9, 10))
    assert set(run_flag["exercises"]) == {SQUAT[0], ROW[0], DEADLIFT[0], PRESS[0]}
    assert "4 days in a row" in run_flag["message"]
    assert weeks["longest_run"].iloc[0] == 4


def test_fixed_week_has_no_flags() -> None:
    _, _, _, flags = run(tagged(week_of("2026-09-07", FIXED)))
    assert flags.empty


def test_indirect_only_run_is_watch_not_overuse() -> None:
    plan = {0: [SQUAT], 1: [PRESS], 2: [SQUAT]}
    _, _, _, flags = run(tagged(week_of("2026-09-07", plan)))
    assert codes(flags, "2026-09-07") == {"consecutive_days": "watch"}


def test_run_across_weeks_flags_the_week_where_it_ends_only() -> None:
    sessions = [("2026-09-12", *SQUAT, 4), ("2026-09-13", *SQUAT, 4), ("2026-09-14", *SQUAT, 4)]
    _, _, _, flags = run(tagged(sessions))
    assert list(flags["week_start"]) == [pd.Timestamp("2026-09-14")]
    assert flags["days"].iloc[0] == tuple(dt.date(2026, 9, d) for d in (12, 13, 14))


def test_a_run_ending_on_sunday_does_not_keep_the_next_week_flagged() -> None:
    sessions = week_of("2026-09-07", {4: [SQUAT], 5: [SQUAT], 6: [SQUAT]})
    sessions += week_of("2026-09-14", {1: [CS_ROW], 2: [SEATED_PRESS], 5: [DEADLIFT]})
    _, _, _, flags = run(tagged(sessions))
    assert set(flags["week_start"]) == {pd.Timestamp("2026-09-07")}


def test_heavy_direct_days_two_days_apart_are_short_recovery() -> None:
    heavy = [("2026-09-07", *DEADLIFT, 8), ("2026-09-09", *DEADLIFT, 3),
             ("2026-09-21", *DEADLIFT, 3), ("2026-09-25", *DEADLIFT, 3),
             ("2026-10-05", *DEADLIFT, 3)]
    _, _, _, flags = run(tagged(heavy))
    short = flags[flags["code"] == "short_recovery"]
    assert list(short["days"]) == [(dt.date(2026, 9, 7), dt.date(2026, 9, 9))]
    assert "vs limit" in short["message"].iloc[0]


def test_pain_notes_in_several_languages_but_not_denials() -> None:
    notes = ["lower back pain", "me duele la espalda", "dor nas costas", "Schmerzen im Rücken",
             "douleur au dos", "腰疼", "no pain today", "sem dor", "felt great"]
    sessions = [(pd.Timestamp("2026-09-07") + pd.Timedelta(days=7 * i), *LEG_PRESS, 1, 8.0, n)
                for i, n in enumerate(notes)]
    _, _, _, flags = run(tagged(sessions))
    pain = flags[flags["code"] == "pain_note"]
    assert len(pain) == 6
    assert (pain["severity"] == "watch").all()
    assert pain["message"].str.contains("physiotherapist or physician").all()


LIFTS = [SQUAT, ROW, DEADLIFT, PRESS, CS_ROW, SEATED_PRESS, LEG_PRESS]
sessions_strategy = st.lists(
    st.tuples(st.integers(1, 3), st.sampled_from(range(len(LIFTS))), st.integers(1, 6)),
    min_size=1,
    max_size=25,
)


def schedule(spec: list[tuple[int, int, int]], extra_gap: list[int] | None = None):
    day = pd.Timestamp("2026-06-01")
    out = []
    for i, (gap, lift, n) in enumerate(spec):
        day = day + pd.Timedelta(days=gap + (extra_gap[i] if extra_gap else 0))
        out.append((day, *LIFTS[lift], n))
    return out


def flagged_sessions(flags: pd.DataFrame, sessions: list, code: str) -> set[int]:
    days = {d for ds in flags.loc[flags["code"] == code, "days"] for d in ds}
    return {i for i, s in enumerate(sessions) if pd.Timestamp(s[0]).date() in days}


@settings(max_examples=60, deadline=None)
@given(sessions_strategy, st.integers(0, 24))
def test_adding_a_none_exercise_changes_no_lower_back_figure(spec, where) -> None:
    base = schedule(spec)
    extra = base + [(pd.Timestamp("2026-06-01") + pd.Timedelta(days=where), *LEG_PRESS, 5)]
    _, days_a, weeks_a, flags_a = run(tagged(base))
    _, days_b, weeks_b, flags_b = run(tagged(extra))
    cols = ["dose", "recovery_state", "direct_state", "acwr", "loaded"]
    merged = days_a.merge(days_b, on=["athlete", "date"], suffixes=("_a", "_b"))
    for col in cols:
        pd.testing.assert_series_equal(merged[f"{col}_a"], merged[f"{col}_b"],
                                       check_names=False)
    assert flags_a[["code", "days"]].values.tolist() == flags_b[["code", "days"]].values.tolist()


@settings(max_examples=60, deadline=None)
@given(sessions_strategy, st.data())
def test_spreading_sessions_never_adds_recovery_flags(spec, data) -> None:
    gaps = data.draw(st.lists(st.integers(0, 3), min_size=len(spec), max_size=len(spec)))
    before, after = schedule(spec), schedule(spec, gaps)
    _, _, _, flags_a = run(tagged(before))
    _, _, _, flags_b = run(tagged(after))
    for code in ("consecutive_days", "short_recovery"):
        assert flagged_sessions(flags_b, after, code) <= flagged_sessions(flags_a, before, code)


@settings(max_examples=40, deadline=None)
@given(sessions_strategy)
def test_doses_are_never_negative(spec) -> None:
    dosed, days, _, _ = run(tagged(schedule(spec)))
    assert (dosed["dose"] >= 0).all() and (days["recovery_state"] >= -1e-9).all()


def test_messages_list_each_athletes_own_lifts_per_day_heaviest_first() -> None:
    plan = {0: [SQUAT], 1: [ROW], 2: [SQUAT, DEADLIFT], 3: [PRESS]}
    table = pd.concat([tagged(week_of("2026-09-07", plan), athlete="A"),
                       tagged(week_of("2026-09-07", {0: [SQUAT], 1: [SQUAT], 2: [SQUAT]}),
                              athlete="B")], ignore_index=True)
    _, _, _, flags = run(table)
    by = {(a, c): (m, e) for a, c, m, e in zip(flags["athlete"], flags["code"], flags["message"],
                                               flags["exercises"], strict=True)}
    squat, row, lift, press = (f"{x[0]} ({x[1]})" for x in (SQUAT, ROW, DEADLIFT, PRESS))
    # Wednesday: deadlift 4 x 1.0 before squat 4 x 0.6; each lift named once per flag.
    message, exercises = by[("A", "consecutive_days")]
    assert f"Mon {squat}; Tue {row}; Wed {lift}, {squat}; Thu {press}." in message
    assert exercises == (SQUAT[0], ROW[0], DEADLIFT[0], PRESS[0])
    message, exercises = by[("A", "short_recovery")]
    assert f"Tue {row}; Wed {lift}, {squat}." in message
    assert exercises == (ROW[0], DEADLIFT[0], SQUAT[0])
    message, exercises = by[("B", "consecutive_days")]
    assert f"Mon {squat}; Tue {squat}; Wed {squat}." in message
    assert exercises == (SQUAT[0],)
