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
    key = date_ns // DAY_NS
    key += 200_000  # non-negative for every datetime64[ns] date
    key += athlete * np.int64(400_000)
    key[(athlete < 0) | (date_ns == np.iinfo("int64").min)] = -1
    return key


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
    the days of flags only: one grouped sum, then per flag its days' description and the
    names of its lifts (`describe[i]`, `names[i]`, flags in the order given)."""

    def __init__(self, dosed: pd.DataFrame, athletes: list[str], lengths: np.ndarray,
                 days_ns: np.ndarray) -> None:
        """Flag i is `athletes[i]`'s `lengths[i]` days (datetime64[ns] as int64) that follow in
        `days_ns`."""
        # The loading sets of the wanted days, in table order (what an inner merge with the
        # wanted days keeps).
        codes, names = pd.factorize(dosed["athlete"])
        index = {name: i for i, name in enumerate(names)}
        athlete = np.repeat(np.array([index.get(a, -1) for a in athletes], dtype="int64"),
                            lengths)
        wanted_keys = _day_keys(athlete, days_ns)
        keys = _day_keys(codes, dosed["date"].to_numpy(dtype="datetime64[ns]").view("int64"))
        del codes
        keep = pd.Index(keys).isin(wanted_keys[wanted_keys >= 0])
        del keys
        keep &= dosed["dose"].to_numpy(dtype="float64") > 0
        loading = dosed[["athlete", "date", "exercise", "load_class", "dose"]].iloc[
            np.flatnonzero(keep)]
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
        # Each wanted day's group (-1: no loading set that day), by (athlete code, day) key.
        group_athlete = np.array([index[a] for a in athletes[starts].tolist()], dtype="int64")
        group = pd.Index(_day_keys(group_athlete, dates[starts].astype("datetime64[ns]").view(
            "int64"))).get_indexer(wanted_keys)
        found = group >= 0
        flag = np.repeat(np.arange(len(lengths)), lengths)
        # "Mon squat (direct), ...; Tue light loading" per flag.
        weekday = (days_ns // DAY_NS + 3) % 7  # 1970-01-01 was a Thursday
        text = (np.array([f"{d} " for d in DAY_NAMES], dtype=object)[weekday]
                + np.append(first, "light loading")[group]).tolist()
        self.describe = ["; ".join(part) for part in _split(text, lengths)]
        # The names of each flag's lifts, day by day, each once.
        lo, hi = starts[group[found]], bounds[1:][group[found]]
        counts = hi - lo
        rows = np.repeat(lo - np.cumsum(np.append(0, counts[:-1])), counts) + np.arange(
            counts.sum())
        exercise, exercises = pd.factorize(per["exercise"].astype("str"))
        of_flag = np.repeat(flag[found], counts)
        exercise = exercise[rows]
        first_seen = ~pd.Series(of_flag * np.int64(len(exercises) + 1) + exercise).duplicated(
            ).to_numpy()
        names = np.asarray(exercises, dtype=object)[exercise[first_seen]].tolist()
        self.names = [tuple(part) for part in _split(
            names, np.bincount(of_flag[first_seen], minlength=len(lengths)))]


def _split(values: list, lengths: np.ndarray) -> list[list]:
    """`values` cut into consecutive pieces of `lengths`."""
    ends = np.cumsum(lengths).tolist()
    return [values[lo:hi] for lo, hi in zip([0, *ends][:-1], ends, strict=True)]


def _take_days(dates: pd.Series, lo: np.ndarray, hi: np.ndarray
               ) -> tuple[list[list[dt.date]], np.ndarray]:
    """dates[lo[i]:hi[i]] as lists of dates, converting only the rows asked for; and all of
    them in one datetime64[ns] array (as int64)."""
    lengths = hi - lo
    idx = np.repeat(lo - np.cumsum(np.append(0, lengths[:-1])), lengths) + np.arange(
        lengths.sum())
    taken = dates.to_numpy(dtype="datetime64[ns]")[idx]
    flat = _dates(taken)
    ends = np.cumsum(lengths)
    return ([flat[a:b] for a, b in zip((ends - lengths).tolist(), ends.tolist(), strict=True)],
            taken.view("int64"))


def _consecutive(days: pd.DataFrame, config: Config) -> tuple[pd.DataFrame, np.ndarray]:
    """Runs of >= N consecutive loaded days, judged per week: a week is flagged when its own
    part of the run is >= N days long, or when a run of >= N days ends in it. Also every
    flag's days in one datetime64[ns] array (as int64)."""
    loaded = days["loaded"].to_numpy(dtype=bool)
    athlete = days["athlete"]
    new_athlete = athlete.ne(athlete.shift()).to_numpy()
    prev_loaded = np.append(False, loaded[:-1])
    starts = loaded & (~prev_loaded | new_athlete)
    d = days.loc[loaded, ["athlete", "date", "has_direct"]].reset_index(drop=True)
    if d.empty:
        return (pd.DataFrame(columns=["athlete", "week_start", "days", "n_direct"]),
                np.empty(0, dtype="int64"))
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
    run_days, days_ns = _take_days(d["date"], lo, hi)
    return pd.DataFrame({
        "athlete": d["athlete"].iloc[seg_lo[keep]].reset_index(drop=True),
        "week_start": pd.Series(week_start[seg_lo[keep]], dtype=d["date"].dtype),
        "days": pd.Series(run_days, dtype=object),
        "n_direct": pd.Series(direct[hi] - direct[lo], dtype="int64"),
    }), days_ns


def _short_recovery(days: pd.DataFrame, config: Config) -> tuple[pd.DataFrame, np.ndarray]:
    """Direct days that come while the lower back still carries an earlier direct day: the day
    before was a direct day, or the carried direct-load state is above the threshold. Also
    every flag's days in one datetime64[ns] array (as int64)."""
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
        return (pd.DataFrame(columns=["athlete", "week_start", "days", "carried", "threshold"]),
                np.empty(0, dtype="int64"))
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
    hit_ns = hits["date"].to_numpy(dtype="datetime64[ns]")
    prev_ns = hits["prev_direct"].to_numpy(dtype="datetime64[ns]")[first]
    hit_days = _dates(hit_ns)
    prev = _dates(prev_ns)
    flagged = [[p, *hit_days[a:b]] for p, a, b in zip(prev, first.tolist(), stops, strict=True)]
    # Each flag's earlier direct day, then its hits.
    days_ns = np.insert(hit_ns.view("int64"), first, prev_ns.view("int64"))
    return pd.DataFrame({
        "athlete": hits["athlete"].iloc[first].reset_index(drop=True),
        "week_start": hits["week_start"].iloc[first].reset_index(drop=True),
        "days": pd.Series(flagged, dtype=object),
        "carried": hits["carried_direct"].groupby(chain, sort=True).max().to_numpy(),
        "threshold": hits["threshold"].to_numpy()[first],
    }), days_ns


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
    consecutive, consecutive_ns = _consecutive(days, config)
    short, short_ns = _short_recovery(days, config)
    pain_sets = dosed[pain_mentions(dosed["notes"], config)]
    lifts = _DayLifts(
        dosed, [*consecutive["athlete"].tolist(), *short["athlete"].tolist()],
        np.array([len(x) for x in (*consecutive["days"], *short["days"])], dtype="int64"),
        np.concatenate([consecutive_ns, short_ns]))
    rows: list[tuple] = []

    described = iter(zip(lifts.describe, lifts.names, strict=True))
    for athlete, week_start, run_days, n_direct in zip(
        consecutive["athlete"], consecutive["week_start"], consecutive["days"],
        consecutive["n_direct"], strict=True,
    ):
        description, names = next(described)
        n = len(run_days)
        severity = "overuse" if n_direct else "watch"
        message = (
            f"Lower back loaded {n} days in a row ({_day(run_days[0])} to {_day(run_days[-1])}; "
            f"limit {config.consecutive_days - 1}): {description}. "
            f"{n_direct} of them with direct load."
        )
        rows.append((athlete, week_start, "consecutive_days", severity, tuple(run_days),
                     names, message))

    for athlete, week_start, flagged, carried, threshold in zip(
        short["athlete"], short["week_start"], short["days"], short["carried"],
        short["threshold"], strict=True,
    ):
        description, names = next(described)
        gaps = [(b - a).days for a, b in zip(flagged, flagged[1:], strict=False)]
        message = (
            f"Direct lower-back work on {', '.join(_day(x) for x in flagged)} "
            f"({'1 day' if min(gaps) == 1 else f'{min(gaps)} days'} apart): "
            f"{description}. Carried-over direct load {carried:.1f} "
            f"vs limit {threshold:.1f} (half of a typical direct day); allow 48-72 h between "
            "heavy hinge days."
        )
        rows.append((athlete, week_start, "short_recovery", "overuse", tuple(flagged),
                     names, message))

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
        _take_days(loaded_weeks["date"], firsts, week_bounds[1:])[0],
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
