"""The weeks a coach judged on the shared real logs (issue 14), against backlog's verdicts.

    python benchmarks/labelled_weeks.py [REAL_LOGS_DIR]

Prints one line per labelled week: the coach's verdict, backlog's status and its flags.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from analyzer.pipeline import AnalyzeOptions, analyze

#: (file below the real-logs folder, ISO week, the coach's verdict). "flag" = watch or overuse.
LABELS: tuple[tuple[str, str, str], ...] = (
    ("fitnotes/wmgriffi3_FitNotes_Export_lbs.csv", "2018-W48", "flag"),
    ("fitbod/mymmind_WorkoutExport.csv", "2024-W38", "overuse"),
    ("fitnotes/wmgriffi3_FitNotes_Export_lbs.csv", "2018-W41", "ok"),
    ("fitnotes/wmgriffi3_FitNotes_Export_lbs.csv", "2018-W42", "ok"),
    ("fitnotes/wmgriffi3_FitNotes_Export_lbs.csv", "2018-W43", "ok"),
    ("strong/placy2_strong.csv", "2023-W04", "ok"),
    ("strong/placy2_strong.csv", "2023-W05", "ok"),
    ("strong/placy2_strong.csv", "2023-W07", "ok"),
    ("strong/placy2_strong.csv", "2023-W11", "ok"),
    ("fitbod/chrsilvi_WorkoutExport.csv", "2020-W39", "watch"),
    ("strong/placy2_strong.csv", "2024-W23", "return_after_break"),
    ("strong/mlahoz_2017_strong.csv", "2017-W37", "ok"),
    ("strong/dericmei_zh_strong.csv", "2021-W08", "ok"),
    ("strong/joao-conde_2024_workouts.csv", "2022-W46", "ok"),
)


def agrees(label: str, status: str, codes: set[str]) -> bool:
    if label == "flag":
        return status != "ok"
    if label in ("ok", "watch", "overuse"):
        return status == label
    return label in codes


def main(folder: Path) -> int:
    cache: dict[str, dict[str, tuple[str, set[str]]]] = {}
    wrong = 0
    for name, week, label in LABELS:
        if name not in cache:
            result = analyze(folder / name, AnalyzeOptions(swaps=False))
            cache[name] = {
                w.week: (w.status, {f.code for f in w.flags})
                for a in result.athletes
                for w in a.weeks
            }
        status, codes = cache[name].get(week, ("no data", set()))
        ok = agrees(label, status, codes)
        wrong += not ok
        print(
            f"{'ok ' if ok else 'BAD'} {name} {week}: coach {label}, backlog {status} "
            f"{sorted(codes)}"
        )
    return wrong


if __name__ == "__main__":
    default = os.environ.get("BACKLOG_REAL_LOGS") or str(
        Path(__file__).resolve().parents[1].parent / "shared" / "real_logs"
    )
    sys.exit(1 if main(Path(sys.argv[1] if len(sys.argv) > 1 else default)) else 0)
