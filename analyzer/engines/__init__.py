"""Execution engines: where the pipeline's mapped stages run (`pipeline.Engine`).

An engine maps `pipeline.read_file` over the files to read and a `pipeline.JudgeStage` over
groups of whole athletes; everything else (listing files, merging, assembling the typed
results) is the pipeline's, so every engine gives the same result.

- `local.Local`: this process, every athlete judged in one vectorised call.
- `pool.Pool`: a forked process pool on this machine (`--jobs`); also runs the report and
  chart jobs (`pool.run_report_jobs`).
- `dask.Dask`: a Dask cluster (`--engine dask`); dask is an optional extra, imported only
  by that module.

`for_jobs(jobs)` is the engine `backlog analyze` and `backlog report` use on this machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analyzer.pipeline import Engine


def for_jobs(jobs: int | None) -> Engine:
    """The engine for `--jobs` on this machine: the pool when more than one worker may run
    and fork is available (the pool itself judges in this process when that is faster:
    `pool.Pool`), else this process."""
    from analyzer.engines.local import Local
    from analyzer.engines.pool import Pool, can_fork, cap_jobs

    jobs = cap_jobs(jobs)
    return Pool(jobs) if jobs > 1 and can_fork() else Local()
