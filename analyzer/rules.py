"""The flag rules: each defined once, here, and one engine that applies them.

The engine judges a `DayGrid`: series x calendar days (column 0 a Monday), one series per
athlete in an analysis and one per candidate week in the swap search, so the analysis, the
swap search, `backlog plan` and every renderer take their verdicts from the same code.
Each `Rule` holds its code, plain label, whether a schedule change can fix it, its advice,
how it finds its hits, how a hit's figures are worded, and the predicate those figures must
satisfy (`holds`, checked by a property test over random and real logs).

Thresholds come from `Config` (data/model.toml); docs/model.md, "## Flags", gives the rules
with their sources.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Final, Protocol, cast

import numpy as np

from analyzer import kernels
from analyzer.config import Config

WEEK: Final = 7
SEVERITIES: Final = ("info", "watch", "overuse")


@dataclass(frozen=True)
class DayGrid:
    """What the rules read, per series (rows) and calendar day (columns, column 0 a Monday).

    Per day: `dose` and `direct` (the lower-back dose of all lifts / of direct lifts),
    `hour` (clock hour of the first direct set, NaN when unknown), `back_pain` (a note names
    the lower back or pain without a body part), `other_pain` (pain elsewhere only), `valid`
    (the day is inside the series' calendar). Per series: the lifter's norms (`loaded_at`,
    `hard_at`, `heavy_at`, `usual_week`, see `model.athlete_norms`) and the state carried in
    from before column 0 (`chronic_raw`: the un-corrected chronic EWMA; `history`: days since
    the first dosed day; `idle`: days without a loaded day since the last one, inf when there
    was none). `judged`: the weeks (series x weeks) whose hits are reported."""

    dose: np.ndarray
    direct: np.ndarray
    hour: np.ndarray
    back_pain: np.ndarray
    other_pain: np.ndarray
    valid: np.ndarray
    loaded_at: np.ndarray
    hard_at: np.ndarray
    heavy_at: np.ndarray
    usual_week: np.ndarray
    chronic_raw: np.ndarray
    history: np.ndarray
    idle: np.ndarray
    judged: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.dose.shape  # type: ignore[return-value]

    @property
    def weeks(self) -> int:
        return self.shape[1] // WEEK

    @classmethod
    def stack(cls, grids: Sequence[DayGrid]) -> DayGrid:
        """One grid with the series of `grids` (of equal width) one after another."""
        if len(grids) == 1:
            return grids[0]
        return cls(
            **{f.name: np.concatenate([getattr(g, f.name) for g in grids]) for f in fields(cls)}
        )


@dataclass(frozen=True)
class Hit:
    """One flag the engine found: series row, week column, rule code, severity, the day
    columns it is about and the figures its message states (keys ending in `_day` are day
    columns)."""

    series: int
    week: int
    code: str
    severity: str
    days: tuple[int, ...]
    figures: Mapping[str, Any] = field(default_factory=dict)


def chronic_ewma(
    dose: np.ndarray, raw: np.ndarray, history: np.ndarray, span: int
) -> tuple[np.ndarray, np.ndarray]:
    """The bias-corrected EWMA of the daily dose (lambda = 2 / (span + 1), Williams 2017) on
    every day, and the days of history behind it, continuing from the carried `raw` state
    and `history` count (0, 0 at the start of a log): raw_t = (1 - l) raw_(t-1) + l x_t,
    n_t = n_(t-1) + 1 from the first dosed day on, ewma_t = raw_t / (1 - (1 - l)^n_t).
    The plain twin is `model.daily_series`' `chronic_now` (pandas' ewm), tested equal."""
    lam = 2.0 / (span + 1.0)
    rows, days = dose.shape
    out = np.empty((rows, days))
    count = np.empty((rows, days))
    r = raw.astype("float64").copy()
    n = history.astype("float64").copy()
    for t in range(days):
        x = dose[:, t]
        r = (1.0 - lam) * r + lam * x
        n = np.where((n > 0) | (x > 0), n + 1, 0)
        count[:, t] = n
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, t] = np.where(n > 0, r / (1.0 - (1.0 - lam) ** n), 0.0)
    return out, count


class Derived:
    """What several rules share, computed once per grid."""

    def __init__(
        self,
        g: DayGrid,
        config: Config,
        figures: bool = True,
        chronic: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self.g = g
        self.config = config
        self.figures = figures  # False: hits without days or figures (the swap search)
        rows, days = g.shape
        self.loaded = g.valid & (g.dose >= g.loaded_at[:, None])
        self.hard = g.valid & (g.direct >= g.hard_at[:, None])
        self.heavy = g.valid & (g.direct >= g.heavy_at[:, None])
        by_week = (rows, days // WEEK, WEEK)
        self.week_load = g.dose.reshape(by_week).sum(axis=2)
        self.loaded_count = self.loaded.reshape(by_week).sum(axis=2)
        if chronic is None:
            chronic = chronic_ewma(g.dose, g.chronic_raw, g.history, config.chronic_days)
        chronic_now, history = chronic
        # Chronic load and history at each week's previous Sunday (the carried state for
        # week 0).
        lam = 2.0 / (config.chronic_days + 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            carried = np.where(g.history > 0, g.chronic_raw / (1.0 - (1.0 - lam) ** g.history), 0.0)
        sundays = np.arange(WEEK - 1, days - WEEK, WEEK)
        self.chronic_before = np.column_stack([carried, chronic_now[:, sundays]])
        self.history_before = np.column_stack([g.history, history[:, sundays]])
        self.return_weeks: np.ndarray = np.zeros_like(self.week_load, dtype=bool)

    def ratio(self) -> tuple[np.ndarray, np.ndarray]:
        """(week load / (7 x chronic at the previous Sunday), whether it is defined)."""
        cfg = self.config
        defined = (self.history_before >= cfg.min_history_days) & (
            self.chronic_before >= cfg.acwr_min_chronic
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            value = self.week_load / (WEEK * self.chronic_before)
        return np.where(defined, value, np.nan), defined


def shown_above(value: float, limit: float) -> float:
    """`value` rounded to as few decimals (2 to 4) as keep it above `limit`, so a message
    never states a figure equal to its limit ("1.75, above 1.75")."""
    for places in (2, 3, 4):
        if round(value, places) > limit:
            return round(value, places)
    return value


def shown_below(value: float, places: int = 1) -> float:
    """`value` rounded down to `places` decimals (a gap of 35.96 h under a 36 h limit reads
    35.9 h, never 36 h)."""
    scale = 10**places
    return math.floor(value * scale) / scale


def hours_apart(c1: Any, c2: Any, h1: Any, h2: Any) -> Any:
    """Hours between sessions on day columns `c1` and `c2` at clock hours `h1` and `h2`
    (arrays or scalars): 24 h per day, plus the hours between the sessions when both times are
    known (a date-only log counts whole days)."""
    timed = ~np.isnan(h1) & ~np.isnan(h2)
    return 24.0 * (np.asarray(c2) - np.asarray(c1)) + np.where(timed, h2 - h1, 0.0)


def _brief(series: np.ndarray, week: np.ndarray, overuse: np.ndarray, code: str) -> list[Hit]:
    """One hit without days or figures per (series, week) run of the inputs (sorted by
    series, then week): overuse when any member is, else watch."""
    starts = kernels.group_bounds([series, week])[:-1]
    if not len(starts):
        return []
    severe = np.logical_or.reduceat(overuse, starts)
    return [
        Hit(row, w, code, "overuse" if o else "watch", ())
        for row, w, o in zip(
            series[starts].tolist(), week[starts].tolist(), severe.tolist(), strict=True
        )
    ]


def _hard_spacing(d: Derived) -> list[Hit]:
    g, cfg = d.g, d.config
    s, c = np.nonzero(d.hard)
    same = s[1:] == s[:-1]
    s, c1, c2 = s[:-1][same], c[:-1][same], c[1:][same]
    gap = hours_apart(c1, c2, g.hour[s, c1], g.hour[s, c2])
    over = gap < cfg.spacing_overuse_hours
    # Between the two sessions, did the lower back get a day off (no day at rest_dose or
    # more)? A standing press between rows and deadlifts keeps it working every day.
    worked = np.cumsum(np.pad(g.valid & (g.dose >= cfg.rest_dose), ((0, 0), (1, 0))), axis=1)
    no_rest = (c2 - c1 > 1) & (worked[s, c2] - worked[s, c1 + 1] == c2 - c1 - 1)
    # A chain: this session is the third (or later) hard one in a row with less than the watch
    # window between each (hinges every 48 h, Mon/Wed/Fri, never 72 h of rest).
    short = gap < cfg.spacing_watch_hours
    chained = short & np.r_[False, short[:-1] & (s[1:] == s[:-1]) & (c1[1:] == c2[:-1])]
    watch = ~over & short & (d.heavy[s, c1] | no_rest | chained)
    week = c2 // WEEK
    keep = (over | watch) & g.judged[s, week]
    s, c1, c2, gap, over, week = s[keep], c1[keep], c2[keep], gap[keep], over[keep], week[keep]
    no_rest, chained = no_rest[keep], chained[keep]
    if not d.figures:
        return _brief(s, week, over, "hard_spacing")
    # Per (series, week) run of pairs: the closest pair, among the run's overuse pairs when
    # it has any (ties: the earlier pair), and the days of all its pairs. The figures'
    # columns are converted once, then read per run.
    bounds = kernels.group_bounds([s, week])
    if len(bounds) < 2:
        return []
    severe = np.logical_or.reduceat(over, bounds[:-1])
    run = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
    k = np.lexsort((gap, ~over, run))[bounds[:-1]]
    row, first, second = s[k], c1[k], c2[k]
    timed = ~np.isnan(g.hour[row, first]) & ~np.isnan(g.hour[row, second])
    firsts, seconds = c1.tolist(), c2.tolist()
    runs = zip(
        row.tolist(),
        week[k].tolist(),
        severe.tolist(),
        bounds[:-1].tolist(),
        bounds[1:].tolist(),
        gap[k].tolist(),
        first.tolist(),
        second.tolist(),
        g.direct[row, first].tolist(),
        g.direct[row, second].tolist(),
        g.hard_at[row].tolist(),
        g.heavy_at[row].tolist(),
        timed.tolist(),
        no_rest[k].tolist(),
        chained[k].tolist(),
        strict=True,
    )
    hits = []
    for r, w, sev, lo, hi, closest, a, b, dose_a, dose_b, hard_at, heavy_at, t, nr, ch in runs:
        hits.append(
            Hit(
                r,
                w,
                "hard_spacing",
                "overuse" if sev else "watch",
                tuple(sorted({*firsts[lo:hi], *seconds[lo:hi]})),
                {
                    "gap_hours": shown_below(closest),
                    "limit_hours": cfg.spacing_overuse_hours if sev else cfg.spacing_watch_hours,
                    "first_day": a,
                    "second_day": b,
                    "first_dose": round(dose_a, 2),
                    "second_dose": round(dose_b, 2),
                    "hard_at": round(hard_at, 2),
                    "heavy_at": round(heavy_at, 2),
                    "timed": t,
                    "close_pairs": hi - lo,
                    "rest_between": not nr,
                    "chained": ch,
                },
            )
        )
    return hits


def _consecutive(d: Derived) -> list[Hit]:
    g, cfg = d.g, d.config
    rows, days = g.shape
    padded = np.zeros((rows, days + 1), dtype=bool)
    padded[:, :days] = d.loaded
    flat = padded.ravel()
    edges = np.diff(np.concatenate([[False], flat, [False]]).astype("int8"))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    long = (ends - starts) >= cfg.consecutive_days
    row, lo = np.divmod(starts[long], days + 1)
    hi = lo + (ends[long] - starts[long])
    # Each long run [lo, hi) as one segment per week it touches; the week where the run ends
    # judges the whole run, an earlier week only its own part, and only when that part alone
    # is long enough.
    touched = (hi - 1) // WEEK - lo // WEEK + 1
    run = np.repeat(np.arange(len(lo)), touched)
    week = lo[run] // WEEK + np.arange(len(run)) - np.repeat(np.cumsum(touched) - touched, touched)
    row, lo, hi = row[run], lo[run], hi[run]
    seg_lo, seg_hi = np.maximum(lo, week * WEEK), np.minimum(hi, (week + 1) * WEEK)
    ends_here = seg_hi == hi
    a, b = np.where(ends_here, lo, seg_lo), np.where(ends_here, hi, seg_hi)
    n = b - a
    hard_before = np.cumsum(np.pad(d.hard, ((0, 0), (1, 0))), axis=1)  # hard days before each
    hard = hard_before[row, b] - hard_before[row, a]
    overuse = (n >= cfg.consecutive_overuse_days) & (hard > 0)
    watch = ((n >= cfg.consecutive_days) & (hard > 0)) | (n >= cfg.consecutive_overuse_days)
    keep = g.judged[row, week] & ((seg_hi - seg_lo >= cfg.consecutive_days) | ends_here) & watch
    found = zip(
        row[keep].tolist(),
        week[keep].tolist(),
        overuse[keep].tolist(),
        a[keep].tolist(),
        b[keep].tolist(),
        hard[keep].tolist(),
        strict=True,
    )
    hits = []
    for r, w, severe, first, end, hard_days in found:
        severity = "overuse" if severe else "watch"
        if not d.figures:
            hits.append(Hit(r, w, "consecutive_days", severity, ()))
            continue
        hits.append(
            Hit(
                r,
                w,
                "consecutive_days",
                severity,
                tuple(range(first, end)),
                {
                    "run_days": end - first,
                    "hard_days": hard_days,
                    "first_day": first,
                    "last_day": end - 1,
                    "limit_days": cfg.consecutive_days - 1,
                    "loaded_at": round(float(g.loaded_at[r]), 2),
                    "min_day_dose": round(float(g.dose[r, first:end].min()), 2),
                },
            )
        )
    return hits


def _return_after_break(d: Derived) -> list[Hit]:
    g, cfg = d.g, d.config
    s, c = np.nonzero(d.loaded)
    if not len(s):
        return []
    first = np.append(True, s[1:] != s[:-1])
    previous = np.where(first, -g.idle[s] - 1, np.append(0, c[:-1]))
    gap = c - previous - 1
    back = np.isfinite(gap) & (gap >= cfg.break_days)
    hits = []
    for row, day, idle in zip(s[back].tolist(), c[back].tolist(), gap[back].tolist(), strict=True):
        first_week = day // WEEK
        for week in range(first_week, min(first_week + cfg.return_weeks, d.week_load.shape[1])):
            d.return_weeks[row, week] = True
            load = float(d.week_load[row, week])
            limit = cfg.return_fraction * float(g.usual_week[row])
            if (
                not g.judged[row, week]
                or load < limit
                or d.loaded_count[row, week] < cfg.return_min_loaded_days
            ):
                continue
            hits.append(
                Hit(
                    row,
                    week,
                    "return_after_break",
                    "watch",
                    tuple(
                        (
                            np.flatnonzero(d.loaded[row, week * WEEK : (week + 1) * WEEK])
                            + week * WEEK
                        ).tolist()
                    ),
                    {
                        "break_days": int(idle),
                        "return_day": day,
                        "load": round(load, 1),
                        "usual_week": round(float(g.usual_week[row]), 1),
                        "limit": round(limit, 1),
                        "loaded_days": int(d.loaded_count[row, week]),
                    },
                )
            )
    return hits


def _acwr_spike(d: Derived) -> list[Hit]:
    g, cfg = d.g, d.config
    ratio, defined = d.ratio()
    hit = (
        defined
        & (ratio > cfg.acwr_watch)
        & (d.loaded_count >= cfg.acwr_min_loaded_days)
        & (d.week_load >= g.usual_week[:, None])
        & ~d.return_weeks
        & g.judged
    )
    if not d.figures:
        rows_, weeks_ = np.nonzero(hit)
        return [
            Hit(r, w, "acwr_spike", "watch", ())
            for r, w in zip(rows_.tolist(), weeks_.tolist(), strict=True)
        ]
    hits = []
    for row, week in zip(*np.nonzero(hit), strict=True):
        loaded = np.flatnonzero(d.loaded[row, week * WEEK : (week + 1) * WEEK]) + week * WEEK
        hits.append(
            Hit(
                int(row),
                int(week),
                "acwr_spike",
                "watch",
                tuple(loaded.tolist()),
                {
                    "ratio": shown_above(float(ratio[row, week]), cfg.acwr_watch),
                    "limit": cfg.acwr_watch,
                    "load": round(float(d.week_load[row, week]), 1),
                    "chronic_week": round(float(WEEK * d.chronic_before[row, week]), 1),
                    "usual_week": round(float(g.usual_week[row]), 1),
                    "loaded_days": int(d.loaded_count[row, week]),
                },
            )
        )
    return hits


def _pain_note(d: Derived) -> list[Hit]:
    g = d.g
    rows, days = g.shape
    by_week = (rows, days // WEEK, WEEK)
    back = cast(np.ndarray, g.back_pain.reshape(by_week).any(axis=2))  # 3-D in: an array out
    other = g.other_pain.reshape(by_week).any(axis=2)
    hits = []
    for row, week in zip(*np.nonzero((back | other) & g.judged), strict=True):
        span = slice(week * WEEK, (week + 1) * WEEK)
        is_back = bool(back[row, week])
        marks = g.back_pain[row, span] if is_back else g.other_pain[row, span]
        days_ = (np.flatnonzero(marks) + week * WEEK).tolist()
        hits.append(
            Hit(
                int(row),
                int(week),
                "pain_note",
                "watch" if is_back else "info",
                tuple(days_),
                {"note_day": days_[0], "region": "lower_back" if is_back else "other"},
            )
        )
    return hits


def _pain_followup(d: Derived) -> list[Hit]:
    g, cfg = d.g, d.config
    rows, days = g.shape
    found: dict[tuple[int, int], tuple[int, list[int]]] = {}
    for row, note in zip(*np.nonzero(g.back_pain), strict=True):
        hard = np.flatnonzero(d.hard[row, note + 1 : note + 1 + cfg.pain_followup_days]) + note + 1
        for day in hard.tolist():
            week = day // WEEK
            if g.judged[row, week]:
                entry = found.setdefault((int(row), week), (int(note), []))
                entry[1].append(day)
    return [
        Hit(
            row,
            week,
            "pain_followup",
            "watch",
            tuple(sorted(set(hard_days))),
            {
                "note_day": note,
                "hard_day": min(hard_days),
                "days_after": min(hard_days) - note,
                "window_days": cfg.pain_followup_days,
            },
        )
        for (row, week), (note, hard_days) in sorted(found.items())
    ]


class DayText(Protocol):
    """How a message names a day column of a series, its lifts and its note."""

    def day(self, series: int, column: int) -> str: ...
    def lifts(self, series: int, column: int) -> str: ...
    def note(self, series: int, column: int) -> str: ...


def plural(n: float, word: str) -> str:
    """ "1 day", "2 days", "1.5 days"."""
    return f"{n:g} {word}" if n == 1 else f"{n:g} {word}s"


def _hours(h: float) -> str:
    return f"{h:.0f} h" if float(h).is_integer() else f"{h:.1f} h"


def _spacing_message(f: Mapping[str, Any], t: DayText, s: int) -> str:
    first, second = f["first_day"], f["second_day"]
    more = f["close_pairs"] - 1
    tail = f" (and {plural(more, 'more close pair')})" if more > 0 else ""
    if f["limit_hours"] <= 48:
        need = "allow about 48 h between hard hinge sessions"
    elif not f["rest_between"]:
        need = "the lower back had no day off between them; allow about 72 h or a rest day"
    elif f.get("chained"):
        need = (
            "the third hard hinge session in a row without 72 h between them; allow about "
            "72 h once, or make one of them light"
        )
    else:
        need = "after a heavy hinge session allow about 72 h"
    return (
        f"Hard direct lower-back sessions {_hours(f['gap_hours'])} apart (limit "
        f"{_hours(f['limit_hours'])}): {t.day(s, first)} ({t.lifts(s, first)}) and "
        f"{t.day(s, second)} ({t.lifts(s, second)}){tail}; {need}."
    )


def _consecutive_message(f: Mapping[str, Any], t: DayText, s: int) -> str:
    days = range(f["first_day"], f["last_day"] + 1)
    detail = "; ".join(f"{t.day(s, c).split()[0]} {t.lifts(s, c)}" for c in days)
    hard = f["hard_days"]
    return (
        f"Lower back loaded {plural(f['run_days'], 'day')} in a row "
        f"({t.day(s, f['first_day'])} to {t.day(s, f['last_day'])}; limit "
        f"{f['limit_days']}): {detail}. {hard} of them "
        f"{'is a hard direct day' if hard == 1 else 'are hard direct days'}."
    )


def _acwr_message(f: Mapping[str, Any], t: DayText, s: int) -> str:
    return (
        f"This week's lower-back load {f['load']:.1f} is {f['ratio']:g} times the "
        f"recent weekly average {f['chronic_week']:.1f} (above {f['limit']:g}) over "
        f"{plural(f['loaded_days'], 'loaded day')}. A warning sign, not a prediction."
    )


def _return_message(f: Mapping[str, Any], t: DayText, s: int) -> str:
    weeks = f["break_days"] / 7
    span = plural(round(weeks), "week") if f["break_days"] >= 21 else plural(f["break_days"], "day")
    return (
        f"First weeks back after {span} without lower-back training (back on "
        f"{t.day(s, f['return_day'])}): this week's lower-back load {f['load']:.1f} is "
        f"{f['load'] / f['usual_week']:.0%} of the usual week {f['usual_week']:.1f}."
    )


def _pain_message(f: Mapping[str, Any], t: DayText, s: int) -> str:
    note = t.note(s, f["note_day"])
    if f["region"] == "lower_back":
        return (
            f'A note mentions lower-back pain or discomfort: "{note}". See a '
            "physiotherapist or physician if the pain is sharp, present at rest, spreads "
            "into the leg, or lasts beyond 1-2 weeks."
        )
    return (
        f'A note mentions pain elsewhere: "{note}". Not a lower-back flag; see a '
        "professional if it persists."
    )


def _followup_message(f: Mapping[str, Any], t: DayText, s: int) -> str:
    return (
        f"Hard direct lower-back work on {t.day(s, f['hard_day'])} "
        f"({t.lifts(s, f['hard_day'])}), {plural(f['days_after'], 'day')} after a "
        f"lower-back pain note ({t.day(s, f['note_day'])}). Keep hinges light and "
        "pain-free until the note is resolved; see a professional if the pain returns."
    )


@dataclass(frozen=True)
class Rule:
    """One flag rule (see the module docstring)."""

    code: str
    label: str
    fixable: bool
    advice: str
    detect: Callable[[Derived], list[Hit]]
    message: Callable[[Mapping[str, Any], DayText, int], str]
    holds: Callable[[Hit, Config], bool]


def _holds_spacing(h: Hit, c: Config) -> bool:
    f = h.figures
    limit = c.spacing_overuse_hours if h.severity == "overuse" else c.spacing_watch_hours
    return (
        f["limit_hours"] == limit
        and f["gap_hours"] < limit
        and f["first_dose"] >= f["hard_at"]
        and f["second_dose"] >= f["hard_at"]
        and f["second_day"] > f["first_day"]
        and (
            h.severity == "overuse"
            or f["first_dose"] >= f["heavy_at"]
            or not f["rest_between"]
            or f["chained"]
        )
    )


def _holds_consecutive(h: Hit, c: Config) -> bool:
    f = h.figures
    n = f["run_days"]
    ok = n == f["last_day"] - f["first_day"] + 1 == len(h.days) and f["min_day_dose"] >= (
        f["loaded_at"] - 0.005
    )
    if h.severity == "overuse":
        return ok and n >= c.consecutive_overuse_days and f["hard_days"] >= 1
    return ok and (
        (n >= c.consecutive_days and f["hard_days"] >= 1) or n >= c.consecutive_overuse_days
    )


RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "consecutive_days",
        "loaded days in a row",
        True,
        "Break the run of loaded days: put a day with no lower-back load (rest, or upper "
        "body on supported machines) inside it.",
        _consecutive,
        _consecutive_message,
        _holds_consecutive,
    ),
    Rule(
        "hard_spacing",
        "hard back sessions too close",
        True,
        "Leave about 48 h between hard direct sessions (deadlifts, good mornings, rows, back "
        "extensions), and about 72 h after a heavy one: move one, or make one lighter.",
        _hard_spacing,
        _spacing_message,
        _holds_spacing,
    ),
    Rule(
        "return_after_break",
        "back after a break",
        True,
        "For the first 1-2 weeks back, train at 50-70% of the usual volume and keep the "
        "lifts; build back up over the following weeks.",
        _return_after_break,
        _return_message,
        lambda h, c: (
            h.figures["break_days"] >= c.break_days
            and h.figures["loaded_days"] >= c.return_min_loaded_days
            and h.figures["load"] >= h.figures["limit"] - 0.05
        ),
    ),
    Rule(
        "acwr_spike",
        "load rose fast",
        True,
        "Bring the week's lower-back volume back toward the last month's level; add load "
        "over several weeks.",
        _acwr_spike,
        _acwr_message,
        lambda h, c: (
            h.figures["ratio"] > c.acwr_watch
            and h.figures["loaded_days"] >= c.acwr_min_loaded_days
            and h.figures["load"] >= h.figures["usual_week"] - 0.05
        ),
    ),
    Rule(
        "pain_note",
        "pain noted",
        False,
        "Pain is for a professional to assess, not a schedule change.",
        _pain_note,
        _pain_message,
        lambda h, c: h.severity == ("watch" if h.figures["region"] == "lower_back" else "info"),
    ),
    Rule(
        "pain_followup",
        "hard back work after a pain note",
        False,
        "Keep direct lower-back work light until the pain is gone, and see a professional if "
        "it comes back.",
        _pain_followup,
        _followup_message,
        lambda h, c: 0 < h.figures["days_after"] <= c.pain_followup_days,
    ),
)

BY_CODE: Final[Mapping[str, Rule]] = {r.code: r for r in RULES}
#: Codes a schedule change (swap, move, reduction) can clear.
FIXABLE: Final = frozenset(r.code for r in RULES if r.fixable)
ORDER: Final[Mapping[str, int]] = {r.code: i for i, r in enumerate(RULES)}
SEVERITY_RANK: Final[Mapping[str, int]] = {s: i for i, s in enumerate(SEVERITIES)}


def evaluate(
    grid: DayGrid,
    config: Config,
    *,
    figures: bool = True,
    chronic: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[Hit]:
    """Every hit of every rule in the judged weeks of `grid`, by series, week and rule order.
    The return rule runs before the ratio rule: a return week is judged as a return, not as
    a spike. `figures=False` leaves out each hit's days and figures (the swap search needs
    only the verdicts). `chronic`: `chronic_ewma` of this grid with its carried state, when
    the caller has it already (else computed here)."""
    derived = Derived(grid, config, figures, chronic)
    hits = [h for rule in RULES for h in rule.detect(derived)]
    if figures:
        hits.sort(key=lambda h: (h.series, h.week, ORDER[h.code]))
    return hits


def week_ratio(grid: DayGrid, config: Config) -> np.ndarray:
    """The acute:chronic ratio each week is judged on (NaN where undefined)."""
    return Derived(grid, config).ratio()[0]


def day_columns(figures: Mapping[str, Any]) -> Sequence[str]:
    """The figure names that hold day columns (names ending in `_day`)."""
    return _day_names(tuple(figures))


@functools.cache
def _day_names(names: tuple[str, ...]) -> tuple[str, ...]:
    # A rule names its figures alike on every hit: each set of names is read once.
    return tuple(k for k in names if k.endswith("_day"))


def dated_figures(figures: Mapping[str, Any], iso_date: Callable[[int], str]) -> dict[str, Any]:
    """`figures` with day columns as ISO dates (`iso_date`: a day column's date, ISO)."""
    out = dict(figures)
    for k in day_columns(figures):
        out[k] = iso_date(int(figures[k]))
    return out
