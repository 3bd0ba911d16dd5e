"""Swaps: the smallest change a coach would make to clear a flagged week, proven by
re-running the rule engine (analyzer/rules.py) on the changed week.

Candidate edits, in a coach's order of preference:
- move one lower-back lift to another day of the same week (the seed's "deadlift at the end
  of the week");
- substitute a lift with a catalog alternative of the same pattern and primary muscle that
  loads the back less (never a protected or competition lift);
- reduce a lift's working sets to about 60% ("cut Wed deadlift from 5 to 3 sets").
For a spike or a return week, only reductions: a coach keeps the lifts and cuts volume.

Every edit counts once (a moved lift, a substituted lift, a reduced lift); at most
`swap_max_edits` per week. Each candidate week is written into a block of days (the weeks
before it, the week, the week after, with the state carried in from earlier training) and the
same engine judges all candidates at once, one grid row each. Search order, acceptance and
bounds: docs/model.md, "## Swaps".
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final, Literal, Protocol, TypeVar

import numpy as np
import pandas as pd

from analyzer import calendar, model, rules
from analyzer import flags as flagging
from analyzer.config import Config
from analyzer.results import AfterSwaps, Swap, worst

FIXABLE: Final = rules.FIXABLE
DAY_NAMES: Final = calendar.DAY_NAMES
WEEK: Final = rules.WEEK
#: Days of the block before the week: covers a break (`break_days`) ending in the 2 weeks
#: before it, runs and spacing into the week, and the pain follow-up window.
LOOKBACK_DAYS: Final = 28
#: Alternatives tried per lift (the catalog lists them best first).
ALTERNATIVES_PER_LIFT: Final = 2
#: Singles combined into pairs / triples (ranked by how much of the problem they solve).
TOP_FOR_SIZE: Final = {2: 12, 3: 7}
#: A reduction keeps this fraction of the working sets (rounded, at least one set fewer).
REDUCE_TO: Final = 0.6
#: Rules answered with less volume rather than a different schedule.
VOLUME_RULES: Final = frozenset({"acwr_spike", "return_after_break"})

Kind = Literal["substitute", "move", "reduce"]


@dataclass(frozen=True, eq=False)
class SwapContext:
    """What the swap search needs besides the week itself: the catalog and the model
    constants (with the protected lifts: `keep_lifts`, names as logged or catalog names, any
    case, and the competition lifts of `sport`)."""

    catalog: pd.DataFrame
    config: Config

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
        return out

    @cached_property
    def entries(self) -> dict[str, tuple[str, float, str, str, str]]:
        """Catalog name -> (load class, coefficient, primary muscle, pattern, alternatives)
        as plain Python values (the search reads them per edit)."""
        lookup = self.lookup
        return {
            name: (str(c), float(k), str(m), str(p), str(a))
            for name, c, k, m, p, a in zip(
                lookup.index,
                lookup["load_class"],
                lookup["coefficient"],
                lookup["primary_muscle"],
                lookup["pattern"],
                lookup["alternatives"],
                strict=True,
            )
        }

    @cached_property
    def protected(self) -> frozenset[str]:
        """Lower-cased names never substituted."""
        sport = self.config.sport
        lifts = {
            "powerlifting": self.config.powerlifting_lifts,
            "weightlifting": self.config.weightlifting_lifts,
        }.get(sport, ())
        return frozenset(n.casefold() for n in (*self.config.keep_lifts, *lifts))

    def is_protected(self, exercise: str, canonical: object) -> bool:
        names = {exercise.casefold()}
        if isinstance(canonical, str):
            names.add(canonical.casefold())
        return bool(names & self.protected)

    @cached_property
    def _alternatives(self) -> dict[str, tuple[tuple[str, float, str], ...]]:
        return {}

    def alternatives(self, canonical: str) -> tuple[tuple[str, float, str], ...]:
        """(alternative, effective coefficient, load class) for a catalog lift: its catalog
        alternatives that keep its pattern and primary muscle and load the back less, in
        catalog order, the first ALTERNATIVES_PER_LIFT."""
        if canonical not in self._alternatives:
            entries = self.entries
            found: list[tuple[str, float, str]] = []
            if canonical in entries:
                cls, coefficient, muscle, pattern, names = entries[canonical]
                own = _effective(cls, coefficient)
                for name in names.split("|"):
                    if name not in entries or name == canonical:
                        continue
                    alt_cls, alt_coefficient, alt_muscle, alt_pattern, _ = entries[name]
                    effective = _effective(alt_cls, alt_coefficient)
                    if effective < own and alt_pattern == pattern and alt_muscle == muscle:
                        found.append((name, effective, alt_cls))
            self._alternatives[canonical] = tuple(found[:ALTERNATIVES_PER_LIFT])
        return self._alternatives[canonical]


def _effective(load_class: str, coefficient: float) -> float:
    return coefficient if load_class in model.LOADING_CLASSES else 0.0


@dataclass(frozen=True)
class Edit:
    """One change to a lift of the week: `day` is the weekday it was done on, `exercise`
    the name as logged."""

    kind: Kind
    day: int
    exercise: str
    to: str | None = None
    move_to: int | None = None
    keep_sets: int | None = None
    sets: int = 0
    reason: str = field(default="", compare=False)

    def conflicts(self, other: Edit) -> bool:
        """Two edits of the same lift cannot go together."""
        return (self.day, self.exercise) == (other.day, other.exercise)


Candidate = tuple[Edit, ...]


@dataclass(frozen=True)
class Outcome:
    """A candidate week as the engine judged it."""

    edits: Candidate
    flags: tuple[tuple[str, str], ...]  # (code, severity) of the week
    load: float
    loaded_days: int
    next_overuse: int  # fixable overuse flags of the following week
    next_flags: int  # fixable flags of the following week
    balance: float  # largest relative change of working sets per primary muscle
    longest_run: int = 0  # longest run of loaded days inside the week

    @property
    def fixable(self) -> tuple[tuple[str, str], ...]:
        return tuple(f for f in self.flags if f[0] in FIXABLE)

    @property
    def overuse(self) -> int:
        return sum(s == "overuse" for _, s in self.fixable)

    @property
    def clean(self) -> bool:
        return not self.fixable

    @property
    def status(self) -> str:
        return worst([s for _, s in self.flags])


T = TypeVar("T")
#: A search's steps: yields the candidates it needs judged, is sent their outcomes, returns
#: its result (driven by `suggest_many`).
Steps = Generator[list[Candidate], list[Outcome], T]


@dataclass(frozen=True)
class WeekRows:
    """The working sets of the week that the edits address, one entry per set."""

    day: np.ndarray  # weekday 0-6
    hour: np.ndarray  # clock hour, NaN when unknown
    dose: np.ndarray
    direct: np.ndarray
    per_coefficient: np.ndarray  # dose per unit of coefficient (effort x dose units)
    working: np.ndarray
    exercise: np.ndarray
    canonical: np.ndarray
    muscle: np.ndarray

    @classmethod
    def of(cls, sets: pd.DataFrame, week_start: pd.Timestamp) -> WeekRows:
        """The rows of a set table (the week's sets, or more: days outside the week are
        ignored by the search)."""
        return SetArrays.of(sets).week(np.arange(len(sets)), week_start)


@dataclass(frozen=True)
class SetArrays:
    """The columns of a dosed set table that the swap search reads, converted to arrays
    once per analysis (each week then takes its rows by position)."""

    date_ns: np.ndarray  # int64 nanoseconds since the epoch
    hour: np.ndarray
    dose: np.ndarray
    per_coefficient: np.ndarray
    direct: np.ndarray
    working: np.ndarray
    exercise: np.ndarray
    canonical: np.ndarray
    muscle: np.ndarray

    @classmethod
    def of(cls, sets: pd.DataFrame) -> SetArrays:
        dose = sets["dose"].to_numpy(dtype="float64")
        coefficient = sets["coefficient"].to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            per = np.where(coefficient > 0, dose / coefficient, 0.0)
        return cls(
            date_ns=sets["date"].to_numpy(dtype="datetime64[ns]").view("int64"),
            hour=model.clock_hours(sets),
            dose=dose,
            per_coefficient=np.nan_to_num(per),
            direct=sets["load_class"].eq("direct").to_numpy(dtype=bool, na_value=False),
            working=~sets["set_type"].eq("warmup").to_numpy(dtype=bool),
            exercise=sets["exercise"].astype("str").to_numpy(dtype=object),
            canonical=sets["canonical"].to_numpy(dtype=object),
            muscle=sets["primary_muscle"].astype("str").fillna("unknown").to_numpy(dtype=object),
        )

    def week(self, rows: np.ndarray, week_start: pd.Timestamp) -> WeekRows:
        """The sets at positions `rows`, days counted from `week_start` (a Monday)."""
        start_ns = week_start.as_unit("ns").value
        return WeekRows(
            day=(self.date_ns[rows] - start_ns) // calendar.DAY_NS,
            hour=self.hour[rows],
            dose=self.dose[rows],
            direct=self.direct[rows],
            per_coefficient=self.per_coefficient[rows],
            working=self.working[rows],
            exercise=self.exercise[rows],
            canonical=self.canonical[rows],
            muscle=self.muscle[rows],
        )


@dataclass(frozen=True)
class Lift:
    """One lift of the week (day, name as logged) that loads the lower back."""

    day: int
    exercise: str
    canonical: object
    direct: bool
    dose: float
    sets: int
    rows: np.ndarray


class WeekBlock:
    """One athlete's flagged week, ready to judge edited versions of it with the engine.

    The block runs from LOOKBACK_DAYS before the week to the end of the week after it; days
    outside the week are the athlete's own (from `grid` row `series`); when nothing is
    logged after the week, the week after is the edited week again (a weekly plan repeats,
    so a move to Sunday that runs into the next Monday is caught)."""

    def __init__(
        self,
        grid: rules.DayGrid,
        chronic: tuple[np.ndarray, np.ndarray],
        series: int,
        week: int,
        sets: pd.DataFrame | WeekRows,
        week_start: pd.Timestamp,
        context: SwapContext,
    ) -> None:
        self.context = context
        self.config = context.config
        self.week_start = week_start
        width = grid.shape[1]
        first = week * WEEK
        lo = max(0, first - LOOKBACK_DAYS)
        self.offset = first - lo  # the week's first column in the block
        hi = min(width, first + 2 * WEEK)
        self.repeat = not grid.valid[series, first + WEEK : first + 2 * WEEK].any()
        columns = first + 2 * WEEK - lo

        def take(a: np.ndarray, fill: object) -> np.ndarray:
            out = np.full(columns, fill, dtype=a.dtype)
            out[: hi - lo] = a[series, lo:hi]
            return out

        self.base = {
            "dose": take(grid.dose, 0.0),
            "direct": take(grid.direct, 0.0),
            "hour": take(grid.hour, np.nan),
            "back_pain": take(grid.back_pain, False),
            "other_pain": take(grid.other_pain, False),
            "valid": take(grid.valid, False),
        }
        if self.repeat:
            self.base["valid"][self.offset + WEEK :] = True
        self.norms = {
            k: float(getattr(grid, k)[series])
            for k in ("loaded_at", "hard_at", "heavy_at", "usual_week")
        }
        chronic_now, history = chronic
        lam = 2.0 / (self.config.chronic_days + 1.0)
        if lo > 0:
            n = float(history[series, lo - 1])
            self.carried = (float(chronic_now[series, lo - 1]) * (1.0 - (1.0 - lam) ** n), n)
            loaded = np.flatnonzero(
                grid.valid[series, :lo] & (grid.dose[series, :lo] >= self.norms["loaded_at"])
            )
            self.idle = float(lo - 1 - loaded[-1]) if len(loaded) else np.inf
        else:
            self.carried, self.idle = (0.0, 0.0), np.inf
        self.rows = sets if isinstance(sets, WeekRows) else WeekRows.of(sets, week_start)
        self.muscles_before = Counter(self.rows.muscle[self.rows.working].tolist())
        self._changes: dict[Edit, Counter[str]] = {}

    @cached_property
    def lifts(self) -> list[Lift]:
        """The week's lifts that load the back, heaviest dose first."""
        r = self.rows
        found: dict[tuple[int, str], list[int]] = {}
        for i, (day, name) in enumerate(zip(r.day.tolist(), r.exercise.tolist(), strict=True)):
            if 0 <= day < WEEK:
                found.setdefault((day, name), []).append(i)
        out = []
        for (day, name), idx in found.items():
            rows = np.array(idx)
            dose = float(r.dose[rows].sum())
            if dose > 0:
                out.append(
                    Lift(
                        day,
                        name,
                        r.canonical[rows[0]],
                        bool(r.direct[rows].any()),
                        dose,
                        int(r.working[rows].sum()),
                        rows,
                    )
                )
        return sorted(out, key=lambda x: (-x.dose, x.day, x.exercise))

    # -- candidates ------------------------------------------------------------------------

    def moves(self) -> list[Edit]:
        """Each lift to every other day of the week that does not already have it (moving a
        lift onto its own second session doubles that session; it is not a move)."""
        out = []
        for lift in self.lifts:
            for target in range(WEEK):
                if target != lift.day and (target, lift.exercise) not in self._doses:
                    out.append(
                        Edit(
                            "move",
                            lift.day,
                            lift.exercise,
                            move_to=target,
                            sets=lift.sets,
                            reason=(
                                f"train {lift.exercise} on {DAY_NAMES[target]} instead of "
                                f"{DAY_NAMES[lift.day]}, so the lower back gets its rest between "
                                "hard days"
                            ),
                        )
                    )
        return out

    def substitutions(self) -> list[Edit]:
        """Each unprotected catalog lift to its pattern-keeping alternatives."""
        out = []
        for lift in self.lifts:
            if not isinstance(lift.canonical, str) or self.context.is_protected(
                lift.exercise, lift.canonical
            ):
                continue
            for alt, effective, _ in self.context.alternatives(lift.canonical):
                effect = (
                    "without loading the lower back"
                    if effective == 0
                    else "with less lower-back load"
                )
                out.append(
                    Edit(
                        "substitute",
                        lift.day,
                        lift.exercise,
                        to=alt,
                        sets=lift.sets,
                        reason=f"{alt} keeps the movement {effect}",
                    )
                )
        return out

    def reductions(self, volume: bool = False) -> list[Edit]:
        """Each lift with 2+ working sets cut to about 60% of them; for a week that needs
        less volume (a spike, a return), also cut to the share of the week that brings it to
        `return_fraction` of the lifter's usual week (at least a quarter of the sets kept)."""
        shares = [REDUCE_TO]  # rounded; the volume share is rounded down
        if volume:
            load = float(self.rows.dose[(self.rows.day >= 0) & (self.rows.day < WEEK)].sum())
            if load > 0:
                target = self.config.return_fraction * self.norms["usual_week"] / load
                shares.append(min(REDUCE_TO, max(0.25, target)))
        out = []
        for lift in self.lifts:
            if lift.sets < 2:
                continue
            keeps = {
                min(
                    lift.sets - 1,
                    max(1, (round if share == REDUCE_TO else math.floor)(lift.sets * share)),
                )
                for share in shares
            }
            for keep in sorted(keeps, reverse=True):
                out.append(
                    Edit(
                        "reduce",
                        lift.day,
                        lift.exercise,
                        keep_sets=keep,
                        sets=lift.sets,
                        reason=f"cut {lift.exercise} from {lift.sets} to {keep} sets",
                    )
                )
        return out

    # -- judging ---------------------------------------------------------------------------

    def lift_dose(self, e: Edit) -> float:
        """The week's dose of the lift an edit addresses."""
        return self._doses.get((e.day, e.exercise), 0.0)

    @cached_property
    def _doses(self) -> dict[tuple[int, str], float]:
        return {(lift.day, lift.exercise): lift.dose for lift in self.lifts}

    def _lift_rows(self, e: Edit) -> np.ndarray:
        for lift in self.lifts:
            if (lift.day, lift.exercise) == (e.day, e.exercise):
                if e.kind == "reduce":
                    working = lift.rows[self.rows.working[lift.rows]]
                    return working[e.keep_sets or 0 :]
                return lift.rows
        return np.empty(0, dtype="int64")

    def grid(self, candidates: Sequence[Candidate]) -> rules.DayGrid:
        """One grid row per candidate: the block with the candidate's week written in."""
        n, r = len(candidates), self.rows
        m = len(r.day)
        day = np.tile(r.day, (n, 1))
        dose = np.tile(r.dose, (n, 1))
        direct = np.tile(r.direct, (n, 1))
        keep = np.ones((n, m), dtype=bool)
        entries = self.context.entries
        for i, edits in enumerate(candidates):
            for e in edits:
                rows = self._lift_rows(e)
                if e.kind == "move" and e.move_to is not None:
                    day[i, rows] = e.move_to
                elif e.kind == "reduce":
                    keep[i, rows] = False
                elif e.kind == "substitute" and e.to is not None:
                    alt_cls, alt_coefficient, *_ = entries[e.to]
                    dose[i, rows] = _effective(alt_cls, alt_coefficient) * r.per_coefficient[rows]
                    direct[i, rows] = alt_cls == "direct"
        inside = keep & (day >= 0) & (day < WEEK)
        slot = (np.arange(n)[:, None] * WEEK + day)[inside]
        week_dose = np.bincount(slot, weights=dose[inside], minlength=n * WEEK)
        week_direct = np.bincount(slot, weights=(dose * direct)[inside], minlength=n * WEEK)
        hour = np.full(n * WEEK, np.nan)
        timed = inside & direct & (dose > 0)
        np.fmin.at(
            hour,
            (np.arange(n)[:, None] * WEEK + day)[timed],
            np.broadcast_to(r.hour, (n, m))[timed],
        )
        columns = {k: np.tile(v, (n, 1)) for k, v in self.base.items()}
        week = slice(self.offset, self.offset + WEEK)
        for name, values in (("dose", week_dose), ("direct", week_direct), ("hour", hour)):
            columns[name][:, week] = values.reshape(n, WEEK)
            if self.repeat:
                columns[name][:, self.offset + WEEK :] = values.reshape(n, WEEK)
        judged = np.zeros((n, columns["dose"].shape[1] // WEEK), dtype=bool)
        judged[:, self.offset // WEEK :] = True
        return rules.DayGrid(
            **columns,
            loaded_at=np.full(n, self.norms["loaded_at"]),
            hard_at=np.full(n, self.norms["hard_at"]),
            heavy_at=np.full(n, self.norms["heavy_at"]),
            usual_week=np.full(n, self.norms["usual_week"]),
            chronic_raw=np.full(n, self.carried[0]),
            history=np.full(n, self.carried[1]),
            idle=np.full(n, self.idle),
            judged=judged,
        )

    def judge(self, candidates: Sequence[Candidate]) -> list[Outcome]:
        """Every candidate judged by the engine, as the search judges them (`judge_together`)."""
        return judge_together([(self, candidates)])[0] if candidates else []

    def outcomes(
        self,
        candidates: Sequence[Candidate],
        grid: rules.DayGrid,
        hits: Sequence[rules.Hit],
        first: int = 0,
    ) -> list[Outcome]:
        """The candidates as the engine judged them: `grid` is `self.grid(candidates)` and
        `hits` the engine's hits on it, candidate i being series `first + i`."""
        week = self.offset // WEEK
        flags: list[list[tuple[str, str]]] = [[] for _ in candidates]
        after: list[int] = [0] * len(candidates)
        after_all: list[int] = [0] * len(candidates)
        for h in hits:
            i = h.series - first
            if h.week == week:
                flags[i].append((h.code, h.severity))
            elif h.code in FIXABLE:
                after_all[i] += 1
                after[i] += h.severity == "overuse"
        span = slice(self.offset, self.offset + WEEK)
        loads = grid.dose[:, span].sum(axis=1)
        loaded_days = grid.dose[:, span] >= self.norms["loaded_at"]
        loaded = loaded_days.sum(axis=1)
        run = np.zeros(len(candidates), dtype="int64")
        longest = np.zeros(len(candidates), dtype="int64")
        for day in range(WEEK):
            run = np.where(loaded_days[:, day], run + 1, 0)
            longest = np.maximum(longest, run)
        return [
            Outcome(
                c,
                tuple(flags[i]),
                float(loads[i]),
                int(loaded[i]),
                after[i],
                after_all[i],
                self.balance(c),
                int(longest[i]),
            )
            for i, c in enumerate(candidates)
        ]

    def closest_gap(self, edits: Candidate) -> float | None:
        """Hours between the closest two hard direct sessions ending in the week, with
        `edits` applied (None: fewer than two such sessions)."""
        grid = self.grid([edits])
        hard = np.flatnonzero(grid.valid[0] & (grid.direct[0] >= self.norms["hard_at"]))
        gaps = []
        for first, second in zip(hard[:-1].tolist(), hard[1:].tolist(), strict=True):
            if self.offset <= second < self.offset + WEEK:
                gaps.append(
                    float(
                        rules.hours_apart(first, second, grid.hour[0, first], grid.hour[0, second])
                    )
                )
        return rules.shown_below(min(gaps)) if gaps else None

    def balance(self, edits: Candidate) -> float:
        """Largest relative change of the week's working sets of any primary muscle (a muscle
        the week did not train counts 1 when an edit adds it)."""
        change: dict[str, int] = {}
        for e in edits:
            for muscle, n in self._muscle_change(e).items():
                change[muscle] = change.get(muscle, 0) + n
        worst_change = 0.0
        for muscle, n in change.items():
            if n:
                before = self.muscles_before.get(muscle, 0)
                worst_change = max(worst_change, abs(n) / before if before > 0 else 1.0)
        return worst_change

    def _muscle_change(self, e: Edit) -> Counter[str]:
        """Working sets per primary muscle an edit adds (negative: takes away)."""
        if e not in self._changes:
            change: Counter[str] = Counter()
            if e.kind in ("reduce", "substitute"):
                rows = self._lift_rows(e)
                working = rows if e.kind == "reduce" else rows[self.rows.working[rows]]
                for muscle in self.rows.muscle[working].tolist():
                    change[muscle] -= 1
                    if e.kind == "substitute" and e.to is not None:
                        change[self.context.entries[e.to][2]] += 1
            self._changes[e] = change
        return self._changes[e]


# -- search ------------------------------------------------------------------------------------

_KIND_ORDER: Final = {"move": 0, "substitute": 1, "reduce": 2}
_VOLUME_ORDER: Final = {"reduce": 0, "move": 1, "substitute": 2}


class Search:
    """Bounded search for the smallest accepted candidate (docs/model.md, "## Swaps")."""

    def __init__(self, block: WeekBlock, codes: Sequence[str]) -> None:
        self.block = block
        self.config = block.config
        self.volume = bool(set(codes) & VOLUME_RULES) and not (
            set(codes) - VOLUME_RULES - {"pain_note", "pain_followup"}
        )
        self.order = _VOLUME_ORDER if self.volume else _KIND_ORDER
        self.cache: dict[Candidate, Outcome] = {}

    def start(self) -> Steps[None]:
        """Judge the week as logged (`base`)."""
        self.base = (yield from self._evaluate([()]))[0]
        self.watch_only = self.base.overuse == 0

    def _evaluate(self, candidates: Sequence[Candidate]) -> Steps[list[Outcome]]:
        """The outcomes of `candidates`: the ones not judged yet are handed to the driver
        (`yield`), which judges them with other weeks' candidates in one engine pass."""
        wanted = list(dict.fromkeys(_normal(c) for c in candidates))
        budget = self.config.swap_max_evaluations + 1 - len(self.cache)
        new = [c for c in wanted if c not in self.cache][: max(budget, 0)]
        if new:
            judged = yield new
            for outcome in judged:
                self.cache[outcome.edits] = outcome
        return [self.cache[c] for c in wanted if c in self.cache]

    def accepts(self, o: Outcome) -> bool:
        """No fixable overuse left (nor any fixable flag, for a week that had only watch
        flags); no new overuse the week after; sets per muscle within tolerance unless the
        candidate reduces; and, unless the flag asks for less volume, most of the week's
        lower-back load kept (the back is still trained)."""
        if o.overuse or (self.watch_only and not o.clean):
            return False
        if o.next_overuse if self.block.repeat else o.next_overuse > self.base.next_overuse:
            return False
        reduces = any(e.kind == "reduce" for e in o.edits)
        if not reduces and o.balance > self.config.swap_balance_tolerance + 1e-9:
            return False
        return self.volume or o.load >= self.config.swap_min_load_kept * self.base.load - 1e-9

    def rank(self, o: Outcome) -> tuple:
        """Fewest edits, then the preferred kinds, then the fewest flags pushed into the next
        week, the least change of sets per muscle and the most load kept; a move takes the
        heaviest lift and puts it as late in the week as the engine allows (the seed's
        "deadlift at the end of the week")."""
        moved = sum(self.block.lift_dose(e) for e in o.edits if e.kind == "move")
        return (
            len(o.edits),
            sum(self.order[e.kind] for e in o.edits),
            o.next_flags,
            round(o.balance, 3),
            -round(o.load, 3) if not self.volume else round(o.load, 3),
            -round(moved, 3),
            -sum(e.move_to or 0 for e in o.edits),
            tuple((e.day, e.exercise, e.to or "") for e in o.edits),
        )

    @staticmethod
    def badness(o: Outcome) -> tuple:
        return (o.overuse, len(o.fixable), o.next_overuse, o.loaded_days, round(o.load, 3))

    def best(self, singles: Sequence[Edit]) -> Steps[Outcome | None]:
        """The best accepted candidate of 1, 2 or 3 edits (a clean week preferred to one left
        at watch within the same number of edits)."""
        outcomes = yield from self._evaluate([(e,) for e in singles])
        ranked = sorted(outcomes, key=lambda o: (self.badness(o), self.rank(o)))
        fallback: Outcome | None = None
        for size in range(1, self.config.swap_max_edits + 1):
            if size > 1:
                top = [o.edits[0] for o in ranked[: TOP_FOR_SIZE.get(size, 5)]]
                combos = [
                    c
                    for c in itertools.combinations(top, size)
                    if not any(a.conflicts(b) for a, b in itertools.combinations(c, 2))
                ]
                outcomes = yield from self._evaluate(combos)
            accepted = [o for o in outcomes if self.accepts(o)]
            clean = [o for o in accepted if o.clean]
            if clean:
                return min(clean, key=self.rank)
            if accepted and fallback is None:
                fallback = min(accepted, key=self.rank)
            elif fallback is not None:
                return fallback
        return fallback

    def most_useful(self, singles: Sequence[Edit]) -> Steps[Outcome | None]:
        """The single edit that helps most when nothing within the edit limit clears the
        week (a reduction first: the change a coach makes when the week cannot be
        rearranged), or None when no single edit improves anything."""
        base = self.base
        # Only a change that clears a flag or lowers one from overuse is worth printing.
        options = [
            o
            for o in (yield from self._evaluate([(e,) for e in singles]))
            if (o.overuse < base.overuse or len(o.fixable) < len(base.fixable))
            and o.next_overuse <= base.next_overuse
        ]
        if not options:
            return None
        # The biggest improvement: fewest flags left, then fewest loaded days, then the most
        # load taken off (the largest cut of the heaviest lift), reductions first on ties.
        return min(
            options, key=lambda o: (self.badness(o), _VOLUME_ORDER[o.edits[0].kind], self.rank(o))
        )


def _normal(edits: Sequence[Edit]) -> Candidate:
    return tuple(
        sorted(
            dict.fromkeys(edits),
            key=lambda e: (e.day, e.exercise, e.kind, e.to or "", e.move_to or 0),
        )
    )


# -- entry point -------------------------------------------------------------------------------


def _after(o: Outcome, note: str = "", gap: float | None = None) -> AfterSwaps:
    return AfterSwaps(
        closest_gap_hours=gap,
        status=o.status,  # type: ignore[arg-type]
        flags=tuple(dict.fromkeys(code for code, _ in o.flags)),
        lower_back_load=round(o.load, 3),
        loaded_days=o.loaded_days,
        note=note,
        longest_run=o.longest_run,
    )


def search_week(
    block: WeekBlock, codes: Sequence[str]
) -> Steps[tuple[Search, Outcome | None, bool]]:
    """(search, chosen outcome, whether it clears the week's fixable overuse/flags)."""
    search = Search(block, codes)
    yield from search.start()
    if search.base.clean or not block.lifts:
        return search, None, False
    moves, subs, cuts = block.moves(), block.substitutions(), block.reductions(search.volume)
    # A spike or a return week keeps its lifts and its days: only volume changes.
    pools = [cuts] if search.volume else [moves, moves + subs, moves + subs + cuts]
    for pool in pools:
        chosen = yield from search.best(pool)
        if chosen is not None:
            return search, chosen, True
    useful = yield from search.most_useful(cuts if search.volume else cuts + moves + subs)
    return search, useful, False


Suggestion = tuple[tuple[Swap, ...], AfterSwaps | None]


def suggestion(block: WeekBlock, codes: Sequence[str]) -> Steps[Suggestion]:
    """Swaps for one athlete's flagged week (`codes`: the week's flag codes), as steps for
    `suggest_many`."""
    fixable = tuple(dict.fromkeys(c for c in codes if c in FIXABLE))
    if not fixable:
        return (), None
    search, chosen, clears_week = yield from search_week(block, fixable)
    if chosen is None:
        return (), None
    # A code is cleared when the change removes it or lowers it from overuse to watch.
    after = {code: severity for code, severity in chosen.flags}
    before = {code: severity for code, severity in search.base.flags}
    clears = tuple(
        c
        for c in fixable
        if c not in after or (before.get(c) == "overuse" and after[c] != "overuse")
    )
    if not clears_week:
        note = (
            f"No change of up to {block.config.swap_max_edits} edits clears this week; "
            "this is the single most useful change."
        )
    else:
        left = [rules.BY_CODE[c].label for c, _ in chosen.fixable]
        note = f"Leaves {', '.join(dict.fromkeys(left))} at watch." if left else ""
    start = block.week_start
    swaps = tuple(
        Swap(
            day=(start + pd.Timedelta(days=e.day)).date(),
            from_=e.exercise,
            to=e.to,
            move_to=(start + pd.Timedelta(days=e.move_to)).date()
            if e.move_to is not None
            else None,
            kind=e.kind,
            reason=e.reason,
            clears=clears,
            sets_before=e.sets,
            sets_after=e.keep_sets if e.kind == "reduce" else e.sets,
        )
        for e in chosen.edits
    )
    gap = block.closest_gap(chosen.edits) if "hard_spacing" in fixable else None
    return swaps, _after(chosen, note, gap)


def suggest(block: WeekBlock, codes: Sequence[str]) -> Suggestion:
    """Swaps for one athlete's flagged week (`codes`: the week's flag codes)."""
    return suggest_many([(block, codes)])[0]


#: Candidate rows judged per engine pass (bounds the memory of one pass: ~6 arrays of
#: rows x block days).
ROWS_PER_PASS: Final = 8192


def suggest_many(weeks: Sequence[tuple[WeekBlock, Sequence[str]]]) -> list[Suggestion]:
    """Swaps for many flagged weeks at once. Each week's search runs as steps (generators
    that hand over the candidates they need judged); every round, the candidates of all
    waiting weeks are judged together in a few engine passes, so the engine's per-pass cost
    is paid per round, not per week."""
    steps = [suggestion(block, codes) for block, codes in weeks]
    results: list[Suggestion | None] = [None] * len(steps)
    waiting: dict[int, list[Candidate]] = {}

    def advance(i: int, judged: list[Outcome] | None) -> None:
        try:
            waiting[i] = next(steps[i]) if judged is None else steps[i].send(judged)
        except StopIteration as done:
            results[i] = done.value

    for i in range(len(steps)):
        advance(i, None)
    while waiting:
        asked = list(waiting.items())
        waiting.clear()
        judged = judge_together([(weeks[i][0], candidates) for i, candidates in asked])
        for (i, _), outcomes in zip(asked, judged, strict=True):
            advance(i, outcomes)
    return [r if r is not None else ((), None) for r in results]


def judge_together(asks: Sequence[tuple[WeekBlock, Sequence[Candidate]]]) -> list[list[Outcome]]:
    """Each block's candidates judged by the engine, blocks of equal width stacked into one
    grid (up to ROWS_PER_PASS rows) per engine pass."""
    out: list[list[Outcome]] = [[] for _ in asks]
    by_width: dict[int, list[int]] = {}
    grids = [block.grid(candidates) for block, candidates in asks]
    for i, g in enumerate(grids):
        by_width.setdefault(g.shape[1], []).append(i)
    for members in by_width.values():
        for batch in _passes(members, grids):
            _judge_batch(asks, grids, batch, out)
    return out


def _passes(members: Sequence[int], grids: Sequence[rules.DayGrid]) -> Iterator[list[int]]:
    """`members` in order, cut into engine passes of at most ROWS_PER_PASS grid rows (a
    larger grid makes a pass of its own)."""
    batch: list[int] = []
    rows = 0
    for i in members:
        n = grids[i].shape[0]
        if batch and rows + n > ROWS_PER_PASS:
            yield batch
            batch, rows = [], 0
        batch.append(i)
        rows += n
    if batch:
        yield batch


def _judge_batch(
    asks: Sequence[tuple[WeekBlock, Sequence[Candidate]]],
    grids: Sequence[rules.DayGrid],
    batch: Sequence[int],
    out: list[list[Outcome]],
) -> None:
    """One engine pass over the stacked grids of `batch`; each block's outcomes into `out`."""
    config = asks[batch[0]][0].config
    stacked = rules.DayGrid.stack([grids[i] for i in batch])
    hits = rules.evaluate(stacked, config, figures=False)
    first = np.cumsum([0, *(grids[i].shape[0] for i in batch)])
    owner = np.searchsorted(first, [h.series for h in hits], side="right") - 1
    mine: list[list[rules.Hit]] = [[] for _ in batch]
    for h, k in zip(hits, owner.tolist(), strict=True):
        mine[k].append(h)
    for k, i in enumerate(batch):
        block, candidates = asks[i]
        out[i] = block.outcomes(candidates, grids[i], mine[k], int(first[k]))


# -- which weeks -------------------------------------------------------------------------------

#: (athlete, week start as nanoseconds since the epoch)
WeekKey = tuple[str, int]


class AthleteSets(Protocol):
    """A dosed set table grouped by athlete (`assemble.ByAthlete`): athlete i's rows are
    `ordered.iloc[bounds[i]:bounds[i + 1]]`, `names[i]` their name."""

    @property
    def ordered(self) -> pd.DataFrame: ...
    @property
    def bounds(self) -> np.ndarray: ...
    @property
    def names(self) -> Sequence[str]: ...


def for_weeks(
    weeks: Sequence[tuple[str, int, str]],
    codes_by_week: dict[WeekKey, list[str]],
    sets: AthleteSets,
    grid: flagging.AthleteGrid,
    context: SwapContext,
) -> dict[WeekKey, Suggestion]:
    """(athlete, week start) -> swaps of every flagged week with a fixable flag among each
    athlete's latest `swap_recent_weeks` weeks (0: all weeks), and of the week labelled
    `swap_also_week`. `weeks`: (athlete, week start ns, ISO label) of every week;
    `codes_by_week`: the flag codes of each flagged week."""
    config = context.config
    recent, asked = config.swap_recent_weeks, config.swap_also_week
    latest: dict[str, int] = {}
    for athlete, start_ns, _ in weeks:
        latest[athlete] = max(latest.get(athlete, start_ns), start_ns)
    week_ns = WEEK * calendar.DAY_NS
    set_index = {name: i for i, name in enumerate(sets.names)}
    picked: list[tuple[WeekKey, list[str], np.ndarray]] = []
    date: np.ndarray | None = None
    for athlete, start_ns, label in weeks:
        old = bool(recent) and latest[athlete] - start_ns >= recent * week_ns
        if old and label != asked:
            continue
        codes = [c for c in codes_by_week.get((athlete, start_ns), ()) if c in FIXABLE]
        if not codes:
            continue
        if date is None:
            date = sets.ordered["date"].to_numpy(dtype="datetime64[ns]").view("int64")
        i = set_index[athlete]
        lo, hi = int(sets.bounds[i]), int(sets.bounds[i + 1])
        mine = date[lo:hi]
        rows = lo + np.flatnonzero((mine >= start_ns) & (mine < start_ns + week_ns))
        picked.append(((athlete, start_ns), codes, rows))
    if not picked:
        return {}
    chronic = grid.chronic(config)
    # Only the picked weeks' sets are converted to arrays.
    arrays = SetArrays.of(sets.ordered.take(np.concatenate([rows for _, _, rows in picked])))
    ends = np.cumsum([len(rows) for _, _, rows in picked]).tolist()
    asks = []
    for ((athlete, start_ns), codes, taken), end in zip(picked, ends, strict=True):
        start = pd.Timestamp(start_ns)
        series, week = grid.week_index(athlete, start.date())
        week_rows = arrays.week(np.arange(end - len(taken), end), start)
        asks.append((WeekBlock(grid.grid, chronic, series, week, week_rows, start, context), codes))
    found = suggest_many(asks)
    return {key: suggestion for (key, _, _), suggestion in zip(picked, found, strict=True)}
