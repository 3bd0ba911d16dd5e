"""The load model on hand-computed small cases (docs/model.md gives the formulas)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analyzer.config import load_config
from analyzer.model import iso_week_label, set_doses, set_effort
from tests.modelkit import DEADLIFT, LEG_PRESS, ROW, SQUAT, run, tagged

CONFIG = load_config()


def test_effort_from_rpe_uses_reps_in_reserve() -> None:
    table = tagged([("2026-09-07", *DEADLIFT, 1, 8.0), ("2026-09-08", *DEADLIFT, 1, 6.5)])
    effort = set_effort(table, CONFIG)
    assert effort.tolist() == pytest.approx([0.8, 0.65])


def rir_effort(best: float, weight: float, reps: float) -> float:
    """The documented effort of a set without RPE: Epley gives the reps the trailing best
    e1RM allows at this weight, best = weight x (1 + max_reps / 30); the reps in reserve are
    max_reps - reps = 30 x (best - e1RM) / weight; each counts `estimated_per_rir`."""
    max_reps = 30 * (best / weight - 1)
    return max(CONFIG.floor, 1 - CONFIG.estimated_per_rir * (max_reps - reps))


def test_effort_without_rpe_is_from_reps_in_reserve_under_the_recent_best_e1rm() -> None:
    table = tagged(
        [
            ("2026-09-07", *DEADLIFT, 1, np.nan),
            ("2026-09-14", *DEADLIFT, 1, np.nan),
            ("2026-09-21", *DEADLIFT, 1, np.nan),
        ]
    )
    table["weight_kg"] = [150.0, 120.0, 60.0]  # x 5 reps: e1RM 175, 140, 70
    effort = set_effort(table, CONFIG)
    # 175 allows 120 kg for 30 x (175/120 - 1) = 13.75 reps: 8.75 in reserve, effort
    # 1 - 0.05 x 8.75 = 0.5625; at 60 kg, 82.5 - 5 = 77.5 in reserve: the floor.
    assert CONFIG.estimated_per_rir == 0.05 and CONFIG.floor == 0.3
    assert effort.tolist() == pytest.approx([1.0, 0.5625, 0.3])
    assert effort.tolist() == pytest.approx(
        [rir_effort(175, 150, 5), rir_effort(175, 120, 5), rir_effort(175, 60, 5)]
    )
    # An RPE, where logged, wins over the estimate.
    table["rpe"] = [np.nan, 9.0, np.nan]
    assert set_effort(table, CONFIG).tolist() == pytest.approx([1.0, 0.9, 0.3])


def test_effort_without_weight_or_rpe_is_bodyweight_effort_and_scales_by_set_type() -> None:
    table = tagged([("2026-09-07", *DEADLIFT, 4, np.nan)])
    table["weight_kg"] = [np.nan, np.nan, np.nan, 100.0]  # bodyweight sets, then a weighted set
    table["reps"] = [10.0, 10.0, 10.0, np.nan]  # ... without reps (a timed hold): a full set
    table["set_type"] = pd.Categorical(
        ["warmup", "normal", "failure", "normal"], categories=table["set_type"].cat.categories
    )
    effort = set_effort(table, CONFIG)
    bodyweight = CONFIG.bodyweight_effort
    assert effort.tolist() == pytest.approx(
        [bodyweight * CONFIG.warmup_fraction, bodyweight, bodyweight * CONFIG.failure_factor, 1.0]
    )
    assert effort.tolist() == pytest.approx([0.0, 0.4, 0.46, 1.0])


def test_best_e1rm_is_per_lift_by_catalog_name_and_window_ends_are_included() -> None:
    window = CONFIG.e1rm_window_days
    start = pd.Timestamp("2026-01-05")
    table = tagged(
        [
            (start, *DEADLIFT, 1, np.nan),
            (start + pd.Timedelta(days=window), *DEADLIFT, 1, np.nan),
            (start + pd.Timedelta(days=window + 1), *DEADLIFT, 1, np.nan),
            (start + pd.Timedelta(days=window), *SQUAT, 1, np.nan),
        ]
    )
    table["weight_kg"] = [150.0, 120.0, 120.0, 120.0]  # e1RM 175, 140, 140, 140 (5 reps)
    # Spelled differently but tagged as the same catalog lift: one trailing best.
    table["exercise"] = pd.Series(
        ["Deadlift (Barbell)", "Conventional Deadlift", "Deadlift", "Squat (Barbell)"], dtype="str"
    )
    effort = set_effort(table, CONFIG)
    # Day `window` still sees the 175 (both ends count): 8.75 reps in reserve; day window + 1
    # does not, and the squat never did (another lift).
    assert effort.tolist() == pytest.approx([1.0, 0.5625, 1.0, 1.0])


@pytest.mark.parametrize("order", [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]])
def test_sets_stamped_at_one_time_share_the_best_e1rm_whatever_their_row_order(
    order: list[int],
) -> None:
    # An app that stamps the workout's start: four deadlift sets at one time, no RPE.
    table = tagged([("2026-09-07", *DEADLIFT, 4, np.nan)])
    weights = np.array([60.0, 150.0, 120.0, 90.0])  # x 5 reps: e1RM 70, 175, 140, 105
    table["weight_kg"] = weights
    effort = set_effort(table.iloc[order].reset_index(drop=True), CONFIG).to_numpy()
    want = [rir_effort(175.0, w, 5.0) for w in weights[order]]
    np.testing.assert_allclose(effort, want, rtol=1e-12)


def random_log(seed: int) -> pd.DataFrame:
    """Three athletes, 60 days, random lifts, set types, RPEs and weights (some missing)."""
    rng = np.random.default_rng(seed)
    lifts = [DEADLIFT, SQUAT, ROW, LEG_PRESS]
    tables = []
    for athlete in ("A", "B", "C"):
        sessions = [
            (
                pd.Timestamp("2026-03-02") + pd.Timedelta(days=int(day)),
                *lifts[rng.integers(len(lifts))],
                int(rng.integers(1, 5)),
                rng.choice([np.nan, 7.0, 8.5, 10.0]),
            )
            for day in np.sort(rng.choice(60, size=25))
        ]
        tables.append(tagged(sessions, athlete=athlete))
    table = pd.concat(tables, ignore_index=True)
    n = len(table)
    table["weight_kg"] = rng.choice([np.nan, 40.0, 100.0, 142.5], n)
    table["reps"] = rng.choice([np.nan, 3.0, 5.0, 12.0], n)
    kinds = np.asarray(table["set_type"].cat.categories)
    table["set_type"] = pd.Categorical(
        rng.choice(["normal", "normal", "warmup", "failure"], n), categories=kinds
    )
    return table


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_daily_series_equals_plain_pandas_on_a_random_log(seed: int) -> None:
    """The daily table against its formulas computed the plain way: D and Ddir as a groupby
    sum over (athlete, date) of the working sets (plus the warm-ups of days with working
    sets), the recovery state as its recursion day by day."""
    config = replace(CONFIG, warmup_fraction=0.5)
    dosed, days, _, _ = run(random_log(seed), config)
    working = dosed["set_type"] != "warmup"
    key = [dosed["athlete"], dosed["date"]]
    per_day = (
        pd.DataFrame(
            {
                "dose": dosed["dose"].where(working, 0.0),
                "direct_dose": dosed["dose"].where(
                    working & (dosed["load_class"] == "direct"), 0.0
                ),
                "warmups": dosed["dose"].where(~working, 0.0),
                "sets": working.astype("int64"),
            }
        )
        .groupby(key)
        .sum()
    )
    per_day["dose"] += per_day["warmups"].where(per_day["sets"] > 0, 0.0)
    got = days.set_index(["athlete", "date"])
    want = per_day.reindex(got.index, fill_value=0.0)
    for col in ("dose", "direct_dose"):
        np.testing.assert_allclose(got[col], want[col], rtol=1e-12, atol=0.0)
    np.testing.assert_array_equal(got["sets"], want["sets"])
    for athlete, own in days.groupby("athlete"):
        state, states = 0.0, []
        for dose in own["dose"].tolist():
            state = config.daily_decay * state + dose
            states.append(state)
        np.testing.assert_allclose(own["recovery_state"], states, rtol=1e-12, err_msg=athlete)


def test_daily_dose_is_coefficient_times_effort_summed() -> None:
    _, days, _, _ = run(tagged([("2026-09-07", *DEADLIFT, 4), ("2026-09-07", *SQUAT, 5)]))
    monday = days[days["date"] == "2026-09-07"].iloc[0]
    assert monday["dose"] == pytest.approx(4 * 1.0 + 5 * 0.6)
    assert monday["direct_sets"] == 4 and monday["indirect_sets"] == 5


def test_dose_is_coefficient_times_effort_times_dose_units() -> None:
    swing, erg = ("Kettlebell Swing", "direct", 0.45), ("Rowing (Machine)", "indirect", 0.2)
    table = tagged([("2026-09-07", *swing, 4), ("2026-09-07", *erg, 3), ("2026-09-07", *ROW, 1)])
    table["dose_per"] = ["rep"] * 4 + ["minute"] * 3 + ["set"]
    table["reps"] = [25.0, 1.0, 100.0, np.nan, np.nan, np.nan, np.nan, 5.0]
    table["duration_s"] = [np.nan] * 4 + [1200.0, 60.0, np.nan, 1200.0]
    table["rpe"] = [10.0, 10.0, 10.0, 10.0, 8.0, 10.0, 10.0, 10.0]
    dose = set_doses(table, CONFIG)["dose"].tolist()
    assert (CONFIG.rep_dose_reps, CONFIG.minute_dose_seconds, CONFIG.max_dose_units) == (
        10,
        600,
        3.0,
    )
    assert dose == pytest.approx(
        [
            0.45 * 2.5,  # 25 reps / 10
            0.45 * 0.2,  # 1 rep: at least 0.2 units
            0.45 * 3.0,  # 100 reps: at most 3 units
            0.45,  # no rep count: one set
            0.2 * 0.8 * 2.0,  # 20 minutes / 10 at RPE 8
            0.2 * 0.2,  # one minute: 0.2 units
            0.2,  # no duration: one set
            0.7,  # a lift dosed per set ignores its duration
        ]
    )


def test_each_athletes_norms_set_their_loaded_and_hard_days() -> None:
    # Deadlift 4 sets (dose 4, direct 4) Mon and Thu, squat 3 sets (1.8) Tue, rows 1 set (0.7,
    # under both floors) Sat, every week for three weeks: typical day = median(4, 1.8, 4) = 4,
    # typical direct = 4, usual week = 4 + 1.8 + 4 + 0.7 = 10.5.
    sessions = []
    for monday in ("2026-09-07", "2026-09-14", "2026-09-21"):
        start = pd.Timestamp(monday)
        sessions += [
            (start, *DEADLIFT, 4),
            (start + pd.Timedelta(days=1), *SQUAT, 3),
            (start + pd.Timedelta(days=3), *DEADLIFT, 4),
            (start + pd.Timedelta(days=5), *ROW, 1),
        ]
    table = pd.concat(
        [tagged(sessions, athlete="A"), tagged([("2026-09-08", *SQUAT, 1)], athlete="B")],
        ignore_index=True,
    )
    _, days, _, _ = run(table)
    a = days[days["athlete"] == "A"]
    first = a.iloc[0]
    assert (first["typical_day"], first["typical_direct"], first["usual_week"]) == pytest.approx(
        (4.0, 4.0, 10.5)
    )
    # loaded_at = max(0.4 x 4, 0.75) = 1.6; hard_at = max(0.5 x 4, 0.75) = 2;
    # heavy_at = max(0.9 x 4, heavy_floor 2.0) = 3.6: the squat day is loaded, the row day is not.
    assert (first["loaded_at"], first["hard_at"], first["heavy_at"]) == pytest.approx(
        (1.6, 2.0, 3.6)
    )
    assert a["loaded"].tolist()[:7] == [True, True, False, True, False, False, False]
    assert a["has_direct"].tolist()[:7] == [True, False, False, True, False, False, False]
    # The deadlifts are logged at 18:00; the squat day has no direct set.
    assert a["direct_hour"].iloc[0] == 18.0 and math.isnan(a["direct_hour"].iloc[1])
    # B's one squat set (0.6) is under every floor: the absolute floors stand in.
    b = days[days["athlete"] == "B"].iloc[0]
    assert np.isnan(b["typical_day"]) and np.isnan(b["typical_direct"])
    assert (b["loaded_at"], b["hard_at"], b["heavy_at"], b["usual_week"]) == pytest.approx(
        (CONFIG.min_loaded_dose, CONFIG.hard_floor, CONFIG.heavy_floor, CONFIG.min_loaded_dose)
    )
    assert not days.loc[days["athlete"] == "B", "loaded"].any()


def test_calendar_covers_whole_iso_weeks_including_empty_ones() -> None:
    _, days, weeks, _ = run(tagged([("2026-09-09", *DEADLIFT, 1), ("2026-09-24", *DEADLIFT, 1)]))
    assert days["date"].min() == pd.Timestamp("2026-09-07")
    assert days["date"].max() == pd.Timestamp("2026-09-27")
    assert weeks["week"].tolist() == ["2026-W37", "2026-W38", "2026-W39"]
    assert weeks["lower_back_load"].tolist() == pytest.approx([1.0, 0.0, 1.0])


def test_recovery_state_decays_with_the_configured_half_life() -> None:
    _, days, _, _ = run(tagged([("2026-09-07", *DEADLIFT, 4)]))
    state = days.set_index("date")["recovery_state"]
    decay = 0.5 ** (24 / CONFIG.half_life_hours)
    for k in range(7):
        assert state[pd.Timestamp("2026-09-07") + pd.Timedelta(days=k)] == pytest.approx(
            4 * decay**k
        )
    # The documented recovery window: about half gone within 24-36 h, >= 75 % after 72 h.
    assert 0.5 <= decay <= 0.62
    assert decay**3 <= 0.25


def test_recovery_state_sums_overlapping_days() -> None:
    _, days, _, _ = run(tagged([("2026-09-07", *DEADLIFT, 4), ("2026-09-08", *DEADLIFT, 2)]))
    decay = CONFIG.daily_decay
    assert days.loc[1, "recovery_state"] == pytest.approx(4 * decay + 2)


def test_acwr_is_null_before_28_days_and_one_under_constant_load() -> None:
    sessions = [
        (pd.Timestamp("2026-06-01") + pd.Timedelta(days=d), *DEADLIFT, 3) for d in range(0, 70)
    ]
    _, days, weeks, _ = run(tagged(sessions))
    assert days.loc[days["history_days"] < 28, "acwr"].isna().all()
    late = days.loc[days["history_days"] >= 60, "acwr"]
    assert late.to_numpy() == pytest.approx(1.0, abs=1e-6)
    assert weeks["acwr"].iloc[0] is None or math.isnan(weeks["acwr"].iloc[0])


def test_acwr_is_the_uncoupled_ewma_ratio() -> None:
    sessions = [
        (pd.Timestamp("2026-06-01") + pd.Timedelta(days=d), *DEADLIFT, 2) for d in range(0, 42, 2)
    ]
    sessions += [
        (pd.Timestamp("2026-07-13") + pd.Timedelta(days=d), *DEADLIFT, 4) for d in range(7)
    ]
    _, days, _, _ = run(tagged(sessions))
    dose = days["dose"].to_numpy()
    assert dose[0] > 0  # history starts on the first day (2026-06-01 is a Monday)

    def ewma(span: int, t: int) -> float:
        # Weighted mean of the first t+1 days with weights (1 - lambda)^age.
        lam = 2 / (span + 1)
        weights = (1 - lam) ** np.arange(t, -1, -1)
        return float((weights * dose[: t + 1]).sum() / weights.sum())

    t = len(dose) - 1
    assert days["acwr"].iloc[t] == pytest.approx(ewma(7, t) / ewma(28, t - 7))


def test_monotony_and_strain_follow_foster() -> None:
    table = tagged(
        [("2026-09-07", *DEADLIFT, 2), ("2026-09-08", *DEADLIFT, 3), ("2026-09-10", *DEADLIFT, 4)]
    )
    _, _, weeks, _ = run(table)
    doses = np.array([2, 3, 0, 4, 0, 0, 0], dtype=float)
    monotony = doses.mean() / doses.std(ddof=1)
    assert weeks["monotony"].iloc[0] == pytest.approx(monotony)
    assert weeks["strain"].iloc[0] == pytest.approx(doses.sum() * monotony)


def test_none_exercises_add_no_dose() -> None:
    _, days, _, _ = run(tagged([("2026-09-07", *LEG_PRESS, 10)]))
    assert days["dose"].sum() == 0.0
    assert not days["loaded"].any()


def test_iso_week_labels_use_iso_years() -> None:
    dates = pd.Series(pd.to_datetime(["2026-12-31", "2027-01-01", "2025-12-29"]))
    assert iso_week_label(dates).tolist() == ["2026-W53", "2026-W53", "2026-W01"]
