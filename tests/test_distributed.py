"""The Dask engine gives the in-process engine's JSON, byte for byte, on a local two-worker cluster:
for the sample logs (files read on the workers, sources merged, athletes shuffled into
partitions and judged there) and for the same sets stored as a canonical Parquet dataset."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from analyzer.errors import EmptyLogError
from analyzer.pipeline import analyze
from analyzer.render.json_out import to_json
from analyzer.schema import COLUMNS

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

from analyzer.engines.dask import analyze_dask  # noqa: E402
from tests.common import ROSTER, SAMPLES  # noqa: E402

# A local cluster of two worker processes: seconds to start, in the slow suite.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        yield dask_client


def test_sample_logs_same_json_as_pandas(client: object, analysed) -> None:
    expected = analysed(SAMPLES)
    got = analyze_dask(SAMPLES, client=client, partitions=3)
    assert len(expected.athletes) >= 3
    assert to_json(got, daily=True) == to_json(expected, daily=True)


def test_single_file_same_json(client: object, analysed) -> None:
    path = ROSTER
    assert to_json(analyze_dask(path, client=client)) == to_json(analysed(path))


def test_parquet_dataset_same_athletes(client: object, tmp_path: Path, analysed) -> None:
    expected = analysed(ROSTER)
    import pandas as pd

    sets = pd.concat([a.sets[list(COLUMNS)] for a in expected.athletes], ignore_index=True)
    folder = tmp_path / "sets.parquet"
    folder.mkdir()
    for i, (_, part) in enumerate(sets.groupby("athlete")):
        part.to_parquet(folder / f"part-{i}.parquet", index=False)
    got = analyze_dask(folder, client=client)
    want = json.loads(to_json(expected))
    have = json.loads(to_json(got))
    assert have["athletes"] == want["athletes"]
    assert have["exercises"] == want["exercises"]
    assert have["sources"][0]["sets"] == len(sets)


def test_empty_folder_fails_as_in_process(client: object, tmp_path: Path) -> None:
    """A folder without a log fails with the in-process engine's error, files or none."""
    (tmp_path / "nothing").mkdir()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "x.txt").write_text("nothing\n", encoding="utf-8")
    for folder in (tmp_path / "nothing", tmp_path / "notes"):
        with pytest.raises(EmptyLogError) as local:
            analyze(folder)
        with pytest.raises(EmptyLogError) as on_dask:
            analyze_dask(folder, client=client)
        assert on_dask.value.one_line() == local.value.one_line()
