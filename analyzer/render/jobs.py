"""A unit of output writing (one athlete's charts or PDF, the roster), run in this process or
in the pool by `analyzer.engines.pool.run_report_jobs`, which shows progress per job."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import BacklogError


@dataclass(frozen=True)
class RenderJob:
    """`run()` writes files and returns their paths. `aggregate` marks a job over every
    athlete (roster, weekly report): the longest, so the pool starts it first."""

    label: str
    run: Callable[[], list[Path]]
    aggregate: bool = False


@dataclass(frozen=True)
class JobFailure:
    """A job that raised: its label (the athlete's name), what went wrong, and whether it is
    the user's to fix (a BacklogError, exit 2) or a bug (exit 1). Picklable (pool results)."""

    label: str
    message: str
    user_error: bool


def run_job(job: RenderJob, keep_going: bool = False) -> list[Path] | JobFailure:
    """`job.run()`; with `keep_going` an exception becomes a JobFailure instead of stopping
    the other jobs (Ctrl-C and exits still stop everything)."""
    if not keep_going:
        return list(job.run())
    try:
        return list(job.run())
    except BacklogError as exc:
        return JobFailure(job.label, exc.one_line(), True)
    except Exception as exc:
        return JobFailure(job.label, f"{type(exc).__name__}: {exc}", False)
