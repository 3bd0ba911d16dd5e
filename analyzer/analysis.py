"""The pipeline: import -> tag -> load model -> flags -> swaps -> typed results.

`analyze(paths)` is what `backlog analyze` runs; `analyze_sets(table)` runs the same stages
on a canonical set table already in memory (tests, the plan checker, the Dask path).
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer import flags as flagging
from analyzer import model, swaps
from analyzer.config import Config, load_config
from analyzer.importers import Inputs, read_inputs
from analyzer.importers.base import ImportOptions, ImportResult, SourceReport
from analyzer.results import (
    Analysis,
    AthleteResult,
    ExerciseSummary,
    Flag,
    Week,
    worst,
)
from analyzer.tagging import Tagger, load_tagger, tag_sets

#: Two single-athlete files sharing at least this share of the smaller one's sets are taken
#: as two exports of the same lifter and merged.
SAME_LIFTER_OVERLAP = 0.5
#: ...and hold at least this many distinct sets (a tiny file matches by chance too easily).
MIN_SETS_TO_MERGE = 20


@dataclass(frozen=True)
class AnalyzeOptions:
    """Everything `analyze` can be told besides the input paths."""

    import_options: ImportOptions = field(default_factory=ImportOptions)
    exercise_map: Path | None = None
    config_path: Path | None = None
    swaps: bool = True


def _dedup_key(sets: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "performed_at": sets["performed_at"],
            "exercise": sets["exercise"].str.casefold(),
            "weight": sets["weight_kg"].round(1),
            "reps": sets["reps"],
        }
    )


def merge_sources(results: Sequence[ImportResult]) -> tuple[pd.DataFrame, int, list[str]]:
    """One set table from many files: overlapping exports of the same lifter are merged under
    one athlete name, and exact duplicate sets across files are counted once.

    Returns (sets, duplicates dropped, notes for the user)."""
    notes: list[str] = []
    tables = [r.sets for r in results]
    if not tables:
        raise ValueError("no import results")
    sets = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0].copy(deep=False)
    if len(tables) == 1:
        return sets, 0, notes

    # Overlapping single-athlete files -> same lifter. The evidence is the same sets (date and
    # time, exercise, weight, reps), not merely the same sessions: clients of one coach often
    # train the same program on the same days.
    single = [r for r in results if len(r.report.athletes) == 1 and len(r.sets)]
    keys = {
        r.report.path: set(
            map(tuple, _dedup_key(r.sets).drop_duplicates().astype("str").to_numpy().tolist())
        )
        for r in single
    }
    rename: dict[str, str] = {}
    by_size = sorted(single, key=lambda r: -len(r.sets))
    for i, big in enumerate(by_size):
        for small in by_size[i + 1:]:
            a, b = keys[big.report.path], keys[small.report.path]
            if not b:
                continue
            shared = len(a & b) / len(b)
            name_big = rename.get(big.report.athletes[0], big.report.athletes[0])
            name_small = small.report.athletes[0]
            named_by_file = name_small == Path(small.report.path).stem
            fresh = name_small not in rename and name_small != name_big and named_by_file
            if shared >= SAME_LIFTER_OVERLAP and fresh and len(b) >= MIN_SETS_TO_MERGE:
                rename[name_small] = name_big
                notes.append(
                    f"{Path(small.report.path).name} and {Path(big.report.path).name} share "
                    f"{shared:.0%} of their sets: read as one lifter, {name_big!r}"
                )
    if rename:
        sets["athlete"] = sets["athlete"].replace(rename)

    key = _dedup_key(sets)
    key["athlete"] = sets["athlete"]
    key["file"] = sets["source_file"]
    cols = ["athlete", "performed_at", "exercise", "weight", "reps"]
    key["occurrence"] = key.groupby(["file", *cols], dropna=False).cumcount()
    duplicated = key.duplicated(subset=[*cols, "occurrence"], keep="first")
    dropped = int(duplicated.sum())
    if dropped:
        notes.append(f"{dropped} duplicate sets found in more than one file were counted once")
    return sets[~duplicated].reset_index(drop=True), dropped, notes


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
                primary_muscle=t["primary_muscle"] if isinstance(t["primary_muscle"], str)
                else None,
                matched_by=str(t["matched_by"]),
                score=None if pd.isna(t["score"]) else float(t["score"]),
                suggestions=tuple(t["suggestions"]),
                sets=int(counts[name]),
            )
        )
    return tuple(out)


def _round(x: float | None, digits: int = 3) -> float | None:
    return None if x is None or pd.isna(x) else round(float(x), digits)


_WeekKey = tuple[str, pd.Timestamp]


def _flags_by_week(
    flag_rows: pd.DataFrame,
) -> tuple[dict[_WeekKey, tuple[Flag, ...]], dict[_WeekKey, list[int]]]:
    """(athlete, week start) -> its Flag objects, and -> its rows' positions in `flag_rows`
    (for the swap search), in one pass over the flag table."""
    positions: dict[_WeekKey, list[int]] = {}
    objs: dict[_WeekKey, list[Flag]] = {}
    if flag_rows.empty:
        return {}, {}
    for i, (athlete, start, c, s, d, e, m) in enumerate(zip(
        flag_rows["athlete"], flag_rows["week_start"], flag_rows["code"], flag_rows["severity"],
        flag_rows["days"], flag_rows["exercises"], flag_rows["message"], strict=True,
    )):
        positions.setdefault((athlete, start), []).append(i)
        objs.setdefault((athlete, start), []).append(
            Flag(code=c, severity=s, days=d, exercises=tuple(e), message=m))
    return {k: tuple(v) for k, v in objs.items()}, positions


def _loaded_days_by_week(days: pd.DataFrame) -> dict[_WeekKey, tuple]:
    """(athlete, week start) -> the loaded calendar days of that week, in date order."""
    loaded = days.loc[days["loaded"], ["athlete", "date"]]
    week_start = loaded["date"] - pd.to_timedelta(loaded["date"].dt.day_of_week, unit="D")
    out: dict[_WeekKey, list] = {}
    for athlete, start, day in zip(loaded["athlete"], week_start, loaded["date"].dt.date,
                                   strict=True):
        out.setdefault((athlete, start), []).append(day)
    return {k: tuple(v) for k, v in out.items()}


def _split_by_athlete(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """athlete -> their rows in their original order (what iterating a groupby on `athlete`
    gives), from one stable sort and slices instead of one take per athlete."""
    codes, uniques = pd.factorize(frame["athlete"], sort=True)
    if (np.diff(codes) >= 0).all():  # already grouped in name order: slices, no copy
        ordered, sorted_codes = frame, codes
    else:
        order = np.argsort(codes, kind="stable")
        ordered, sorted_codes = frame.take(order), codes[order]
    bounds = np.searchsorted(sorted_codes, np.arange(len(uniques) + 1))
    return {name: ordered.iloc[bounds[i]:bounds[i + 1]] for i, name in enumerate(uniques)}


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
    tagged = tag_sets(sets, tagger)
    dosed = model.set_doses(tagged, config)
    days = model.daily_series(dosed, config)
    weeks = model.weekly_series(days)
    flag_rows = flagging.find_flags(days, dosed, weeks, config)
    direct_reference = days.groupby("athlete")["direct_reference"].first()
    context = swaps.SwapContext(catalog=tagger.catalog, config=config,
                                direct_reference=direct_reference)

    results = []
    flag_objs_by_week, flag_positions = _flags_by_week(flag_rows)
    loaded_map = _loaded_days_by_week(days)
    days_by_athlete = _split_by_athlete(days)
    sets_by_athlete = _split_by_athlete(dosed)
    records = weeks.sort_values("athlete", kind="stable").to_dict("records")
    for athlete, rows in itertools.groupby(records, key=operator.itemgetter("athlete")):
        athlete_days = days_by_athlete[athlete]
        athlete_sets = sets_by_athlete[athlete]
        week_objs = []
        for row in rows:
            key = (athlete, row["week_start"])
            flag_objs = flag_objs_by_week.get(key, ())
            status = worst([f.severity for f in flag_objs])
            swap_objs, after = (), None
            if with_swaps and status != "ok" and flag_objs:
                wflags = flag_rows.iloc[flag_positions[key]]
                swap_objs, after = swaps.suggest(athlete_sets, row["week_start"], wflags, context)
            week_objs.append(
                Week(
                    week=row["week"],
                    start=row["week_start"].date(),
                    sets=int(row["sets"]),
                    direct_sets=int(row["direct_sets"]),
                    indirect_sets=int(row["indirect_sets"]),
                    lower_back_load=round(float(row["lower_back_load"]), 3),
                    loaded_days=loaded_map.get(key, ()),
                    longest_run=int(row["longest_run"]),
                    acwr=_round(row["acwr"]),
                    monotony=_round(row["monotony"]),
                    strain=_round(row["strain"]),
                    status=status,
                    flags=flag_objs,
                    swaps=swap_objs,
                    after_swaps=after,
                )
            )
        results.append(
            AthleteResult(
                athlete=str(athlete),
                first_date=athlete_sets["date"].min().date(),
                last_date=athlete_sets["date"].max().date(),
                weeks=tuple(week_objs),
                sets=athlete_sets.reset_index(drop=True),
                days=athlete_days.reset_index(drop=True),
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


def with_inputs(result: Analysis, inputs: Inputs, dropped: int, notes: Sequence[str]
                ) -> Analysis:
    """`result` with what reading the inputs found: skipped files, duplicates, notes."""
    return replace(
        result,
        skipped_files=tuple((s.path, s.reason) for s in inputs.skipped_files),
        duplicate_sets=dropped,
        notes=tuple(notes),
    )


def _path_list(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    """One path (str or Path) or many, as a list of Paths (a str is one path, not a sequence)."""
    if isinstance(paths, str | Path):
        return [Path(paths)]
    return [Path(p) for p in paths]


def exercise_counts(paths: str | Path | Sequence[str | Path], options: ImportOptions | None = None
                    ) -> pd.Series:
    """Set count per distinct exercise name in the logs at `paths` (for `exercises --from`)."""
    inputs = read_inputs(_path_list(paths), options)
    sets, _, _ = merge_sources(inputs.results)
    return sets["exercise"].value_counts()


def analyze(paths: str | Path | Sequence[str | Path],
            options: AnalyzeOptions | None = None) -> Analysis:
    """Read every log at `paths` (files or folders) and judge every athlete in them."""
    options = options or AnalyzeOptions()
    inputs = read_inputs(_path_list(paths),
                         options.import_options)
    tagger = load_tagger(options.exercise_map)
    config = load_config(options.config_path)
    sets, dropped, notes = merge_sources(inputs.results)
    result = analyze_sets(sets, tagger=tagger, config=config,
                          sources=[r.report for r in inputs.results],
                          with_swaps=options.swaps)
    return with_inputs(result, inputs, dropped, notes)
