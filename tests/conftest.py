"""Session-wide test set-up: the hypothesis profiles, one cached analysis per input shared by
the tests that only read it, and the summary line for tests skipped without the real logs.

Two suites (pyproject.toml, `[tool.pytest.ini_options]`):

- the default, `python -m pytest`: everything not marked `slow`, property tests with few
  examples (hypothesis profile "fast");
- the slow one, `BACKLOG_HYPOTHESIS_PROFILE=thorough python -m pytest -m "slow or hypothesis"`:
  the long end-to-end runs (the Dask cluster, huge inputs, charts and reports for many
  athletes, subprocesses) and every property test again with many examples.

`.ci/run` runs both. Both spread the tests over every core (pytest-xdist, `-n auto` in
addopts; `-n0` runs them in this process). Paths and `run_cli` are in tests/common.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

from tests.reallogs import ENV_VAR, REAL_LOGS

if TYPE_CHECKING:
    from analyzer.results import Analysis

# -- hypothesis --------------------------------------------------------------------------------

#: Selects the hypothesis profile ("fast" unless set); CI's slow run sets it to "thorough".
PROFILE_VAR = "BACKLOG_HYPOTHESIS_PROFILE"
# Property tests set no max_examples of their own: the profile decides (and no deadline, as
# the machine is shared and timings vary).
settings.register_profile("fast", max_examples=10, deadline=None)
settings.register_profile("thorough", max_examples=100, deadline=None)
settings.load_profile(os.environ.get(PROFILE_VAR) or "fast")

# -- one analysis per input ---------------------------------------------------------------------

Analysed = Callable[..., "Analysis"]


@pytest.fixture(scope="session")
def analysed() -> Analysed:
    """`analysed(*paths, swaps=True)`: `pipeline.analyze(list(paths))` run once per session for
    the same paths and swaps, shared by the tests that only read it (results are frozen
    dataclasses; do not change their frames in place). A test of `analyze` itself calls it."""
    from analyzer.pipeline import AnalyzeOptions, analyze

    cache: dict[tuple[tuple[Path, ...], bool], Analysis] = {}

    def get(*paths: Path, swaps: bool = True) -> Analysis:
        key = (tuple(Path(p) for p in paths), swaps)
        if key not in cache:
            cache[key] = analyze(list(key[0]), AnalyzeOptions(swaps=swaps))
        return cache[key]

    return get


# -- the summary --------------------------------------------------------------------------------

#: Skip reasons naming these words are counted as "real logs missing" (tests/reallogs.py's
#: SKIP_REASON, and tests that word their own reason).
WORDS = ("real logs", "real_logs")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many tests were skipped because the real-logs folder is missing, and how to
    point them at it (the per-test -ra lines are easy to miss among the others)."""
    skipped = terminalreporter.stats.get("skipped", [])
    missing = 0
    for report in skipped:
        longrepr = getattr(report, "longrepr", None)
        reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else ""
        if any(word in str(reason).lower() for word in WORDS):
            missing += 1
    if missing:
        terminalreporter.write_sep(
            "-",
            f"{missing} test{'s' if missing != 1 else ''} skipped: real logs not found at "
            f"{REAL_LOGS} (set {ENV_VAR} to the folder of real exports)",
            yellow=True,
        )
    elif REAL_LOGS.is_dir():
        terminalreporter.write_line(f"real logs: {REAL_LOGS}")
