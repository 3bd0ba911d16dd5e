"""The process-pool engine (`--jobs N`): the pipeline's files read and athletes judged in a
forked pool on this machine, and the report and chart jobs written there too.

Reading runs one task per file, judging one task per chunk of athletes (balanced by sets);
a task returns frames (`pipeline.Judged`), cheap to pickle, and the typed results are
assembled once in the parent. Workers are forked: the set table, the judge stage and the
report jobs are inherited, not pickled, and only task numbers go to the workers. At most
`2 x jobs` tasks are in flight, so memory stays bounded by the pool size, not by the input.
Where fork is not available (Windows, macOS default) everything runs in this process.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from analyzer.render.jobs import JobFailure, run_job

if TYPE_CHECKING:
    from analyzer.errors import BacklogError
    from analyzer.importers import ImportResult
    from analyzer.pipeline import Judged, JudgeStage, ReadTask

T = TypeVar("T")
R = TypeVar("R")

#: Fewer files than this are read in this process: starting a pool costs more than it saves.
MIN_FILES = 8
#: Fewer athletes than this are judged in this process.
MIN_ATHLETES = 16
#: Fewer workers than this judge in this process. Judging in the pool costs about 1.8x the
#: CPU time of judging in one process (each chunk's fixed costs, the judged frames pickled
#: back, the parts combined): on the 1M-set roster, 4.0-4.3 s of worker CPU plus 0.6 s in
#: the parent against 2.5 s in one process. Two workers cannot win that back, and on a
#: machine already busy they lose (measured on 2 cores: `backlog analyze roster_1M.csv`
#: slower with the pool); from 4 workers on the pool is expected to gain.
MIN_JOBS_TO_JUDGE = 4
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
    """Whether workers can be forked (they inherit the parent's tables instead of copies)."""
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


# --- the pipeline's stages --------------------------------------------------------------------

#: What forked judge workers inherit: the judge stage, the set table, its rows per chunk.
_JUDGE: dict[str, Any] = {}


def _judge_chunk(index: int) -> Judged:
    state = _JUDGE
    return state["judge"](state["sets"].take(state["rows"][index]))


def athlete_chunks(sets: pd.DataFrame, n: int) -> list[np.ndarray]:
    """The row positions of `sets` split into at most `n` chunks of whole athletes with about
    the same number of sets each (largest athletes first, each to the lightest chunk); each
    chunk's rows in table order."""
    codes, _ = pd.factorize(sets["athlete"], sort=True)
    sizes = np.bincount(codes)
    chunks = max(1, min(n, len(sizes)))
    chunk_of = np.empty(len(sizes), dtype=np.int64)
    load = [0] * chunks
    for code in np.argsort(-sizes, kind="stable").tolist():
        lightest = min(range(chunks), key=load.__getitem__)
        chunk_of[code] = lightest
        load[lightest] += int(sizes[code])
    row_chunk = chunk_of[codes]
    return [rows for c in range(chunks) if len(rows := np.flatnonzero(row_chunk == c))]


class Pool:
    """Map the pipeline's stages over a forked pool of `jobs` workers where that is faster:
    files read in the pool from `min_files` files on; athletes judged in the pool (from
    `min_athletes` athletes on) only when `judge_in_pool`, by default with at least
    `MIN_JOBS_TO_JUDGE` workers (see there why)."""

    def __init__(
        self,
        jobs: int,
        *,
        min_files: int = MIN_FILES,
        min_athletes: int = MIN_ATHLETES,
        judge_in_pool: bool | None = None,
    ) -> None:
        self.jobs = cap_jobs(jobs)
        self.min_files = min_files
        self.min_athletes = min_athletes
        self.judge_in_pool = (
            self.jobs >= MIN_JOBS_TO_JUDGE if judge_in_pool is None else judge_in_pool
        )

    def map_files(
        self, read: Callable[[ReadTask], ImportResult | BacklogError], tasks: Sequence[ReadTask]
    ) -> list[ImportResult | BacklogError]:
        """`read` over `tasks` in task order, in the pool for `min_files` files or more."""
        jobs = self.jobs if len(tasks) >= self.min_files else 1
        return list(bounded_map(read, tasks, jobs))

    def map_athletes(self, judge: JudgeStage, sets: pd.DataFrame) -> list[Judged]:
        """`judge` over chunks of athletes in the pool (`CHUNKS_PER_JOB` per worker), or once
        over all of them here when there are too few to gain."""
        if (
            self.jobs <= 1
            or not can_fork()
            or not self.judge_in_pool
            or sets.empty
            or sets["athlete"].nunique() < self.min_athletes
        ):
            return [judge(sets)]
        rows = athlete_chunks(sets, self.jobs * CHUNKS_PER_JOB)
        _JUDGE.update(judge=judge, sets=sets, rows=rows)
        try:
            return list(bounded_map(_judge_chunk, range(len(rows)), self.jobs))
        finally:
            _JUDGE.clear()


# --- report jobs ------------------------------------------------------------------------------

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


# --- render workers started before the analysis ---------------------------------------------


#: How much lower render workers run than the process that started them (`os.nice`).
RENDER_NICENESS = 10


class RenderWorkerLost(RuntimeError):
    """A render worker stopped without answering (killed, out of memory)."""


def _serve(conn: Connection, parent: int, preload: tuple[str, ...]) -> None:
    """A render worker: import `preload` (calling each module's `warm_up()` if it has one),
    at a lower priority, then run the jobs that arrive on `conn` (index, job,
    keep_going) and send back (index, paths or JobFailure or the exception raised) until
    None or the end of the pipe."""
    _die_with_parent(parent)
    # Ctrl-C reaches the whole process group: the parent stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Until the jobs come, the parent is reading and judging: the workers' set-up takes
    # only the CPU it leaves idle, instead of slowing it down on a machine of few cores.
    with contextlib.suppress(OSError, AttributeError):
        os.nice(RENDER_NICENESS)
    for name in preload:
        module = importlib.import_module(name)
        warm_up = getattr(module, "warm_up", None)
        if callable(warm_up):
            with contextlib.suppress(Exception):  # a real job reports what is wrong
                warm_up()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, job, keep_going = message
        outcome: list[Path] | JobFailure | BaseException
        try:
            outcome = run_job(job, keep_going)
        except Exception as exc:
            outcome = exc
        conn.send((index, outcome))


class Renderers:
    """Render workers forked at the start of a run, before the logs are read: while this
    process reads and judges (one core), they import what the render jobs need (`preload`;
    matplotlib takes a third of a second) on the others, and the jobs then go to them
    pickled (one athlete's results: a few MB) instead of to workers forked from the grown
    process after the analysis, each importing matplotlib on the clock.

    Plain forked processes and pipes, no threads: other pools of the run (reading a folder,
    judging) still fork from a single-threaded process. Use as a context manager; `run`
    behaves as `run_report_jobs` (paths in job order, failures collected)."""

    def __init__(self, jobs: int, preload: Sequence[str]) -> None:
        context = multiprocessing.get_context("fork")
        self._used = False
        # A forked child flushes what it inherited in the stdio buffers when it ends.
        sys.stdout.flush()
        sys.stderr.flush()
        self._workers: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
        for _ in range(cap_jobs(jobs)):
            mine, theirs = context.Pipe()
            process = context.Process(
                target=_serve, args=(theirs, os.getpid(), tuple(preload)), daemon=True
            )
            process.start()
            theirs.close()
            self._workers.append((process, mine))

    def __enter__(self) -> Renderers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers: those that were given jobs finish the one they are on; those
        never used (no chart to draw, or the run failed first) are stopped at once rather
        than waited for while they import. Idempotent."""
        for _, conn in self._workers:
            with contextlib.suppress(OSError):
                conn.send(None)
            conn.close()
        for process, _ in self._workers:
            process.join(timeout=5 if self._used else 0)
            if process.is_alive():
                process.kill()
                process.join()
        self._workers = []

    def run(
        self, report_jobs: Sequence[Any], *, failures: list[JobFailure] | None = None
    ) -> Iterator[list[Path]]:
        """Each job's written paths, in job order, as soon as it and every job before it are
        done. The first jobs go to the workers now, before the iterator is read (the caller
        can do other work while they run); the rest one at a time to whichever worker is
        free."""
        keep_going = failures is not None
        self._used = self._used or bool(report_jobs)
        waiting = deque(range(len(report_jobs)))
        busy: dict[Connection, int] = {}
        idle = [conn for _, conn in self._workers]

        def hand_out() -> None:
            while idle and waiting:
                conn, index = idle.pop(), waiting.popleft()
                conn.send((index, report_jobs[index], keep_going))
                busy[conn] = index

        def collect() -> Iterator[list[Path]]:
            done: dict[int, list[Path] | JobFailure] = {}
            following = 0
            while following < len(report_jobs):
                for ready in wait(list(busy)):
                    assert isinstance(ready, Connection)
                    try:
                        index, outcome = ready.recv()
                    except (EOFError, OSError):
                        label = report_jobs[busy[ready]].label
                        raise RenderWorkerLost(
                            f"a render worker stopped while writing {label}"
                        ) from None
                    del busy[ready]
                    idle.append(ready)
                    if isinstance(outcome, BaseException):
                        raise outcome
                    done[index] = outcome
                hand_out()
                while following in done:
                    yield _outcome(done.pop(following), failures)
                    following += 1

        hand_out()
        return collect()


def start_renderers(jobs: int | None, preload: Sequence[str]) -> Renderers | None:
    """`Renderers` for `jobs` workers, or None where render jobs had better run in this
    process (one core, no fork)."""
    jobs = cap_jobs(jobs)
    return Renderers(jobs, preload) if jobs > 1 and can_fork() else None
