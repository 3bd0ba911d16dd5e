"""Benchmarks (not tests): `python benchmarks/run.py [--sizes 100k,1M] [--full] [--skip ...]`.

Generates realistic logs (benchmarks/generate.py) into benchmarks/data/ (git-ignored) and
measures, writing every figure to benchmarks/results.md with the core count and date:

- per size (100k, 1M; 10M with --full): `analyze` on the generated roster CSV in-process,
  without charts, divided by `pandas.read_csv` of the same file in the same process (best of
  three reads); peak RSS above the process's baseline divided by the read DataFrame's memory
  (deep); and the growth factor from 1M to 10M sets. Each size runs in a fresh process so
  peaks do not carry over. Each size runs the default `analyze`, swap search included (each
  athlete's latest 8 weeks); `--swaps-size` measures one size again without it;
- tagging 10,000 distinct names (benchmarks/bench_tagging.py's names, fresh tagger);
- one athlete's full PDF (the sample Strong log);
- a folder of 200 client exports with every report, via `backlog report DIR --jobs N`;
- `backlog --help` wall time (best of five).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
SIZES = {"100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}

sys.path.insert(0, str(HERE))


def rss_mb() -> float:
    """Current resident set size in MB (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        return 0.0


def peak_mb() -> float:
    """Peak resident set size in MB: VmHWM (resettable, see `reset_peak`) or ru_maxrss."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1e3
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # kB on Linux


def reset_peak() -> bool:
    """Reset the peak RSS to the current RSS (Linux: write 5 to /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def measure(path: Path, swaps: bool) -> dict[str, float]:
    """One size in this process: `analyze` time and peak first (a fresh process, so nothing
    read_csv left in the allocators counts for or against it), then JSON, then read_csv's
    time and its own peak (the high-water mark is reset in between where Linux allows)."""
    import pandas as pd

    from analyzer.importers import ImportOptions
    from analyzer.pipeline import AnalyzeOptions, analyze
    from analyzer.render.json_out import to_json
    from analyzer.tagging import load_tagger

    load_tagger()
    path.read_bytes()  # page cache warm for both readers
    baseline = rss_mb()
    options = AnalyzeOptions(import_options=ImportOptions(max_bytes=1 << 40), swaps=swaps)
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    result = analyze(path, options)
    analysed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    analyze_peak = peak_mb()
    started = time.perf_counter()
    text = to_json(result)
    json_s = time.perf_counter() - started
    weeks = sum(len(a.weeks) for a in result.athletes)
    flagged = sum(w.status != "ok" for a in result.athletes for w in a.weeks)
    json_mb = len(text) / 1e6
    athletes = len(result.athletes)
    del result, text
    read_base = rss_mb()
    reset = reset_peak()
    reads = []
    for _ in range(3):
        started = time.perf_counter()
        frame = pd.read_csv(path)
        reads.append(time.perf_counter() - started)
    frame_mb = frame.memory_usage(deep=True).sum() / 1e6
    rows = len(frame)
    del frame
    return {
        "sets": rows,
        "athletes": athletes,
        "weeks": weeks,
        "flagged": flagged,
        "read_csv_s": min(reads),
        "frame_mb": frame_mb,
        "analyze_s": analysed,
        "json_s": json_s,
        "json_mb": json_mb,
        "baseline_mb": baseline,
        "peak_mb": analyze_peak,
        "user_s": after.ru_utime - before.ru_utime,
        "sys_s": after.ru_stime - before.ru_stime,
        "read_peak_above_mb": (peak_mb() - read_base) if reset else None,
    }


def run_measure(path: Path, swaps: bool, repeat: int = 1) -> dict[str, float]:
    """`measure` in `repeat` fresh interpreters (clean peak RSS each): the fastest run's
    figures, with the highest peak of all runs (time is noisy on a shared machine: the
    kernel's page zeroing alone varies by seconds at 10M; memory is reported conservatively)."""
    runs = []
    for _ in range(max(1, repeat)):
        out = subprocess.run(
            [sys.executable, __file__, "--measure", str(path)] + (["--swaps"] if swaps else []),
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = dict(min(runs, key=lambda m: m["analyze_s"]))
    best["peak_mb"] = max(m["peak_mb"] - m["baseline_mb"] for m in runs) + best["baseline_mb"]
    best["runs"] = len(runs)
    best["analyze_runs_s"] = [m["analyze_s"] for m in runs]
    return best


#: Rosters of 100 lifters over 4 and 8 years (issue 15: doubling every lifter's history
#: at most doubles the time of the default analyze).
HISTORIES = {
    "100 lifters x 4 years": 208,
    "100 lifters x 8 years": 416,
    "100 lifters x 1M sets": 248,
}


def dataset(label: str) -> Path:
    import generate

    path = DATA / f"roster_{label.replace(' ', '_')}.csv"
    if not path.exists():
        print(f"generating {path.name} ...", flush=True)
        if label in HISTORIES:
            generate.write_generic(path, 0, weeks_each=HISTORIES[label], lifters=100)
        else:
            generate.write_generic(path, SIZES[label])
    return path


def bench_command(path: Path, repeat: int = 3) -> dict[str, float]:
    """The command users run, whole process: `backlog analyze FILE` with its defaults (swap
    search, terminal summary, charts of the athletes needing attention) against a whole
    `python -c "import pandas; pandas.read_csv(FILE)"` process, runs interleaved, best of
    `repeat` each (the machine may be shared: the fastest run is the least disturbed)."""
    read = [
        sys.executable,
        "-c",
        f"import pandas as pd; pd.read_csv({str(path)!r})",
    ]
    analyze_s: list[float] = []
    read_s: list[float] = []
    path.read_bytes()  # page cache warm for both
    with tempfile.TemporaryDirectory() as out:
        for _ in range(max(1, repeat)):
            started = time.perf_counter()
            subprocess.run(
                [*backlog_cmd(), "analyze", str(path), "--out", out],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            analyze_s.append(time.perf_counter() - started)
            started = time.perf_counter()
            subprocess.run(read, check=True)
            read_s.append(time.perf_counter() - started)
    return {"analyze_s": min(analyze_s), "read_csv_s": min(read_s), "runs": analyze_s}


def bench_tagging() -> float:
    from bench_tagging import names

    from analyzer.tagging import Tagger, load_tagger

    batch = names(10_000)
    fresh: Tagger = load_tagger()
    started = time.perf_counter()
    fresh.tag_names(batch)
    return time.perf_counter() - started


def bench_pdf() -> float:
    from analyzer.config import load_config
    from analyzer.pipeline import analyze
    from analyzer.render import pdf

    result = analyze(ROOT / "sample_logs" / "strong_lifter.csv")
    config = load_config()
    pdf.athlete_report(result.athletes[0], config)  # fonts and imports warm
    started = time.perf_counter()
    pdf.athlete_report(result.athletes[0], config)
    return time.perf_counter() - started


def backlog_cmd() -> list[str]:
    script = Path(sys.executable).with_name("backlog")
    return [str(script)] if script.exists() else [shutil.which("backlog") or "backlog"]


def bench_help() -> float:
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([*backlog_cmd(), "--help"], check=True, capture_output=True)
        best = min(best, time.perf_counter() - started)
    return best


def bench_folder(clients: int, jobs: int) -> dict[str, float]:
    import generate

    folder = DATA / f"clients_{clients}"
    if not folder.exists():
        generate.write_strong_folder(folder, clients)
    sets = sum(1 for f in folder.glob("*.csv") for _ in f.open(encoding="utf-8")) - clients
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [*backlog_cmd(), "report", str(folder), "--out", out, "--quiet", "--jobs", str(jobs)],
            check=True,
            capture_output=True,
        )
        elapsed = time.perf_counter() - started
        pdfs = len(list(Path(out).rglob("*.pdf")))
    return {"clients": clients, "sets": sets, "seconds": elapsed, "pdfs": pdfs, "jobs": jobs}


START, END = "<!-- measured:start -->", "<!-- measured:end -->"


def _ok(met: bool) -> str:
    return "met" if met else "**not met**"


def render(report: dict) -> str:
    """The measured block of results.md (targets, figures and the gap where one is missed)."""
    lines = [
        START,
        "",
        f"Measured {report['date']} on {report['cores']} cores, Python "
        f"{report['python']}, pandas {report['pandas']} (`python benchmarks/run.py`).",
        "",
    ]
    sizes = report.get("sizes", {})
    if sizes:
        lines += [
            "| sets | athletes | weeks (flagged) | read_csv s | analyze s | analyze / "
            "read_csv | DataFrame MB | analyze peak above baseline MB | peak / DataFrame | "
            "read_csv's own peak / DataFrame | JSON s |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for label, m in sizes.items():
            peak = m["peak_mb"] - m["baseline_mb"]
            own = m.get("read_peak_above_mb")
            own_text = f"{own / m['frame_mb']:.1f}x" if own is not None else "-"
            lines.append(
                f"| {label} | {m['athletes']} | {m['weeks']} ({m['flagged']}) | "
                f"{m['read_csv_s']:.3f} | {m['analyze_s']:.2f} | "
                f"{m['analyze_s'] / m['read_csv_s']:.0f}x | {m['frame_mb']:.0f} | {peak:.0f} | "
                f"{peak / m['frame_mb']:.1f}x | {own_text} | {m['json_s']:.2f} |"
            )
        spread = {
            label: m["analyze_runs_s"]
            for label, m in sizes.items()
            if len(m.get("analyze_runs_s", [])) > 1
        }
        if spread:
            lines += [
                "",
                "analyze s of every fresh-process run (the fastest is in the table; "
                "peak is the highest of the runs): "
                + "; ".join(
                    f"{label}: " + ", ".join(f"{t:.2f}" for t in runs)
                    for label, runs in spread.items()
                ),
            ]
        lines.append("")
    commands = report.get("commands", {})
    if commands:
        lines += [
            "The command users run, whole process (`backlog analyze FILE`: swaps, terminal "
            "summary, charts of the athletes needing attention) against a whole `python -c "
            '"import pandas; pandas.read_csv(FILE)"` process; best of the runs:',
            "",
            "| input | backlog analyze s | read_csv process s | ratio | every run s |",
            "|---|---|---|---|---|",
        ]
        for label, c in commands.items():
            lines.append(
                f"| {label} | {c['analyze_s']:.2f} | {c['read_csv_s']:.2f} | "
                f"{c['analyze_s'] / c['read_csv_s']:.1f}x | "
                + ", ".join(f"{t:.2f}" for t in c["runs"])
                + " |"
            )
        lines.append("")
    targets = []
    hundred = commands.get("100 lifters x 1M sets")
    if hundred:
        ratio = hundred["analyze_s"] / hundred["read_csv_s"]
        targets.append(
            f"| 1M sets, 100 lifters: `backlog analyze` <= 8x read_csv (whole processes) | "
            f"{ratio:.1f}x | {_ok(ratio <= 8)} |"
        )
    four, eight = commands.get("100 lifters x 4 years"), commands.get("100 lifters x 8 years")
    if four and eight:
        growth = eight["analyze_s"] / four["analyze_s"]
        targets.append(
            f"| every history doubled (100 lifters, 4 -> 8 years): time <= 2x | {growth:.2f}x | "
            f"{_ok(growth <= 2)} |"
        )
    one = sizes.get("1M")
    if one:
        ratio = one["analyze_s"] / one["read_csv_s"]
        mem = (one["peak_mb"] - one["baseline_mb"]) / one["frame_mb"]
        targets.append(f"| 1M sets: analyze <= 2.0x read_csv | {ratio:.0f}x | {_ok(ratio <= 2)} |")
        targets.append(f"| 1M sets: peak <= 3x DataFrame | {mem:.1f}x | {_ok(mem <= 3)} |")
    if one and "10M" in sizes:
        ten = sizes["10M"]
        growth = ten["analyze_s"] / one["analyze_s"]
        cpu = ""
        if "user_s" in ten and "user_s" in one:
            cpu = (
                f" (user CPU {ten['user_s']:.1f} s / {one['user_s']:.2f} s = "
                f"{ten['user_s'] / one['user_s']:.1f}x; kernel {ten['sys_s']:.1f} s / "
                f"{one['sys_s']:.2f} s)"
            )
        targets.append(f"| 1M -> 10M time <= 11x | {growth:.1f}x{cpu} | {_ok(growth <= 11)} |")
    else:
        targets.append("| 1M -> 10M time <= 11x | not run (use --full) | - |")
    if "folder" in report:
        f = report["folder"]
        targets.append(
            f"| {f['clients']} client exports ({f['sets']:,} sets), all reports "
            f"({f['pdfs']} PDFs), --jobs {f['jobs']}: <= 60 s | {f['seconds']:.0f} s "
            f"| {_ok(f['seconds'] <= 60)} |"
        )
    if "pdf_s" in report:
        targets.append(
            f"| one athlete's full PDF < 2 s | {report['pdf_s']:.2f} s | "
            f"{_ok(report['pdf_s'] < 2)} |"
        )
    if "help_s" in report:
        targets.append(
            f"| `backlog --help` < 0.5 s | {report['help_s']:.2f} s | "
            f"{_ok(report['help_s'] < 0.5)} |"
        )
    if "tagging_10k_s" in report:
        targets.append(f"| tagging 10,000 distinct names | {report['tagging_10k_s']:.2f} s | - |")
    lines += ["| target | measured | |", "|---|---|---|", *targets, "", END]
    return "\n".join(lines)


def write_results(report: dict) -> Path:
    """Replace the measured block of benchmarks/results.md (the notes around it stay)."""
    path = HERE / "results.md"
    block = render(report)
    fresh = f"# Benchmarks\n\n{START}\n{END}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else fresh
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="fresh-process runs per size; the fastest counts (default 3)",
    )
    parser.add_argument("--full", action="store_true", help="also 10M sets")
    parser.add_argument(
        "--swaps-size",
        default="100k",
        help="size analysed once more with the swap search off ('' = skip)",
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument(
        "--no-histories", action="store_true", help="skip the 100-lifter 4- and 8-year rosters"
    )
    parser.add_argument(
        "--skip", default="", help="comma list: sizes,command,tagging,pdf,folder,help"
    )
    parser.add_argument("--render", type=Path, help="rewrite results.md from a saved run")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--swaps", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.swaps)))
        return
    if args.render:
        print(f"written to {write_results(json.loads(args.render.read_text(encoding='utf-8')))}")
        return

    from analyzer.engines.pool import default_jobs

    skip = set(filter(None, args.skip.split(",")))
    labels = [s for s in args.sizes.split(",") if s]
    if args.full and "10M" not in labels:
        labels.append("10M")
    report: dict[str, object] = {
        "date": dt.datetime.now().isoformat(timespec="minutes"),
        "cores": default_jobs(),
        "python": platform.python_version(),
    }
    import pandas as pd

    report["pandas"] = pd.__version__
    sizes: dict[str, dict[str, float]] = {}
    if "sizes" not in skip:
        for label in labels:
            # What `backlog analyze` runs by default: the swap search included (issue 15).
            sizes[label] = run_measure(dataset(label), swaps=True, repeat=args.repeat)
            print(label, sizes[label], flush=True)
        for label in [] if args.no_histories else HISTORIES:
            sizes[label] = run_measure(dataset(label), swaps=True, repeat=1)
            print(label, sizes[label], flush=True)
        if args.swaps_size:
            sizes[f"{args.swaps_size} without swaps"] = run_measure(dataset(args.swaps_size), False)
            print("no swaps", sizes[f"{args.swaps_size} without swaps"], flush=True)
    report["sizes"] = sizes
    if "command" not in skip:
        commands = {}
        for label in ["1M", *([] if args.no_histories else HISTORIES)]:
            commands[label] = bench_command(dataset(label), args.repeat)
            print("command", label, commands[label], flush=True)
        report["commands"] = commands
    if "tagging" not in skip:
        report["tagging_10k_s"] = bench_tagging()
        print("tagging", report["tagging_10k_s"], flush=True)
    if "pdf" not in skip:
        report["pdf_s"] = bench_pdf()
        print("pdf", report["pdf_s"], flush=True)
    if "help" not in skip:
        report["help_s"] = bench_help()
        print("help", report["help_s"], flush=True)
    if "folder" not in skip:
        report["folder"] = bench_folder(args.clients, default_jobs())
        print("folder", report["folder"], flush=True)
    (DATA / "last_run.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(render(report))
    print(f"written to {write_results(report)}")


if __name__ == "__main__":
    main()
