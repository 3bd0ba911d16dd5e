"""Swaps: the smallest concrete change that clears a flagged week, proven by re-running the
model on the changed week.

Candidate edits come from the catalog and from the week itself:
- substitute a lift with a lower-back-sparing alternative for the same primary muscle
  (catalog column `alternatives`);
- move a whole loaded session to a rest day of the same week;
- reduce the working sets of one direct lift (the last resort).

A candidate (a few edits) is applied to the athlete's rows of that week only; the history
window before it, each set's effort and the athlete's direct-day reference stay as they were,
and the model (`model.daily_series`, `model.weekly_series`, `flags.find_flags`) judges the
changed week. All candidates of a search round run in one vectorised pass, each as its own
pseudo-athlete. Search order, acceptance rules and bounds: docs/model.md, "## Swaps".
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Final, Literal

import numpy as np
import pandas as pd

from analyzer import flags as flagging
from analyzer import model, swapsim
from analyzer.config import Config
from analyzer.results import AfterSwaps, Swap, worst

#: Flags a schedule change can clear. `pain_note` is not one: no swap answers pain.
FIXABLE: Final = frozenset({"consecutive_days", "short_recovery", "acwr_spike",
                            "high_monotony"})
DAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: Alternatives tried per lift (the catalog lists them best first).
ALTERNATIVES_PER_LIFT: Final = 2
#: Singles that are combined into pairs / triples (ranked by how much of the problem they solve).
TOP_FOR_SIZE: Final = {2: 10, 3: 6}
KIND_ORDER: Final = {"substitute": 0, "move": 1, "reduce": 2}
EDITED_COLUMNS: Final = ("exercise", "canonical", "load_class", "primary_muscle", "pattern")
#: Days before the week whose sets are kept whole (flags look back this far for runs and
#: short recovery that continue into the week); older history is compressed per day.
FLAG_LOOKBACK_DAYS: Final = 7

Kind = Literal["substitute", "move", "reduce"]


@dataclass(frozen=True, eq=False)
class SwapContext:
    """What the swap search needs besides the week itself."""

    catalog: pd.DataFrame
    config: Config
    direct_reference: pd.Series  # athlete -> typical direct-day dose (kept fixed in re-runs)

    @cached_property
    def lookup(self) -> pd.DataFrame:
        """The catalog indexed by canonical name (first entry wins)."""
        cat = self.catalog.drop_duplicates(subset="name").set_index("name")
        out = pd.DataFrame(index=cat.index)
        out["load_class"] = cat["load_class"].astype("str")
        out["coefficient"] = pd.to_numeric(cat["coefficient"], errors="coerce").fillna(0.0)
        out["primary_muscle"] = cat["primary_muscle"].astype("str")
        out["pattern"] = cat["pattern"].astype("str")
        out["alternatives"] = cat["alternatives"].astype("str").fillna("")
        heavy = cat["heavy"] if "heavy" in cat else pd.Series(False, index=cat.index)
        out["heavy"] = heavy.astype("str").str.lower().isin(["true", "1", "yes"])
        return out

    @cached_property
    def heavy(self) -> dict[str, bool]:
        """Canonical name -> whether the catalog marks it heavy (squat/bench/deadlift)."""
        return dict(zip(self.lookup.index, self.lookup["heavy"].tolist(), strict=True))

    @cached_property
    def tags(self) -> dict[str, tuple[str, float, str]]:
        """Canonical name -> (load class, coefficient, primary muscle) as text and float."""
        lookup = self.lookup
        return {name: (str(cls), float(coefficient), str(muscle)) for name, cls, coefficient, muscle
                in zip(lookup.index, lookup["load_class"].tolist(),
                       lookup["coefficient"].tolist(), lookup["primary_muscle"].tolist(),
                       strict=True)}

    @cached_property
    def _alternatives(self) -> dict[tuple[str, str, float], tuple[tuple[str, str], ...]]:
        return {}

    @cached_property
    def _athlete(self) -> list[AthleteRows]:
        return []

    def athlete_rows(self, dosed: pd.DataFrame) -> AthleteRows:
        """`dosed` prepared for the week windows (kept for the athlete's next weeks: the
        caller passes the same table, or a new slice over the same rows, for every flagged
        week of one athlete)."""
        held = self._athlete
        if held and held[0].dosed is dosed:
            return held[0]
        where = _rows_in_memory(dosed)
        if not held or held[0].where != where:
            athlete = dosed["athlete"].iloc[0] if len(dosed) else None
            reference = float(self.direct_reference.get(athlete, np.nan))
            held[:] = [AthleteRows(dosed, self.config, reference, where)]
        return held[0]

    def alternatives(self, canonical: str, muscle: str, coefficient: float
                     ) -> tuple[tuple[str, str], ...]:
        """(alternative, reason) for a lift: catalog alternatives that load the lower back
        less, same primary muscle first, then lowest load, then catalog order; the best
        ALTERNATIVES_PER_LIFT (memoised: athletes repeat their lifts week after week)."""
        key = (canonical, muscle, coefficient)
        if key not in self._alternatives:
            lookup = self.lookup
            entry = lookup.loc[canonical]
            names = [n for n in str(entry["alternatives"]).split("|") if n in lookup.index]
            options = lookup.loc[names].assign(order=range(len(names)))
            options["loads"] = options["load_class"].isin(model.LOADING_CLASSES)
            options["effective"] = options["coefficient"].where(options["loads"], 0.0)
            options = options[options["effective"] < coefficient]
            options["other_muscle"] = options["primary_muscle"].ne(muscle)
            options = options.sort_values(["other_muscle", "effective", "order"], kind="stable")
            best = options.head(ALTERNATIVES_PER_LIFT)
            found = []
            for alt, effective, alt_muscle in zip(best.index, best["effective"],
                                                  best["primary_muscle"], strict=True):
                effect = ("without loading the lower back" if effective == 0 else
                          f"with less lower-back load (coefficient {effective:.2f} instead "
                          f"of {coefficient:.2f})")
                found.append((str(alt), f"{alt} trains the {alt_muscle} {effect}"))
            self._alternatives[key] = tuple(found)
        return self._alternatives[key]


def _rows_in_memory(dosed: pd.DataFrame) -> tuple[object, ...]:
    """Where `dosed`'s rows live: its length and the buffers of its date and dose columns.
    Two slices of one table over the same rows give the same answer; another table cannot
    while the first is held (its buffers stay allocated)."""
    out: list[object] = [len(dosed), tuple(dosed.columns)]
    for column in ("date", "dose"):
        values = dosed[column].to_numpy()
        out += [values.__array_interface__["data"][0], values.strides, values.dtype.str]
    return tuple(out)


@dataclass(frozen=True)
class Edit:
    """One change to a week: `exercise` is the name as logged (for a move, the session's main
    lower-back lift); `day` is the day it was done on."""

    kind: Kind
    day: pd.Timestamp
    exercise: str
    to: str | None = None
    move_to: pd.Timestamp | None = None
    keep_sets: int | None = None
    heavy: bool = False
    reason: str = field(default="", compare=False)

    def conflicts(self, other: Edit) -> bool:
        """Two edits of the same lift, or two moves sharing a day, cannot go together."""
        if self.kind == "move" or other.kind == "move":
            if self.kind == other.kind == "move":
                return self.day == other.day or self.move_to == other.move_to
            return False
        return (self.day, self.exercise) == (other.day, other.exercise)


Candidate = tuple[Edit, ...]


@dataclass(frozen=True)
class Outcome:
    """A candidate week as the model judged it."""

    edits: Candidate
    flags: tuple[tuple[str, str], ...]  # (code, severity) of the week
    load: float
    loaded_days: int
    longest_run: int
    next_overuse: int  # fixable overuse flags of the following week
    balance: float  # largest relative change of working sets per primary muscle

    @property
    def fixable(self) -> tuple[tuple[str, str], ...]:
        return tuple(f for f in self.flags if f[0] in FIXABLE)

    @property
    def overuse(self) -> int:
        return sum(s == "overuse" for _, s in self.fixable)

    @property
    def clean(self) -> bool:
        """No flag that a schedule change could clear is left."""
        return not self.fixable

    @property
    def status(self) -> str:
        return worst([s for _, s in self.flags])


def _muscle_sets(rows: RowArrays) -> dict[str, int]:
    """Working sets per primary muscle."""
    return dict(Counter(rows.muscle_key[rows.working].tolist()))


def _balance(before: dict[str, int], after: dict[str, int]) -> float:
    """Largest relative change of weekly working sets of any primary muscle (a muscle that
    appears or vanishes counts as a 100% change)."""
    worst_change = 0.0
    for muscle in before.keys() | after.keys():
        b, a = before.get(muscle, 0), after.get(muscle, 0)
        change = abs(a - b) / b if b > 0 else float(a != 0)
        worst_change = max(worst_change, change)
    return worst_change


def _compress_history(rows: pd.DataFrame, before: pd.Timestamp) -> pd.DataFrame:
    """Rows older than `before` reduced to two per day (direct dose, other dose): the model's
    daily doses, recovery state and load averages come out the same, and every candidate
    carries a few hundred history rows instead of every set."""
    old = rows[rows["date"] < before]
    if old.empty:
        return rows.reset_index(drop=True)
    parts = _day_parts(old)
    recent = rows[rows["date"] >= before]
    return pd.concat([*parts, recent], ignore_index=True)[list(rows.columns)]


def _day_sums(old: pd.DataFrame) -> pd.DataFrame:
    """Per day of `old`, in date order: the direct dose of working sets and the total dose
    (the doses of `_day_parts`' two rows before clipping)."""
    working = old["set_type"].astype("str").ne("warmup")
    direct = old["dose"].where(working & old["load_class"].eq("direct"), 0.0)
    per_day = pd.DataFrame({"date": old["date"], "direct": direct, "total": old["dose"]})
    return per_day.groupby("date").sum()


def _day_parts(old: pd.DataFrame, per_day: pd.DataFrame | None = None
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The compressed rows of `old` (see `_compress_history`): one direct and one indirect
    row per day, in date order, with the columns of `old` (`per_day`: its `_day_sums`)."""
    per_day = _day_sums(old) if per_day is None else per_day
    template = old.drop_duplicates(subset="date").set_index("date").loc[per_day.index]
    template = template.reset_index()
    parts = []
    for cls, dose in _split_doses(per_day):
        part = template.copy()
        part["load_class"] = cls
        part["dose"] = dose
        part["exercise"] = "(earlier training)"
        part["set_type"] = pd.Series("normal", index=part.index).astype(old["set_type"].dtype)
        part["notes"] = ""
        parts.append(part[list(old.columns)])
    return parts[0], parts[1]


def _split_doses(per_day: pd.DataFrame) -> tuple[tuple[str, np.ndarray], ...]:
    """(class, dose per day) of the two compressed rows per day."""
    return (("direct", per_day["direct"].clip(lower=0.0).to_numpy()),
            ("indirect", (per_day["total"] - per_day["direct"]).clip(lower=0.0).to_numpy()))


@dataclass(frozen=True)
class RowArrays:
    """Per-row arrays of a dosed table (or a slice of one) that the search reads: date
    (int64 ns), working set, dose, effort, direct lift, coefficient, the exercise as logged
    (and its rank in name order, -1 when missing), canonical name, class, primary muscle as
    text ("nan" when missing, as `str` spells it) and as counted ("unknown" when missing),
    and whether the note mentions pain."""

    ns: np.ndarray
    working: np.ndarray
    dose: np.ndarray
    effort: np.ndarray
    direct: np.ndarray
    coefficient: np.ndarray
    exercise: np.ndarray
    code: np.ndarray
    canonical: np.ndarray
    load_class: np.ndarray
    muscle: np.ndarray
    muscle_key: np.ndarray
    pain: np.ndarray

    @classmethod
    def of(cls, table: pd.DataFrame, config: Config) -> RowArrays:
        """From a dosed table whose EDITED_COLUMNS are text."""
        code, _ = pd.factorize(table["exercise"], sort=True)
        muscle = table["primary_muscle"].to_numpy(dtype=object)
        return cls(
            ns=table["date"].to_numpy(dtype="datetime64[ns]").view("int64"),
            working=table["set_type"].astype("str").ne("warmup").to_numpy(dtype=bool),
            dose=table["dose"].to_numpy(dtype="float64"),
            effort=table["effort"].to_numpy(dtype="float64"),
            direct=table["load_class"].eq("direct").to_numpy(dtype=bool, na_value=False),
            coefficient=table["coefficient"].to_numpy(dtype="float64"),
            exercise=table["exercise"].to_numpy(dtype=object),
            code=np.asarray(code, dtype="int64"),
            canonical=table["canonical"].to_numpy(dtype=object),
            load_class=table["load_class"].to_numpy(dtype=object),
            muscle=np.array([str(m) for m in muscle.tolist()], dtype=object),
            muscle_key=table["primary_muscle"].fillna("unknown").to_numpy(dtype=object),
            pain=flagging.pain_mentions(table["notes"], config).to_numpy(dtype=bool),
        )

    def cut(self, lo: int, hi: int) -> RowArrays:
        """Rows lo..hi (views)."""
        return RowArrays(*(getattr(self, f.name)[lo:hi] for f in fields(self)))


@dataclass(frozen=True)
class Lifts:
    """One entry per (day, exercise as logged) of a week, in day then name order (what a
    sorted groupby gives): weekday, name, canonical name, class, primary muscle (text),
    coefficient, summed dose and working sets."""

    day: np.ndarray
    exercise: list[str]
    canonical: list[object]
    load_class: list[object]
    muscle: list[str]
    coefficient: np.ndarray
    dose: np.ndarray
    sets: np.ndarray

    @classmethod
    def of(cls, rows: RowArrays, day: np.ndarray) -> Lifts:
        """The lifts of a week's rows (`day`: each row's weekday). A lift's tags are those of
        its first row (tags follow the name); its dose is summed as pandas' group sum."""
        named = rows.code >= 0
        n_codes = int(rows.code.max()) + 1 if len(rows.code) else 0
        key = np.where(named, day * max(n_codes, 1) + rows.code, -1)
        groups, first, inverse = np.unique(key[named], return_index=True, return_inverse=True)
        at = np.flatnonzero(named)[first]
        index = np.full(len(key), -1, dtype="int64")
        index[named] = inverse
        n = len(groups)
        dose = swapsim.kahan_sums(index[named], rows.dose[named], n)
        sets = np.bincount(index[named & rows.working], minlength=n)
        return cls(day=day[at], exercise=rows.exercise[at].tolist(),
                   canonical=rows.canonical[at].tolist(), load_class=rows.load_class[at].tolist(),
                   muscle=rows.muscle[at].tolist(), coefficient=rows.coefficient[at],
                   dose=dose, sets=sets)


class AthleteRows:
    """One athlete's dosed table prepared once for all their flagged weeks: edited columns as
    text, the per-row arrays the search reads, and, when the rows are in date order, the day
    bounds for slicing each week's window by position and every day's compressed history rows
    (per-day sums are the same whichever window holds the day, as a window always holds whole
    days)."""

    def __init__(self, dosed: pd.DataFrame, config: Config, reference: float,
                 where: tuple[object, ...] = ()) -> None:
        self.dosed = dosed
        self.reference = reference
        self.where = where
        self.table = dosed.assign(**{c: dosed[c].astype("str") for c in EDITED_COLUMNS})
        self.ns = self.table["date"].to_numpy(dtype="datetime64[ns]").view("int64")
        self.in_order = bool(len(self.ns)) and bool((np.diff(self.ns) >= 0).all())
        if self.in_order:
            self.per_day = _day_sums(self.table)
            self.days = self.per_day.index.to_numpy(dtype="datetime64[ns]").view("int64")
            (_, self.direct_dose), (_, self.indirect_dose) = _split_doses(self.per_day)
            self.arrays = RowArrays.of(self.table, config)
            self.pain = self.arrays.pain

    @cached_property
    def _parts(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return _day_parts(self.table, self.per_day)

    @property
    def direct(self) -> pd.DataFrame:
        """Every day's compressed direct row (the model path's history)."""
        return self._parts[0]

    @property
    def indirect(self) -> pd.DataFrame:
        """Every day's compressed indirect row."""
        return self._parts[1]

    def at(self, when: pd.Timestamp, side: Literal["left", "right"] = "left") -> int:
        """Position of the first row on/after (`side="right"`: after) the day `when`."""
        return int(np.searchsorted(self.ns, pd.Timestamp(when).value, side=side))

    def day_at(self, when: pd.Timestamp) -> int:
        return int(np.searchsorted(self.days, pd.Timestamp(when).value))


def _history_of(rows: AthleteRows, lo: int, recent: int, first: int, last: int, hi: int,
                a: int, b: int) -> swapsim.History:
    """The history rows of a window sliced by position, in `WeekSimulator.rest`'s order:
    compressed days a..b (direct, then indirect), whole rows recent..first and last..hi."""
    arr = rows.arrays
    parts = [slice(recent, first), slice(last, hi)]
    n = b - a
    return swapsim.History(
        ns=np.concatenate([rows.days[a:b], rows.days[a:b], *(arr.ns[p] for p in parts)]),
        dose=np.concatenate([rows.direct_dose[a:b], rows.indirect_dose[a:b],
                             *(arr.dose[p] for p in parts)]),
        direct=np.concatenate([np.ones(n, dtype=bool), np.zeros(n, dtype=bool),
                               *(arr.direct[p] for p in parts)]),
        working=np.concatenate([np.ones(2 * n, dtype=bool), *(arr.working[p] for p in parts)]),
    )


class WeekSimulator:
    """Re-simulates one athlete's week with edits applied (many candidates per call)."""

    def __init__(self, dosed: pd.DataFrame, week_start: pd.Timestamp,
                 context: SwapContext) -> None:
        cfg = context.config
        self.context = context
        self.week_start = pd.Timestamp(week_start)
        self.week_end = self.week_start + pd.Timedelta(days=6)
        start = self.week_start - pd.Timedelta(days=cfg.swap_history_days)
        stop = self.week_start + pd.Timedelta(days=14)
        before = self.week_start - pd.Timedelta(days=FLAG_LOOKBACK_DAYS)
        rows = context.athlete_rows(dosed)
        self._athlete_rows = rows
        if rows.in_order:
            lo, first, last, hi = (rows.at(start), rows.at(self.week_start),
                                   rows.at(self.week_end, "right"), rows.at(stop))
            recent = min(max(rows.at(before), lo), first)
            a, b = (0, 0) if recent == lo else (rows.day_at(start), rows.day_at(before))
            self._bounds = (lo, recent, first, last, hi, a, b)
            self.rows = rows.arrays.cut(first, last)
            self.history = _history_of(rows, lo, recent, first, last, hi, a, b)
            repeat = hi == last
        else:
            window = rows.table[(rows.table["date"] >= start) & (rows.table["date"] < stop)]
            in_week = window["date"].between(self.week_start, self.week_end)
            self.__dict__["week"] = window[in_week].reset_index(drop=True)
            self.__dict__["rest"] = _compress_history(window[~in_week], before)
            self.rows = RowArrays.of(self.week, cfg)
            self.history = swapsim.History.of(self.rest)
            repeat = not (window["date"] > self.week_end).any()
        # No logged week after this one: judge the week as if it repeated (a weekly plan
        # does), so a move to Sunday that runs into the next Monday is caught.
        self.repeat_week = repeat
        self.reference = rows.reference
        self.working = self.rows.working
        self.day = (self.rows.ns - self.week_start.value) // swapsim.DAY_NS
        self.stamps = tuple(self.week_start + pd.Timedelta(days=k) for k in range(7))
        self.muscles_before = _muscle_sets(self.rows)
        self._positions: dict[Edit, np.ndarray] = {}
        self._masks: dict[tuple[str, object], np.ndarray] = {}
        self._deltas: dict[Edit, dict[str, int]] = {}

    @property
    def empty(self) -> bool:
        return not len(self.day)

    @cached_property
    def week(self) -> pd.DataFrame:
        """The week's rows (the model path and `apply` edit these)."""
        _, _, first, last, _, _, _ = self._bounds
        return self._athlete_rows.table.iloc[first:last].reset_index(drop=True)

    @cached_property
    def rest(self) -> pd.DataFrame:
        """The history rows around the week as a table (compressed older days, then whole
        rows), the model path's input."""
        rows = self._athlete_rows
        table = rows.table
        lo, recent, first, last, hi, a, b = self._bounds
        if recent == lo:
            return pd.concat([table.iloc[lo:first], table.iloc[last:hi]], ignore_index=True)
        return pd.concat(
            [rows.direct.iloc[a:b], rows.indirect.iloc[a:b], table.iloc[recent:first],
             table.iloc[last:hi]], ignore_index=True)[list(table.columns)]

    # -- edits -----------------------------------------------------------------------------

    def weekday(self, day: pd.Timestamp) -> int:
        return (day.value - self.week_start.value) // swapsim.DAY_NS

    def positions(self, e: Edit) -> np.ndarray:
        """Row positions (in `self.week`) an edit touches: the lift's rows (a reduction: its
        working sets beyond the kept ones), or the whole day's rows for a move."""
        if e not in self._positions:
            on_day = self._mask("day", self.weekday(e.day))
            if e.kind == "move":
                rows = np.flatnonzero(on_day)
            else:
                lift = on_day & self._mask("exercise", e.exercise)
                if e.kind == "reduce":
                    rows = np.flatnonzero(lift & self.working)[e.keep_sets or 0:]
                else:
                    rows = np.flatnonzero(lift)
            self._positions[e] = rows
        return self._positions[e]

    def _mask(self, column: Literal["day", "exercise"], value: object) -> np.ndarray:
        """Rows of the week on weekday `value` / of the lift `value` (memoised: edits share
        days and lifts)."""
        key = (column, value)
        if key not in self._masks:
            values = self.day if column == "day" else self.rows.exercise
            self._masks[key] = values == value
        return self._masks[key]

    def _muscle_delta(self, e: Edit) -> dict[str, int]:
        """How an edit changes the week's working sets per primary muscle."""
        if e in self._deltas:
            return self._deltas[e]
        delta: dict[str, int] = {}
        if e.kind != "move":
            rows = self.positions(e)
            n = int(self.working[rows].sum())
            before = str(self.rows.muscle[rows[0]]) if len(rows) else ""
            if e.kind == "reduce":
                delta = {before: -n}
            else:
                after = self.context.tags[str(e.to)][2]
                delta = {} if after == before else {before: -n, after: n}
        self._deltas[e] = delta
        return delta

    def balance(self, edits: Candidate) -> float:
        after = dict(self.muscles_before)
        for e in edits:
            for muscle, n in self._muscle_delta(e).items():
                after[muscle] = after.get(muscle, 0) + n
        return _balance(self.muscles_before, after)

    def build(self, candidates: Sequence[Candidate]) -> pd.DataFrame:
        """The changed weeks of all candidates stacked, candidate i as athlete "i" (without
        the history rows). Substitutions and reductions address the original days, so the
        order of edits does not matter."""
        n_rows, n = len(self.week), len(candidates)
        table = self.week.iloc[np.tile(np.arange(n_rows), n)].reset_index(drop=True)
        table["athlete"] = pd.Series(np.repeat(np.arange(n), n_rows).astype("str"),
                                     dtype="str")
        by_edit: dict[Edit, list[np.ndarray]] = {}
        for i, edits in enumerate(candidates):
            for e in edits:
                by_edit.setdefault(e, []).append(self.positions(e) + i * n_rows)
        lookup = self.context.lookup
        text = {c: table[c].to_numpy(dtype=object, copy=True) for c in EDITED_COLUMNS}
        coefficient = table["coefficient"].to_numpy(dtype="float64", copy=True)
        dose = table["dose"].to_numpy(dtype="float64", copy=True)
        effort = table["effort"].to_numpy(dtype="float64")
        shift = np.zeros(len(table), dtype="timedelta64[ns]")
        keep = np.ones(len(table), dtype=bool)
        for e, chunks in by_edit.items():
            rows = np.concatenate(chunks)
            if e.kind == "substitute" and e.to is not None:
                alt = lookup.loc[e.to]
                for col in ("load_class", "primary_muscle", "pattern"):
                    text[col][rows] = alt[col]
                text["exercise"][rows] = e.to
                text["canonical"][rows] = e.to
                coefficient[rows] = float(alt["coefficient"])
                loads = alt["load_class"] in model.LOADING_CLASSES
                dose[rows] = (float(alt["coefficient"]) if loads else 0.0) * effort[rows]
            elif e.kind == "reduce":
                keep[rows] = False
            elif e.kind == "move" and e.move_to is not None:
                shift[rows] = np.timedelta64(e.move_to - e.day)
        for col, values in text.items():
            table[col] = pd.Series(values, dtype="str")
        table["coefficient"] = coefficient
        table["dose"] = dose
        if shift.any():
            delta = pd.to_timedelta(shift)
            table["date"] = table["date"] + delta
            table["performed_at"] = table["performed_at"] + delta
        return table[keep] if not keep.all() else table

    def apply(self, edits: Candidate) -> pd.DataFrame:
        """The week's rows with `edits` applied."""
        return self.build([edits]).assign(athlete=self.week["athlete"].iloc[0])

    # -- simulation ------------------------------------------------------------------------

    @cached_property
    def fast(self) -> swapsim.FastWeek | None:
        """The numpy re-simulation of this week (None when warm-ups carry dose: then the
        model path judges every candidate)."""
        if self.context.config.warmup_fraction > 0:
            return None
        return swapsim.FastWeek(self.history, self.week_start, self.repeat_week,
                                self.reference, self.context.config)

    @cached_property
    def _rows(self) -> dict[str, np.ndarray]:
        """Per-row arrays of the week for the fast path."""
        rows = self.rows
        return {"day": self.day, "dose": rows.dose, "effort": rows.effort,
                "direct": rows.direct, "pain": rows.pain}

    def run(self, candidates: Sequence[Candidate]) -> list[Outcome]:
        """Judge every candidate (numpy path; the model path when it does not apply)."""
        if not candidates:
            return []
        fast = self.fast
        if fast is None:
            return self.run_model(candidates)
        base = self._rows
        n, n_rows = len(candidates), len(self.day)
        day = np.tile(base["day"], (n, 1))
        dose = np.tile(base["dose"], (n, 1))
        direct = np.tile(base["direct"], (n, 1))
        keep = np.ones((n, n_rows), dtype=bool)
        by_edit: dict[Edit, list[int]] = {}
        for i, edits in enumerate(candidates):
            for e in edits:
                by_edit.setdefault(e, []).append(i)
        tags = self.context.tags
        for e, which in by_edit.items():
            rows = self.positions(e)
            if not len(rows):
                continue
            at = np.ix_(np.asarray(which), rows)
            if e.kind == "substitute" and e.to is not None:
                cls, coefficient, _ = tags[e.to]
                loads = cls in model.LOADING_CLASSES
                dose[at] = (coefficient if loads else 0.0) * base["effort"][rows]
                direct[at] = cls == "direct"
            elif e.kind == "reduce":
                keep[at] = False
            elif e.kind == "move" and e.move_to is not None:
                day[at] = (e.move_to - self.week_start).days
        working = np.broadcast_to(self.working, (n, n_rows))
        use, key = swapsim.candidate_keys(day, keep, working)
        pain = (keep & base["pain"]).any(axis=1)
        boxes = fast.judge(key, dose[use], direct[use], pain)
        return [
            Outcome(
                edits=edits,
                flags=boxes.flags[i],
                load=float(boxes.load[i]),
                loaded_days=int(boxes.loaded_days[i]),
                longest_run=int(boxes.longest_run[i]),
                next_overuse=int(boxes.next_overuse[i]),
                balance=self.balance(edits),
            )
            for i, edits in enumerate(candidates)
        ]

    def run_model(self, candidates: Sequence[Candidate]) -> list[Outcome]:
        """Judge every candidate with the model (`daily_series`, `weekly_series`,
        `find_flags`), in one pass: the reference the fast path is tested against."""
        if not candidates:
            return []
        cfg = self.context.config
        n = len(candidates)
        keys = [str(i) for i in range(n)]
        changed = self.build(candidates)
        rest = self.rest.iloc[np.tile(np.arange(len(self.rest)), n)].reset_index(drop=True)
        rest["athlete"] = pd.Series(np.repeat(np.arange(n), len(self.rest)).astype("str"),
                                    dtype="str")
        frames = [changed, rest]
        week_day = pd.Timedelta(days=7)
        if self.repeat_week:
            frames.append(changed.assign(date=changed["date"] + week_day,
                                         performed_at=changed["performed_at"] + week_day))
        table = pd.concat(frames, ignore_index=True)
        refs = pd.Series(self.reference, index=keys, dtype="float64")
        days = model.daily_series(table, cfg, direct_reference=refs)
        weeks = model.weekly_series(days)
        since = self.week_start - pd.Timedelta(days=FLAG_LOOKBACK_DAYS)
        flags = flagging.find_flags(
            days[days["date"] >= since].reset_index(drop=True),
            table[table["date"] >= since].reset_index(drop=True),
            weeks[weeks["week_start"] >= self.week_start].reset_index(drop=True),
            cfg,
        )
        this = weeks[weeks["week_start"] == self.week_start].set_index("athlete")
        next_start = self.week_start + week_day
        if flags.empty:
            week_flags: dict[str, list[tuple[str, str]]] = {}
            next_overuse = pd.Series(dtype="int64")
        else:
            in_week = flags[flags["week_start"] == self.week_start]
            week_flags = {
                k: list(zip(g["code"], g["severity"], strict=True))
                for k, g in in_week.groupby("athlete", sort=False)
            }
            nxt = flags[(flags["week_start"] == next_start) & flags["severity"].eq("overuse")
                        & flags["code"].isin(FIXABLE)]
            next_overuse = nxt.groupby("athlete").size()
        return [
            Outcome(
                edits=edits,
                flags=tuple(week_flags.get(key, [])),
                load=float(this.at[key, "lower_back_load"]),
                loaded_days=int(this.at[key, "loaded_count"]),
                longest_run=int(this.at[key, "longest_run"]),
                next_overuse=int(next_overuse.get(key, 0)),
                balance=self.balance(edits),
            )
            for key, edits in zip(keys, candidates, strict=True)
        ]


# -- candidate edits ---------------------------------------------------------------------------

def substitutions(lifts: Lifts, stamps: Sequence[pd.Timestamp], context: SwapContext, *,
                  heavy: bool) -> list[Edit]:
    """Swap a lower-back-loading lift of the week (`stamps`: its days) for a catalog
    alternative that loads the back less and trains the same primary muscle (`heavy`:
    whether squat/bench/deadlift may be swapped)."""
    known = context.heavy
    edits: list[Edit] = []
    for day, exercise, canonical, cls, muscle, coefficient, dose in zip(
        lifts.day.tolist(), lifts.exercise, lifts.canonical, lifts.load_class, lifts.muscle,
        lifts.coefficient.tolist(), lifts.dose.tolist(), strict=True,
    ):
        if (cls not in model.LOADING_CLASSES or not dose > 0 or not isinstance(canonical, str)
                or canonical not in known or known[canonical] != heavy):
            continue
        for alt, reason in context.alternatives(canonical, muscle, coefficient):
            edits.append(Edit(kind="substitute", day=stamps[day], exercise=exercise, to=alt,
                              heavy=heavy, reason=reason))
    return edits


def _descending(values: np.ndarray) -> np.ndarray:
    """Positions of `values` from largest to smallest, ties in the order pandas'
    `sort_values(ascending=False)` leaves them."""
    backwards = np.arange(len(values))[::-1]
    return backwards[values[::-1].argsort(kind="quicksort")][::-1]


def moves(sim: WeekSimulator, lifts: Lifts, config: Config) -> list[Edit]:
    """Move a whole session that loads the lower back to a rest day of the same week."""
    daily = swapsim.kahan_sums(sim.day, sim.rows.dose, swapsim.WEEK)
    logged = np.bincount(sim.day, minlength=swapsim.WEEK) > 0
    loaded = np.flatnonzero(logged & (daily >= config.min_loaded_dose))
    rest = [sim.stamps[d] for d in np.flatnonzero(~logged).tolist()]
    edits: list[Edit] = []
    for day in loaded.tolist():
        on_day = np.flatnonzero(lifts.day == day)
        order = on_day[_descending(lifts.dose[on_day])].tolist()
        main = lifts.exercise[order[0]]
        names = ", ".join(lifts.exercise[k] for k in order)
        stamp = sim.stamps[day]
        for target in rest:
            edits.append(Edit(
                kind="move", day=stamp, exercise=main, move_to=target,
                reason=(f"train the {DAY_NAMES[stamp.weekday()]} session ({names}) on "
                        f"{DAY_NAMES[target.weekday()]}, a rest day, so the lower back gets "
                        "a day off between loaded days"),
            ))
    return edits


def reductions(lifts: Lifts, stamps: Sequence[pd.Timestamp], context: SwapContext
               ) -> list[Edit]:
    """Fewer working sets of one direct lift (1 set less, down to a single set)."""
    edits: list[Edit] = []
    for day, exercise, canonical, cls, n in zip(lifts.day.tolist(), lifts.exercise,
                                                lifts.canonical, lifts.load_class,
                                                lifts.sets.tolist(), strict=True):
        if cls != "direct" or n < 2:
            continue
        heavy = isinstance(canonical, str) and context.heavy.get(canonical, False)
        for keep in range(n - 1, 0, -1):
            edits.append(Edit(kind="reduce", day=stamps[day], exercise=exercise,
                              keep_sets=keep, heavy=heavy,
                              reason=f"{exercise}: {keep} sets instead of {n}"))
    return edits


# -- search ------------------------------------------------------------------------------------

def _rank(o: Outcome) -> tuple:
    """Fewest edits, then least change of sets per muscle, then heavy lifts kept, then the
    fewest loaded days and lowest load; a move takes the later of two sessions and puts it
    as late in the week as the model allows (the end of the week, as a coach would)."""
    return (
        len(o.edits),
        round(o.balance, 3),
        sum(e.heavy and e.kind != "move" for e in o.edits),
        sum(e.kind == "reduce" for e in o.edits),
        o.loaded_days,
        round(o.load, 3),
        sum(KIND_ORDER[e.kind] for e in o.edits),
        -sum(e.day.weekday() for e in o.edits if e.kind == "move"),
        -sum(e.move_to.weekday() for e in o.edits if e.move_to is not None),
        tuple((e.day, e.exercise, e.to or "") for e in o.edits),
    )


def _badness(o: Outcome) -> tuple:
    """How much of the problem a candidate leaves (to pick singles worth combining)."""
    return (o.overuse, len(o.fixable), o.longest_run, o.loaded_days, round(o.load, 3),
            KIND_ORDER[o.edits[0].kind] if o.edits else 0)


def session_units(subs: Sequence[Edit]) -> list[Candidate]:
    """Every substitution of one day taken together (each lift's best alternative): one
    change of the session for lifters who load the back with several lifts a day."""
    by_day: dict[pd.Timestamp, dict[str, Edit]] = {}
    for e in subs:
        by_day.setdefault(e.day, {}).setdefault(e.exercise, e)
    return [tuple(day.values()) for day in by_day.values() if len(day) >= 2]


def _normal(edits: Iterable[Edit]) -> Candidate:
    return tuple(sorted(dict.fromkeys(edits), key=_edit_order))


class Search:
    """Bounded search for the smallest accepted candidate (see docs/model.md, "## Swaps").

    The pool holds units: one edit, or all substitutions of one session. Candidates combine
    up to `swap_max_edits` units; every candidate is simulated once (cached) and at most
    `swap_max_evaluations` are simulated per week."""

    def __init__(self, sim: WeekSimulator, config: Config,
                 prime: Sequence[Candidate] = ()) -> None:
        self.sim = sim
        self.config = config
        self.cache: dict[Candidate, Outcome] = {}
        self._evaluate([(), *prime])
        self.base = self.cache[()]
        self.watch_only = self.base.overuse == 0

    @property
    def evaluations(self) -> int:
        return len(self.cache)

    def _evaluate(self, candidates: Iterable[Candidate]) -> list[Outcome]:
        wanted = list(dict.fromkeys(_normal(c) for c in candidates))
        budget = self.config.swap_max_evaluations + 1 - len(self.cache)
        new = [c for c in wanted if c not in self.cache][:max(budget, 0)]
        for outcome in self.sim.run(new):
            self.cache[outcome.edits] = outcome
        return [self.cache[c] for c in wanted if c in self.cache]

    def accepts(self, o: Outcome) -> bool:
        """No fixable overuse flag left (nor any fixable flag, for a week that had only watch
        flags); the following week gets no new overuse; sets per muscle within tolerance
        unless the candidate reduces sets."""
        if o.overuse or (self.watch_only and not o.clean):
            return False
        if self.sim.repeat_week:
            if o.next_overuse:
                return False
        elif o.next_overuse > self.base.next_overuse:
            return False
        reduces = any(e.kind == "reduce" for e in o.edits)
        return reduces or o.balance <= self.config.swap_balance_tolerance + 1e-9

    def best(self, pool: Sequence[Candidate]) -> Outcome | None:
        """The best accepted candidate built from `pool`: the fewest units that leave the
        week clean; one unit more is spent only to turn a merely non-overuse week clean."""
        units = list(dict.fromkeys(_normal(u) for u in pool))
        singles = self._evaluate(units)
        by_edits = {o.edits: o for o in singles}
        ranked = sorted((u for u in units if u in by_edits),
                        key=lambda u: _badness(by_edits[u]))
        fallback: Outcome | None = None
        found_at: int | None = None
        for size in range(1, self.config.swap_max_edits + 1):
            if size == 1:
                outcomes = singles
            else:
                top = ranked[: TOP_FOR_SIZE.get(size, 4)]
                combos = []
                for combo in itertools.combinations(top, size):
                    edits = [e for unit in combo for e in unit]
                    if not any(a.conflicts(b) for a, b in itertools.combinations(edits, 2)):
                        combos.append(tuple(edits))
                outcomes = self._evaluate(combos)
            accepted = [o for o in outcomes if self.accepts(o)]
            clean = [o for o in accepted if o.clean]
            if clean:
                return min(clean, key=_rank)
            if accepted and found_at is None:
                found_at, fallback = size, min(accepted, key=_rank)
            if found_at is not None and size > found_at:
                break
        return fallback


def _edit_order(e: Edit) -> tuple:
    return (e.day, KIND_ORDER[e.kind], e.exercise, e.to or "")


# -- entry point -------------------------------------------------------------------------------

def _after(o: Outcome) -> AfterSwaps:
    return AfterSwaps(
        status=o.status,  # type: ignore[arg-type]
        flags=tuple(dict.fromkeys(code for code, _ in o.flags)),
        lower_back_load=round(o.load, 3),
        loaded_days=o.loaded_days,
    )


def search_week(
    dosed: pd.DataFrame,
    week_start: pd.Timestamp,
    context: SwapContext,
) -> tuple[Search, Outcome | None]:
    """Run the phased search for one week: substitutions of light lifts and moves first,
    then substitutions of heavy lifts (squat/bench/deadlift), then set reductions. Returns
    the search (its baseline and evaluation count) and the chosen outcome (None when nothing
    within the bounds clears the week)."""
    sim = WeekSimulator(dosed, week_start, context)
    if sim.empty:
        return Search(sim, context.config), None
    lifts = Lifts.of(sim.rows, sim.day)
    light_subs = substitutions(lifts, sim.stamps, context, heavy=False)
    heavy_subs = substitutions(lifts, sim.stamps, context, heavy=True)
    light = [(e,) for e in light_subs + moves(sim, lifts, context.config)]
    light += session_units(light_subs)
    heavy = [(e,) for e in heavy_subs] + session_units(light_subs + heavy_subs)
    cuts = [(e,) for e in reductions(lifts, sim.stamps, context)]
    search = Search(sim, context.config, prime=light + heavy)
    if search.base.clean:
        return search, None
    for pool in (light, light + heavy, light + heavy + cuts):
        if pool:
            chosen = search.best(pool)
            if chosen is not None:
                return search, chosen
    return search, None


def suggest(
    dosed: pd.DataFrame,
    week_start: pd.Timestamp,
    flags: pd.DataFrame,
    context: SwapContext,
) -> tuple[tuple[Swap, ...], AfterSwaps | None]:
    """Swaps for one athlete's flagged week. `dosed` is that athlete's whole dosed set table,
    `flags` that week's flag rows. Returns ((), None) when the week has no flag a schedule
    change can clear, or when no candidate within the bounds clears it."""
    codes = tuple(dict.fromkeys(str(c) for c in flags["code"] if c in FIXABLE))
    if not codes or dosed.empty:
        return (), None
    _, chosen = search_week(dosed, pd.Timestamp(week_start), context)
    if chosen is None:
        return (), None
    after_codes = {code for code, _ in chosen.flags}
    clears = tuple(c for c in codes if c not in after_codes)
    swaps = tuple(
        Swap(
            day=e.day.date(),
            from_=e.exercise,
            to=e.to,
            move_to=e.move_to.date() if e.move_to is not None else None,
            kind=e.kind,
            reason=e.reason,
            clears=clears,
        )
        for e in sorted(chosen.edits, key=_edit_order)
    )
    return swaps, _after(chosen)
