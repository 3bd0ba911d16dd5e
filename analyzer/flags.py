"""Flags: the reasons a week is not ok, each with its days, lifts and numbers.

Input is the model's daily series and dosed set table; output is one row per flag (a
DataFrame with columns athlete, week_start, code, severity, days, exercises, message).
Detection is vectorised; only the (few) flags themselves are formatted one by one.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analyzer.config import Config
from analyzer.model import DAY_NS

FLAG_COLUMNS = ["athlete", "week_start", "code", "severity", "days", "exercises", "message"]
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _week_start(dates: pd.Series) -> pd.Series:
    return dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")


@functools.cache
def _day(day: dt.date) -> str:
    return f"{DAY_NAMES[day.weekday()]} {day:%Y-%m-%d}"


def _dates(values: np.ndarray) -> list[dt.date]:
    """datetime64 values as Python dates (one C-level conversion, no Timestamps)."""
    return values.astype("datetime64[ns]").astype("datetime64[D]").tolist()


def _day_keys(athlete: np.ndarray, date_ns: np.ndarray) -> np.ndarray:
    """One int64 per (athlete code, calendar day); -1 where either is missing."""
    day = date_ns // DAY_NS + 200_000  # non-negative for every datetime64[ns] date
    return np.where((athlete >= 0) & (date_ns != np.iinfo("int64").min),
                    athlete * np.int64(400_000) + day, -1)


def group_bounds(keys: Sequence[np.ndarray]) -> np.ndarray:
    """Start positions of the runs of equal rows over `keys` (arrays of the same length,
    rows already grouped), plus the total length at the end."""
    n = len(keys[0])
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return np.append(np.flatnonzero(change), n)


class _DayLifts:
    """Lower-back-loading lifts per athlete and day, heaviest dose first (for messages), for
    the days of flags only: one grouped sum, then each day's label and its slice of names."""

    def __init__(self, dosed: pd.DataFrame, wanted: list[tuple[str, list[dt.date]]]) -> None:
        # The loading sets of the wanted days, in table order (what an inner merge with the
        # wanted days keeps).
        codes, names = pd.factorize(dosed["athlete"])
        index = {name: i for i, name in enumerate(names)}
        athlete = np.array([index.get(a, -1) for a, ds in wanted for _ in ds], dtype="int64")
        days = np.array([d for _, ds in wanted for d in ds], dtype="datetime64[D]")
        wanted_keys = _day_keys(athlete, days.astype("datetime64[ns]").view("int64"))
        keys = _day_keys(codes, dosed["date"].to_numpy(dtype="datetime64[ns]").view("int64"))
        keep = (dosed["dose"].to_numpy(dtype="float64") > 0) & pd.Index(keys).isin(
            wanted_keys[wanted_keys >= 0])
        loading = dosed.iloc[np.flatnonzero(keep)][["athlete", "date", "exercise",
                                                      "load_class", "dose"]]
        per = (
            loading.groupby(["athlete", "date", "exercise", "load_class"], observed=True)["dose"]
            .sum()
            .reset_index()
            .sort_values(["athlete", "date", "dose"], ascending=[True, True, False])
        )
        athletes = per["athlete"].to_numpy(dtype=object)
        dates = per["date"].to_numpy()
        bounds = group_bounds([athletes, dates])
        starts = bounds[:-1]
        rank = np.arange(len(per)) - np.repeat(starts, np.diff(bounds))
        label = (per["exercise"].astype("str") + " (" + per["load_class"].astype("str")
                 + ")").to_numpy(dtype=object)
        first = label[starts]
        for k in (1, 2):
            at = starts + k
            has = np.zeros(len(starts), dtype=bool)
            inside = at < bounds[1:]
            has[inside] = rank[at[inside]] == k
            first = np.where(has, first + ", " + label[np.minimum(at, len(label) - 1)], first)
        keys = zip(athletes[starts].tolist(), _dates(dates[starts]), strict=True)
        self._label: dict[tuple[str, dt.date], str] = dict(zip(keys, first, strict=True))
        self._span = dict(zip(self._label, zip(starts.tolist(), bounds[1:].tolist(),
                                               strict=True), strict=True))
        self._names = per["exercise"].astype("str").tolist()

    def names(self, athlete: str, days: Sequence[dt.date]) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for day in days:
            lo, hi = self._span.get((athlete, day), (0, 0))
            seen.update(dict.fromkeys(self._names[lo:hi]))
        return tuple(seen)

    def describe(self, athlete: str, days: Sequence[dt.date]) -> str:
        return "; ".join(
            f"{DAY_NAMES[day.weekday()]} {self._label.get((athlete, day), 'light loading')}"
            for day in days
        )


def _take_days(dates: pd.Series, lo: np.ndarray, hi: np.ndarray) -> list[list[dt.date]]:
    """dates[lo[i]:hi[i]] as lists of dates, converting only the rows asked for."""
    lengths = hi - lo
    idx = np.repeat(lo - np.cumsum(np.append(0, lengths[:-1])), lengths) + np.arange(
        lengths.sum())
    flat = _dates(dates.to_numpy()[idx])
    ends = np.cumsum(lengths)
    return [flat[a:b] for a, b in zip((ends - lengths).tolist(), ends.tolist(), strict=True)]


def _consecutive(days: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Runs of >= N consecutive loaded days, judged per week: a week is flagged when its own
    part of the run is >= N days long, or when a run of >= N days ends in it."""
    loaded = days["loaded"].to_numpy(dtype=bool)
    athlete = days["athlete"]
    new_athlete = athlete.ne(athlete.shift()).to_numpy()
    prev_loaded = np.append(False, loaded[:-1])
    starts = loaded & (~prev_loaded | new_athlete)
    d = days.loc[loaded, ["athlete", "date", "has_direct"]].reset_index(drop=True)
    if d.empty:
        return pd.DataFrame(columns=["athlete", "week_start", "days", "n_direct"])
    run = np.cumsum(starts)[loaded]
    week_start = _week_start(d["date"]).to_numpy()
    run_bounds = group_bounds([run])
    seg_bounds = group_bounds([run, week_start])
    seg_lo, seg_hi = seg_bounds[:-1], seg_bounds[1:]
    run_of_seg = np.searchsorted(run_bounds, seg_lo, side="right") - 1
    run_lo, run_hi = run_bounds[run_of_seg], run_bounds[run_of_seg + 1]
    ends = seg_hi == run_hi
    n = config.consecutive_days
    keep = ((seg_hi - seg_lo) >= n) | (ends & ((run_hi - run_lo) >= n))
    lo = np.where(ends, run_lo, seg_lo)[keep]
    hi = np.where(ends, run_hi, seg_hi)[keep]
    direct = np.append(0, np.cumsum(d["has_direct"].to_numpy(dtype="int64")))
    return pd.DataFrame({
        "athlete": d["athlete"].iloc[seg_lo[keep]].reset_index(drop=True),
        "week_start": pd.Series(week_start[seg_lo[keep]], dtype=d["date"].dtype),
        "days": pd.Series(_take_days(d["date"], lo, hi), dtype=object),
        "n_direct": pd.Series(direct[hi] - direct[lo], dtype="int64"),
    })


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
    hits = d[d["hit"] & d["prev_direct"].notna()].reset_index(drop=True)
    if hits.empty:
        return pd.DataFrame(columns=["athlete", "week_start", "days", "carried", "threshold"])
    hits["week_start"] = _week_start(hits["date"])
    # Chain hits whose earlier direct day is itself a hit (Mon-Tue-Wed is one flag), per week.
    chain_start = ~(
        hits["prev_direct"].eq(hits["date"].shift())
        & hits["athlete"].eq(hits["athlete"].shift())
        & hits["week_start"].eq(hits["week_start"].shift())
    )
    chain = chain_start.cumsum()
    first = np.flatnonzero(chain_start.to_numpy())
    stops = np.append(first[1:], len(hits)).tolist()
    hit_days = _dates(hits["date"].to_numpy())
    prev = _dates(hits["prev_direct"].to_numpy()[first])
    flagged = [[p, *hit_days[a:b]] for p, a, b in zip(prev, first.tolist(), stops, strict=True)]
    return pd.DataFrame({
        "athlete": hits["athlete"].iloc[first].reset_index(drop=True),
        "week_start": hits["week_start"].iloc[first].reset_index(drop=True),
        "days": pd.Series(flagged, dtype=object),
        "carried": hits["carried_direct"].groupby(chain, sort=True).max().to_numpy(),
        "threshold": hits["threshold"].to_numpy()[first],
    })


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
    codes, uniques = pd.factorize(notes)
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype="str")
    cleaned = distinct.str.replace(negation, " ", regex=True)
    hit = (distinct.str.len() > 0) & cleaned.str.contains(mention, regex=True)
    found = np.append(hit.to_numpy(dtype=bool, na_value=False), False)
    return pd.Series(found[codes], index=notes.index, name=notes.name, dtype=bool)


def _pain_rows(pain_sets: pd.DataFrame) -> list[tuple]:
    """One pain_note flag per athlete and week with a pain note (athletes by name, then
    weeks): the week's first note, its days and lifts."""
    if pain_sets.empty:
        return []
    athlete, names = pd.factorize(pain_sets["athlete"], sort=True)
    week = _week_start(pain_sets["date"]).to_numpy(dtype="datetime64[ns]")
    rows = np.flatnonzero((athlete >= 0) & ~np.isnat(week))
    rows = rows[np.lexsort((week[rows].view("int64"), athlete[rows]))]
    athlete, week = athlete[rows], week[rows]
    notes = pain_sets["notes"].to_numpy(dtype=object)[rows].tolist()
    dates = pain_sets["date"].to_numpy(dtype="datetime64[ns]")[rows]
    exercises = pain_sets["exercise"].to_numpy(dtype=object)[rows].tolist()
    bounds = group_bounds([athlete, week])
    out = []
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        note = str(notes[lo]).replace("\n", " ")
        snippet = note if len(note) <= 80 else note[:77] + "..."
        message = (
            f"A note mentions pain: \"{snippet}\". See a physiotherapist or physician if the "
            "pain is sharp, present at rest, or lasts beyond 1-2 weeks."
        )
        out.append((names[athlete[lo]], pd.Timestamp(week[lo]), "pain_note", "watch",
                    tuple(_dates(np.unique(dates[lo:hi]))),
                    tuple(dict.fromkeys(exercises[lo:hi])), message))
    return out


def find_flags(days: pd.DataFrame, dosed: pd.DataFrame, weeks: pd.DataFrame,
               config: Config) -> pd.DataFrame:
    """Every flag of every athlete, one row each (columns FLAG_COLUMNS)."""
    consecutive = _consecutive(days, config)
    short = _short_recovery(days, config)
    pain_sets = dosed[pain_mentions(dosed["notes"], config)]
    wanted = [*zip(consecutive["athlete"].tolist(), consecutive["days"].tolist(), strict=True),
              *zip(short["athlete"].tolist(), short["days"].tolist(), strict=True)]
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
        rows.append((athlete, week_start, "consecutive_days", severity, tuple(run_days),
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
        rows.append((athlete, week_start, "short_recovery", "overuse", tuple(flagged),
                     lifts.names(athlete, flagged), message))

    acwr = weeks.dropna(subset=["acwr"])
    acwr = acwr[acwr["acwr"] > config.acwr_watch]
    loaded_days = days.loc[days["loaded"], ["athlete", "date"]]
    loaded_weeks = (
        loaded_days.assign(week_start=_week_start(loaded_days["date"]))
        .merge(acwr[["athlete", "week_start"]], on=["athlete", "week_start"])
        .sort_values(["athlete", "week_start"], kind="stable")
        .reset_index(drop=True)
    )
    week_bounds = group_bounds([loaded_weeks["athlete"].to_numpy(dtype=object),
                           loaded_weeks["week_start"].to_numpy()])
    firsts = week_bounds[:-1]
    loaded_by_week = dict(zip(
        zip(loaded_weeks["athlete"].iloc[firsts].tolist(),
            pd.DatetimeIndex(loaded_weeks["week_start"].iloc[firsts]), strict=True),
        _take_days(loaded_weeks["date"], firsts, week_bounds[1:]),
        strict=True,
    ))
    for athlete, week_start, ratio, load in zip(acwr["athlete"], acwr["week_start"],
                                                acwr["acwr"], acwr["lower_back_load"],
                                                strict=True):
        severity = "overuse" if ratio > config.acwr_overuse else "watch"
        loaded = tuple(loaded_by_week.get((athlete, week_start), ()))
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
        rows.append((athlete, week_start, "high_monotony", "watch", (), (), message))

    rows.extend(_pain_rows(pain_sets))

    flags = pd.DataFrame(rows, columns=FLAG_COLUMNS)
    if flags.empty:
        return flags
    order = {"consecutive_days": 0, "short_recovery": 1, "acwr_spike": 2,
             "high_monotony": 3, "pain_note": 4}
    flags["order"] = flags["code"].map(order)
    return flags.sort_values(["athlete", "week_start", "order"]).drop(columns="order").reset_index(
        drop=True
    )
