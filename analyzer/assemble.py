"""The last pipeline stage: judged frames turned into the typed results renderers read.

`athlete_results(judged)` builds every `AthleteResult` (its `Week`s and their `Flag`s, the
swaps found, the athlete's own sets and days) from the frames `pipeline.judge` returns;
`exercise_summaries` says how each distinct exercise name was tagged. Whole columns are
converted to Python values once and zipped, never read row by row, so the cost is that of
building the objects themselves.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analyzer import kernels, model, swaps
from analyzer.results import AthleteResult, ExerciseSummary, Flag, Week, worst
from analyzer.tagging import Tagger

if TYPE_CHECKING:
    from analyzer.pipeline import Judged

#: (athlete, week start as nanoseconds since the epoch), as the swap search keys its weeks.
WeekKey = swaps.WeekKey


def ns(dates: pd.Series) -> np.ndarray:
    """A date or timestamp column as int64 nanoseconds since the epoch (the week keys)."""
    return dates.to_numpy(dtype="datetime64[ns]").view("int64")


def texts(column: pd.Series) -> list[Any]:
    """A text column as a list of Python str (NaN for missing), without a per-element
    iteration in pandas."""
    return column.to_numpy(dtype=object).tolist()


class ByAthlete:
    """A frame's rows grouped by athlete in name order (each athlete's rows in their original
    order, as iterating a groupby on `athlete` gives), from one stable sort and slices.
    `keys`: the frame's `model.SetKeys` when the caller has them (its athletes' codes)."""

    def __init__(self, frame: pd.DataFrame, keys: model.SetKeys | None = None) -> None:
        codes, uniques = (
            model.athlete_codes(frame) if keys is None else (keys.athlete, keys.athletes)
        )
        if (np.diff(codes) >= 0).all():  # already grouped in name order: slices, no copy
            self.ordered, sorted_codes = frame, codes
        else:
            order = np.argsort(codes, kind="stable")
            self.ordered, sorted_codes = frame.take(order), codes[order]
        self.names: list[str] = [str(name) for name in uniques]
        self.bounds: np.ndarray = np.searchsorted(sorted_codes, np.arange(len(uniques) + 1))
        self.codes: np.ndarray = sorted_codes

    def date_spans(self) -> tuple[list[dt.date], list[dt.date]]:
        """Each athlete's first and last `date` (missing dates skipped)."""
        date = ns(self.ordered["date"])
        missing = date == np.iinfo("int64").min
        starts = self.bounds[:-1]
        if not len(starts):
            return [], []
        low = np.minimum.reduceat(np.where(missing, np.iinfo("int64").max, date), starts)
        high = np.maximum.reduceat(date, starts)
        return (
            low.view("datetime64[ns]").astype("datetime64[D]").tolist(),
            high.view("datetime64[ns]").astype("datetime64[D]").tolist(),
        )

    def renumbered(self, i: int) -> pd.DataFrame:
        """Athlete i's rows indexed 0..n-1 (a new frame over the same data, not a copy)."""
        part = self.ordered.iloc[self.bounds[i] : self.bounds[i + 1]]
        part.index = pd.RangeIndex(len(part))
        return part


def flag_codes_by_week(flag_rows: pd.DataFrame) -> dict[WeekKey, list[str]]:
    """(athlete, week start) -> the codes of its flags, in flag-table order (what the swap
    search needs to know about each flagged week)."""
    codes: dict[WeekKey, list[str]] = {}
    if flag_rows.empty:
        return codes
    for athlete, start, code in zip(
        texts(flag_rows["athlete"]),
        ns(flag_rows["week_start"]).tolist(),
        texts(flag_rows["code"]),
        strict=True,
    ):
        codes.setdefault((athlete, start), []).append(code)
    return codes


def flags_by_week(flag_rows: pd.DataFrame) -> dict[WeekKey, tuple[Flag, ...]]:
    """(athlete, week start) -> its Flag objects, in one pass over the flag table."""
    objs: dict[WeekKey, list[Flag]] = {}
    if flag_rows.empty:
        return {}
    for athlete, start, code, severity, days, exercises, message, figures in zip(
        texts(flag_rows["athlete"]),
        ns(flag_rows["week_start"]).tolist(),
        texts(flag_rows["code"]),
        texts(flag_rows["severity"]),
        flag_rows["days"].tolist(),
        flag_rows["exercises"].tolist(),
        texts(flag_rows["message"]),
        flag_rows["figures"].tolist(),
        strict=True,
    ):
        objs.setdefault((athlete, start), []).append(
            Flag(
                code=code,
                severity=severity,
                days=days,
                exercises=tuple(exercises),
                message=message,
                figures=figures,
            )
        )
    return {k: tuple(v) for k, v in objs.items()}


def loaded_days_by_week(days: ByAthlete) -> dict[WeekKey, tuple[dt.date, ...]]:
    """(athlete, week start) -> the loaded calendar days of that week, in date order (the
    daily table holds each athlete's days in date order)."""
    frame = days.ordered
    loaded = frame["loaded"].to_numpy(dtype=bool)
    date_ns = ns(frame["date"])[loaded]
    # Monday of each day's week (1970-01-01, day 0, was a Thursday).
    week_ns = date_ns - ((date_ns // model.DAY_NS + 3) % 7) * model.DAY_NS
    athlete = days.codes[loaded]
    bounds = kernels.group_bounds([athlete, week_ns])
    dates = date_ns.view("datetime64[ns]").astype("datetime64[D]").tolist()
    return {
        (days.names[athlete[lo]], int(week_ns[lo])): tuple(dates[lo:hi])
        for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
    }


def _none_or_rounded(values: pd.Series) -> list[float | None]:
    """Each value rounded to 3 places, None where missing (a JSON null)."""
    return [None if x != x else round(x, 3) for x in values.to_numpy(dtype="float64").tolist()]


def _weeks_by_athlete(
    judged: Judged, last_logged: dict[str, dt.date], days: ByAthlete | None = None
) -> dict[str, list[Week]]:
    """Every row of the weekly table as a `Week` with its flags and swaps, per athlete in
    table order (each athlete's weeks in date order); `days`: the daily table by athlete,
    when the caller has it."""
    weeks = judged.weeks
    flag_objs = flags_by_week(judged.flags)
    loaded_map = loaded_days_by_week(days or ByAthlete(judged.days))
    columns = zip(
        texts(weeks["athlete"]),
        ns(weeks["week_start"]).tolist(),
        texts(weeks["week"]),
        weeks["week_start"].to_numpy(dtype="datetime64[D]").tolist(),
        weeks["sets"].to_numpy(dtype="int64").tolist(),
        weeks["direct_sets"].to_numpy(dtype="int64").tolist(),
        weeks["indirect_sets"].to_numpy(dtype="int64").tolist(),
        [round(x, 3) for x in weeks["lower_back_load"].to_numpy(dtype="float64").tolist()],
        weeks["longest_run"].to_numpy(dtype="int64").tolist(),
        _none_or_rounded(weeks["acwr"]),
        _none_or_rounded(weeks["monotony"]),
        _none_or_rounded(weeks["strain"]),
        strict=True,
    )
    out: dict[str, list[Week]] = {}
    six_days = dt.timedelta(days=6)
    for (
        athlete,
        start_ns,
        label,
        start,
        n,
        direct,
        indirect,
        load,
        run,
        acwr,
        monotony,
        strain,
    ) in columns:
        key = (athlete, start_ns)
        week_flags = flag_objs.get(key, ())
        swap_objs, after = judged.swaps.get(key, ((), None))
        last = last_logged.get(athlete)
        in_progress = last is not None and start <= last < start + six_days
        out.setdefault(athlete, []).append(
            Week(
                week=label,
                start=start,
                sets=n,
                direct_sets=direct,
                indirect_sets=indirect,
                lower_back_load=load,
                loaded_days=loaded_map.get(key, ()),
                longest_run=run,
                acwr=acwr,
                monotony=monotony,
                strain=strain,
                status=worst([f.severity for f in week_flags]) if week_flags else "ok",
                flags=week_flags,
                swaps=swap_objs,
                after_swaps=after,
                in_progress=in_progress,
                through=last if in_progress else None,
            )
        )
    return out


def athlete_results(judged: Judged) -> tuple[AthleteResult, ...]:
    """The typed result of every athlete with weeks, sorted by name: its weeks (fields from
    whole columns converted once), flags and swaps, and its own sets and days renumbered
    from 0 for the renderers."""
    if judged.empty:
        return ()
    sets_by_athlete = ByAthlete(judged.sets)
    days_by_athlete = ByAthlete(judged.days)
    first_dates, last_dates = sets_by_athlete.date_spans()
    last_logged = dict(zip(sets_by_athlete.names, last_dates, strict=True))
    weeks = _weeks_by_athlete(judged, last_logged, days_by_athlete)
    day_index = {name: i for i, name in enumerate(days_by_athlete.names)}
    return tuple(
        AthleteResult(
            athlete=athlete,
            first_date=first_dates[i],
            last_date=last_dates[i],
            weeks=tuple(weeks[athlete]),
            sets=sets_by_athlete.renumbered(i),
            days=days_by_athlete.renumbered(day_index[athlete]),
        )
        for i, athlete in enumerate(sets_by_athlete.names)
        if athlete in weeks
    )


def exercise_summaries(tagger: Tagger, counts: pd.Series) -> tuple[ExerciseSummary, ...]:
    """How each distinct exercise name was tagged, most used first, from name -> set count
    (engines that count per partition add their counts up and call this once)."""
    tags = tagger.tag_names(counts.index)
    out = []
    for name in sorted(counts.index, key=lambda n: (-int(counts[n]), n)):
        t = tags.loc[name]
        out.append(
            ExerciseSummary(
                name=name,
                canonical=t["canonical"] if isinstance(t["canonical"], str) else None,
                load_class=str(t["load_class"]),
                coefficient=float(t["coefficient"]),
                primary_muscle=t["primary_muscle"]
                if isinstance(t["primary_muscle"], str)
                else None,
                matched_by=str(t["matched_by"]),
                score=None if pd.isna(t["score"]) else float(t["score"]),
                suggestions=tuple(t["suggestions"]),
                sets=int(counts[name]),
            )
        )
    return tuple(out)
