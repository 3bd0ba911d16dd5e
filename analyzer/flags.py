"""Flags: the reasons a week is not ok, each with its days, lifts and numbers.

Input is the model's daily series and dosed set table; output is one row per flag (a
DataFrame with columns athlete, week_start, code, severity, days, exercises, message).
Detection is vectorised; only the (few) flags themselves are formatted one by one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analyzer.config import Config

FLAG_COLUMNS = ["athlete", "week_start", "code", "severity", "days", "exercises", "message"]
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _week_start(dates: pd.Series) -> pd.Series:
    return dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")


def _day(ts: pd.Timestamp) -> str:
    return f"{DAY_NAMES[ts.weekday()]} {ts:%Y-%m-%d}"


class _DayLifts:
    """Lower-back-loading lifts per athlete and day, heaviest dose first (for messages)."""

    def __init__(self, dosed: pd.DataFrame, wanted: pd.DataFrame) -> None:
        loading = dosed[(dosed["dose"] > 0)]
        loading = loading.merge(wanted.drop_duplicates(), on=["athlete", "date"])
        per = (
            loading.groupby(["athlete", "date", "exercise", "load_class"], observed=True)["dose"]
            .sum()
            .reset_index()
            .sort_values(["athlete", "date", "dose"], ascending=[True, True, False])
        )
        self._lifts: dict[tuple[str, pd.Timestamp], list[tuple[str, str]]] = {}
        for key, group in per.groupby(["athlete", "date"], sort=False):
            self._lifts[key] = list(zip(group["exercise"], group["load_class"], strict=True))

    def names(self, athlete: str, days: Sequence[pd.Timestamp]) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for day in days:
            for name, _ in self._lifts.get((athlete, day), []):
                seen.setdefault(name, None)
        return tuple(seen)

    def describe(self, athlete: str, days: Sequence[pd.Timestamp]) -> str:
        parts = []
        for day in days:
            lifts = self._lifts.get((athlete, day), [])
            label = ", ".join(f"{n} ({c})" for n, c in lifts[:3]) or "light loading"
            parts.append(f"{DAY_NAMES[day.weekday()]} {label}")
        return "; ".join(parts)


def _consecutive(days: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Runs of >= N consecutive loaded days, judged per week: a week is flagged when its own
    part of the run is >= N days long, or when a run of >= N days ends in it."""
    d = days[["athlete", "date", "loaded", "has_direct"]].copy()
    new_athlete = d["athlete"].ne(d["athlete"].shift())
    starts = d["loaded"] & (~d["loaded"].shift(fill_value=False) | new_athlete)
    d["run"] = starts.cumsum().where(d["loaded"])
    d = d[d["loaded"]]
    if d.empty:
        return pd.DataFrame(columns=["athlete", "week_start", "days", "n_direct"])
    d["week_start"] = _week_start(d["date"])
    d["run_len"] = d.groupby("run")["date"].transform("size")
    d["run_end"] = d.groupby("run")["date"].transform("max")
    seg = d.groupby(["run", "week_start"], sort=True).agg(
        athlete=("athlete", "first"),
        seg_len=("date", "size"),
        seg_end=("date", "max"),
        run_len=("run_len", "first"),
        run_end=("run_end", "first"),
    ).reset_index()
    seg["ends"] = seg["seg_end"].eq(seg["run_end"])
    keep = (seg["seg_len"] >= config.consecutive_days) | (
        seg["ends"] & (seg["run_len"] >= config.consecutive_days)
    )
    seg = seg[keep]
    rows = []
    by_run = {run: g for run, g in d[d["run"].isin(seg["run"])].groupby("run")}
    for run, week_start, ends, athlete in zip(
        seg["run"], seg["week_start"], seg["ends"], seg["athlete"], strict=True
    ):
        g = by_run[run]
        g = g if ends else g[g["week_start"] == week_start]
        rows.append((athlete, week_start, list(g["date"]), int(g["has_direct"].sum())))
    return pd.DataFrame(rows, columns=["athlete", "week_start", "days", "n_direct"])


def _short_recovery(days: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Direct days that come while the lower back still carries an earlier direct day: the day
    before was a direct day, or the carried direct-load state is above the threshold."""
    d = days[["athlete", "date", "has_direct", "direct_dose", "carried_direct",
              "direct_reference"]].copy()
    same = d["athlete"].eq(d["athlete"].shift())
    prev_direct_day = d["date"].where(d["has_direct"]).groupby(d["athlete"]).shift(1)
    prev_direct_day = prev_direct_day.groupby(d["athlete"]).ffill()
    d["prev_direct"] = prev_direct_day
    threshold = config.short_recovery_fraction * d["direct_reference"]
    back_to_back = d["has_direct"].shift(fill_value=False) & same
    d["hit"] = d["has_direct"] & (back_to_back | (d["carried_direct"] > threshold))
    d["threshold"] = threshold
    hits = d[d["hit"] & d["prev_direct"].notna()].copy()
    if hits.empty:
        return pd.DataFrame(columns=["athlete", "week_start", "days", "carried", "threshold"])
    hits["week_start"] = _week_start(hits["date"])
    # Chain hits whose earlier direct day is itself a hit (Mon-Tue-Wed is one flag), per week.
    chain_start = ~(
        hits["prev_direct"].eq(hits["date"].shift())
        & hits["athlete"].eq(hits["athlete"].shift())
        & hits["week_start"].eq(hits["week_start"].shift())
    )
    hits["chain"] = chain_start.cumsum()
    rows = []
    for _, g in hits.groupby("chain", sort=True):
        flagged = [g["prev_direct"].iloc[0], *g["date"]]
        rows.append((g["athlete"].iloc[0], g["week_start"].iloc[0], flagged,
                     float(g["carried_direct"].max()), float(g["threshold"].iloc[0])))
    return pd.DataFrame(rows, columns=["athlete", "week_start", "days", "carried", "threshold"])


def pain_pattern(config: Config) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(mention, negation) regexes built from the configured word lists."""
    words = sorted(config.words, key=len, reverse=True)
    latin = r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)"
    cjk = "|".join(re.escape(c) for c in config.cjk)
    mention = re.compile(f"{latin}|{cjk}" if cjk else latin, re.IGNORECASE)
    negs = sorted(config.negations, key=len, reverse=True)
    negation = re.compile("|".join(re.escape(n) for n in negs), re.IGNORECASE)
    return mention, negation


def pain_mentions(notes: pd.Series, config: Config) -> pd.Series:
    """True where a note mentions pain (negated phrases such as "no pain" removed first).
    Each distinct note is checked once."""
    mention, negation = pain_pattern(config)
    distinct = pd.Series(notes.dropna().unique(), dtype="str")
    distinct = distinct[distinct.str.len() > 0]
    cleaned = distinct.str.replace(negation, " ", regex=True)
    hit = dict(zip(distinct, cleaned.str.contains(mention, regex=True), strict=True))
    return notes.map(hit).astype("boolean").fillna(False).astype(bool)


def find_flags(days: pd.DataFrame, dosed: pd.DataFrame, weeks: pd.DataFrame,
               config: Config) -> pd.DataFrame:
    """Every flag of every athlete, one row each (columns FLAG_COLUMNS)."""
    consecutive = _consecutive(days, config)
    short = _short_recovery(days, config)
    pain_sets = dosed[pain_mentions(dosed["notes"], config)]
    wanted = pd.concat(
        [
            consecutive.explode("days")[["athlete", "days"]].rename(columns={"days": "date"}),
            short.explode("days")[["athlete", "days"]].rename(columns={"days": "date"}),
        ]
    )
    wanted["date"] = pd.to_datetime(wanted["date"])
    lifts = _DayLifts(dosed, wanted)
    rows: list[tuple] = []

    for athlete, week_start, run_days, n_direct in zip(
        consecutive["athlete"], consecutive["week_start"], consecutive["days"],
        consecutive["n_direct"], strict=True,
    ):
        n = len(run_days)
        severity = "overuse" if n_direct else "watch"
        message = (
            f"Lower back loaded {n} days in a row ({_day(run_days[0])} to {_day(run_days[-1])}; "
            f"limit {config.consecutive_days - 1}): {lifts.describe(athlete, run_days)}. "
            f"{n_direct} of them with direct load."
        )
        rows.append((athlete, week_start, "consecutive_days", severity, run_days,
                     lifts.names(athlete, run_days), message))

    for athlete, week_start, flagged, carried, threshold in zip(
        short["athlete"], short["week_start"], short["days"], short["carried"],
        short["threshold"], strict=True,
    ):
        gaps = [(b - a).days for a, b in zip(flagged, flagged[1:], strict=False)]
        message = (
            f"Direct lower-back work on {', '.join(_day(x) for x in flagged)} "
            f"({'1 day' if min(gaps) == 1 else f'{min(gaps)} days'} apart): "
            f"{lifts.describe(athlete, flagged)}. Carried-over direct load {carried:.1f} "
            f"vs limit {threshold:.1f} (half of a typical direct day); allow 48-72 h between "
            "heavy hinge days."
        )
        rows.append((athlete, week_start, "short_recovery", "overuse", flagged,
                     lifts.names(athlete, flagged), message))

    acwr = weeks.dropna(subset=["acwr"])
    acwr = acwr[acwr["acwr"] > config.acwr_watch]
    loaded_days = days.loc[days["loaded"], ["athlete", "date"]]
    loaded_by_week = (
        loaded_days.assign(week_start=_week_start(loaded_days["date"]))
        .merge(acwr[["athlete", "week_start"]], on=["athlete", "week_start"])
        .groupby(["athlete", "week_start"])["date"]
        .agg(list)
    )
    for athlete, week_start, ratio, load in zip(acwr["athlete"], acwr["week_start"],
                                                acwr["acwr"], acwr["lower_back_load"],
                                                strict=True):
        severity = "overuse" if ratio > config.acwr_overuse else "watch"
        loaded = loaded_by_week.get((athlete, week_start), [])
        message = (
            f"Acute:chronic lower-back load ratio {ratio:.2f} (above "
            f"{config.acwr_overuse if severity == 'overuse' else config.acwr_watch}): this week's "
            f"load {load:.1f} rose fast against the last 4 weeks. A warning sign, not a prediction."
        )
        rows.append((athlete, week_start, "acwr_spike", severity, loaded, (), message))

    mono = weeks.dropna(subset=["monotony"])
    mono = mono[mono["monotony"] > config.monotony_watch]
    for athlete, week_start, value, strain in zip(mono["athlete"], mono["week_start"],
                                                  mono["monotony"], mono["strain"], strict=True):
        message = (
            f"Monotony {value:.2f} (above {config.monotony_watch}): the lower back got almost the "
            f"same load every day with little rest (strain {strain:.1f})."
        )
        rows.append((athlete, week_start, "high_monotony", "watch", [], (), message))

    if not pain_sets.empty:
        ps = pain_sets.assign(week_start=_week_start(pain_sets["date"]))
        for (athlete, week_start), g in ps.groupby(["athlete", "week_start"], sort=True):
            note = str(g["notes"].iloc[0]).replace("\n", " ")
            snippet = note if len(note) <= 80 else note[:77] + "..."
            message = (
                f"A note mentions pain: \"{snippet}\". See a physiotherapist or physician if the "
                "pain is sharp, present at rest, or lasts beyond 1-2 weeks."
            )
            rows.append((athlete, week_start, "pain_note", "watch",
                         sorted(g["date"].unique()), tuple(dict.fromkeys(g["exercise"])),
                         message))

    flags = pd.DataFrame(rows, columns=FLAG_COLUMNS)
    if flags.empty:
        return flags
    flags["days"] = flags["days"].map(lambda xs: tuple(pd.Timestamp(x).date() for x in xs))
    order = {"consecutive_days": 0, "short_recovery": 1, "acwr_spike": 2,
             "high_monotony": 3, "pain_note": 4}
    flags["order"] = flags["code"].map(order)
    return flags.sort_values(["athlete", "week_start", "order"]).drop(columns="order").reset_index(
        drop=True
    )


def status_of(severities: pd.Series) -> str:
    """Worst severity, "ok" when empty."""
    rank = {"watch": 1, "overuse": 2}
    if severities.empty:
        return "ok"
    return str(severities.iloc[int(np.argmax(severities.map(rank).to_numpy()))])
