"""Folder-sized runs on every core: the same pipeline as `analysis.analyze` and the same report
jobs as `render.pdf.report_jobs`, spread over a process pool.

Three stages run in the pool: reading files (one task per file), judging athletes (one task
per chunk of athletes, balanced by sets) and writing reports (one task per report job). The
merge of sources, the exercise summary and the roster stay in the parent, so the result is
the one the sequential path gives. Workers are forked: the set table, the tagger and the
report jobs are inherited, not pickled, and only chunk numbers go to the workers. At most
`2 x jobs` tasks are in flight, so memory stays bounded by the pool size, not by the input.
Where fork is not available (Windows, macOS default) everything runs in this process.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from analyzer.analysis import AnalyzeOptions, analyze_sets, judge, path_list, with_inputs
from analyzer.analysis import analyze as analyze_sequential
from analyzer.config import Config
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
from analyzer.render.jobs import JobFailure, run_job
from analyzer.results import Analysis, AthleteResult
from analyzer.tagging import Tagger, load_tagger

T = TypeVar("T")
R = TypeVar("R")

#: Fewer files than this (and fewer athletes than `MIN_ATHLETES`) run sequentially: starting
#: a pool costs more than it saves.
MIN_FILES = 8
MIN_ATHLETES = 16
#: Athlete chunks per worker (more chunks balance uneven athletes better).
CHUNKS_PER_JOB = 4


def default_jobs() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def cap_jobs(jobs: int | None) -> int:
    """Worker processes to use: `jobs` (default: every core), at least 1 and never more than
    the cores this process may use (more only cost memory: each worker holds its own copy of
    what it computes)."""
    cores = default_jobs()
    return cores if jobs is None else max(1, min(jobs, cores))


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


#: prctl(2) option: the signal this process gets when its parent dies (Linux).
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this worker when the process that started it dies (kill -9,
    SIGTERM, a crash), so no worker goes on writing reports or sleeps on for an exited run;
    exit now when the parent is already gone."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:
        os._exit(1)


def _worker_init(parent: int) -> None:
    _die_with_parent(parent)
    # Each worker moves what it inherited (set tables, results) out of the collector's reach:
    # collections then scan only what the task makes, and inherited pages stay shared.
    gc.freeze()


@contextlib.contextmanager
def _pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A forked pool of `jobs` workers that die with this process. When the caller stops early
    (an error, Ctrl-C, a consumer that stops reading), tasks not yet started are cancelled
    instead of run."""
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_worker_init,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)


def bounded_map(fn: Callable[[T], R], items: Iterable[T], jobs: int) -> Iterator[R]:
    """`fn` over `items` in a forked pool of `jobs` processes, results in input order, with at
    most 2 x jobs tasks submitted and not yet consumed. `fn` must be a module-level function.
    Runs in this process when jobs <= 1 or fork is unavailable."""
    if jobs <= 1 or not can_fork():
        yield from map(fn, items)
        return
    with _pool(jobs) as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


# --- reading -----------------------------------------------------------------------------------


def _read_task(task: tuple[Path, ImportOptions]) -> ImportResult | BacklogError:
    """One file: its import result, or its error (raised by the parent for a file named
    directly, listed as skipped for a file of a folder). Errors pickle with their fields, so
    a file is read once whether it runs in a worker or here."""
    path, options = task
    try:
        return read_log(path, options)
    except BacklogError as exc:
        exc.__traceback__ = None  # its frames would keep the file's tables alive
        return exc


def folder_logs(folder: Path) -> list[Path]:
    """The files a folder scan reads, in the order `importers.read_inputs` reads them."""
    return folder_files(folder)[0]


def read_inputs(paths: Sequence[Path], options: ImportOptions, jobs: int) -> Inputs:
    """`importers.read_inputs` with the files read in the pool: same results, same order,
    same skipped files and errors."""
    tasks: list[tuple[Path, ImportOptions, Path | None]] = []
    skipped: list[SkippedFile] = []
    for path in map(Path, paths):
        if not path.exists():
            raise InputNotFoundError("file or folder not found", path=path, hint="check the path")
        if path.is_dir():
            folder_opts = replace(options, athlete=None)
            files, passed_over = folder_files(path)
            skipped.extend(passed_over)
            tasks.extend((file, folder_opts, path) for file in files)
            if not files:
                raise EmptyLogError(
                    "no workout log found among 0 file(s) in the folder",
                    path=path,
                    hint="put CSV or .xlsx exports in it",
                )
        else:
            check_link(path)
            tasks.append((path, options, None))
    outcomes = bounded_map(_read_task, [(p, o) for p, o, _ in tasks], jobs)
    results: list[ImportResult] = []
    found: dict[Path, int] = {}
    listed: dict[Path, int] = {}
    for (path, _, folder), outcome in zip(tasks, outcomes, strict=True):
        if folder is not None:
            listed[folder] = listed.get(folder, 0) + 1
        if isinstance(outcome, ImportResult):
            results.append(outcome)
            if folder is not None:
                found[folder] = found.get(folder, 0) + 1
        elif folder is None:
            raise outcome  # the file's own error, as the sequential path raises it
        else:
            skipped.append(SkippedFile(str(path), outcome.message))
    for folder, count in listed.items():
        if not found.get(folder):
            raise EmptyLogError(
                f"no workout log found among {count} file(s) in the folder",
                path=folder,
                hint="put CSV or .xlsx exports in it",
            )
    return Inputs(results=tuple(results), skipped_files=tuple(skipped))


# --- judging -----------------------------------------------------------------------------------

#: What forked judge workers inherit: (sets, athlete codes, tagger, config, with_swaps).
_JUDGE: dict[str, Any] = {}


def _judge_task(chunk: list[int]) -> tuple[AthleteResult, ...]:
    state = _JUDGE
    rows = state["codes"].isin(chunk)
    return judge(
        state["sets"][rows.to_numpy()],
        state["tagger"],
        state["config"],
        with_swaps=state["with_swaps"],
    )


def athlete_chunks(sets: pd.DataFrame, n: int) -> tuple[pd.Series, list[list[int]]]:
    """Athlete codes per row and `n` lists of codes with about the same number of sets each
    (largest athletes first, each to the lightest chunk)."""
    codes, _ = pd.factorize(sets["athlete"], sort=True)
    sizes = pd.Series(codes).value_counts()
    chunks: list[list[int]] = [[] for _ in range(max(1, min(n, len(sizes))))]
    load = [0] * len(chunks)
    for code, size in zip(sizes.index, sizes, strict=True):
        lightest = min(range(len(chunks)), key=load.__getitem__)
        chunks[lightest].append(int(code))
        load[lightest] += int(size)
    return pd.Series(codes, index=sets.index), [c for c in chunks if c]


def judge_parallel(
    sets: pd.DataFrame, tagger: Tagger, config: Config, *, jobs: int, with_swaps: bool = True
) -> tuple[AthleteResult, ...]:
    """`analysis.judge` over chunks of athletes in the pool; results sorted by athlete as the
    sequential judge returns them."""
    if sets.empty:
        return ()
    codes, chunks = athlete_chunks(sets, jobs * CHUNKS_PER_JOB)
    _JUDGE.update(sets=sets, codes=codes, tagger=tagger, config=config, with_swaps=with_swaps)
    try:
        parts = list(bounded_map(_judge_task, chunks, jobs))
    finally:
        _JUDGE.clear()
    return tuple(sorted((a for part in parts for a in part), key=lambda a: a.athlete))


def analyze(
    paths: str | Path | Sequence[str | Path],
    options: AnalyzeOptions | None = None,
    *,
    jobs: int | None = None,
) -> Analysis:
    """`analysis.analyze` on every core: the same Analysis, computed in a process pool when
    the input is big enough to gain (many files or many athletes) and fork is available."""
    options = options or AnalyzeOptions()
    jobs = cap_jobs(jobs)
    paths = path_list(paths)
    if jobs <= 1 or not can_fork():
        return analyze_sequential(paths, options)
    files = sum(len(folder_logs(p)) if p.is_dir() else 1 for p in paths if p.exists())
    inputs = read_inputs(paths, options.import_options, jobs if files >= MIN_FILES else 1)
    tagger = load_tagger(options.exercise_map)
    config = options.config()
    sets, dropped, notes = merge_sources(inputs.results)
    many = sets["athlete"].nunique() >= MIN_ATHLETES
    athletes = (
        judge_parallel(sets, tagger, config, jobs=jobs, with_swaps=options.swaps) if many else None
    )
    result = analyze_sets(
        sets,
        tagger=tagger,
        config=config,
        sources=[r.report for r in inputs.results],
        with_swaps=options.swaps,
        athletes=athletes,
    )
    return with_inputs(result, inputs, dropped, notes)


# --- report jobs -------------------------------------------------------------------------------

#: The report jobs forked workers inherit (closures cannot be pickled; their index can).
_REPORTS: list[Any] = []


def _report_task(index: int, keep_going: bool = False) -> list[Path] | JobFailure:
    return run_job(_REPORTS[index], keep_going)


def _outcome(result: list[Path] | JobFailure, failures: list[JobFailure] | None) -> list[Path]:
    if isinstance(result, JobFailure):
        assert failures is not None
        failures.append(result)
        return []
    return result


def run_report_jobs(
    report_jobs: Sequence[Any], jobs: int | None = None, *, failures: list[JobFailure] | None = None
) -> Iterator[list[Path]]:
    """Run `render.jobs.RenderJob`s (anything with `.run() -> list[Path]`) in the pool, yielding
    each job's written paths in job order (for a progress bar).

    With a `failures` list, a job that raises does not stop the others: its `JobFailure` (the
    job's label, i.e. the athlete, and the error) is appended there and it yields no paths.

    Jobs marked `aggregate` (the roster, the weekly report: one PDF over every athlete, the
    longest jobs, listed last) are started first so they do not run alone at the end. Every job
    is submitted at once: a job's result is only its paths, so nothing large waits in memory."""
    jobs = cap_jobs(jobs)
    keep_going = failures is not None
    if jobs <= 1 or len(report_jobs) < 2 or not can_fork():
        for job in report_jobs:
            yield _outcome(run_job(job, keep_going), failures)
        return
    _REPORTS[:] = list(report_jobs)
    order = sorted(
        range(len(report_jobs)), key=lambda i: not getattr(report_jobs[i], "aggregate", False)
    )
    try:
        with _pool(jobs) as pool:
            futures = {i: pool.submit(_report_task, i, keep_going) for i in order}
            for i in range(len(report_jobs)):
                yield _outcome(futures[i].result(), failures)
    finally:
        _REPORTS.clear()
