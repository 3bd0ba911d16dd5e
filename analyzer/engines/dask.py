"""The Dask engine (`backlog analyze DATASET --engine dask [--scheduler ADDRESS]`): the
pipeline's files read and athletes judged on a Dask cluster.

`Dask(client)` maps the two stages: each log file is read by `pipeline.read_file` on a
worker; the merged set table is shuffled so that every athlete's rows sit in one partition
and the judge stage runs on each partition (`map_partitions`); only the judged frames come
back to the client, where the pipeline assembles them as for every engine.

A Parquet dataset holding the canonical set table (`schema.COLUMNS`) is not read into the
client: `analyze_dask` reads it partition by partition on the workers and judges it there.

Dask is an optional extra (`pip install -e ".[dask]"`); nothing else in the package imports
this module, so the default path never imports dask. How to run it on a real cluster:
docs/scaling.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analyzer import assemble, pipeline
from analyzer.errors import ConfigError, InputNotFoundError
from analyzer.importers import ImportOptions
from analyzer.results import Analysis, SourceReport
from analyzer.schema import COLUMNS
from analyzer.tagging import load_tagger

if TYPE_CHECKING:
    from analyzer.errors import BacklogError
    from analyzer.importers import ImportResult
    from analyzer.pipeline import Judged, JudgeStage, ReadTask

#: Row position in the merged table, carried through the shuffle so each athlete's rows are
#: judged in the order the other engines see them.
ROW = "_row"


def _require_dask() -> tuple[Any, Any]:
    try:
        import dask
        import dask.dataframe  # noqa: F401
        import distributed
    except ImportError as exc:
        raise ConfigError(
            "--engine dask needs the dask extra", hint='pip install -e ".[dask]"'
        ) from exc
    return dask, distributed


def judge_partition(part: pd.DataFrame, judge: JudgeStage) -> pd.Series:
    """The judge stage on one partition (whole athletes, rows in merged-table order): an
    object Series holding its one `Judged`."""
    if part.empty:
        return pd.Series([], dtype=object)
    sets = part.sort_values(ROW, kind="stable")[list(COLUMNS)].astype(COLUMNS)
    return pd.Series([judge(sets.reset_index(drop=True))], dtype=object)


def _judge_frame(ddf: Any, partitions: int, judge: JudgeStage) -> list[Judged]:
    """Shuffle by athlete, judge each partition, gather the judged parts."""
    by_athlete = ddf.shuffle(on="athlete", npartitions=partitions)
    judged = by_athlete.map_partitions(judge_partition, judge, meta=pd.Series([], dtype=object))
    return list(judged.compute())


class Dask:
    """Map the pipeline's stages on the cluster `client` is connected to, the set table in
    `partitions` partitions (default: 4 per worker)."""

    def __init__(self, client: Any, partitions: int | None = None) -> None:
        self.client = client
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        self.partitions = partitions or 4 * workers

    def map_files(
        self, read: Callable[[ReadTask], ImportResult | BacklogError], tasks: Sequence[ReadTask]
    ) -> list[ImportResult | BacklogError]:
        """`read` over `tasks` on the workers (the paths must be readable there)."""
        futures = [self.client.submit(read, task, pure=False) for task in tasks]
        return list(self.client.gather(futures))

    def map_athletes(self, judge: JudgeStage, sets: pd.DataFrame) -> list[Judged]:
        """`judge` over the partitions of `sets` shuffled by athlete."""
        import dask.dataframe as dd

        if sets.empty:
            return []
        frame = sets.assign(**{ROW: np.arange(len(sets), dtype=np.int64)})
        ddf = dd.from_pandas(
            frame, npartitions=max(1, min(self.partitions, len(frame))), sort=False
        )
        return _judge_frame(ddf, self.partitions, judge)


def is_parquet_dataset(path: Path) -> bool:
    """A `.parquet` file, or a folder holding some: read as a canonical set table."""
    return path.suffix.lower() == ".parquet" or (path.is_dir() and any(path.rglob("*.parquet")))


def _dataset_report(path: Path, sets: Any) -> tuple[SourceReport, pd.Series]:
    """A source report for a canonical Parquet dataset and its per-name set counts."""
    import dask

    from analyzer.importers.units import shown_unit

    counts, rows, warmups, athletes = dask.compute(
        sets["exercise"].value_counts(),
        sets.shape[0],
        (sets["set_type"].astype("str") == "warmup").sum(),
        sets["athlete"].unique(),
    )
    # The unit the lifter's weights read in, from the first rows (as importers sample).
    weights = sets["weight_kg"].head(20_000, npartitions=-1, compute=True)
    report = SourceReport(
        path=str(path),
        format="parquet-canonical",
        athletes=tuple(sorted(str(a) for a in athletes)),
        rows=int(rows),
        sets=int(rows),
        warmup_sets=int(warmups),
        skipped=0,
        skipped_reasons={},
        problems=(),
        weight_unit=shown_unit(weights.dropna()),
    )
    return report, counts


def _analyze_dataset(path: Path, options: pipeline.AnalyzeOptions, engine: Dask) -> Analysis:
    """A canonical Parquet dataset judged on the workers, never loaded into the client: it
    is taken as already merged, its rows ordered by athlete, time, source file and row."""
    import dask.dataframe as dd

    ddf = dd.read_parquet(str(path))
    missing = [c for c in COLUMNS if c not in ddf.columns]
    if missing:
        raise ConfigError(
            f"{path}: not a canonical set table (missing {', '.join(missing)})",
            hint="see docs/schema.md",
        )
    ddf = ddf[list(COLUMNS)]
    report, counts = _dataset_report(path, ddf)
    ordered = ddf.sort_values(["athlete", "performed_at", "source_file", "source_row"])
    ddf = ordered.assign(**{ROW: 1}).assign(**{ROW: lambda f: f[ROW].cumsum()})
    tagger = load_tagger(options.exercise_map)
    stage = pipeline.JudgeStage(
        tagger, options.config(), with_swaps=options.swaps, exercise_map=options.exercise_map
    )
    judged = pipeline.combine(_judge_frame(ddf, engine.partitions, stage))
    return Analysis(
        sources=(report,),
        athletes=assemble.athlete_results(judged),
        exercises=assemble.exercise_summaries(tagger, counts),
    )


def analyze_dask(
    paths: str | Path | Sequence[str | Path],
    options: pipeline.AnalyzeOptions | ImportOptions | None = None,
    *,
    scheduler: str | None = None,
    client: Any = None,
    partitions: int | None = None,
) -> Analysis:
    """`pipeline.analyze` on a Dask cluster: `client`, or a `distributed.Client` connected to
    `scheduler`, or a local cluster on this machine's cores (closed after). `options` may
    also be bare `ImportOptions`."""
    dask, distributed = _require_dask()
    if options is None:
        options = pipeline.AnalyzeOptions()
    elif isinstance(options, ImportOptions):
        options = pipeline.AnalyzeOptions(import_options=options)
    path_list = pipeline.path_list(paths)
    for path in path_list:
        if not path.exists():
            raise InputNotFoundError("file or folder not found", path=path, hint="check the path")
    own: list[Any] = []
    if client is None:
        if scheduler:
            client = distributed.Client(scheduler)
        else:
            cluster = distributed.LocalCluster(
                threads_per_worker=1, processes=True, dashboard_address=None
            )
            own.append(cluster)
            client = distributed.Client(cluster)
        own.insert(0, client)
    try:
        with dask.config.set({"dataframe.convert-string": False}):
            engine = Dask(client, partitions)
            if len(path_list) == 1 and is_parquet_dataset(path_list[0]):
                return _analyze_dataset(path_list[0], options, engine)
            return pipeline.analyze(path_list, options, engine=engine)
    finally:
        for resource in own:
            resource.close()
