"""Fast re-simulation of one athlete's week for the swap search.

The swap search judges up to a few hundred edited versions of a week. Running the whole
pandas model (`model.daily_series`, `model.weekly_series`, `flags.find_flags`) for each
batch costs ~0.1 s of fixed pandas overhead; this module computes the same decisions with
numpy on a days x candidates matrix:

- the history before the week is the same for every candidate, so its daily doses and the
  exponentially weighted states are computed once per week, and only the week and the
  following week are recomputed per candidate;
- daily and weekly sums go through the same pandas groupby reductions as the model (one call
  for all candidates), so every dose, load and ratio is the same float as the model's;
- the EWMA recursion replays pandas' `ewm(adjust=False)` step by step (same operations in the
  same order), and `_decayed_sum` / `_bias_corrected_ewm` use the model's formulas;
- the flag rules (`consecutive_days`, `short_recovery`, `acwr_spike`, `high_monotony`,
  `pain_note`) are applied to the per-day booleans (loaded, direct, carried load above the
  threshold) of the days the flag stage would see.

`tests/test_swaps.py` checks that this path and the model path give identical outcomes for
every candidate of every flagged week of the samples and the real logs. It covers the
default `warmup_fraction = 0` only; with warm-ups counted the search uses the model path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from analyzer.config import Config

WEEK = 7
#: Days the flag stage looks back before the week (kept whole by the swap search).
LOOKBACK = 7
DAY_NS = 86_400_000_000_000
#: Weekday (Monday 0) of 1970-01-01, day 0 of the nanosecond clock.
EPOCH_WEEKDAY = 3


@dataclass(frozen=True)
class History:
    """The rows around a week that its candidates share (history before it, the week after
    it), in the order the model's table holds them: date (int64 ns), dose, whether the row is
    a direct lift and whether it is a working set."""

    ns: np.ndarray
    dose: np.ndarray
    direct: np.ndarray
    working: np.ndarray

    @classmethod
    def of(cls, rows: pd.DataFrame) -> History:
        """From a dosed table."""
        return cls(ns=rows["date"].to_numpy(dtype="datetime64[ns]").view("int64"),
                   dose=rows["dose"].to_numpy(dtype="float64"),
                   direct=rows["load_class"].astype("str").eq("direct").to_numpy(dtype=bool),
                   working=rows["set_type"].astype("str").ne("warmup").to_numpy(dtype=bool))


def _ewm_params(alpha: float) -> tuple[float, float]:
    """(old weight, new weight) of pandas' ewm(adjust=False) for `alpha` (via its com)."""
    com = (1.0 - alpha) / alpha
    a = 1.0 / (1.0 + com)
    return 1.0 - a, a


def _ewm(values: np.ndarray, alpha: float, state: np.ndarray | None) -> np.ndarray:
    """pandas' ewm(adjust=False).mean() along axis 1, continuing from `state` (the previous
    day's value; None: the first column starts the series)."""
    old, new = _ewm_params(alpha)
    out = np.empty_like(values)
    start = 0
    if state is None:
        w = values[:, 0].copy()
        out[:, 0] = w
        start = 1
    else:
        w = state.copy()
    for k in range(start, values.shape[1]):
        cur = values[:, k]
        stepped = (old * w + new * cur) / (old + new)
        w = np.where(w != cur, stepped, w)
        out[:, k] = w
    return out


def _ewm_row(values: np.ndarray, alpha: float) -> np.ndarray:
    """`_ewm` of one series from its first value, as a 1 x n array (the history before a
    week: a Python float loop is far cheaper than numpy steps on one-element arrays, and
    does the same IEEE double operations)."""
    old, new = _ewm_params(alpha)
    series = values.tolist()
    out = list(series)
    w = series[0]
    for k in range(1, len(series)):
        cur = series[k]
        if w != cur:
            w = (old * w + new * cur) / (old + new)
        out[k] = w
    return np.array(out, dtype="float64")[None, :]


@dataclass
class _Series:
    """The model's per-day quantities that the flags read, over the whole day axis."""

    ewm_direct: np.ndarray
    ewm_acute: np.ndarray
    ewm_chronic: np.ndarray


@dataclass(frozen=True)
class WeekBoxes:
    """What the fast path returns per candidate (arrays over candidates)."""

    flags: list[tuple[tuple[str, str], ...]]
    load: np.ndarray
    loaded_days: np.ndarray
    longest_run: np.ndarray
    next_overuse: np.ndarray


FIXABLE = frozenset({"consecutive_days", "short_recovery", "acwr_spike", "high_monotony"})


@lru_cache(maxsize=65536)
def _pattern_flags(loaded: int, direct: int, over: int, n_days: int, week_at: int,
                   run_min: int) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """consecutive_days and short_recovery flags (code, severity) of the week starting at day
    `week_at` and of the week after it, from bit patterns over `n_days` days (bit i = day i,
    day 0 a Monday): loaded days, direct days, and days whose carried direct load is above
    the short-recovery threshold. Mirrors flags._consecutive and flags._short_recovery."""
    is_loaded = [bool(loaded >> i & 1) for i in range(n_days)]
    is_direct = [bool(direct >> i & 1) for i in range(n_days)]
    is_over = [bool(over >> i & 1) for i in range(n_days)]
    out: dict[int, list[tuple[str, str]]] = {week_at: [], week_at + WEEK: []}
    # Runs of loaded days, split by week.
    i = 0
    while i < n_days:
        if not is_loaded[i]:
            i += 1
            continue
        j = i
        while j + 1 < n_days and is_loaded[j + 1]:
            j += 1
        run_len = j - i + 1
        for ws in range(i - i % WEEK, j + 1, WEEK):
            seg = range(max(i, ws), min(j, ws + WEEK - 1) + 1)
            ends = seg[-1] == j
            if ws not in out or not (len(seg) >= run_min or (ends and run_len >= run_min)):
                continue
            days = range(i, j + 1) if ends else seg
            severity = "overuse" if any(is_direct[d] for d in days) else "watch"
            out[ws].append(("consecutive_days", severity))
        i = j + 1
    # Direct days while an earlier direct day is still carried; chains within a week.
    prev_direct = -1
    last_hit: tuple[int, int] | None = None  # (day, week start) of the previous hit
    last_direct_before: int = -1
    for d in range(n_days):
        if is_direct[d]:
            hit = prev_direct >= 0 and ((d > 0 and is_direct[d - 1]) or is_over[d])
            if hit:
                ws = d - d % WEEK
                chained = (last_hit is not None and last_hit == (prev_direct, ws))
                if not chained and ws in out:
                    out[ws].append(("short_recovery", "overuse"))
                last_hit = (d, ws)
            last_direct_before = d
            prev_direct = last_direct_before
    return tuple(out[week_at]), tuple(out[week_at + WEEK])


class FastWeek:
    """The history of one flagged week, prepared once; `judge` evaluates candidate weeks."""

    def __init__(self, history: History, week_start: pd.Timestamp, repeat_week: bool,
                 reference: float, config: Config) -> None:
        self.config = config
        self.week_start = week_start
        self.repeat_week = repeat_week
        ref = reference if np.isfinite(reference) else config.min_loaded_dose
        self.threshold = config.short_recovery_fraction * ref
        start_ns = pd.Timestamp(week_start).value
        before = history.ns[history.ns < start_ns]
        if len(before):
            first = int(before.min())
            weekday = (first // DAY_NS + EPOCH_WEEKDAY) % WEEK
            cal_start = first - weekday * DAY_NS
        else:
            cal_start = start_ns
        self.prefix = (start_ns - cal_start) // DAY_NS
        working = history.working
        key = (history.ns[working] - cal_start) // DAY_NS
        self.rest_contiguous = contiguous(key)
        n_days = self.prefix + 2 * WEEK
        values = history.dose[working]
        is_direct = history.direct[working]
        self._rest_sums = {
            kahan: sum_by_day(key, values, is_direct, n_days, kahan)
            for kahan in ((True, False) if self.rest_contiguous else (True,))
        }
        self._history_for(kahan=True)

    def _history_for(self, *, kahan: bool) -> None:
        """Daily doses and EWMA states of the history, summed one way or the other."""
        dose, direct = self._rest_sums[kahan]
        self.kahan = kahan
        self.pre_dose, self.pre_direct = dose[: self.prefix], direct[: self.prefix]
        self.next_dose = dose[self.prefix + WEEK:]
        self.next_direct = direct[self.prefix + WEEK:]
        cfg = self.config
        self.lam_a = 2.0 / (cfg.acute_days + 1.0)
        self.lam_c = 2.0 / (cfg.chronic_days + 1.0)
        self.alphas = (1.0 - cfg.daily_decay, 1.0 - (1.0 - self.lam_a),
                       1.0 - (1.0 - self.lam_c))
        self.pre_states: tuple[np.ndarray, ...] | None = None
        self.pre_outputs: tuple[np.ndarray, ...] = ()
        if self.prefix:
            outs = (_ewm_row(self.pre_direct, self.alphas[0]),
                    _ewm_row(self.pre_dose, self.alphas[1]),
                    _ewm_row(self.pre_dose, self.alphas[2]))
            self.pre_outputs = outs
            self.pre_states = tuple(o[:, -1] for o in outs)
        loaded_before = np.flatnonzero(self.pre_dose > 0)
        self.first_loaded = int(loaded_before[0]) if len(loaded_before) else -1

    def judge(self, key: np.ndarray, dose: np.ndarray, direct: np.ndarray, pain: np.ndarray
              ) -> WeekBoxes:
        """Outcomes for candidates whose counted week rows have day `key` (candidate x 7 +
        weekday), `dose` and `direct` class, and whether a kept set's note mentions pain
        (`pain`: one per candidate)."""
        cfg = self.config
        n = len(pain)
        kahan = not (self.rest_contiguous and contiguous(key))
        if kahan != self.kahan:
            self._history_for(kahan=kahan)
        daily, daily_direct = sum_by_day(key, dose, direct, n * WEEK, kahan)
        dose, direct = daily.reshape(n, WEEK), daily_direct.reshape(n, WEEK)
        if self.repeat_week:
            nxt_dose, nxt_direct = dose, direct
        else:
            nxt_dose = np.broadcast_to(self.next_dose, (n, WEEK))
            nxt_direct = np.broadcast_to(self.next_direct, (n, WEEK))
        tail_dose = np.concatenate([dose, nxt_dose], axis=1)
        tail_direct = np.concatenate([direct, nxt_direct], axis=1)
        p = self.prefix
        n_days = p + 2 * WEEK
        full_dose = np.concatenate([np.broadcast_to(self.pre_dose, (n, p)), tail_dose], axis=1)
        full_direct = np.concatenate([np.broadcast_to(self.pre_direct, (n, p)), tail_direct],
                                     axis=1)
        states = self.pre_states
        ys = []
        for k, values in enumerate((full_direct, full_dose, full_dose)):
            tail = _ewm(values[:, p:], self.alphas[k],
                        None if states is None else np.broadcast_to(states[k], (n,)))
            pre = (np.broadcast_to(self.pre_outputs[k], (n, p)) if p
                   else np.empty((n, 0)))
            ys.append(np.concatenate([pre, tail], axis=1))
        position = np.arange(n_days)

        def decayed(y: np.ndarray, values: np.ndarray, decay: float) -> np.ndarray:
            alpha = 1.0 - decay
            return (y - np.power(decay, position + 1) * values[:, :1]) / alpha

        decay = cfg.daily_decay
        direct_state = decayed(ys[0], full_direct, decay)
        carried = np.zeros((n, n_days))
        carried[:, 1:] = direct_state[:, :-1] * decay
        # First day with any dose: from the history when it has one, else per candidate.
        if self.first_loaded >= 0:
            first = np.full(n, self.first_loaded)
        else:
            has = full_dose > 0
            first = np.where(has.any(axis=1), has.argmax(axis=1), -1)
        history = np.where(first[:, None] >= 0, position[None, :] - first[:, None] + 1.0,
                           np.nan)
        hist_n = np.clip(np.nan_to_num(history, nan=0.0), 0, None)
        if self.first_loaded >= 0 or (first >= 0).all():
            hist_n = hist_n.astype("int64")

        def corrected(y: np.ndarray, lam: float) -> np.ndarray:
            raw = lam * decayed(y, full_dose, 1.0 - lam)
            weight = 1.0 - np.power(1.0 - lam, hist_n)
            return raw / np.where(weight > 0, weight, np.nan)

        acute = corrected(ys[1], self.lam_a)
        chronic_now = corrected(ys[2], self.lam_c)
        chronic = np.full_like(chronic_now, np.nan)
        chronic[:, cfg.acute_days:] = chronic_now[:, :-cfg.acute_days]
        with np.errstate(invalid="ignore"):
            valid = (history >= cfg.min_history_days) & (chronic >= cfg.acwr_min_chronic)
            ratio = np.where(valid, acute / chronic, np.nan)
        has_ratio = ~np.isnan(ratio)
        weeks = _week_stats(tail_dose, np.where(has_ratio, acute, np.nan)[:, p:],
                            np.where(has_ratio, chronic, np.nan)[:, p:])

        loaded = full_dose >= cfg.min_loaded_dose
        has_direct = full_direct >= cfg.min_loaded_dose
        over = carried > self.threshold
        # The flag stage sees the days from a week before this one.
        since = max(p - LOOKBACK, 0)
        span = n_days - since
        bits = 1 << np.arange(span, dtype=np.int64)
        lb = (loaded[:, since:] * bits).sum(axis=1)
        db = (has_direct[:, since:] * bits).sum(axis=1)
        ob = (over[:, since:] * bits).sum(axis=1)
        week_at = p - since
        flags: list[tuple[tuple[str, str], ...]] = []
        next_overuse = np.zeros(n, dtype="int64")
        week_loaded = loaded[:, p:p + WEEK]
        for i in range(n):
            this, after = _pattern_flags(int(lb[i]), int(db[i]), int(ob[i]), span, week_at,
                                         cfg.consecutive_days)
            found = list(this)
            extra, spike_next = _ratio_flags(weeks, i, cfg)
            found += extra
            if pain[i]:
                found.append(("pain_note", "watch"))
            flags.append(tuple(found))
            next_overuse[i] = sum(s == "overuse" for c, s in after if c in FIXABLE) + spike_next
        runs = _longest_runs(week_loaded)
        return WeekBoxes(flags=flags, load=weeks["load"][:, 0],
                         loaded_days=week_loaded.sum(axis=1), longest_run=runs,
                         next_overuse=next_overuse)


def _ratio_flags(weeks: dict[str, np.ndarray], i: int, cfg: Config
                 ) -> tuple[list[tuple[str, str]], int]:
    """acwr_spike and high_monotony of the week; 1 when the next week has an overuse spike."""
    out: list[tuple[str, str]] = []
    ratio = weeks["acwr"][i, 0]
    if ratio > cfg.acwr_watch:
        out.append(("acwr_spike", "overuse" if ratio > cfg.acwr_overuse else "watch"))
    if weeks["monotony"][i, 0] > cfg.monotony_watch:
        out.append(("high_monotony", "watch"))
    return out, int(weeks["acwr"][i, 1] > cfg.acwr_overuse)


def _longest_runs(loaded: np.ndarray) -> np.ndarray:
    """Longest run of True per row."""
    best = np.zeros(loaded.shape[0], dtype="int64")
    current = np.zeros(loaded.shape[0], dtype="int64")
    for k in range(loaded.shape[1]):
        current = np.where(loaded[:, k], current + 1, 0)
        best = np.maximum(best, current)
    return best


def _week_stats(dose: np.ndarray, acute: np.ndarray, chronic: np.ndarray
                ) -> dict[str, np.ndarray]:
    """Per candidate and week (this, next): load, acute:chronic ratio and monotony, summed
    as model.weekly_series' groupby sums them (its groups are sorted: `reduceat` for the
    NaN-free dose, the Cython mean for the ratio columns, which always hold NaN days, and
    Welford's variance for the SD)."""
    n = dose.shape[0]
    flat = np.ascontiguousarray(dose).reshape(-1)
    load = np.add.reduceat(flat, np.arange(0, len(flat), WEEK))
    sd = _welford_sd(flat.reshape(n * 2, WEEK))
    mean = load / float(WEEK)
    a_sum, a_n = _kahan_columns(acute.reshape(n * 2, WEEK))
    c_sum, c_n = _kahan_columns(chronic.reshape(n * 2, WEEK))
    with np.errstate(invalid="ignore", divide="ignore"):
        monotony = np.where(sd > 1e-9, mean / sd, np.nan)
        acwr = np.where(a_n > 0, a_sum / a_n, np.nan) / np.where(c_n > 0, c_sum / c_n, np.nan)
    return {"load": load.reshape(n, 2), "acwr": acwr.reshape(n, 2),
            "monotony": monotony.reshape(n, 2)}


def _kahan_columns(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the Kahan sum of the non-NaN values in column order and their count (pandas'
    Cython group sum/mean)."""
    total = np.zeros(values.shape[0])
    comp = np.zeros(values.shape[0])
    count = np.zeros(values.shape[0])
    for k in range(values.shape[1]):
        val = values[:, k]
        ok = ~np.isnan(val)
        y = val - comp
        t = total + y
        comp = np.where(ok, t - total - y, comp)
        total = np.where(ok, t, total)
        count += ok
    return total, count


def _welford_sd(values: np.ndarray) -> np.ndarray:
    """Per row: sample SD (ddof 1) by Welford's update, as pandas' Cython group_var."""
    mean = np.zeros(values.shape[0])
    m2 = np.zeros(values.shape[0])
    for k in range(values.shape[1]):
        val = values[:, k]
        old = mean
        mean = mean + (val - old) / (k + 1)
        m2 = m2 + (val - mean) * (val - old)
    return np.sqrt(m2 / (values.shape[1] - 1))


def kahan_sums(key: np.ndarray, values: np.ndarray, n_keys: int) -> np.ndarray:
    """Per key: the Kahan sum of `values` in row order (pandas' Cython group sum)."""
    total = np.zeros(n_keys)
    if not len(key):
        return total
    order = np.argsort(key, kind="stable")
    k, v = key[order], values[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    rank = np.arange(len(k)) - np.repeat(starts, np.diff(np.r_[starts, len(k)]))
    comp = np.zeros(n_keys)
    for r in range(int(rank.max()) + 1):
        at = rank == r
        g, val = k[at], v[at]
        y = val - comp[g]
        t = total[g] + y
        comp[g] = t - total[g] - y
        total[g] = t
    return total


def contiguous(key: np.ndarray) -> bool:
    """Whether every key's rows are adjacent (then pandas' sort=False group ids are sorted
    and its groupby sum takes `np.add.reduceat` instead of the Kahan loop)."""
    if len(key) < 2:
        return True
    runs = 1 + int(np.count_nonzero(key[1:] != key[:-1]))
    return runs == len(np.unique(key))


def sum_by_day(key: np.ndarray, dose: np.ndarray, direct: np.ndarray, n_keys: int,
               kahan: bool) -> tuple[np.ndarray, np.ndarray]:
    """Dose and direct dose summed per key (rows in order; zero for keys with no rows) the way
    model.daily_series' groupby sums them: Kahan, or `reduceat` over adjacent rows."""
    direct_dose = np.where(direct, dose, 0.0)
    if kahan or not len(key):
        return kahan_sums(key, dose, n_keys), kahan_sums(key, direct_dose, n_keys)
    out_dose = np.zeros(n_keys)
    out_direct = np.zeros(n_keys)
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    out_dose[key[starts]] = np.add.reduceat(dose, starts)
    out_direct[key[starts]] = np.add.reduceat(direct_dose, starts)
    return out_dose, out_direct


def candidate_keys(day: np.ndarray, keep: np.ndarray, working: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(row mask, day key = candidate x 7 + weekday) of the rows that count, candidate-major
    in row order as the model's table stacks them."""
    use = keep & working
    cand = np.broadcast_to(np.arange(day.shape[0])[:, None], day.shape)
    return use, (cand * WEEK + day)[use]


__all__: Sequence[str] = ("FastWeek", "History", "WeekBoxes", "candidate_keys", "contiguous",
                          "kahan_sums", "sum_by_day")
