"""The rolling lower-back load model: set dose, daily dose, recovery state, acute:chronic ratio,
monotony and strain. Pure functions over DataFrames, vectorised across all athletes at once.

Formulas, defaults and sources: docs/model.md. Constants come from `Config` only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyzer import kernels
from analyzer.calendar import DAY_NS
from analyzer.config import Config
from analyzer.pain import pain_regions

LOADING_CLASSES = ("direct", "indirect")


def _codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per row, a code into the returned distinct values (-1 where missing): a categorical's
    own codes, else factorised."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return (
            column.cat.codes.to_numpy(),
            np.asarray(column.cat.categories.astype(object), dtype=object),
        )
    codes, uniques = pd.factorize(column)
    return codes, np.asarray(uniques, dtype=object)


def athlete_codes(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the code of its athlete (-1 where missing) into the distinct names in name
    order."""
    codes, names = pd.factorize(frame["athlete"], sort=True)
    return codes, np.asarray(names, dtype=object)


@dataclass(frozen=True, eq=False)
class SetKeys:
    """The set table's athlete and exercise names as codes, one per row (-1 where missing):
    `athlete` indexes `athletes` (the distinct names in name order), `exercise` indexes
    `exercises` (in order of first appearance). `pipeline.judge` factorises the two columns
    once and hands the codes to every stage that groups by them (tagging, the e1RM groups,
    the calendar, the flag messages, the swap search's per-athlete rows) instead of each
    stage factorising them again. The tagged and dosed tables keep the set table's rows, so
    the codes stay aligned with them."""

    athlete: np.ndarray
    athletes: np.ndarray
    exercise: np.ndarray
    exercises: np.ndarray

    @classmethod
    def of(cls, sets: pd.DataFrame) -> SetKeys:
        athlete, athletes = athlete_codes(sets)
        exercise, exercises = pd.factorize(sets["exercise"])
        return cls(
            athlete=athlete,
            athletes=athletes,
            exercise=exercise,
            exercises=np.asarray(exercises, dtype=object),
        )


def _lift_groups(tagged: pd.DataFrame, keys: SetKeys | None = None) -> np.ndarray:
    """One code per (athlete, lift) of each row, the lift being the catalog name or else the
    name as logged (-1 where either is missing). Names are compared once per distinct catalog
    or logged name, not per row: both sets of names get codes in one name space, and each row
    takes its catalog name's code where it has one."""
    keys = keys or SetKeys.of(tagged)
    exercise, exercises = keys.exercise, keys.exercises
    canonical, canonicals = _codes(tagged["canonical"])
    lift_of_name, lifts = pd.factorize(pd.Series(np.append(canonicals, exercises), dtype=object))
    # A -1 code (missing name) picks the -1 appended at the end.
    of_canonical = np.append(lift_of_name[: len(canonicals)], -1)
    of_exercise = np.append(lift_of_name[len(canonicals) :], -1)
    lift = np.where(canonical >= 0, of_canonical[canonical], of_exercise[exercise])
    athlete = keys.athlete
    missing = (athlete < 0) | (lift < 0)
    return np.where(missing, -1, athlete.astype("int64") * len(lifts) + lift)


def set_effort(tagged: pd.DataFrame, config: Config, keys: SetKeys | None = None) -> pd.Series:
    """Effort of each set in [floor, 1] (x failure factor), from what the log has, in order:

    - RPE (RIR scale): 1 - per_rir x (10 - RPE);
    - a weight and reps: the reps in reserve that the lifter's best Epley e1RM on the same
      lift over the trailing window leaves at this weight, RIR = 30 x (best - e1RM) / weight,
      then 1 - estimated_per_rir x RIR (a 15 kg row is an easy set for a 100 kg rower);
    - neither weight nor RPE (bodyweight drills, supermans): `bodyweight_effort`.

    The best e1RM is over the same athlete's sets of the same lift from `e1rm_window_days`
    before a set up to its own time, sets stamped with the same time included (apps that
    stamp the workout's start): the estimate does not depend on the order of rows.
    Warm-ups are scaled by `warmup_fraction`, failure and drop sets by their factors.
    `keys`: the table's `SetKeys` when the caller has them (else factorised here)."""
    weight = tagged["weight_kg"].to_numpy(dtype="float64", na_value=np.nan)
    reps = tagged["reps"].to_numpy(dtype="float64", na_value=np.nan)
    at = tagged["performed_at"].to_numpy(dtype="datetime64[ns]")
    e1rm = weight * (1.0 + reps / 30.0)  # Epley
    estimable = (weight > 0) & (reps > 0) & ~np.isnat(at)
    best = np.full(len(tagged), np.nan)
    if estimable.any():
        groups = _lift_groups(tagged, keys)
        rows = estimable & (groups >= 0)
        window = np.timedelta64(config.e1rm_window_days, "D")
        best[rows] = kernels.trailing_max(e1rm[rows], groups[rows], at[rows], window)
    # NaN where there is no best e1RM; a near-zero weight gives a huge reserve, clipped below.
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        reserve = 30.0 * (best - e1rm) / weight
        effort = 1.0 - config.estimated_per_rir * reserve

    rpe = tagged["rpe"].to_numpy(dtype="float64", na_value=np.nan)
    effort = np.where((rpe >= 1) & (rpe <= 10), 1.0 - (10.0 - rpe) * config.per_rir, effort)
    effort = np.where(np.isnan(effort) & ~(weight > 0), config.bodyweight_effort, effort)
    effort = np.where(np.isnan(effort), 1.0, effort)  # a weight without reps (a timed carry)
    effort = np.clip(effort, config.floor, 1.0)
    set_type = tagged["set_type"]
    for kind, scale in (
        ("warmup", config.warmup_fraction),
        ("failure", config.failure_factor),
        ("drop", config.drop_factor),
    ):
        effort = np.where(set_type.eq(kind).to_numpy(dtype=bool), effort * scale, effort)
    return pd.Series(effort, index=tagged.index, dtype="float64")


def dose_units(tagged: pd.DataFrame, config: Config) -> np.ndarray:
    """How many set-equivalents each set counts for: 1 for lifts dosed per set; reps /
    `rep_dose_reps` for lifts dosed per rep (swings, ballistic high-rep work); duration /
    `minute_dose_seconds` for lifts dosed by time (rowing ergometer, SkiErg); clipped to
    [0.2, `max_dose_units`] and 1 where the count is missing."""
    units = np.ones(len(tagged), dtype="float64")
    if "dose_per" not in tagged:
        return units
    per = tagged["dose_per"]
    reps = tagged["reps"].to_numpy(dtype="float64", na_value=np.nan)
    seconds = tagged["duration_s"].to_numpy(dtype="float64", na_value=np.nan)
    by_rep = per.eq("rep").to_numpy(dtype=bool, na_value=False) & (reps > 0)
    units[by_rep] = reps[by_rep] / config.rep_dose_reps
    by_time = per.eq("minute").to_numpy(dtype=bool, na_value=False) & (seconds > 0)
    units[by_time] = seconds[by_time] / config.minute_dose_seconds
    return np.clip(units, 0.2, config.max_dose_units)


def set_doses(tagged: pd.DataFrame, config: Config, keys: SetKeys | None = None) -> pd.DataFrame:
    """The tagged set table with `effort` and `dose` (= coefficient x effort x dose units,
    not below 0; 0 for `none` and `unknown` classes) added."""
    out = tagged.copy(deep=False)
    effort = set_effort(tagged, config, keys)
    out["effort"] = effort
    load_class = tagged["load_class"]
    loading = np.zeros(len(tagged), dtype=bool)
    for name in LOADING_CLASSES:
        loading |= load_class.eq(name).to_numpy(dtype=bool, na_value=False)
    coefficient = tagged["coefficient"].to_numpy(dtype="float64", na_value=np.nan)
    coefficient = np.where(loading & ~np.isnan(coefficient), coefficient, 0.0)
    dose = coefficient * effort.to_numpy(dtype="float64") * dose_units(tagged, config)
    out["dose"] = pd.Series(np.clip(dose, 0.0, None), index=tagged.index, dtype="float64")
    return out


class _Calendar:
    """Every calendar day of every athlete, from the Monday of the first logged week to the
    Sunday of the last, athletes in name order; and where each set falls in it."""

    def __init__(self, dosed: pd.DataFrame, keys: SetKeys | None = None) -> None:
        codes, names = (
            athlete_codes(dosed) if keys is None else (keys.athlete.copy(), keys.athletes)
        )
        date = dosed["date"].to_numpy(dtype="datetime64[ns]")
        codes[np.isnat(date)] = -1
        known = codes >= 0
        bounds = pd.Series(date[known]).groupby(codes[known], sort=True).agg(["min", "max"])
        start = bounds["min"] - pd.to_timedelta(bounds["min"].dt.day_of_week, unit="D")
        end = bounds["max"] + pd.to_timedelta(6 - bounds["max"].dt.day_of_week, unit="D")
        n = ((end - start).dt.days + 1).to_numpy(dtype="int64")
        present = bounds.index.to_numpy(dtype="int64")
        #: athletes with at least one dated set, in name order, and their first calendar row.
        self.names = np.asarray(names, dtype=object)[present]
        self.first = np.cumsum(n) - n
        self.size = int(n.sum())
        self.code = np.repeat(np.arange(len(n)), n)
        self.position = np.arange(self.size) - np.repeat(self.first, n)
        start_ns = start.to_numpy(dtype="datetime64[ns]").astype("int64")
        self.dates = (np.repeat(start_ns, n) + self.position * DAY_NS).astype("datetime64[ns]")
        # Calendar row of each set: -1 without an athlete or a date, or with a date off the
        # daily grid (a time of day in it). A -1 code picks the entry appended at the end.
        slot = np.full(len(names) + 1, -1, dtype="int64")
        slot[present] = np.arange(len(present))
        athlete = slot[codes]
        offset = date.astype("int64") - np.append(start_ns, 0)[athlete]
        on_grid = (athlete >= 0) & (offset % DAY_NS == 0)
        self.row = np.where(on_grid, np.append(self.first, 0)[athlete] + offset // DAY_NS, -1)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "athlete": pd.Series(self.names[self.code], dtype="str"),
                "date": pd.Series(self.dates, dtype="datetime64[ns]"),
            }
        )

    def per_day(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Per calendar day, the sum of `values` over the sets where `mask` holds (sets off
        the grid count nowhere)."""
        return kernels.group_sums(np.where(mask, self.row, -1), values, self.size)

    def count(self, mask: np.ndarray) -> np.ndarray:
        """Per calendar day, the number of sets where `mask` holds (off the grid: nowhere)."""
        return np.bincount(self.row[mask & (self.row >= 0)], minlength=self.size)

    def shift(self, values: np.ndarray, periods: int, fill: float) -> np.ndarray:
        """`values` shifted down by `periods` rows within each athlete."""
        out = np.full(len(values), fill, dtype="float64")
        out[periods:] = values[: len(values) - periods]
        out[self.position < periods] = fill
        return out

    def decayed_sum(self, values: np.ndarray, decay: float) -> np.ndarray:
        """R_t = decay x R_(t-1) + x_t per athlete (R before the first day = 0)."""
        return kernels.decayed_sum(values, self.code, decay)

    def bias_corrected_ewm(self, values: np.ndarray, history: np.ndarray, span: int) -> np.ndarray:
        """EWMA with lambda = 2 / (span + 1) (Williams 2017), started from zero and divided by
        1 - (1 - lambda)^n over the n days since the first loaded day: an unbiased average from
        the first day of lower-back history, unchanged by any unloaded days before it."""
        lam = 2.0 / (span + 1.0)
        raw = lam * self.decayed_sum(values, 1.0 - lam)
        weight = 1.0 - np.power(1.0 - lam, history)
        return raw / np.where(weight > 0, weight, np.nan)


def _daily_sums(cal: _Calendar, dosed: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per calendar day t: D(t), the dose of the working sets, plus that of the warm-ups on a
    day with working sets (a warm-up's dose is 0 unless `warmup_fraction` > 0); Ddir(t), the
    dose of the direct working sets; and the counts of working, direct and indirect sets."""
    warmup = dosed["set_type"].eq("warmup").to_numpy(dtype=bool)
    direct = dosed["load_class"].eq("direct").to_numpy(dtype=bool)
    indirect = dosed["load_class"].eq("indirect").to_numpy(dtype=bool)
    dose = dosed["dose"].to_numpy(dtype="float64")
    working = ~warmup
    sets = cal.count(working)
    warmups = cal.per_day(dose, warmup)
    return {
        "dose": cal.per_day(dose, working) + np.where(sets > 0, warmups, 0.0),
        "direct_dose": cal.per_day(dose, working & direct),
        "direct_sets": cal.count(working & direct),
        "indirect_sets": cal.count(working & indirect),
        "sets": sets,
    }


NORM_COLUMNS = ("typical_day", "typical_direct", "usual_week", "loaded_at", "hard_at", "heavy_at")


def athlete_norms(
    code: np.ndarray, dose: np.ndarray, direct_dose: np.ndarray, week: np.ndarray, config: Config
) -> pd.DataFrame:
    """Each athlete's own scale (rows: athlete codes 0..n-1), from their daily doses:

    - typical_day: median dose of the days at or above `min_loaded_dose`;
    - typical_direct: median direct dose of the days at or above `hard_floor`;
    - usual_week: median weekly load of the weeks with at least one such day;
    - loaded_at = max(loaded_fraction x typical_day, min_loaded_dose): a loaded day;
    - hard_at = max(hard_fraction x typical_direct, hard_floor): a hard direct session;
    - heavy_at = max(heavy_fraction x typical_direct, heavy_floor): a heavy one.

    `code`, `dose`, `direct_dose` and `week` (any week key) are per calendar day. An athlete
    without such days gets the absolute floors."""
    n = int(code.max()) + 1 if len(code) else 0
    index = pd.RangeIndex(n)
    trained = dose >= config.min_loaded_dose
    typical_day = pd.Series(dose[trained]).groupby(code[trained]).median()
    hard = direct_dose >= config.hard_floor
    typical_direct = pd.Series(direct_dose[hard]).groupby(code[hard]).median()
    weekly = (
        pd.DataFrame({"code": code, "week": week, "dose": dose, "trained": trained})
        .groupby(["code", "week"], sort=False)
        .agg(load=("dose", "sum"), trained=("trained", "any"))
    )
    weekly = weekly[weekly["trained"]]
    usual = weekly["load"].groupby(level="code").median()
    out = pd.DataFrame(
        {
            "typical_day": typical_day.reindex(index),
            "typical_direct": typical_direct.reindex(index),
            "usual_week": usual.reindex(index),
        },
        index=index,
    )
    floor_day, floor_hard = config.min_loaded_dose, config.hard_floor
    out["loaded_at"] = (
        (config.loaded_fraction * out["typical_day"]).clip(lower=floor_day).fillna(floor_day)
    )
    out["hard_at"] = (
        (config.hard_fraction * out["typical_direct"]).clip(lower=floor_hard).fillna(floor_hard)
    )
    out["heavy_at"] = (
        (config.heavy_fraction * out["typical_direct"])
        .clip(lower=config.heavy_floor)
        .fillna(config.heavy_floor)
    )
    out["usual_week"] = out["usual_week"].clip(lower=floor_day).fillna(floor_day)
    return out.astype("float64")


def clock_hours(sets: pd.DataFrame) -> np.ndarray:
    """Per set, the clock hour of `performed_at` (local time, fractional); NaN when the log
    has a date without a time (a time of exactly 00:00 is read as "no time")."""
    date = sets["date"].to_numpy(dtype="datetime64[ns]")
    at = sets["performed_at"].to_numpy(dtype="datetime64[ns]")
    hours = (at - date) / np.timedelta64(1, "h")
    return np.where((hours > 0) & (hours < 24), hours, np.nan)


def _direct_hours(cal: _Calendar, dosed: pd.DataFrame) -> np.ndarray:
    """Per calendar day, the clock hour of the first working direct set that loads the back;
    NaN when the day has none or its time is not known (`clock_hours`)."""
    hours = clock_hours(dosed)
    wanted = (
        dosed["load_class"].eq("direct").to_numpy(dtype=bool, na_value=False)
        & ~dosed["set_type"].eq("warmup").to_numpy(dtype=bool)
        & (dosed["dose"].to_numpy(dtype="float64") > 0)
        & (cal.row >= 0)
        & ~np.isnan(hours)
    )
    out = np.full(cal.size, np.inf)
    np.minimum.at(out, cal.row[wanted], hours[wanted])
    out[np.isinf(out)] = np.nan
    return out


def _pain_days(
    cal: _Calendar, dosed: pd.DataFrame, config: Config, pain: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per calendar day: a note names the lower back (or pain without a body part); a note
    names pain elsewhere only (analyzer/pain.py; `pain`: each set's region, when the caller
    has it)."""
    region = pain if pain is not None else pain_regions(dosed["notes"], config)
    # Most notes name no pain: only those that do are told apart.
    noted = region != ""
    kind = region[noted]
    back, other = noted.copy(), noted.copy()
    back[noted] = (kind == "lower_back") | (kind == "unspecified")
    other[noted] = kind == "other"
    return cal.count(back) > 0, cal.count(other) > 0


def daily_series(
    dosed: pd.DataFrame,
    config: Config,
    keys: SetKeys | None = None,
    pain: np.ndarray | None = None,
) -> pd.DataFrame:
    """The daily lower-back series of every athlete (see `AthleteResult.days` for columns),
    with each athlete's norms (`athlete_norms`) repeated on every day. `keys` and `pain`
    (each set's `pain_regions`): when the caller has them (else worked out here)."""
    cal = _Calendar(dosed, keys)
    days = cal.frame()
    sums = _daily_sums(cal, dosed)
    for col in ("dose", "direct_dose", "direct_sets", "indirect_sets", "sets"):
        days[col] = sums[col].astype("int64" if col.endswith("sets") else "float64")
    dose, direct_dose = sums["dose"], sums["direct_dose"]
    week = (cal.position // 7).astype("int64")  # every athlete's calendar starts on a Monday
    norms = athlete_norms(cal.code, dose, direct_dose, week, config)
    for col in NORM_COLUMNS:
        days[col] = norms[col].to_numpy()[cal.code]

    decay = config.daily_decay
    days["loaded"] = dose >= days["loaded_at"].to_numpy()
    days["has_direct"] = direct_dose >= days["hard_at"].to_numpy()
    days["direct_hour"] = _direct_hours(cal, dosed)
    days["back_pain"], days["other_pain"] = _pain_days(cal, dosed, config, pain)
    days["recovery_state"] = cal.decayed_sum(dose, decay)
    direct_state = cal.decayed_sum(direct_dose, decay)
    days["direct_state"] = direct_state

    # Days since each athlete's first day with any dose (NaN for an athlete without one).
    positive = dose > 0
    first_loaded = (
        pd.Series(cal.position[positive], dtype="float64")
        .groupby(cal.code[positive])
        .min()
        .reindex(pd.RangeIndex(len(cal.names)))
        .to_numpy(dtype="float64")
    )
    history = cal.position - first_loaded[cal.code] + 1
    n = np.where(np.isnan(history), 0, np.clip(history, 0, None))
    acute = cal.bias_corrected_ewm(dose, n, config.acute_days)
    chronic_now = cal.bias_corrected_ewm(dose, n, config.chronic_days)
    # Uncoupled: the chronic load excludes the acute week (value as of 7 days earlier).
    chronic = cal.shift(chronic_now, config.acute_days, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        valid = (history >= config.min_history_days) & (chronic >= config.acwr_min_chronic)
        days["acute"] = acute
        days["chronic"] = chronic
        days["acwr"] = np.where(valid, acute / chronic, np.nan)
    days["chronic_now"] = chronic_now
    days["history_days"] = n.astype("int64")
    return days


def iso_week_label(dates: pd.Series) -> pd.Series:
    """ "2026-W37" labels (ISO year and week) for a datetime Series (each distinct date
    labelled once: athletes share their weeks)."""
    codes, distinct = pd.factorize(dates)
    iso = pd.Series(distinct).dt.isocalendar()
    labels = iso["year"].astype("str") + "-W" + iso["week"].astype("int64").map("{:02d}".format)
    # A missing date (code -1) takes the missing label appended at the end.
    labels_of = np.append(labels.to_numpy(dtype=object), np.nan)
    return pd.Series(labels_of[codes], index=dates.index, dtype="str")


def weekly_series(days: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Per athlete and ISO week: sets, lower-back load, loaded days, longest run within the
    week, the acute:chronic ratio (the week's load / (7 x the chronic EWMA at the previous
    Sunday), null before `min_history_days` of history or below `acwr_min_chronic`: the ratio
    the `acwr_spike` rule judges, `rules.week_ratio` being its twin on the grid), monotony and
    strain (Foster 1998: mean / SD of the 7 daily doses; strain = weekly load x monotony)."""
    d = days[["athlete", "date", "loaded", "sets", "direct_sets", "indirect_sets", "dose"]]
    d["week_start"] = d["date"] - pd.to_timedelta(d["date"].dt.day_of_week, unit="D")
    # Longest run of loaded days inside the week.
    key = [d["athlete"], d["week_start"]]
    breaks = (~d["loaded"]).groupby(key, sort=False).cumsum()
    run_len = (
        d["loaded"].groupby([d["athlete"], d["week_start"], breaks], sort=False).transform("sum")
    )
    d["run_len"] = run_len.where(d["loaded"], 0)
    # The chronic load and its history on the day before each day (each athlete's calendar
    # starts on a Monday, so on Mondays: the previous Sunday; 0 before the first day).
    by_athlete = days.groupby("athlete", sort=False)
    d["chronic_before"] = by_athlete["chronic_now"].shift(1, fill_value=0.0)
    d["history_before"] = by_athlete["history_days"].shift(1, fill_value=0)
    grouped = d.groupby(["athlete", "week_start"], sort=True)
    weeks = grouped.agg(
        sets=("sets", "sum"),
        direct_sets=("direct_sets", "sum"),
        indirect_sets=("indirect_sets", "sum"),
        lower_back_load=("dose", "sum"),
        loaded_count=("loaded", "sum"),
        longest_run=("run_len", "max"),
        mean_dose=("dose", "mean"),
        sd_dose=("dose", "std"),
        chronic_before=("chronic_before", "first"),
        history_before=("history_before", "first"),
    ).reset_index()
    defined = (weeks["history_before"] >= config.min_history_days) & (
        weeks["chronic_before"] >= config.acwr_min_chronic
    )
    weeks["acwr"] = (weeks["lower_back_load"] / (7.0 * weeks["chronic_before"])).where(defined)
    sd = weeks["sd_dose"]
    weeks["monotony"] = (weeks["mean_dose"] / sd).where(sd > 1e-9)
    weeks["strain"] = weeks["lower_back_load"] * weeks["monotony"]
    weeks["week"] = iso_week_label(weeks["week_start"])
    return weeks.drop(columns=["mean_dose", "sd_dose", "chronic_before", "history_before"])
