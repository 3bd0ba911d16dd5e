"""The pipeline: read (per file) -> merge -> judge (per group of athletes) -> assemble.

Every stage is a plain function; an execution engine (`analyzer.engines`) only decides where
the two mapped stages run:

- `read_file(task)`: one log file into an `ImportResult` (or its error, returned so that it
  can travel back from another process). `read_tasks` lists the files (folders scanned by
  `importers.folder_files`) and `gather_inputs` applies the rules for errors and empty
  folders to the outcomes, so every engine reads, skips and fails alike.
- `merge`: all sources into one set table (`merging.merge_sources`).
- `judge(sets, ...)`: tag -> load model -> flags -> swaps for any set of whole athletes,
  returned as frames (`Judged`): cheap to send between processes, and the judged parts of
  several groups of athletes `combine` into what judging them together gives.
- `assemble.athlete_results`: the typed results (`AthleteResult`, `Week`, `Flag`).

`analyze(paths)` is what `backlog analyze` runs (in this process unless given an engine);
`analyze_sets(table)` runs judge and assemble on a canonical set table already in memory
(tests, the plan checker).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from pandas.api.types import union_categoricals

from analyzer import assemble, model, swaps
from analyzer import flags as flagging
from analyzer.collector import collector_paused
from analyzer.config import Config, load_config
from analyzer.engines.local import Local
from analyzer.errors import BacklogError, EmptyLogError, InputNotFoundError
from analyzer.importers import (
    ImportOptions,
    ImportResult,
    Inputs,
    SkippedFile,
    check_link,
    folder_files,
    read_log,
)
from analyzer.merging import merge_sources
from analyzer.pain import pain_regions
from analyzer.results import Analysis, SourceReport
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


class Engine(Protocol):
    """Where the two mapped stages run. An engine only maps: it calls `read` once per task
    and `judge` once per group of whole athletes it splits `sets` into, and returns the
    outcomes in task order (the judged parts in any order: `combine` sorts them out)."""

    def map_files(
        self, read: Callable[[ReadTask], ImportResult | BacklogError], tasks: Sequence[ReadTask]
    ) -> list[ImportResult | BacklogError]: ...

    def map_athletes(self, judge: JudgeStage, sets: pd.DataFrame) -> list[Judged]: ...


def path_list(paths: str | Path | Sequence[str | Path]) -> list[Path]:
    """One path (str or Path) or many, as a list of Paths (a str is one path, not a sequence)."""
    if isinstance(paths, str | Path):
        return [Path(paths)]
    return [Path(p) for p in paths]


# --- read -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadTask:
    """One file to read, with the options it is read with, and the folder it was found in
    (None for a file named directly: its error stops the run instead of skipping it)."""

    path: Path
    options: ImportOptions
    folder: Path | None = None


def _empty_folder(folder: Path, files: int) -> EmptyLogError:
    return EmptyLogError(
        f"no workout log found among {files} file(s) in the folder",
        path=folder,
        hint="put CSV or .xlsx exports in it",
    )


def read_tasks(
    paths: Sequence[Path], options: ImportOptions
) -> tuple[list[ReadTask], list[SkippedFile]]:
    """The files to read (files named, and every log of each folder: `folder_files`) and what
    the folder scans passed over. Raises for a path that does not exist, a named symlink
    that leads out of its folder, and a folder with no log file in it. Files of a folder are
    read without `--athlete` (each holds its own lifter)."""
    tasks: list[ReadTask] = []
    skipped: list[SkippedFile] = []
    for path in paths:
        if not path.exists():
            raise InputNotFoundError("file or folder not found", path=path, hint="check the path")
        if path.is_dir():
            files, passed_over = folder_files(path)
            skipped.extend(passed_over)
            if not files:
                raise _empty_folder(path, 0)
            folder_options = replace(options, athlete=None)
            tasks.extend(ReadTask(file, folder_options, path) for file in files)
        else:
            check_link(path)
            tasks.append(ReadTask(path, options))
    return tasks, skipped


def read_file(task: ReadTask) -> ImportResult | BacklogError:
    """One file: its import result, or its error (returned, not raised: it pickles with its
    fields, so a file is read once in whichever process reads it)."""
    try:
        return read_log(task.path, task.options)
    except BacklogError as exc:
        exc.__traceback__ = None  # its frames would keep the file's tables alive
        return exc


def gather_inputs(
    tasks: Sequence[ReadTask],
    outcomes: Sequence[ImportResult | BacklogError],
    skipped: Sequence[SkippedFile],
) -> Inputs:
    """The outcomes of reading `tasks` as `Inputs`: a named file's error is raised; a folder's
    file that is not a log is skipped with its reason; a folder none of whose files is a log
    raises `EmptyLogError` (all as `importers.read_inputs`)."""
    results: list[ImportResult] = []
    passed_over = list(skipped)
    listed: dict[Path, int] = {}
    found: dict[Path, int] = {}
    for task, outcome in zip(tasks, outcomes, strict=True):
        if task.folder is not None:
            listed[task.folder] = listed.get(task.folder, 0) + 1
        if isinstance(outcome, ImportResult):
            results.append(outcome)
            if task.folder is not None:
                found[task.folder] = found.get(task.folder, 0) + 1
        elif task.folder is None:
            raise outcome
        else:
            passed_over.append(SkippedFile(str(task.path), outcome.message))
    for folder, count in listed.items():
        if not found.get(folder):
            raise _empty_folder(folder, count)
    return Inputs(results=tuple(results), skipped_files=tuple(passed_over))


# --- merge ------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Merged:
    """One set table from every source, and what merging found."""

    sets: pd.DataFrame
    duplicate_sets: int
    notes: tuple[str, ...]


def merge(inputs: Inputs) -> Merged:
    """Overlapping exports of one lifter merged, duplicate sets counted once."""
    sets, dropped, notes = merge_sources(inputs.results)
    return Merged(sets, dropped, tuple(notes))


# --- judge ------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Judged:
    """What judging some athletes found, as frames: `sets` the dosed set table, `days` the
    daily series, `weeks` the weekly table, `flags` one row per flag, `swaps` (athlete, week
    start ns) -> the swaps of that week. `assemble.athlete_results` makes the typed results."""

    sets: pd.DataFrame
    days: pd.DataFrame
    weeks: pd.DataFrame
    flags: pd.DataFrame
    swaps: dict[assemble.WeekKey, swaps.Suggestion]

    @property
    def empty(self) -> bool:
        return self.sets.empty


NOTHING_JUDGED = Judged(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), {})


def judge(sets: pd.DataFrame, tagger: Tagger, config: Config, *, with_swaps: bool = True) -> Judged:
    """tag -> load model -> flags -> swaps on a canonical set table of whole athletes (any
    number of them: every step is per athlete, vectorised across them)."""
    if sets.empty:
        return NOTHING_JUDGED
    # What several stages read per set, worked out once: the athlete and exercise names as
    # codes, and the pain region of each note (the daily pain days and the flag messages).
    keys = model.SetKeys.of(sets)
    pain = pain_regions(sets["notes"], config)
    dosed = model.set_doses(tag_sets(sets, tagger, (keys.exercise, keys.exercises)), config, keys)
    days = model.daily_series(dosed, config, keys, pain)
    weeks = model.weekly_series(days, config)
    grid = flagging.AthleteGrid(days)
    flag_rows = flagging.find_flags(grid, dosed, config, keys, pain)
    found: dict[assemble.WeekKey, swaps.Suggestion] = {}
    if with_swaps:
        by_athlete = assemble.ByAthlete(dosed, keys)
        # The weekly table is ordered by (athlete, week start).
        found = swaps.for_weeks(
            list(
                zip(
                    assemble.texts(weeks["athlete"]),
                    assemble.ns(weeks["week_start"]).tolist(),
                    assemble.texts(weeks["week"]),
                    strict=True,
                )
            ),
            assemble.flag_codes_by_week(flag_rows),
            by_athlete,
            grid,
            swaps.SwapContext(catalog=tagger.catalog, config=config),
        )
    return Judged(sets=dosed, days=days, weeks=weeks, flags=flag_rows, swaps=found)


@functools.cache
def _worker_tagger(exercise_map: Path | None) -> Tagger:
    """One tagger per process that received a `JudgeStage` by pickle (built once, reused)."""
    return load_tagger(exercise_map)


class JudgeStage:
    """`judge` with its tagger, config and swap choice bound: what an engine calls per group
    of athletes. Pickled (to a Dask worker), it leaves the tagger behind and the receiving
    process builds its own once from `exercise_map`."""

    def __init__(
        self, tagger: Tagger, config: Config, *, with_swaps: bool, exercise_map: Path | None
    ) -> None:
        self.tagger = tagger
        self.config = config
        self.with_swaps = with_swaps
        self.exercise_map = exercise_map

    def __call__(self, sets: pd.DataFrame) -> Judged:
        return judge(sets, self.tagger, self.config, with_swaps=self.with_swaps)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k != "tagger"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state)
        self.tagger = _worker_tagger(state["exercise_map"])


def _concat(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Frames of the same columns stacked, categorical columns kept categorical (over the
    union of the parts' categories, where plain `pd.concat` would fall back to object)."""
    if len(frames) == 1:
        return frames[0]
    first = frames[0]
    unified: dict[str, pd.CategoricalDtype] = {}
    for column in first.columns:
        dtypes = [f[column].dtype for f in frames]
        if isinstance(dtypes[0], pd.CategoricalDtype) and any(d != dtypes[0] for d in dtypes):
            categories = union_categoricals([f[column] for f in frames]).categories
            unified[column] = pd.CategoricalDtype(categories)
    if unified:
        frames = [f.astype(unified) for f in frames]
    return pd.concat(frames)


def combine(parts: Sequence[Judged]) -> Judged:
    """The judged parts of disjoint groups of athletes as one (each athlete's rows keep their
    order; `assemble` groups by athlete, so the parts' order does not matter)."""
    parts = [p for p in parts if not p.empty]
    if not parts:
        return NOTHING_JUDGED
    if len(parts) == 1:
        return parts[0]
    flag_parts = [p.flags for p in parts if not p.flags.empty] or [parts[0].flags]
    return Judged(
        sets=_concat([p.sets for p in parts]),
        days=_concat([p.days for p in parts]),
        weeks=_concat([p.weeks for p in parts]),
        flags=_concat(flag_parts),
        swaps={key: found for p in parts for key, found in p.swaps.items()},
    )


# --- the whole run ----------------------------------------------------------------------------


def analyze_sets(
    sets: pd.DataFrame,
    *,
    tagger: Tagger | None = None,
    config: Config | None = None,
    sources: Sequence[SourceReport] = (),
    with_swaps: bool = True,
) -> Analysis:
    """Judge and assemble a canonical set table already in memory, in this process."""
    tagger = tagger or load_tagger()
    config = config or load_config()
    judged = judge(sets, tagger, config, with_swaps=with_swaps)
    return Analysis(
        sources=tuple(sources),
        athletes=assemble.athlete_results(judged),
        exercises=assemble.exercise_summaries(tagger, sets["exercise"].value_counts(sort=False)),
    )


def analyze(
    paths: str | Path | Sequence[str | Path],
    options: AnalyzeOptions | None = None,
    *,
    engine: Engine | None = None,
) -> Analysis:
    """Read every log at `paths` (files or folders) and judge every athlete in them, with
    the per-file and per-athlete stages mapped by `engine` (default: this process)."""
    options = options or AnalyzeOptions()
    engine = engine or Local()
    tasks, passed_over = read_tasks(path_list(paths), options.import_options)
    inputs = gather_inputs(tasks, engine.map_files(read_file, tasks), passed_over)
    merged = merge(inputs)
    tagger = load_tagger(options.exercise_map)
    stage = JudgeStage(
        tagger, options.config(), with_swaps=options.swaps, exercise_map=options.exercise_map
    )
    with collector_paused():
        judged = combine(engine.map_athletes(stage, merged.sets))
        athletes = assemble.athlete_results(judged)
    return Analysis(
        sources=tuple(r.report for r in inputs.results),
        athletes=athletes,
        exercises=assemble.exercise_summaries(
            tagger, merged.sets["exercise"].value_counts(sort=False)
        ),
        skipped_files=tuple((s.path, s.reason) for s in inputs.skipped_files),
        duplicate_sets=merged.duplicate_sets,
        notes=merged.notes,
    )


def exercise_counts(
    paths: str | Path | Sequence[str | Path], options: ImportOptions | None = None
) -> pd.Series:
    """Set count per distinct exercise name in the logs at `paths` (for `exercises --from`)."""
    options = options or ImportOptions()
    tasks, passed_over = read_tasks(path_list(paths), options)
    inputs = gather_inputs(tasks, [read_file(t) for t in tasks], passed_over)
    return merge(inputs).sets["exercise"].value_counts()
