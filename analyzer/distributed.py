"""The Dask path (`backlog analyze DATASET --engine dask [--scheduler ADDRESS]`): the same pure
per-athlete pipeline as the pandas path, run on a Dask cluster, gathered into the same result.

Inputs are either log files (a folder of exports, many files): each file is read by the same
importer on a worker, and the sources are merged as `merging.merge_sources` merges them; or
a Parquet dataset holding the canonical set table (`schema.COLUMNS`), read partition by
partition. Either way the set table is shuffled so that every athlete's rows sit in one
partition, and `analysis.judge` runs on each partition (`map_partitions`); only the judged
athletes and the per-name set counts come back to the client.

Dask is an optional extra (`pip install -e ".[dask]"`); nothing else in the package imports
this module, so the default path never imports dask. How to run it on a real cluster:
docs/scaling.md.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analyzer.analysis import AnalyzeOptions, exercise_summaries, judge, path_list
from analyzer.config import Config
from analyzer.errors import BacklogError, ConfigError, EmptyLogError, InputNotFoundError
from analyzer.importers import ImportOptions, ImportResult, Inputs, SkippedFile, read_log
from analyzer.merging import merge_sources
from analyzer.parallel import folder_logs
from analyzer.results import Analysis, AthleteResult, SourceReport
from analyzer.schema import COLUMNS
from analyzer.tagging import Tagger, load_tagger

#: Row position in the merged table, carried through the shuffle so each athlete's rows are
#: judged in the order the pandas path sees them.
ROW = "_row"


def _require_dask() -> Any:
    try:
        import dask
        import dask.dataframe  # noqa: F401
        import distributed
    except ImportError as exc:
        raise ConfigError(
            "--engine dask needs the dask extra", hint='pip install -e ".[dask]"'
        ) from exc
    return dask, distributed


@functools.cache
def _tagger(exercise_map: str | None) -> Tagger:
    """One tagger per worker process (built on first use, then reused)."""
    return load_tagger(Path(exercise_map) if exercise_map else None)


def _read_file(path: str, options: ImportOptions) -> ImportResult | str:
    try:
        return read_log(Path(path), options)
    except BacklogError as exc:
        return exc.message


def judge_partition(
    part: pd.DataFrame, exercise_map: str | None, config: Config, with_swaps: bool
) -> pd.Series:
    """`analysis.judge` on one partition (whole athletes): an object Series of AthleteResult."""
    if part.empty:
        return pd.Series([], dtype=object)
    sets = part.sort_values(ROW, kind="stable")[list(COLUMNS)].astype(COLUMNS)
    sets = sets.reset_index(drop=True)
    return pd.Series(
        list(judge(sets, _tagger(exercise_map), config, with_swaps=with_swaps)), dtype=object
    )


def is_parquet_dataset(path: Path) -> bool:
    return path.suffix.lower() == ".parquet" or (path.is_dir() and any(path.rglob("*.parquet")))


def _read_logs(client: Any, paths: Sequence[Path], options: ImportOptions) -> Inputs:
    """Every log file read on the cluster; the same results, skips and errors as
    `importers.read_inputs`."""
    tasks: list[tuple[Path, ImportOptions, bool]] = []
    for path in paths:
        if path.is_dir():
            files = folder_logs(path)
            if not files:
                raise EmptyLogError(
                    "no workout log found among 0 file(s) in the folder",
                    path=path,
                    hint="put CSV or .xlsx exports in it",
                )
            folder_opts = replace(options, athlete=None)
            tasks.extend((f, folder_opts, True) for f in files)
        else:
            tasks.append((path, options, False))
    futures = [client.submit(_read_file, str(p), o, pure=False) for p, o, _ in tasks]
    outcomes = client.gather(futures)
    results: list[ImportResult] = []
    skipped: list[SkippedFile] = []
    for (path, opts, in_folder), outcome in zip(tasks, outcomes, strict=True):
        if isinstance(outcome, ImportResult):
            results.append(outcome)
        elif in_folder:
            skipped.append(SkippedFile(str(path), outcome))
        else:
            read_log(path, opts)  # raises the file's own error here
    if not results:
        raise EmptyLogError(
            f"no workout log found among {len(tasks)} file(s)",
            path=paths[0],
            hint="put CSV or .xlsx exports in it",
        )
    return Inputs(results=tuple(results), skipped_files=tuple(skipped))


def _judge_frame(
    ddf: Any, partitions: int, options: AnalyzeOptions, config: Config
) -> tuple[AthleteResult, ...]:
    """Shuffle by athlete, judge each partition, gather the athletes sorted by name."""
    by_athlete = ddf.shuffle(on="athlete", npartitions=partitions)
    judged = by_athlete.map_partitions(
        judge_partition,
        str(options.exercise_map) if options.exercise_map else None,
        config,
        options.swaps,
        meta=pd.Series([], dtype=object),
    )
    athletes = [a for a in judged.compute() if a is not None]
    return tuple(sorted(athletes, key=lambda a: a.athlete))


def _dataset_report(path: Path, sets: Any) -> tuple[SourceReport, pd.Series]:
    """A source report for a canonical Parquet dataset and its per-name set counts."""
    import dask

    counts, rows, warmups, athletes = dask.compute(
        sets["exercise"].value_counts(),
        sets.shape[0],
        (sets["set_type"].astype("str") == "warmup").sum(),
        sets["athlete"].unique(),
    )
    from analyzer.importers.units import shown_unit

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


def analyze_dask(
    paths: Path | Sequence[Path],
    options: AnalyzeOptions | Any | None = None,
    *,
    scheduler: str | None = None,
    client: Any = None,
    partitions: int | None = None,
) -> Analysis:
    """`analysis.analyze` on a Dask cluster: `client`, or a `distributed.Client` connected to
    `scheduler`, or a local cluster on this machine's cores. `options` may also be bare
    `ImportOptions` (as the CLI builds them)."""
    dask, distributed = _require_dask()
    import dask.dataframe as dd

    if options is None:
        options = AnalyzeOptions()
    elif isinstance(options, ImportOptions):
        options = AnalyzeOptions(import_options=options)
    paths = path_list(paths)
    for path in paths:
        if not path.exists():
            raise InputNotFoundError("file or folder not found", path=path, hint="check the path")
    config = options.config()
    tagger = load_tagger(options.exercise_map)

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
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            partitions = partitions or 4 * workers
            if len(paths) == 1 and is_parquet_dataset(paths[0]):
                ddf = dd.read_parquet(str(paths[0]))
                missing = [c for c in COLUMNS if c not in ddf.columns]
                if missing:
                    raise ConfigError(
                        f"{paths[0]}: not a canonical set table (missing {', '.join(missing)})",
                        hint="see docs/schema.md",
                    )
                ddf = ddf[list(COLUMNS)]
                report, counts = _dataset_report(paths[0], ddf)
                ordered = ddf.sort_values(["athlete", "performed_at", "source_file", "source_row"])
                ddf = ordered.assign(**{ROW: 1}).assign(**{ROW: lambda f: f[ROW].cumsum()})
                athletes = _judge_frame(ddf, partitions, options, config)
                return Analysis(
                    sources=(report,),
                    athletes=athletes,
                    exercises=exercise_summaries(tagger, counts),
                )
            inputs = _read_logs(client, paths, options.import_options)
            sets, dropped, notes = merge_sources(inputs.results)
            frame = sets.assign(**{ROW: np.arange(len(sets), dtype=np.int64)})
            ddf = dd.from_pandas(frame, npartitions=max(1, min(partitions, len(frame))), sort=False)
            athletes = _judge_frame(ddf, partitions, options, config)
            counts = sets["exercise"].value_counts(sort=False)
            return Analysis(
                sources=tuple(r.report for r in inputs.results),
                athletes=athletes,
                exercises=exercise_summaries(tagger, counts),
                skipped_files=tuple((s.path, s.reason) for s in inputs.skipped_files),
                duplicate_sets=dropped,
                notes=tuple(notes),
            )
    finally:
        for resource in own:
            resource.close()
