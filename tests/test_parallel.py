"""The process-pool engine gives exactly what the in-process engine gives: the same JSON for
a folder of client exports (merged lifters, duplicates, skipped files included), the same
judged athletes, and byte-identical report PDFs."""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from analyzer import assemble, pipeline
from analyzer.cli import app
from analyzer.config import load_config
from analyzer.engines import for_jobs
from analyzer.engines import pool as parallel
from analyzer.engines.local import Local
from analyzer.errors import EmptyLogError, InputNotFoundError
from analyzer.pipeline import analyze
from analyzer.render import pdf
from analyzer.render.jobs import JobFailure, RenderJob
from analyzer.render.json_out import to_json
from analyzer.tagging import load_tagger
from tests.common import GENERIC, ROSTER, STRONG

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="the pool needs fork")


def shifted_strong(weeks: int) -> str:
    """The sample Strong log moved `weeks` weeks later (a different lifter's sessions)."""
    frame = pd.read_csv(STRONG, sep=";", dtype=str, keep_default_na=False)
    when = pd.to_datetime(frame["Date"]) + pd.Timedelta(weeks=weeks)
    frame["Date"] = when.dt.strftime("%Y-%m-%d %H:%M:%S")
    return frame.to_csv(sep=";", index=False)


@pytest.fixture(scope="module")
def clients(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten client exports: eight lifters, one exported twice under another name (merged,
    duplicates counted once), one file that is not a log (skipped)."""
    folder = tmp_path_factory.mktemp("clients")
    for i in range(8):
        (folder / f"client_{i}.csv").write_text(shifted_strong(-10 * i), encoding="utf-8")
    (folder / "client_0_again.csv").write_text(shifted_strong(0), encoding="utf-8")
    (folder / "readme.txt").write_text("not a log\n", encoding="utf-8")
    return folder


def pooled(paths: object, jobs: int = 2, **kw: object) -> object:
    """`analyze` with the pool engine (reading from 2 files, judging from 2 athletes on)."""
    engine = parallel.Pool(jobs, min_files=2, min_athletes=2, **kw)  # type: ignore[arg-type]
    return analyze(paths, engine=engine)  # type: ignore[arg-type]


def test_folder_json_identical_to_sequential(clients: Path) -> None:
    sequential = analyze(clients)
    pooled_result = analyze(clients, engine=parallel.Pool(2))  # files in the pool
    assert len(sequential.athletes) == 8  # the second export merged into client_0
    assert sequential.duplicate_sets > 0
    assert [p for p, _ in sequential.skipped_files] == [str(clients / "readme.txt")]
    assert to_json(pooled_result, daily=True) == to_json(sequential, daily=True)


def test_many_athletes_judged_in_the_pool(clients: Path) -> None:
    paths = [clients, ROSTER, GENERIC]
    assert to_json(pooled(paths, judge_in_pool=True), daily=True) == to_json(
        analyze(paths), daily=True
    )


def test_chunks_balance_sets_and_cover_every_athlete() -> None:
    sets = pd.DataFrame({"athlete": ["a"] * 50 + ["b"] * 30 + ["c"] * 20 + ["d"] * 10})
    chunks = parallel.athlete_chunks(sets, 2)
    assert sorted(r for rows in chunks for r in rows.tolist()) == list(range(110))
    assert sorted(len(rows) for rows in chunks) == [50, 60]  # a + d (the tie); b + c
    athletes = [set(sets["athlete"].take(rows)) for rows in chunks]
    assert not athletes[0] & athletes[1]  # whole athletes
    for rows in chunks:  # rows in table order
        assert (rows[1:] > rows[:-1]).all()


def test_judged_chunks_combine_to_judging_all_at_once() -> None:
    """Judging groups of athletes apart and combining the parts gives the typed results of
    judging them together (the categorical tag columns included)."""
    result = analyze([ROSTER, GENERIC])
    from analyzer.schema import COLUMNS

    sets = pd.concat([a.sets[list(COLUMNS)] for a in result.athletes], ignore_index=True)
    tagger, config = load_tagger(), load_config()
    one = assemble.athlete_results(pipeline.judge(sets, tagger, config))
    stage = pipeline.JudgeStage(tagger, config, with_swaps=True, exercise_map=None)
    engine = parallel.Pool(2, min_athletes=2, judge_in_pool=True)
    parts = engine.map_athletes(stage, sets)
    assert len(parts) == 4  # one per athlete: fewer athletes than chunks
    many = assemble.athlete_results(pipeline.combine(parts))
    assert [a.athlete for a in many] == [a.athlete for a in one]
    assert [a.weeks for a in many] == [a.weeks for a in one]
    for a, b in zip(many, one, strict=True):
        pd.testing.assert_frame_equal(a.sets, b.sets)
        pd.testing.assert_frame_equal(a.days, b.days)


def test_default_engine_judges_in_this_process_on_few_cores() -> None:
    """On fewer than `MIN_JOBS_TO_JUDGE` workers the pool judges in this process (judging
    in the pool was measured slower there); files are still read in the pool."""
    engine = parallel.Pool(2)
    assert engine.judge_in_pool is (parallel.cap_jobs(2) >= parallel.MIN_JOBS_TO_JUDGE)
    assert isinstance(for_jobs(1), Local)
    if parallel.cap_jobs(None) > 1:
        assert isinstance(for_jobs(None), parallel.Pool)


def test_bounded_map_keeps_order() -> None:
    assert list(parallel.bounded_map(abs, range(-20, 0), 2)) == list(range(20, 0, -1))


@pytest.mark.slow  # every report PDF written twice
def test_report_pdfs_byte_identical(tmp_path: Path, analysed) -> None:
    result = analysed(ROSTER)
    config = load_config()
    one = pdf.report_jobs(result, tmp_path / "one", config=config)
    two = pdf.report_jobs(result, tmp_path / "two", config=config)
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    written_one = [p for paths in parallel.run_report_jobs(one, 1) for p in paths]
    written_two = [p for paths in parallel.run_report_jobs(two, 2) for p in paths]
    assert len(written_one) == len(result.athletes) + 1  # + roster
    for a, b in zip(written_one, written_two, strict=True):
        assert a.relative_to(tmp_path / "one") == b.relative_to(tmp_path / "two")
        assert a.read_bytes() == b.read_bytes()


def test_errors_as_sequential(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError):
        pooled(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "x.txt").write_text("nothing\n", encoding="utf-8")
    (tmp_path / "empty" / "y.txt").write_text("nothing\n", encoding="utf-8")
    with pytest.raises(EmptyLogError) as error:
        pooled(tmp_path / "empty")
    assert "among 2 file(s)" in error.value.message
    (tmp_path / "nothing").mkdir()
    with pytest.raises(EmptyLogError) as error:
        pooled(tmp_path / "nothing")
    assert "among 0 file(s)" in error.value.message


def load_options():  # noqa: ANN201 - tiny helper
    from analyzer.importers import ImportOptions

    return ImportOptions()


@pytest.mark.slow  # nine report PDFs
def test_cli_report_folder_with_jobs(clients: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    outcome = CliRunner().invoke(
        app, ["report", str(clients), "--out", str(out), "--jobs", "2", "--quiet"]
    )
    assert outcome.exit_code == 0, outcome.output
    assert (out / "roster.pdf").exists()
    assert len(list(out.glob("*/*.pdf"))) == 8


@pytest.mark.slow  # twelve charts, drawn twice
def test_cli_analyze_charts_in_the_pool_are_the_same_files(tmp_path: Path) -> None:
    """`analyze` writes every athlete's charts through the pool; --jobs 2 and --jobs 1 give
    the same PNG files, byte for byte."""
    outs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}"
        outcome = CliRunner().invoke(
            app, ["analyze", str(ROSTER), "--out", str(out), "--jobs", jobs, "--quiet"]
        )
        assert outcome.exit_code == 0, outcome.output
        outs[jobs] = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*.png"))}
    assert len(outs["1"]) == 4 * 3  # four charts for each of the roster's three athletes
    assert outs["1"] == outs["2"]


def test_a_named_file_that_fails_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file's own error is raised from the one read (not from a second read just to
    raise it), in this process and from a worker, and is the sequential path's error."""
    from analyzer.errors import BacklogError
    from analyzer.importers import read_inputs as read_sequential

    bad = tmp_path / "stock_prices.csv"
    bad.write_text("Ticker,Open,Close\nACME,1.0,2.0\n", encoding="utf-8")
    with pytest.raises(BacklogError) as sequential:
        read_sequential([bad], load_options())
    reads: list[Path] = []
    real_read_log = pipeline.read_log

    def counting(path: Path, options: object) -> object:
        reads.append(path)
        return real_read_log(path, options)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "read_log", counting)
    with pytest.raises(BacklogError) as in_process:
        analyze([bad], engine=parallel.Pool(1))
    assert reads == [bad]
    assert type(in_process.value) is type(sequential.value)
    assert in_process.value.one_line() == sequential.value.one_line()
    # Eight good files and the bad one, named directly: read in the pool; the error travels
    # back from the worker with its fields.
    good = []
    for i in range(8):
        good.append(tmp_path / f"client_{i}.csv")
        good[-1].write_text(shifted_strong(-10 * i), encoding="utf-8")
    reads.clear()
    with pytest.raises(BacklogError) as in_pool:
        analyze([*good, bad], engine=parallel.Pool(2))
    assert reads == []  # every read happened in a worker, none again here
    assert type(in_pool.value) is type(sequential.value)
    assert in_pool.value.one_line() == sequential.value.one_line()
    assert in_pool.value.path == str(bad) and in_pool.value.hint == sequential.value.hint


def _write(path: Path, text: str) -> list[Path]:
    """A render job's work: write `text` to `path` (module level: jobs travel pickled)."""
    if text == "fail":
        raise ValueError(f"cannot write {path.name}")
    if text == "die":
        os._exit(9)  # the worker stops without answering
    path.write_text(f"{text} from {os.getpid()}", encoding="utf-8")
    return [path]


def _job(path: Path, text: str) -> RenderJob:
    return RenderJob(path.stem, functools.partial(_write, path, text))


def test_started_renderers_run_pickled_jobs_in_their_processes_in_job_order(
    tmp_path: Path,
) -> None:
    jobs = [_job(tmp_path / f"{i}.txt", f"job {i}") for i in range(7)]
    with parallel.Renderers(2, preload=("json",)) as renderers:
        written = [p for paths in renderers.run(jobs) for p in paths]
        again = [p for paths in renderers.run(jobs[:2]) for p in paths]  # the workers stay
    assert written == [tmp_path / f"{i}.txt" for i in range(7)]
    assert again == written[:2]
    writers = {p.read_text(encoding="utf-8").split(" from ")[1] for p in written}
    assert str(os.getpid()) not in writers and 1 <= len(writers) <= 2


def test_a_failing_render_job_is_collected_and_the_others_are_written(tmp_path: Path) -> None:
    jobs = [
        _job(tmp_path / "a.txt", "a"),
        _job(tmp_path / "b.txt", "fail"),
        _job(tmp_path / "c.txt", "c"),
    ]
    failures: list[JobFailure] = []
    with parallel.Renderers(2, preload=()) as renderers:
        written = [p for paths in renderers.run(jobs, failures=failures) for p in paths]
    assert written == [tmp_path / "a.txt", tmp_path / "c.txt"]
    assert [(f.label, f.user_error) for f in failures] == [("b", False)]
    assert "cannot write b.txt" in failures[0].message
    with parallel.Renderers(2, preload=()) as renderers, pytest.raises(ValueError):
        list(renderers.run(jobs))  # without a failures list the job's error stops the run


def test_a_render_worker_that_dies_is_one_clear_error(tmp_path: Path) -> None:
    lost = pytest.raises(parallel.RenderWorkerLost, match="while writing gone")
    with parallel.Renderers(1, preload=()) as renderers, lost:
        list(renderers.run([_job(tmp_path / "gone.txt", "die")]))


def test_renderers_start_the_first_jobs_before_their_results_are_read(tmp_path: Path) -> None:
    target = tmp_path / "early.txt"
    with parallel.Renderers(1, preload=()) as renderers:
        outcomes = renderers.run([_job(target, "early")])
        for _ in range(500):  # the job runs while this process does other work
            if target.exists():
                break
            time.sleep(0.01)
        assert target.exists()
        assert list(outcomes) == [[target]]
