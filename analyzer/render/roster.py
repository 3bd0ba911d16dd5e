"""Where each athlete stands, for the roster PDF and the terminal summary of a folder run.

Pure Python over the typed results (no pandas, no model, no words): which week of each athlete
is shown, the status it gets (a week in progress never shows better than the week before it),
whether the athlete still logs, and the worst-first order. The terminal and the PDFs both sort
and group by it, so they list athletes the same way; how a standing is said is
`render/wording.py`'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from analyzer.errors import ConfigError
from analyzer.results import SEVERITY_RANK, Analysis, AthleteResult, Week, worst

#: An athlete whose last logged day is this many days (or more) before the newest logged day of
#: the input has "no recent log": grouped at the end of the roster and the summary.
NO_RECENT_DAYS = 14
#: Flagged weeks counted in "flagged weeks (last 4)".
RECENT_WEEKS = 4
#: The status of a standing without a trained week (also the grey colour key of `palette`).
NO_DATA = "no data"


def week_status(result: AthleteResult, week: Week) -> str:
    """The status shown for `week`: its own, or for a week in progress the worse of it and the
    week before (a partial week never shows green while the week before was flagged)."""
    if not week.in_progress:
        return week.status
    before = previous_week(result, week)
    return worst([week.status, before.status]) if before is not None else week.status


def previous_week(result: AthleteResult, week: Week | dt.date) -> Week | None:
    """The athlete's week just before `week` (or before the week starting on that Monday)."""
    start = week.start if isinstance(week, Week) else week
    earlier = [w for w in result.weeks if w.start < start]
    return earlier[-1] if earlier else None


def as_of(results: Sequence[AthleteResult]) -> dt.date | None:
    """The newest logged day of any athlete: the day "recent" is measured from."""
    return max((r.last_date for r in results if r.weeks), default=None)


def log_range(results: Sequence[AthleteResult]) -> tuple[dt.date, dt.date] | None:
    """(first, last) logged day over every athlete, None without any week."""
    with_weeks = [r for r in results if r.weeks]
    if not with_weeks:
        return None
    return min(r.first_date for r in with_weeks), max(r.last_date for r in with_weeks)


def week_in_any_log(results: Sequence[AthleteResult], monday: dt.date) -> bool:
    """Whether the ISO week starting `monday` overlaps any athlete's logged span."""
    sunday = monday + dt.timedelta(days=6)
    return any(r.first_date <= sunday and monday <= r.last_date for r in results if r.weeks)


def pain_in(weeks: Sequence[Week | None]) -> bool:
    """Whether any of `weeks` holds a pain note that counts (not the `info` kind)."""
    return any(
        f.code == "pain_note" and f.severity != "info"
        for w in weeks
        if w is not None
        for f in w.flags
    )


@dataclass(frozen=True)
class Standing:
    """One athlete's line in the roster and the summary."""

    result: AthleteResult
    #: The week shown: the latest logged week, or the chosen week (None: nothing logged then).
    week: Week | None
    #: ok / watch / overuse / "no data" (see `week_status`).
    status: str
    #: The latest logged day is at least NO_RECENT_DAYS before the input's newest (latest-week
    #: rosters only; a chosen-week roster groups "no data" instead).
    stale: bool
    #: Flagged weeks among the RECENT_WEEKS weeks up to the shown week.
    flagged_recent: int

    @property
    def athlete(self) -> str:
        return self.result.athlete

    @property
    def trained(self) -> bool:
        """The shown week holds working sets (a rest week or no week at all does not)."""
        return self.week is not None and self.week.sets > 0

    @property
    def decided_by_week_before(self) -> Week | None:
        """For a week in progress shown worse than its own status: the week that decided."""
        if self.week is None or not self.week.in_progress or self.status == self.week.status:
            return None
        return previous_week(self.result, self.week)

    @property
    def pain_noted(self) -> bool:
        """Pain was noted in the shown week or in the week before that decided its status
        (the terminal's "pain noted" line and the roster's boxed pain line name them)."""
        return pain_in([self.week, self.decided_by_week_before])


def _standing(result: AthleteResult, week: Week | None, stale: bool) -> Standing:
    if week is None:
        return Standing(result, None, NO_DATA, stale, 0)
    first = week.start - dt.timedelta(weeks=RECENT_WEEKS - 1)
    flagged = sum(w.status != "ok" for w in result.weeks if first <= w.start <= week.start)
    status = week_status(result, week) if week.sets > 0 or week.flags else NO_DATA
    return Standing(result, week, status, stale, flagged)


def _worst_first(s: Standing) -> tuple[object, ...]:
    """Still logging first; then status, kinds of flag, recent flagged weeks, load, name."""
    week = s.week
    return (
        s.stale,
        -SEVERITY_RANK.get(s.status, -1),
        -(len({f.code for f in week.flags if f.severity != "info"}) if week else 0),
        -s.flagged_recent,
        -(week.lower_back_load if week else 0.0),
        s.athlete,
    )


def standings(results: Sequence[AthleteResult], monday: dt.date | None = None) -> list[Standing]:
    """Every athlete, worst first.

    Without `monday`: each athlete at their own latest logged week; athletes whose last log is
    NO_RECENT_DAYS or more before the newest logged day of the input come last ("no recent
    log"). With `monday`: everyone at that ISO week; who trained nothing that week comes last.
    """
    if monday is not None:
        lines = [
            _standing(r, next((w for w in r.weeks if w.start == monday), None), False)
            for r in results
        ]
        return sorted(lines, key=_worst_first)
    newest = as_of(results)
    lines = []
    for r in results:
        stale = newest is None or not r.weeks or (newest - r.last_date).days >= NO_RECENT_DAYS
        lines.append(_standing(r, r.weeks[-1] if r.weeks else None, stale))
    return sorted(lines, key=_worst_first)


def counts(lines: Sequence[Standing]) -> dict[str, int]:
    """Status counts of the lines that are not grouped at the end (stale or no data), plus
    `rest`: how many are."""
    head = [s for s in lines if not s.stale and s.status != NO_DATA]
    found = {status: sum(s.status == status for s in head) for status in ("overuse", "watch", "ok")}
    found["rest"] = len(lines) - len(head)
    return found


#: Which athletes get charts (`backlog analyze --charts`).
CHART_CHOICES = ("attention", "all", "none")
#: With `--charts attention`, an input of at most this many athletes charts every one of them.
CHART_EVERY_ATHLETE_UP_TO = 10
#: With `--charts attention` on a larger input, at most this many athletes are charted: the
#: first of `needing_attention` (the top of the summary's list). What a coach works through
#: in one sitting, and what the command can draw in about a second on two cores (each
#: athlete's four charts take a third of a second): a roster where a tenth of 500 clients
#: are at overuse would otherwise draw 200 charts before the summary's reader gets to them.
CHART_ATTENTION_AT_MOST = 5


def check_chart_choice(which: str) -> None:
    """Raise ConfigError unless `which` is one of CHART_CHOICES."""
    if which not in CHART_CHOICES:
        raise ConfigError(f"--charts must be one of {', '.join(CHART_CHOICES)}, not {which!r}")


def needing_attention(results: Sequence[AthleteResult]) -> list[AthleteResult]:
    """The athletes a coach acts on first: still logging and at overuse in their latest week,
    worst first (the summary's order)."""
    return [s.result for s in standings(results) if not s.stale and s.status == "overuse"]


def charted_athletes(analysis: Analysis, which: str = "attention") -> list[AthleteResult]:
    """The athletes whose charts are written, in name order. `all`: every athlete with weeks;
    `none`: nobody; `attention` (the default): everyone when the input holds at most
    CHART_EVERY_ATHLETE_UP_TO athletes, otherwise the first CHART_ATTENTION_AT_MOST of
    `needing_attention`. Charts cost about a third of a second per athlete, so a roster of
    hundreds is charted where it is read first, and the terminal says how to get the rest
    (`wording.charts_note`)."""
    check_chart_choice(which)
    with_weeks = sorted((r for r in analysis.athletes if r.weeks), key=lambda a: a.athlete)
    if which == "none":
        return []
    if which == "all" or len(with_weeks) <= CHART_EVERY_ATHLETE_UP_TO:
        return with_weeks
    first = needing_attention(with_weeks)[:CHART_ATTENTION_AT_MOST]
    return sorted(first, key=lambda a: a.athlete)
