"""Typed results of an analysis: what the library returns and every renderer takes.

Field names mirror the JSON contract (docs/json.md); renderers never recompute the model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One row-level problem in an input file: the row (as in the file, header = row 1) and
    what is wrong with it."""

    row: int
    message: str


@dataclass(frozen=True)
class SourceReport:
    """What reading one file produced; mirrors `sources[]` in the JSON contract. The
    importers build it (`importers.canonical.finish`); renderers and the analysis read it."""

    path: str
    format: str
    athletes: tuple[str, ...]
    rows: int  # data records read (header and blank lines excluded)
    sets: int  # set rows kept, warm-ups included
    warmup_sets: int
    skipped: int
    skipped_reasons: Mapping[str, int]
    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()  # assumptions worth telling the user (units, date order)
    #: The unit the lifter logs weights in, for showing them ("kg" or "lb"; None when the
    #: file has no weights). `weight_kg` stays kilograms; see `importers.units`.
    weight_unit: str | None = None


#: `info` is a note that never changes a week's status (a pain note about another body part).
Severity = Literal["info", "watch", "overuse"]
Status = Literal["ok", "watch", "overuse"]

SEVERITY_RANK: Mapping[str, int] = {"ok": 0, "info": 0, "watch": 1, "overuse": 2}


def worst(statuses: list[str] | tuple[str, ...]) -> Status:
    """The worst of several statuses/severities ("ok" when empty; `info` counts as ok)."""
    found = max(statuses, key=SEVERITY_RANK.__getitem__, default="ok")
    return "ok" if found == "info" else found  # type: ignore[return-value]


@dataclass(frozen=True)
class Flag:
    """One reason a week is not ok, with the numbers behind it."""

    code: str  # a rule code of analyzer/rules.py (docs/json.md lists them)
    severity: Severity
    days: tuple[dt.date, ...]
    exercises: tuple[str, ...]
    message: str
    #: The numbers the message states, by name (gap_hours, limit_hours, run_days, ratio...).
    figures: Mapping[str, float | int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Swap:
    """One concrete change to a week (issue 7)."""

    day: dt.date
    from_: str
    to: str | None
    move_to: dt.date | None
    kind: Literal["substitute", "move", "reduce"]
    reason: str
    clears: tuple[str, ...]
    #: Working sets of the lift before the change and after it (a reduction keeps fewer).
    sets_before: int | None = None
    sets_after: int | None = None


@dataclass(frozen=True)
class AfterSwaps:
    """The week re-simulated with its swaps applied."""

    status: Status
    flags: tuple[str, ...]
    lower_back_load: float
    loaded_days: int = 0
    #: Set when the swaps do not clear the week (the single most useful change is given).
    note: str = ""
    #: Longest run of loaded days inside the changed week.
    longest_run: int = 0
    #: Hours between the closest two hard direct sessions after the change (weeks with a
    #: `hard_spacing` flag; None otherwise or with fewer than two hard sessions).
    closest_gap_hours: float | None = None


@dataclass(frozen=True)
class Week:
    """One ISO week (Monday start) of one athlete."""

    week: str  # "2026-W37"
    start: dt.date
    sets: int  # working sets (warm-ups excluded)
    direct_sets: int
    indirect_sets: int
    lower_back_load: float
    loaded_days: tuple[dt.date, ...]
    longest_run: int
    acwr: float | None
    monotony: float | None
    strain: float | None
    status: Status
    flags: tuple[Flag, ...] = ()
    swaps: tuple[Swap, ...] = ()
    after_swaps: AfterSwaps | None = None
    #: The log ends before this week's Sunday: the week is still being trained.
    in_progress: bool = False
    #: The last logged day of a week in progress (None for a complete week).
    through: dt.date | None = None


@dataclass(frozen=True, eq=False)
class AthleteResult:
    """Everything computed for one athlete.

    `sets` is the tagged canonical set table of this athlete (canonical columns plus canonical,
    load_class, coefficient, primary_muscle, pattern, effort, dose); `days` is the full daily
    calendar (date, dose, recovery_state, direct_state, direct_sets, indirect_sets, loaded,
    has_direct, acute, chronic, acwr). Both are for renderers (charts, PDFs, --daily JSON).
    """

    athlete: str
    first_date: dt.date
    last_date: dt.date
    weeks: tuple[Week, ...]
    sets: pd.DataFrame = field(repr=False)
    days: pd.DataFrame = field(repr=False)

    @property
    def status(self) -> Status:
        """Status of the latest week; for a week in progress, the worse of it and the week
        before (a partial week never turns the headline green)."""
        if not self.weeks:
            return "ok"
        latest = self.weeks[-1]
        if latest.in_progress and len(self.weeks) > 1:
            return worst([latest.status, self.weeks[-2].status])
        return latest.status

    @property
    def has_pain_note(self) -> bool:
        return any(f.code == "pain_note" for w in self.weeks for f in w.flags)


@dataclass(frozen=True)
class ExerciseSummary:
    """How one distinct exercise name was tagged, and how many sets used it."""

    name: str
    canonical: str | None
    load_class: str
    coefficient: float
    primary_muscle: str | None
    matched_by: str
    score: float | None
    suggestions: tuple[str, ...]
    sets: int


@dataclass(frozen=True, eq=False)
class Analysis:
    """The result of `analyze()`: sources read, athletes judged, exercises tagged."""

    sources: tuple[SourceReport, ...]
    athletes: tuple[AthleteResult, ...]
    exercises: tuple[ExerciseSummary, ...]
    skipped_files: tuple[tuple[str, str], ...] = ()
    duplicate_sets: int = 0
    notes: tuple[str, ...] = ()

    @property
    def unknown_exercises(self) -> tuple[ExerciseSummary, ...]:
        return tuple(e for e in self.exercises if e.load_class == "unknown")
