"""The `backlog` command line: parses arguments, calls the library, maps errors to exit codes.

Exit codes (docs/cli.md): 0 analysed (row problems are reported, not fatal); 1 unexpected
internal error; 2 nothing could be analysed or the user must act (bad file, bad option,
unwritable output, --strict with row problems).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import sys
import textwrap
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from analyzer.errors import BacklogError, ConfigError, StrictModeError

if TYPE_CHECKING:
    from analyzer.engines.pool import Renderers

app = typer.Typer(
    name="backlog",
    help="Flags training weeks that give the lower back no time to recover, and what to change.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_INTERNAL, EXIT_USER = 0, 1, 2


def fail(message: str, code: int = EXIT_USER) -> typer.Exit:
    typer.echo(f"backlog: {message}", err=True)
    return typer.Exit(code)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("backlog")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        from analyzer import __version__

        return __version__


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"backlog {_version()}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Flags training weeks that give the lower back no time to recover, and what to change."""


def _progress(quiet: bool) -> Any:
    """Progress on stderr for stages slower than a second (not with --quiet, not when stderr
    is not a terminal)."""
    from analyzer.render.progress import StageProgress

    return StageProgress(not quiet and sys.stderr.isatty())


def _fail_jobs(failures: list[Any], what: str) -> None:
    """After the other files were written: one stderr line per athlete whose `what` failed,
    then exit 2 when every failure is the user's to fix (e.g. a full disk), else 1 (a bug)."""
    if not failures:
        return
    for f in failures:
        typer.echo(f"backlog: {f.label}: could not write {what}: {f.message}", err=True)
    bug = any(not f.user_error for f in failures)
    raise fail(
        f"{len(failures)} of the {what} could not be written (the others were)"
        + ("; please report it (BACKLOG_DEBUG=1 shows details)" if bug else ""),
        EXIT_INTERNAL if bug else EXIT_USER,
    )


@dataclasses.dataclass(frozen=True)
class _Started:
    """Render jobs under way: their paths as they finish, the list the failed ones go to."""

    outcomes: Iterator[list[Path]]
    failures: list[Any]
    count: int


def _start_jobs(
    jobs: Sequence[Any], out: Path, workers: int | None, renderers: Renderers | None = None
) -> _Started:
    """Start render jobs (charts, PDFs) into `out`: on the `renderers` started with the run
    they begin at once, so this process can print while they draw; else on the pool, when
    `_finish_jobs` reads them."""
    from analyzer.engines.pool import run_report_jobs
    from analyzer.safe_write import prepare_out_dir

    prepare_out_dir(out)
    failures: list[Any] = []
    outcomes = (
        renderers.run(jobs, failures=failures)
        if renderers is not None
        else run_report_jobs(jobs, workers, failures=failures)
    )
    return _Started(outcomes, failures, len(jobs))


def _finish_jobs(started: _Started, progress: Any, stage: str) -> tuple[list[Path], list[Any]]:
    """Wait for started render jobs with a progress stage: (the paths written, the jobs that
    failed; `_fail_jobs` reports them after the others are written)."""
    written: list[Path] = []
    with progress.stage(stage, total=started.count) as advance:
        for paths_written in started.outcomes:
            written.extend(paths_written)
            advance()
    return written, started.failures


def handles_errors(func: F) -> F:
    """Turn the package's errors into one stderr line and exit code 2; anything else into one
    line and exit code 1 (set BACKLOG_DEBUG=1 to see the traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BacklogError as exc:
            raise fail(exc.one_line(), exc.exit_code) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None
        except BrokenPipeError:
            # The reader (e.g. `| head`) stopped reading: not an error of ours.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(EXIT_OK) from None
        except Exception as exc:
            if os.environ.get("BACKLOG_DEBUG"):
                raise
            raise fail(
                f"internal error ({type(exc).__name__}: {exc}); please report it with the "
                "file that caused it (BACKLOG_DEBUG=1 shows details)",
                EXIT_INTERNAL,
            ) from None

    return wrapper  # type: ignore[return-value]


def parse_columns(spec: str | None) -> dict[str, str] | None:
    """`date=Session,exercise=Movement` -> {"date": "Session", "exercise": "Movement"}."""
    if not spec:
        return None
    mapping: dict[str, str] = {}
    for part in spec.split(","):
        field, sep, header = part.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise ConfigError(
                f"--columns: {part!r} is not FIELD=HEADER",
                hint="e.g. --columns date=Session,exercise=Movement,reps=Reps",
            )
        mapping[field.strip().lower()] = header.strip()
    return mapping


PathsArg = Annotated[
    list[Path],
    typer.Argument(help="Log files (CSV, .xlsx) or folders of them.", show_default=False),
]
JsonOpt = Annotated[
    str | None, typer.Option("--json", help="Write the JSON result to FILE ('-' for stdout).")
]
OutOpt = Annotated[Path, typer.Option("--out", help="Folder for reports and charts.")]
AthleteOpt = Annotated[
    str | None, typer.Option("--athlete", help="Name of the lifter of a single-athlete export.")
]
UnitsOpt = Annotated[
    str | None,
    typer.Option("--units", help="Weight unit of files that state none: kg or lb (default kg)."),
]
FormatOpt = Annotated[
    str | None, typer.Option("--format", help="Force an import format (see docs/formats.md).")
]
ColumnsOpt = Annotated[
    str | None,
    typer.Option("--columns", help="Map headers, e.g. date=Session,exercise=Movement,reps=Reps."),
]
MapOpt = Annotated[
    Path | None,
    typer.Option("--exercise-map", help="CSV name,load_class,coefficient[,canonical] overrides."),
]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="TOML file overriding model constants.")
]
MaxMbOpt = Annotated[int, typer.Option("--max-mb", help="Largest input file to read, in MB.")]
MaxRowsOpt = Annotated[
    int, typer.Option("--max-rows", help="Most data rows (lines) read from one file.")
]
TzOpt = Annotated[
    str | None,
    typer.Option(
        "--tz",
        help="Time zone for timestamps that carry a UTC offset (IANA name, "
        "e.g. America/Chicago; default: this computer's zone).",
    ),
]
KeepOpt = Annotated[
    str | None,
    typer.Option(
        "--keep",
        help="Lifts the swaps never substitute, only move or reduce "
        '(comma-separated, e.g. "Squat (Barbell),Deadlift (Barbell)").',
    ),
]
SportOpt = Annotated[
    str | None,
    typer.Option(
        "--sport",
        help="general, powerlifting or weightlifting: that sport's "
        "competition lifts are kept as with --keep (default: the config's sport).",
    ),
]
SwapsOpt = Annotated[
    str,
    typer.Option(
        "--swaps", help="Weeks that get swaps: recent (each athlete's latest 8), all, or none."
    ),
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        help="Worker processes for many files or athletes (default: all cores; 1 = no pool).",
    ),
]


def _overrides(
    keep: str | None, sport: str | None, swaps: str = "recent"
) -> tuple[tuple[str, object], ...]:
    """Config values given on the command line (`--keep`, `--sport`, `--swaps`)."""
    from analyzer.config import SPORTS

    out: list[tuple[str, object]] = []
    if keep:
        out.append(("keep_lifts", tuple(n.strip() for n in keep.split(",") if n.strip())))
    if sport is not None:
        if sport not in SPORTS:
            raise ConfigError(f"--sport must be one of {', '.join(SPORTS)}, not {sport!r}")
        out.append(("sport", sport))
    if swaps not in ("recent", "all", "none"):
        raise ConfigError(f"--swaps must be recent, all or none, not {swaps!r}")
    if swaps == "all":
        out.append(("swap_recent_weeks", 0))
    return tuple(out)


def _import_options(
    athlete: str | None,
    units: str | None,
    fmt: str | None,
    columns: str | None,
    max_mb: int,
    max_rows: int = 20_000_000,
    tz: str | None = None,
) -> Any:
    from analyzer.importers import ImportOptions

    if units is not None and units.lower() not in ("kg", "lb", "lbs"):
        raise ConfigError(f"--units must be kg or lb, not {units!r}")
    unit = None if units is None else ("kg" if units.lower() == "kg" else "lb")
    return ImportOptions(
        format=fmt,
        units=unit,  # type: ignore[arg-type]
        athlete=athlete,
        columns=parse_columns(columns),
        max_bytes=max_mb * 1024 * 1024,
        max_rows=max_rows,
        tz=tz,
    )


#: Largest --config file read (a full one is about 3 KB).
MAX_CONFIG_BYTES = 1024 * 1024


def _option_file(path: Path | None, option: str) -> None:
    """Refuse an option's file that is missing, a folder, a device or FIFO (reading would
    never end, or wait forever) or far too large, naming the option."""
    if path is None:
        return
    import stat

    try:
        info = path.stat()
    except OSError as exc:
        raise ConfigError(
            f"{option}: {exc.strerror or exc}", path=path, hint="check the path"
        ) from None
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise ConfigError(f"{option} is {what}", path=path, hint="pass a file")
    if info.st_size > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{option} file is {info.st_size / 1e6:.0f} MB, far larger than any valid one",
            path=path,
        )


def _input_files(paths: list[Path]) -> list[Path]:
    """Every file the run reads: files named, and the logs a folder scan would read."""
    from analyzer.importers import list_logs

    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(list_logs(path))
        else:
            out.append(path)
    return out


def _protect(paths: list[Path], *options: Path | None) -> None:
    """Register the run's inputs (only this run's), so that no output is ever written over
    one of them."""
    from analyzer.safe_write import clear_protected, protect_inputs

    clear_protected()
    protect_inputs(_input_files([*paths, *(o for o in options if o is not None)]))


def _check_output(target: Path | str | None, option: str) -> None:
    """Refuse (exit 2, before any work) an output path that is one of the run's inputs."""
    if target is None or str(target) == "-":
        return
    from analyzer.safe_write import check_not_input

    check_not_input(Path(target), option)


def _jobs(workers: int | None) -> int | None:
    """--jobs capped at the cores this process may use, with a note when it was lowered."""
    if workers is None:
        return None
    from analyzer.engines.pool import cap_jobs

    capped = cap_jobs(workers)
    if capped != workers:
        typer.echo(
            f"note: --jobs {workers} lowered to {capped} (the cores available; "
            "more workers would only use more memory)",
            err=True,
        )
    return capped


def _write_json(target: Path, text: str) -> None:
    """Write JSON to a file (atomically), or straight into a device, FIFO or /dev/stdout."""
    from analyzer.safe_write import atomic_write_text, prepare_out_dir, stream_target

    if not stream_target(target):
        prepare_out_dir(target.parent if str(target.parent) else Path("."), create=True)
    atomic_write_text(target, text)


def _run(
    paths: list[Path],
    options: Any,
    workers: int | None,
    engine: str = "pandas",
    scheduler: str | None = None,
) -> Any:
    """The pipeline on the chosen engine: this machine (`engines.for_jobs`: a process pool
    where it is faster, else this process), or a Dask cluster."""
    if engine == "dask":
        from analyzer.engines.dask import analyze_dask

        return analyze_dask(paths, options, scheduler=scheduler)
    if engine != "pandas":
        raise ConfigError(f"--engine must be pandas or dask, not {engine!r}")
    if scheduler is not None:
        raise ConfigError("--scheduler needs --engine dask")
    from analyzer.engines import for_jobs
    from analyzer.pipeline import analyze as run

    return run(paths, options, engine=for_jobs(workers))


@app.command()
@handles_errors
def analyze(
    paths: PathsArg,
    json_out: JsonOpt = None,
    out: OutOpt = Path("reports"),
    no_charts: Annotated[
        bool, typer.Option("--no-charts", help="Do not write PNG charts (= --charts none).")
    ] = False,
    charts_for: Annotated[
        str,
        typer.Option(
            "--charts",
            help="Athletes that get PNG charts: attention (every athlete of an input of "
            "up to 10, else those still logging at overuse in their latest week), all, or none.",
        ),
    ] = "attention",
    athlete: AthleteOpt = None,
    units: UnitsOpt = None,
    fmt: FormatOpt = None,
    columns: ColumnsOpt = None,
    exercise_map: MapOpt = None,
    config: ConfigOpt = None,
    daily: Annotated[bool, typer.Option("--daily", help="Add the per-day series to JSON.")] = False,
    weeks: Annotated[int, typer.Option("--weeks", help="Weeks shown per athlete (0 = all).")] = 8,
    details: Annotated[
        int,
        typer.Option(
            "--details",
            help="Flagged weeks explained in full per athlete, latest "
            "first (0 = every flagged week shown); the others show their fix only.",
        ),
    ] = 0,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 2 when any row had to be skipped.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No terminal summary.")] = False,
    max_mb: MaxMbOpt = 200,
    max_rows: MaxRowsOpt = 20_000_000,
    tz: TzOpt = None,
    table: Annotated[
        Path | None,
        typer.Option("--table", help="Also write the weekly table to FILE.csv or FILE.xlsx."),
    ] = None,
    workers: JobsOpt = None,
    keep: KeepOpt = None,
    sport: SportOpt = None,
    swaps: SwapsOpt = "recent",
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="pandas (this machine) or dask (a cluster; needs "
            "the dask extra, see docs/scaling.md).",
        ),
    ] = "pandas",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Dask scheduler address (--engine dask; default: a local cluster)."
        ),
    ] = None,
) -> None:
    """Analyse workout logs: week by week, is the lower back given time to recover?"""
    from analyzer.engines.pool import start_renderers
    from analyzer.pipeline import AnalyzeOptions
    from analyzer.render import json_out as json_render
    from analyzer.render import terminal, wording
    from analyzer.render.chart_jobs import CHART_MODULE, chart_jobs
    from analyzer.render.roster import charted_athletes, check_chart_choice, needing_attention
    from analyzer.safe_write import prepare_out_dir, stream_target

    check_chart_choice("none" if no_charts else charts_for)
    _option_file(config, "--config")
    _protect(paths, exercise_map, config)
    _check_output(json_out, "--json")
    _check_output(table, "--table")
    workers = _jobs(workers)
    options = AnalyzeOptions(
        import_options=_import_options(athlete, units, fmt, columns, max_mb, max_rows, tz),
        exercise_map=exercise_map,
        config_path=config,
        swaps=swaps != "none",
        overrides=_overrides(keep, sport, swaps),
    )
    progress = _progress(quiet)
    if no_charts:
        charts_for = "none"
    # Render workers load matplotlib while this process reads and judges.
    renderers = start_renderers(workers, (CHART_MODULE,)) if charts_for != "none" else None
    with renderers or contextlib.nullcontext():
        with progress.stage("Reading and judging the logs"):
            result = _run(paths, options, workers, engine, scheduler)
        charted = charted_athletes(result, charts_for)
        jobs = chart_jobs(result, out, config=options.config(), athletes=charted)
        # Started first: the render workers draw while this process prints.
        drawing = _start_jobs(jobs, out, workers, renderers) if jobs else None
        to_stdout = json_out == "-"
        if not quiet and not to_stdout:
            typer.echo(
                terminal.render(
                    result,
                    weeks=weeks,
                    details=details,
                    colour=terminal.use_colour(sys.stdout),
                    width=terminal.terminal_width(),
                )
            )
        if json_out:
            text = json_render.to_json(result, daily=daily)
            if to_stdout:
                typer.echo(text)
            else:
                target = Path(json_out)
                _write_json(target, text + "\n")
                if not quiet and not stream_target(target):
                    typer.echo(f"JSON written to {target}")
        if drawing is not None:
            written, failures = _finish_jobs(drawing, progress, "Writing charts")
            if not quiet and not to_stdout and written:
                typer.echo(f"{len(written)} charts written under {out}/")
            _fail_jobs(failures, "charts")
    if not quiet and not to_stdout and charts_for == "attention":
        note = wording.charts_note(
            len(charted),
            sum(bool(a.weeks) for a in result.athletes),
            len(needing_attention(result.athletes)),
        )
        if note:
            typer.echo(textwrap.fill(note, width=min(terminal.terminal_width(), 80)))
    if table is not None:
        from analyzer.render.table import write_table

        if not stream_target(table):
            prepare_out_dir(table.parent if str(table.parent) else Path("."), create=True)
        write_table(result, table)
        if not quiet and not to_stdout and not stream_target(table):
            typer.echo(f"Weekly table written to {table}")
    skipped = sum(s.skipped for s in result.sources)
    if strict and skipped:
        raise StrictModeError(
            f"{skipped} rows were skipped (see above)", hint="fix the rows or run without --strict"
        )


@app.command()
@handles_errors
def report(
    paths: PathsArg,
    week: Annotated[
        str | None, typer.Option("--week", help="ISO week for the weekly report, e.g. 2026-W37.")
    ] = None,
    out: OutOpt = Path("reports"),
    athlete: AthleteOpt = None,
    units: UnitsOpt = None,
    fmt: FormatOpt = None,
    columns: ColumnsOpt = None,
    exercise_map: MapOpt = None,
    config: ConfigOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    max_mb: MaxMbOpt = 200,
    max_rows: MaxRowsOpt = 20_000_000,
    tz: TzOpt = None,
    workers: JobsOpt = None,
    keep: KeepOpt = None,
    sport: SportOpt = None,
    swaps: SwapsOpt = "recent",
) -> None:
    """Write PDF reports: one per athlete (or one page per athlete for --week), and a roster worst first when the input holds several athletes."""  # noqa: E501 (one paragraph for --help)
    from analyzer.pipeline import AnalyzeOptions
    from analyzer.render import pdf

    if week is not None:
        pdf.parse_week(week)  # a bad --week fails before any work
    _option_file(config, "--config")
    _protect(paths, exercise_map, config)
    workers = _jobs(workers)
    options = AnalyzeOptions(
        import_options=_import_options(athlete, units, fmt, columns, max_mb, max_rows, tz),
        exercise_map=exercise_map,
        config_path=config,
        swaps=swaps != "none",
        overrides=_overrides(keep, sport, swaps) + ((("swap_also_week", week),) if week else ()),
    )
    progress = _progress(quiet)
    with progress.stage("Reading and judging the logs"):
        result = _run(paths, options, workers)
    # Jobs first: a --week outside every log fails here, before the folder is made.
    jobs = pdf.report_jobs(result, out, week=week, config=options.config())
    written, failures = _finish_jobs(_start_jobs(jobs, out, workers), progress, "Writing reports")
    if not quiet:
        for path in written:
            typer.echo(f"Wrote {path}")
    _fail_jobs(failures, "reports")


@app.command()
@handles_errors
def exercises(
    names: Annotated[
        list[str] | None, typer.Argument(help="Exercise names to look up.", show_default=False)
    ] = None,
    load_class: Annotated[
        str | None, typer.Option("--class", help="List only direct, indirect or none.")
    ] = None,
    search: Annotated[str | None, typer.Option("--search", help="Filter the catalog.")] = None,
    from_log: Annotated[
        list[Path] | None, typer.Option("--from", help="Tag every name in this log.")
    ] = None,
    json_out: JsonOpt = None,
    exercise_map: MapOpt = None,
    units: UnitsOpt = None,
    fmt: FormatOpt = None,
    columns: ColumnsOpt = None,
    max_mb: MaxMbOpt = 200,
    tz: TzOpt = None,
) -> None:
    """List the exercise catalog, or show how names (or a log's names) are tagged and why."""
    from analyzer.catalog import filter_catalog
    from analyzer.render import exercises as render
    from analyzer.tagging import load_tagger

    _protect(list(from_log or []), exercise_map)
    _check_output(json_out, "--json")
    tagger = load_tagger(exercise_map)
    if not names and not from_log:
        typer.echo(render.catalog_text(filter_catalog(tagger.catalog, load_class, search)))
        return
    counts = None
    if from_log:
        from analyzer.pipeline import exercise_counts

        counts = exercise_counts(
            from_log, _import_options(None, units, fmt, columns, max_mb, tz=tz)
        )
    wanted = list(dict.fromkeys([*(names or []), *(counts.index if counts is not None else [])]))
    records = render.tags_records(tagger.tag_names(wanted), counts)
    if json_out == "-":
        typer.echo(render.tags_json(records))
        return
    typer.echo(render.tags_text(records))
    if json_out:
        _write_json(Path(json_out), render.tags_json(records) + "\n")


@app.command("config")
@handles_errors
def show_config(config: ConfigOpt = None) -> None:
    """Print the model constants in force (defaults, or with --config FILE applied)."""
    from analyzer.config import config_as_toml, load_config

    _option_file(config, "--config")
    typer.echo(config_as_toml(load_config(config)))


@app.command("plan")
@handles_errors
def plan(
    plan_file: Annotated[
        Path,
        typer.Argument(
            help="Planned week: CSV or .xlsx with day, exercise, sets, reps[, weight, rpe]."
        ),
    ],
    history: Annotated[
        Path | None, typer.Option("--history", help="The athlete's log, for the baseline.")
    ] = None,
    athlete: AthleteOpt = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="Date in the planned week (YYYY-MM-DD); "
            "default: the week after the history, else next week.",
        ),
    ] = None,
    exercise_map: MapOpt = None,
    config: ConfigOpt = None,
    json_out: JsonOpt = None,
    no_write: Annotated[
        bool, typer.Option("--no-write", help="Do not write the fixed plan.")
    ] = False,
    units: Annotated[
        str | None,
        typer.Option(
            "--units",
            help="Weight unit of the plan (and history) when the weight "
            "header states none: kg or lb (default kg).",
        ),
    ] = None,
    tz: TzOpt = None,
) -> None:
    """Check a planned week before training it; write the fixed plan next to it (CSV, or
    .xlsx for a workbook plan)."""
    import datetime as dt
    import json

    from analyzer.pipeline import AnalyzeOptions
    from analyzer.plan import check_plan, write_fixed
    from analyzer.render import json_out as json_render
    from analyzer.render import terminal

    try:
        start_date = dt.date.fromisoformat(start) if start else None
    except ValueError:
        raise ConfigError(f"--start must be a date YYYY-MM-DD, not {start!r}") from None
    _option_file(config, "--config")
    _protect([plan_file], history, exercise_map, config)
    _check_output(json_out, "--json")
    options = AnalyzeOptions(
        import_options=_import_options(None, units, None, None, 200, tz=tz),
        exercise_map=exercise_map,
        config_path=config,
    )
    check = check_plan(
        plan_file, history=history, athlete=athlete, start=start_date, options=options
    )
    written = None if no_write or not check.week.swaps else write_fixed(check)
    if check.skipped:
        typer.echo(
            f"{plan_file.name}: skipped {len(check.skipped)} rows ("
            + "; ".join(check.skipped[:5])
            + ("; ..." if len(check.skipped) > 5 else "")
            + ")",
            err=True,
        )
    if json_out:
        text = json.dumps(
            {
                "plan": str(plan_file),
                "athlete": check.athlete,
                "fixed_plan": str(written) if written else None,
                "skipped_rows": list(check.skipped),
                "week": json_render.week_dict(check.week),
            },
            ensure_ascii=False,
            indent=1,
            allow_nan=False,
        )
        if json_out == "-":
            typer.echo(text)
            return
        _write_json(Path(json_out), text + "\n")
    typer.echo(
        terminal.plan_summary(
            check.week,
            athlete=check.athlete,
            plan_name=plan_file.name,
            history_weeks=check.history_weeks,
            fixed_name=str(written) if written else None,
            colour=terminal.use_colour(sys.stdout),
            width=terminal.terminal_width(),
        )
    )


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
