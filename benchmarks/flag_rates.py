"""Flag rates per real log: the calibration table of docs/model.md ("## Calibration").

    python benchmarks/flag_rates.py [REAL_LOGS_DIR]

Prints one Markdown row per log: trained weeks (weeks with a loaded day), % of them at
overuse and at watch, and the count of each flag code. REAL_LOGS_DIR defaults to
$BACKLOG_REAL_LOGS or ../shared/real_logs beside the project.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

from analyzer.pipeline import AnalyzeOptions, analyze


def main(folder: Path) -> None:
    print("| log | trained weeks | overuse | watch | flags |")
    print("|---|---:|---:|---:|---|")
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".csv", ".xlsx")):
        try:
            result = analyze(path, AnalyzeOptions(swaps=False))
        except Exception as exc:  # noqa: BLE001 - one line per unreadable log
            print(f"| {path.name} | - | - | - | {exc} |")
            continue
        weeks = [w for a in result.athletes for w in a.weeks if w.loaded_days]
        codes = Counter(f"{f.code}:{f.severity}" for w in weeks for f in w.flags)
        n = len(weeks) or 1
        over = sum(w.status == "overuse" for w in weeks)
        watch = sum(w.status == "watch" for w in weeks)
        print(
            f"| {path.name} | {len(weeks)} | {100 * over / n:.0f}% | {100 * watch / n:.0f}% | "
            + ", ".join(f"{k} {v}" for k, v in sorted(codes.items()))
            + " |"
        )


if __name__ == "__main__":
    default = os.environ.get("BACKLOG_REAL_LOGS") or str(
        Path(__file__).resolve().parents[1].parent / "shared" / "real_logs"
    )
    main(Path(sys.argv[1] if len(sys.argv) > 1 else default))
