"""The chart-writing jobs of `backlog analyze`: one per athlete, writing their charts as PNG
into `out_dir/<safe athlete name>/`.

A job is picklable (the athlete's results, their folder and the config, bound to a
module-level function) and imports matplotlib only when it runs, so that the process that
hands the jobs to render workers (`engines.pool.Renderers`, which loaded matplotlib while
the logs were read) never loads it itself.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from analyzer.config import Config, load_config
from analyzer.render.jobs import RenderJob
from analyzer.render.roster import charted_athletes
from analyzer.results import Analysis, AthleteResult
from analyzer.safe_write import athlete_folders, atomic_write_bytes

#: What a process that draws charts imports (render workers load it ahead of the jobs).
CHART_MODULE = "analyzer.render.charts"


def write_athlete_charts(result: AthleteResult, folder: Path, config: Config) -> list[Path]:
    """Write every chart of `result` as `folder/<chart>.png`; the paths written."""
    from analyzer.render import charts

    return [
        atomic_write_bytes(folder / f"{name}.png", charts.png_bytes(fig))
        for name, fig in charts.athlete_figures(result, config=config).items()
    ]


def chart_jobs(
    analysis: Analysis,
    out_dir: Path,
    *,
    config: Config | None = None,
    athletes: Sequence[AthleteResult] | None = None,
) -> list[RenderJob]:
    """One job per athlete of `athletes` (default: every athlete with weeks; the CLI passes
    `roster.charted_athletes`), run by `engines.pool.Renderers` or `run_report_jobs`."""
    config = config or load_config()
    folders = athlete_folders((a.athlete for a in analysis.athletes), out_dir)
    chosen = charted_athletes(analysis, "all") if athletes is None else athletes
    return [
        RenderJob(r.athlete, functools.partial(write_athlete_charts, r, folders[r.athlete], config))
        for r in chosen
    ]
