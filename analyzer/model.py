"""The rolling lower-back load model: set dose, daily dose, recovery state, acute:chronic ratio,
monotony and strain. Pure functions over DataFrames, vectorised across all athletes at once.

Formulas, defaults and sources: docs/model.md. Constants come from `Config` only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analyzer.config import Config

LOADING_CLASSES = ("direct", "indirect")


def set_effort(tagged: pd.DataFrame, config: Config) -> pd.Series:
    """Effort of each set in [floor, 1] (x failure factor), from what the log has, in order:
    RPE (RIR scale), else this set's Epley e1RM relative to the athlete's best e1RM for the same
    exercise over the trailing window, else 1. Warm-ups are scaled by `warmup_fraction`."""
    rpe = tagged["rpe"].where(tagged["rpe"].between(1, 10))
    from_rpe = 1.0 - config.per_rir * (10.0 - rpe)

    weight = tagged["weight_kg"].where(tagged["weight_kg"] > 0)
    reps = tagged["reps"].where(tagged["reps"] > 0)
    e1rm = weight * (1.0 + reps / 30.0)
    relative = pd.Series(np.nan, index=tagged.index, dtype="float64")
    has_e1rm = e1rm.notna()
    if has_e1rm.any():
        key = tagged["canonical"].fillna(tagged["exercise"]).astype("str")
        frame = pd.DataFrame(
            {
                "athlete": tagged.loc[has_e1rm, "athlete"],
                "key": key[has_e1rm],
                "at": tagged.loc[has_e1rm, "performed_at"],
                "e1rm": e1rm[has_e1rm],
            }
        ).sort_values(["athlete", "key", "at"], kind="stable")
        best = (
            frame.groupby(["athlete", "key"], sort=False)
            .rolling(f"{config.e1rm_window_days}D", on="at", closed="both")["e1rm"]
            .max()
        )
        frame["best"] = best.to_numpy()
        relative.loc[frame.index] = (frame["e1rm"] / frame["best"]).to_numpy()

    effort = from_rpe.fillna(relative).fillna(1.0).clip(lower=config.floor, upper=1.0)
    set_type = tagged["set_type"].astype("str")
    factor = np.select(
        [set_type.eq("warmup"), set_type.eq("failure"), set_type.eq("drop")],
        [config.warmup_fraction, config.failure_factor, config.drop_factor],
        default=1.0,
    )
    return (effort * factor).astype("float64")


def set_doses(tagged: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The tagged set table with `effort` and `dose` (= coefficient x effort; 0 for `none` and
    `unknown` classes) added."""
    out = tagged.copy(deep=False)
    out["effort"] = set_effort(tagged, config)
    coefficient = out["coefficient"].where(out["load_class"].isin(LOADING_CLASSES), 0.0)
    out["dose"] = (coefficient.fillna(0.0) * out["effort"]).clip(lower=0.0).astype("float64")
    return out


def calendar(dosed: pd.DataFrame) -> pd.DataFrame:
    """Every calendar day of every athlete, from the Monday of the first logged week to the
    Sunday of the last, as columns `athlete`, `date` (no Python loop over athletes)."""
    bounds = dosed.groupby("athlete", sort=True)["date"].agg(["min", "max"])
    start = bounds["min"] - pd.to_timedelta(bounds["min"].dt.day_of_week, unit="D")
    end = bounds["max"] + pd.to_timedelta(6 - bounds["max"].dt.day_of_week, unit="D")
    n = ((end - start).dt.days + 1).to_numpy()
    offsets = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    dates = np.repeat(start.to_numpy(), n) + offsets.astype("timedelta64[D]")
    return pd.DataFrame(
        {
            "athlete": pd.Series(np.repeat(bounds.index.to_numpy(), n), dtype="str"),
            "date": pd.Series(dates).astype("datetime64[ns]"),
        }
    )


def _ewm(values: pd.Series, groups: pd.Series, **kwargs: float) -> pd.Series:
    """Per-group `ewm(adjust=False, **kwargs).mean()`, aligned to `values` (cythonised groupby)."""
    out = values.groupby(groups, sort=False).ewm(adjust=False, **kwargs).mean()
    return out.reset_index(level=0, drop=True).reindex(values.index)


def _decayed_sum(values: pd.Series, groups: pd.Series, decay: float) -> pd.Series:
    """R_t = decay * R_(t-1) + x_t per group (R before the first day = 0), via pandas' EWM:
    with alpha = 1 - decay, ewm(adjust=False) gives y_t with alpha*R_t = y_t - decay^(t+1) x_0."""
    alpha = 1.0 - decay
    y = _ewm(values, groups, alpha=alpha)
    position = values.groupby(groups, sort=False).cumcount().to_numpy()
    first = values.groupby(groups, sort=False).transform("first")
    return (y - np.power(decay, position + 1) * first) / alpha


def _bias_corrected_ewm(
    values: pd.Series, groups: pd.Series, history: pd.Series, span: int
) -> pd.Series:
    """EWMA with lambda = 2 / (span + 1) (Williams 2017), started from zero and divided by
    1 - (1 - lambda)^n over the n days since the first loaded day: an unbiased average from
    the first day of lower-back history, unchanged by any unloaded days before it."""
    lam = 2.0 / (span + 1.0)
    raw = lam * _decayed_sum(values, groups, 1.0 - lam)
    n = history.fillna(0).clip(lower=0).to_numpy()
    weight = 1.0 - np.power(1.0 - lam, n)
    return (raw / np.where(weight > 0, weight, np.nan)).astype("float64")


def daily_series(
    dosed: pd.DataFrame,
    config: Config,
    direct_reference: pd.Series | None = None,
) -> pd.DataFrame:
    """The daily lower-back series of every athlete (see `AthleteResult.days` for columns).

    `direct_reference` (athlete -> dose) is the typical direct-day dose that the
    short-recovery threshold is a fraction of; by default each athlete's median direct-day
    dose in `dosed`. Re-simulations pass the original so a changed week is judged the same way.
    """
    working = dosed[dosed["set_type"].astype("str") != "warmup"]
    cls = working["load_class"].astype("str")
    per_day = (
        pd.DataFrame(
            {
                "athlete": working["athlete"],
                "date": working["date"],
                "dose": dosed.loc[working.index, "dose"],
                "direct_dose": dosed.loc[working.index, "dose"].where(cls.eq("direct"), 0.0),
                "direct_sets": cls.eq("direct").astype("int64"),
                "indirect_sets": cls.eq("indirect").astype("int64"),
                "sets": 1,
            }
        )
        .groupby(["athlete", "date"], sort=False)
        .sum()
    )
    warm = dosed.loc[dosed.index.difference(working.index)]
    if len(warm) and config.warmup_fraction > 0:
        extra = warm.groupby(["athlete", "date"])["dose"].sum()
        per_day["dose"] = per_day["dose"].add(extra, fill_value=0.0)
    days = calendar(dosed).merge(per_day.reset_index(), on=["athlete", "date"], how="left")
    for col in ("dose", "direct_dose"):
        days[col] = days[col].fillna(0.0).astype("float64")
    for col in ("direct_sets", "indirect_sets", "sets"):
        days[col] = days[col].fillna(0).astype("int64")

    decay = config.daily_decay
    athlete = days["athlete"]
    days["loaded"] = days["dose"] >= config.min_loaded_dose
    days["has_direct"] = days["direct_dose"] >= config.min_loaded_dose
    days["recovery_state"] = _decayed_sum(days["dose"], athlete, decay)
    days["direct_state"] = _decayed_sum(days["direct_dose"], athlete, decay)
    days["carried_direct"] = (
        days["direct_state"].groupby(athlete, sort=False).shift(1).fillna(0.0) * decay
    )
    if direct_reference is None:
        direct_reference = (
            days.loc[days["has_direct"]].groupby("athlete")["direct_dose"].median()
        )
    days["direct_reference"] = (
        athlete.map(direct_reference).astype("float64").fillna(config.min_loaded_dose)
    )

    first_loaded = days.loc[days["dose"] > 0].groupby("athlete")["date"].min()
    first = (
        athlete.map(first_loaded)
        if len(first_loaded)
        else pd.Series(pd.NaT, index=days.index, dtype="datetime64[ns]")
    )
    history = (days["date"] - first).dt.days + 1
    acute = _bias_corrected_ewm(days["dose"], athlete, history, config.acute_days)
    chronic_now = _bias_corrected_ewm(days["dose"], athlete, history, config.chronic_days)
    # Uncoupled: the chronic load excludes the acute week (value as of 7 days earlier).
    chronic = chronic_now.groupby(athlete, sort=False).shift(config.acute_days)
    valid = (history >= config.min_history_days) & (chronic >= config.acwr_min_chronic)
    days["acute"] = acute
    days["chronic"] = chronic
    days["acwr"] = (acute / chronic).where(valid)
    days["history_days"] = history.fillna(0).clip(lower=0).astype("int64")
    return days


def iso_week_label(dates: pd.Series) -> pd.Series:
    """"2026-W37" labels (ISO year and week) for a datetime Series."""
    iso = dates.dt.isocalendar()
    return (
        iso["year"].astype("str") + "-W" + iso["week"].astype("int64").map("{:02d}".format)
    ).astype("str")


def weekly_series(days: pd.DataFrame) -> pd.DataFrame:
    """Per athlete and ISO week: sets, lower-back load, loaded days, longest run within the
    week, the acute:chronic ratio (mean acute / mean chronic load over the week's days with a
    valid ratio), monotony and strain (Foster
    1998: mean / SD of the 7 daily doses; strain = weekly load x monotony)."""
    d = days.copy()
    d["week_start"] = d["date"] - pd.to_timedelta(d["date"].dt.day_of_week, unit="D")
    # Longest run of loaded days inside the week.
    key = [d["athlete"], d["week_start"]]
    breaks = (~d["loaded"]).groupby(key, sort=False).cumsum()
    run_len = d["loaded"].groupby([d["athlete"], d["week_start"], breaks], sort=False).transform(
        "sum"
    )
    d["run_len"] = run_len.where(d["loaded"], 0)
    # The weekly ratio averages the acute and chronic loads over the week's seven days: a value
    # read on one day swings with where that day falls in the training week.
    valid = d["acwr"].notna()
    d["acute_valid"] = d["acute"].where(valid)
    d["chronic_valid"] = d["chronic"].where(valid)
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
        acute=("acute_valid", "mean"),
        chronic=("chronic_valid", "mean"),
    ).reset_index()
    weeks["acwr"] = weeks["acute"] / weeks["chronic"]
    sd = weeks["sd_dose"]
    weeks["monotony"] = (weeks["mean_dose"] / sd).where(sd > 1e-9)
    weeks["strain"] = weeks["lower_back_load"] * weeks["monotony"]
    weeks["week"] = iso_week_label(weeks["week_start"])
    return weeks.drop(columns=["mean_dose", "sd_dose", "acute", "chronic"])
