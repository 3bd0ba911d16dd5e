"""A unit of output writing (one athlete's charts or PDF, the roster), run in this process or
in the pool by `analyzer.parallel.run_report_jobs`, which shows progress per job."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RenderJob:
    """`run()` writes files and returns their paths. `aggregate` marks a job over every
    athlete (roster, weekly report): the longest, so the pool starts it first."""

    label: str
    run: Callable[[], list[Path]]
    aggregate: bool = False
