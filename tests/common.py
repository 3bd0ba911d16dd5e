"""What the test files share: the repository's paths, the bundled samples, and `run_cli`.

The real-world exports (outside the repository) are in tests/reallogs.py; the golden files'
helpers in tests/golden_util.py; shared fixtures (one cached analysis per input) in
tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, NamedTuple

from tests.golden_util import GOLDEN
from tests.reallogs import REAL_LOGS

ROOT: Final = Path(__file__).resolve().parents[1]
SAMPLES: Final = ROOT / "sample_logs"
STRONG: Final = SAMPLES / "strong_lifter.csv"
ROSTER: Final = SAMPLES / "coach_roster.xlsx"
GENERIC: Final = SAMPLES / "generic_log.csv"
PLAN: Final = ROOT / "sample_plans" / "next_week.csv"

__all__ = [
    "GENERIC",
    "GOLDEN",
    "PLAN",
    "REAL_LOGS",
    "ROOT",
    "ROSTER",
    "SAMPLES",
    "STRONG",
    "Outcome",
    "run_cli",
]


class Outcome(NamedTuple):
    """What a `backlog` command run in this process gave: `code, output = run_cli(...)`."""

    code: int
    #: stdout, then stderr when it is not already in it.
    output: str


def run_cli(*args: str) -> Outcome:
    """Run `backlog ARGS...` in this process (typer's CliRunner); a traceback in its output
    fails the test."""
    from typer.testing import CliRunner

    from analyzer.cli import app

    result = CliRunner().invoke(app, list(args))
    text = result.output
    stderr = getattr(result, "stderr", "")
    if stderr and stderr not in text:
        text += stderr
    assert "Traceback" not in text, text
    return Outcome(result.exit_code, text)
