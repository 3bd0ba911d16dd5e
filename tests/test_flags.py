"""What analyzer/flags.py owns: the `AthleteGrid` built from the model's daily table (a row per
athlete, columns from each athlete's first Monday, padding invalid), and the wording of each
hit: each athlete's own lifts per day, heaviest first, every lift listed once, pain notes
quoted. The rules themselves are tested in tests/test_rules.py."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer import flags
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
GOOD_MORNING = ("Good Morning (Barbell)", "direct", 0.9)


def named(lift: tuple) -> str:
    return lift[0]


# -- the grid ---------------------------------------------------------------------------------


def test_the_grid_has_a_row_per_athlete_from_each_first_monday_padded_invalid() -> None:
    # B trains Wed 2026-09-09 to Tue 2026-09-22: a calendar of three weeks from Mon 09-07.
    # A trains on Tue 2026-09-15 only: one week from Mon 09-14.
    b = tagged(
        [("2026-09-09", *DEADLIFT, 2), ("2026-09-16", *SQUAT, 3), ("2026-09-22", *ROW, 1)],
        athlete="B",
    )
    a = tagged([("2026-09-15", *DEADLIFT, 4)], athlete="A")
    _, days, _, _ = run(pd.concat([b, a], ignore_index=True))
    grid = flags.AthleteGrid(days)
    g = grid.grid
    assert grid.names == ["A", "B"]  # name order, whatever the log's order
    assert grid.starts == [dt.date(2026, 9, 14), dt.date(2026, 9, 7)]
    assert g.shape == (2, 21)  # the longest calendar, whole weeks
    assert g.valid[0].tolist() == [True] * 7 + [False] * 14
    assert g.valid[1].all()
    assert g.judged.tolist() == [[True, False, False], [True, True, True]]
    # Each athlete's days in its own columns (RPE 10: dose = coefficient x sets).
    assert g.dose[0].tolist() == [0, 4.0, 0, 0, 0, 0, 0] + [0] * 14
    assert g.direct[0, 1] == 4.0
    expected_b = np.zeros(21)
    expected_b[[2, 9, 15]] = [2.0, 1.8, 0.7]
    np.testing.assert_allclose(g.dose[1], expected_b)
    np.testing.assert_allclose(g.direct[1], np.where(np.arange(21) == 9, 0.0, expected_b))
    # Padding: no dose, no hour, no pain; the sets' hours (18:00) where there are direct sets.
    assert np.isnan(g.hour[0, 7:]).all() and not g.back_pain[0, 7:].any()
    assert g.hour[0, 1] == 18.0 and g.hour[1, 2] == 18.0 and np.isnan(g.hour[1, 9])
    # Norms per athlete, as the daily table gives them.
    for i, name in enumerate(grid.names):
        first = days[days["athlete"] == name].iloc[0]
        for key in ("loaded_at", "hard_at", "heavy_at", "usual_week"):
            assert getattr(g, key)[i] == first[key], (name, key)
    assert grid.week_index("B", dt.date(2026, 9, 14)) == (1, 1)
    assert grid.week_index("A", dt.date(2026, 9, 14)) == (0, 0)
    assert grid.date(1, 9) == dt.date(2026, 9, 16)
    # The daily table's row order does not matter.
    shuffled = flags.AthleteGrid(days.sample(frac=1.0, random_state=3)).grid
    for key in ("dose", "direct", "valid", "judged", "loaded_at"):
        np.testing.assert_array_equal(getattr(shuffled, key), getattr(g, key))


def test_an_empty_or_clean_log_gives_an_empty_flag_table() -> None:
    fixed = {0: [SQUAT], 1: [CS_ROW], 2: [SEATED_PRESS], 5: [DEADLIFT]}
    _, _, _, found = run(tagged(week_of("2026-09-07", fixed)))
    assert found.empty and list(found.columns) == flags.FLAG_COLUMNS


LIFTS = [SQUAT, ROW, DEADLIFT, PRESS, CS_ROW, SEATED_PRESS, LEG_PRESS]
sessions_strategy = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from(range(len(LIFTS))), st.integers(1, 6)),
    min_size=1,
    max_size=25,
)


def schedule(spec: list[tuple[int, int, int]], start: str = "2026-06-01") -> list:
    day = pd.Timestamp(start)
    out = []
    for gap, lift, n in spec:
        day = day + pd.Timedelta(days=gap)
        out.append((day, *LIFTS[lift], n))
    return out


@settings(deadline=None)
@given(sessions_strategy, sessions_strategy, st.integers(-40, 40))
def test_each_athlete_is_flagged_as_if_analysed_alone(spec_a, spec_b, offset) -> None:
    # Athletes share one grid, padded to the longest calendar: the padding and the other
    # athletes never change a flag, its days, figures or message.
    b_start = str((pd.Timestamp("2026-06-01") + pd.Timedelta(days=offset)).date())
    a = tagged(schedule(spec_a), athlete="A")
    b = tagged(schedule(spec_b, b_start), athlete="B")
    _, _, _, together = run(pd.concat([b, a], ignore_index=True))
    for name, table in (("A", a), ("B", b)):
        _, _, _, alone = run(table)
        mine = together[together["athlete"] == name]
        assert mine.values.tolist() == alone.values.tolist()


# -- wording ------------------------------------------------------------------------------------


def test_messages_list_each_athletes_own_lifts_per_day_heaviest_first() -> None:
    # A: squat Mon, row Tue, squat and deadlift Wed, press Thu (4 sets each, RPE 10): days of
    # 2.4, 2.8, 6.4 and 1.6, all loaded (0.4 x the median day 2.6 = 1.04); Tue and Wed hard
    # direct days (0.5 x the median direct day 3.4 = 1.7) 24 h apart.
    # B: squat Mon to Thu, on the same days, a run of four indirect days.
    plan = {0: [SQUAT], 1: [ROW], 2: [SQUAT, DEADLIFT], 3: [PRESS]}
    table = pd.concat(
        [
            tagged(week_of("2026-09-07", plan), athlete="A"),
            tagged(week_of("2026-09-07", {d: [SQUAT] for d in range(4)}), athlete="B"),
        ],
        ignore_index=True,
    )
    _, _, _, found = run(table)
    assert found[["athlete", "code", "severity"]].values.tolist() == [
        ["A", "consecutive_days", "overuse"],
        ["A", "hard_spacing", "overuse"],
        ["B", "consecutive_days", "watch"],
    ]
    by = {(a, c): row for (a, c), row in found.set_index(["athlete", "code"]).iterrows()}
    squat, row, lift, press = (named(x) for x in (SQUAT, ROW, DEADLIFT, PRESS))
    # Wednesday: deadlift 4 x 1.0 before squat 4 x 0.6; each lift named once per flag.
    run_a = by[("A", "consecutive_days")]
    assert (
        f"(Mon 2026-09-07 to Thu 2026-09-10; limit 2): Mon {squat}; Tue {row}; "
        f"Wed {lift}, {squat}; Thu {press}." in run_a["message"]
    )
    assert run_a["exercises"] == (squat, row, lift, press)
    assert run_a["days"] == tuple(dt.date(2026, 9, d) for d in (7, 8, 9, 10))
    assert run_a["week_start"] == pd.Timestamp("2026-09-07")
    spacing = by[("A", "hard_spacing")]
    assert (
        f"24 h apart (limit 36 h): Tue 2026-09-08 ({row}) and Wed 2026-09-09 "
        f"({lift}, {squat});" in spacing["message"]
    )
    assert spacing["exercises"] == (row, lift, squat)
    assert spacing["figures"]["first_day"] == "2026-09-08"  # day columns as dates
    assert spacing["figures"]["second_day"] == "2026-09-09"
    run_b = by[("B", "consecutive_days")]
    assert f"Mon {squat}; Tue {squat}; Wed {squat}; Thu {squat}." in run_b["message"]
    assert run_b["exercises"] == (squat,)


def test_a_day_names_its_heaviest_lifts_summed_per_lift_and_counts_the_rest() -> None:
    # Mon: deadlift 4 sets (4.0). Tue: squat twice (4 + 4 sets: 4.8), deadlift (4.0), good
    # morning (4 x 0.9 = 3.6), row (2.8), press (1.6) and a leg press that spares the back.
    # Direct days 4.0 and 10.4: hard from 0.5 x 7.2 = 3.6, so both, 24 h apart.
    sessions = [("2026-09-07", *DEADLIFT, 4)] + [
        ("2026-09-08", *lift, 4)
        for lift in (SQUAT, DEADLIFT, GOOD_MORNING, ROW, SQUAT, PRESS, LEG_PRESS)
    ]
    _, _, _, found = run(tagged(sessions))
    assert found["code"].tolist() == ["hard_spacing"]
    spacing = found.iloc[0]
    assert flags.LIFTS_PER_DAY == 3
    assert (
        f"Mon 2026-09-07 ({named(DEADLIFT)}) and Tue 2026-09-08 ({named(SQUAT)}, "
        f"{named(DEADLIFT)}, {named(GOOD_MORNING)} +2);" in spacing["message"]
    )
    # Every loading lift of the flag's days, each once, in the order the days name them.
    assert spacing["exercises"] == tuple(
        named(x) for x in (DEADLIFT, SQUAT, GOOD_MORNING, ROW, PRESS)
    )


def test_pain_notes_in_several_languages_are_quoted_and_denials_are_not_flagged() -> None:
    back = [
        "lower back pain",
        "me duele la espalda",
        "dor nas costas",
        "Schmerzen im Rücken",
        "douleur au dos",
        "腰疼",
    ]
    elsewhere = ["knee hurts", "Knie schmerzt"]
    denials = ["no pain today", "sem dor", "sin dolor", "felt great"]
    notes = back + elsewhere + denials
    sessions = [
        (pd.Timestamp("2026-09-07") + pd.Timedelta(days=7 * i), *LEG_PRESS, 1, 8.0, n)
        for i, n in enumerate(notes)
    ]
    _, _, _, found = run(tagged(sessions))
    assert set(found["code"]) == {"pain_note"}
    assert found["severity"].tolist() == ["watch"] * len(back) + ["info"] * len(elsewhere)
    for note, flag in zip(back + elsewhere, found.itertuples(), strict=True):
        assert f'"{note}"' in flag.message
        assert flag.exercises == (named(LEG_PRESS),)  # the lift the note is on, dose or not
    assert found["message"].iloc[: len(back)].str.contains("physiotherapist or physician").all()
    assert found["message"].iloc[len(back) :].str.contains("Not a lower-back flag").all()
    mondays = [pd.Timestamp("2026-09-07") + pd.Timedelta(days=7 * i) for i in range(8)]
    assert found["week_start"].tolist() == mondays
    assert found["days"].tolist() == [(m.date(),) for m in mondays]


def test_a_pain_flag_names_the_lift_with_the_note_and_quotes_it_short() -> None:
    note = "lower   back\ttwinge on the last set, " + "felt it bracing " * 6
    sessions = [("2026-09-07", *DEADLIFT, 3), ("2026-09-07", *SQUAT, 3, 10.0, note)]
    _, _, _, found = run(tagged(sessions))
    flag = found.set_index("code").loc["pain_note"]
    assert flag["exercises"] == (named(SQUAT),)  # not the deadlift of the same day
    collapsed = " ".join(note.split())
    assert len(collapsed) > flags.NOTE_CHARS
    assert f'"{collapsed[: flags.NOTE_CHARS - 3]}..."' in flag["message"]


# -- properties ---------------------------------------------------------------------------------


@settings(deadline=None)
@given(sessions_strategy, st.integers(0, 24))
def test_adding_a_none_exercise_changes_no_lower_back_figure(spec, where) -> None:
    base = schedule(spec)
    extra = base + [(pd.Timestamp("2026-06-01") + pd.Timedelta(days=where), *LEG_PRESS, 5)]
    _, days_a, weeks_a, flags_a = run(tagged(base))
    _, days_b, weeks_b, flags_b = run(tagged(extra))
    cols = [
        "dose",
        "direct_dose",
        "recovery_state",
        "direct_state",
        "acwr",
        "loaded",
        "has_direct",
        "loaded_at",
        "hard_at",
        "heavy_at",
        "usual_week",
    ]
    merged = days_a.merge(days_b, on=["athlete", "date"], suffixes=("_a", "_b"))
    assert len(merged) == len(days_a)
    for col in cols:
        pd.testing.assert_series_equal(merged[f"{col}_a"], merged[f"{col}_b"], check_names=False)
    # The same flags, worded the same: a lift that spares the back is never named.
    # Figures are rounded for messages: sums that differ in the last bit (the leg press adds
    # zeros in between) may round to neighbouring hundredths, never further apart.
    plain = [c for c in flags_a.columns if c not in ("figures", "message")]
    assert flags_a[plain].values.tolist() == flags_b[plain].values.tolist()
    for fa, fb in zip(flags_a["figures"], flags_b["figures"], strict=True):
        assert fa.keys() == fb.keys()
        for key, value in fa.items():
            if isinstance(value, float):
                assert value == pytest.approx(fb[key], abs=0.011), key
            else:
                assert value == fb[key], key


@settings(deadline=None)
@given(
    sessions_strategy,
    st.lists(st.one_of(st.just(float("nan")), st.floats(1, 10)), min_size=1, max_size=5),
)
def test_doses_are_never_negative(spec, rpes) -> None:
    table = tagged(schedule(spec))
    table["rpe"] = [rpes[i % len(rpes)] for i in range(len(table))]
    table["weight_kg"] = [(20.0, 100.0, np.nan, 180.0)[i % 4] for i in range(len(table))]
    dosed, days, _, _ = run(table)
    assert (dosed["effort"] >= 0).all() and (dosed["effort"] <= CONFIG.failure_factor).all()
    assert (dosed["dose"] >= 0).all() and (days["recovery_state"] >= -1e-9).all()
    assert (days["dose"] >= days["direct_dose"] - 1e-9).all()
