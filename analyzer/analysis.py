"""The pipeline: import -> tag -> load model -> flags -> swaps -> typed results.

`analyze(paths)` is what `backlog analyze` runs; `analyze_sets(table)` runs the same stages
on a canonical set table already in memory (tests, the plan checker, the Dask path).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analyzer import flags as flagging
from analyzer import kernels, model, swaps
from analyzer.config import Config, load_config
from analyzer.importers import ImportOptions, Inputs, read_inputs
from analyzer.merging import merge_sources
from analyzer.results import (
    Analysis,
    AthleteResult,
    ExerciseSummary,
    Flag,
    SourceReport,
    Week,
    worst,
)
from analyzer.tagging import Tagger, load_tagger, tag_sets


@dataclass(frozen=True)
class AnalyzeOptions:
    """Everything `analyze` can be told besides the input paths."""

    import_options: ImportOptions = field(default_factory=ImportOptions)
    exercise_map: Path | None = None
    config_path: Path | None = None
    swaps: bool = True
    #: Config values set on the command line (`--keep`, `--sport`, `--swaps all`), applied
    #: over the config file: (key, value) pairs of `Config` fields (each value of its field's
    #: type, so Any here).
    overrides: tuple[tuple[str, Any], ...] = ()

    def config(self) -> Config:
        """The model constants in force: the config file (or the packaged defaults) with the
        command-line overrides."""
        return replace(load_config(self.config_path), **dict(self.overrides))


def _exercise_summaries(tagger: Tagger, sets: pd.DataFrame) -> tuple[ExerciseSummary, ...]:
    return exercise_summaries(tagger, sets["exercise"].value_counts(sort=False))


def exercise_summaries(tagger: Tagger, counts: pd.Series) -> tuple[ExerciseSummary, ...]:
    """How each distinct exercise name was tagged, most used first, from name -> set count
    (the partitioned engines add their partial counts up and call this once)."""
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


#: (athlete, week start as nanoseconds since the epoch)
_WeekKey = tuple[str, int]


def _ns(dates: pd.Series) -> np.ndarray:
    return dates.to_numpy(dtype="datetime64[ns]").view("int64")


def _texts(column: pd.Series) -> list[str]:
    """A text column as a list of Python str (NaN for missing), without a per-element
    iteration in pandas."""
    return column.to_numpy(dtype=object).tolist()


def _flags_by_week(flag_rows: pd.DataFrame) -> dict[_WeekKey, tuple[Flag, ...]]:
    """(athlete, week start) -> its Flag objects, in one pass over the flag table."""
    objs: dict[_WeekKey, list[Flag]] = {}
    if flag_rows.empty:
        return {}
    for athlete, start, c, s, d, e, m, f in zip(
        _texts(flag_rows["athlete"]),
        _ns(flag_rows["week_start"]).tolist(),
        _texts(flag_rows["code"]),
        _texts(flag_rows["severity"]),
        flag_rows["days"].tolist(),
        flag_rows["exercises"].tolist(),
        _texts(flag_rows["message"]),
        flag_rows["figures"].tolist(),
        strict=True,
    ):
        objs.setdefault((athlete, start), []).append(
            Flag(code=c, severity=s, days=d, exercises=tuple(e), message=m, figures=f)
        )
    return {k: tuple(v) for k, v in objs.items()}


class _ByAthlete:
    """A frame's rows grouped by athlete in name order (each athlete's rows in their original
    order, as iterating a groupby on `athlete` gives), from one stable sort and slices."""

    def __init__(self, frame: pd.DataFrame) -> None:
        codes, uniques = pd.factorize(frame["athlete"], sort=True)
        if (np.diff(codes) >= 0).all():  # already grouped in name order: slices, no copy
            self.ordered, sorted_codes = frame, codes
        else:
            order = np.argsort(codes, kind="stable")
            self.ordered, sorted_codes = frame.take(order), codes[order]
        self.names: list[str] = list(uniques)
        self.bounds = np.searchsorted(sorted_codes, np.arange(len(uniques) + 1))
        self.codes = sorted_codes

    def date_spans(self) -> tuple[list[dt.date], list[dt.date]]:
        """Each athlete's first and last `date` (missing dates skipped)."""
        date = self.ordered["date"].to_numpy(dtype="datetime64[ns]").view("int64")
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

    def rows(self, i: int) -> pd.DataFrame:
        """Athlete i's rows with their original index labels."""
        return self.ordered.iloc[self.bounds[i] : self.bounds[i + 1]]

    def renumbered(self, i: int) -> pd.DataFrame:
        """Athlete i's rows indexed 0..n-1 (a new frame over the same data, not a copy)."""
        part = self.ordered.iloc[self.bounds[i] : self.bounds[i + 1]]
        part.index = pd.RangeIndex(len(part))
        return part


def _loaded_days_by_week(days: _ByAthlete) -> dict[_WeekKey, tuple[dt.date, ...]]:
    """(athlete, week start) -> the loaded calendar days of that week, in date order (the
    daily table holds each athlete's days in date order)."""
    frame = days.ordered
    loaded = frame["loaded"].to_numpy(dtype=bool)
    date_ns = _ns(frame["date"])[loaded]
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


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Cyclic garbage collection off while many small acyclic result objects are built: each
    full pass scans every live object, so with it on, building grows faster than the result."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def judge(
    sets: pd.DataFrame,
    tagger: Tagger,
    config: Config,
    *,
    with_swaps: bool = True,
) -> tuple[AthleteResult, ...]:
    """Run tag -> model -> flags -> swaps on a canonical set table (any number of athletes)."""
    if sets.empty:
        return ()
    dosed = model.set_doses(tag_sets(sets, tagger), config)
    days = model.daily_series(dosed, config)
    weeks = model.weekly_series(days, config)
    grid = flagging.AthleteGrid(days)
    with _gc_paused():
        flag_rows = flagging.find_flags(grid, dosed, config)
        flag_objs_by_week = _flags_by_week(flag_rows)
    sets_by_athlete = _ByAthlete(dosed)
    # The weekly table is ordered by (athlete, week start).
    week_athlete = _texts(weeks["athlete"])
    week_ns = _ns(weeks["week_start"]).tolist()
    context = swaps.SwapContext(catalog=tagger.catalog, config=config)
    swapped = (
        swaps.for_weeks(
            list(zip(week_athlete, week_ns, _texts(weeks["week"]), strict=True)),
            {k: [f.code for f in v] for k, v in flag_objs_by_week.items()},
            swaps.AthleteSets(
                sets_by_athlete.ordered, sets_by_athlete.bounds, sets_by_athlete.names
            ),
            grid,
            context,
        )
        if with_swaps
        else {}
    )
    with _gc_paused():
        return _results(
            weeks,
            week_athlete,
            week_ns,
            flag_objs_by_week,
            swapped,
            _ByAthlete(days),
            sets_by_athlete,
        )


def _results(
    weeks: pd.DataFrame,
    week_athlete: list[str],
    week_ns: list[int],
    flag_objs_by_week: dict[_WeekKey, tuple[Flag, ...]],
    swapped: dict[_WeekKey, tuple],
    days_by_athlete: _ByAthlete,
    sets_by_athlete: _ByAthlete,
) -> tuple[AthleteResult, ...]:
    """The typed result of every athlete, from the weekly table and the per-week flags and
    swaps (Week fields from whole columns converted once, not row by row)."""
    loaded_map = _loaded_days_by_week(days_by_athlete)
    first_dates, last_dates = sets_by_athlete.date_spans()
    last_logged = dict(zip(sets_by_athlete.names, last_dates, strict=True))
    columns = zip(
        _texts(weeks["week"]),
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
    week_objs: dict[str, list[Week]] = {}
    for athlete, start_ns, (
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
    ) in zip(week_athlete, week_ns, columns, strict=True):
        key = (athlete, start_ns)
        flag_objs = flag_objs_by_week.get(key, ())
        swap_objs, after = swapped.get(key, ((), None))
        last = last_logged.get(athlete)
        in_progress = last is not None and start <= last < start + dt.timedelta(days=6)
        week_objs.setdefault(athlete, []).append(
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
                status=worst([f.severity for f in flag_objs]),
                flags=flag_objs,
                swaps=swap_objs,
                after_swaps=after,
                in_progress=in_progress,
                through=last if in_progress else None,
            )
        )
    results = []
    day_index = {name: i for i, name in enumerate(days_by_athlete.names)}
    for i, athlete in enumerate(sets_by_athlete.names):
        if athlete not in week_objs:
            continue
        results.append(
            AthleteResult(
                athlete=str(athlete),
                first_date=first_dates[i],
                last_date=last_dates[i],
                weeks=tuple(week_objs[athlete]),
                sets=sets_by_athlete.renumbered(i),
                days=days_by_athlete.renumbered(day_index[athlete]),
            )
        )
    return tuple(results)


def analyze_sets(
    sets: pd.DataFrame,
    *,
    tagger: Tagger | None = None,
    config: Config | None = None,
    sources: Sequence[SourceReport] = (),
    with_swaps: bool = True,
    athletes: Sequence[AthleteResult] | None = None,
) -> Analysis:
    """Analyse a canonical set table already in memory. `athletes`, when given, are the
    judged athletes of `sets` computed elsewhere (the process pool, analyzer/parallel.py)."""
    tagger = tagger or load_tagger()
    config = config or load_config()
    if athletes is None:
        athletes = judge(sets, tagger, config, with_swaps=with_swaps)
    return Analysis(
        sources=tuple(sources),
        athletes=tuple(athletes),
        exercises=_exercise_summaries(tagger, sets),
    )


def with_inputs(result: Analysis, inputs: Inputs, dropped: int, notes: Sequence[str]) -> Analysis:
    """`result` with what reading the inputs found: skipped files, duplicates, notes."""
    return replace(
        result,
        skipped_files=tuple((s.path, s.reason) for s in inputs.skipped_files),
        duplicate_sets=dropped,
        notes=tuple(notes),
    )


def path_list(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    """One path (str or Path) or many, as a list of Paths (a str is one path, not a sequence)."""
    if isinstance(paths, str | Path):
        return [Path(paths)]
    return [Path(p) for p in paths]


def exercise_counts(
    paths: str | Path | Sequence[str | Path], options: ImportOptions | None = None
) -> pd.Series:
    """Set count per distinct exercise name in the logs at `paths` (for `exercises --from`)."""
    inputs = read_inputs(path_list(paths), options)
    sets, _, _ = merge_sources(inputs.results)
    return sets["exercise"].value_counts()


def analyze(
    paths: str | Path | Sequence[str | Path], options: AnalyzeOptions | None = None
) -> Analysis:
    """Read every log at `paths` (files or folders) and judge every athlete in them."""
    options = options or AnalyzeOptions()
    inputs = read_inputs(path_list(paths), options.import_options)
    tagger = load_tagger(options.exercise_map)
    config = options.config()
    sets, dropped, notes = merge_sources(inputs.results)
    result = analyze_sets(
        sets,
        tagger=tagger,
        config=config,
        sources=[r.report for r in inputs.results],
        with_swaps=options.swaps,
    )
    return with_inputs(result, inputs, dropped, notes)
