"""Session-wide test hooks: the summary line for tests skipped without the real logs."""

from __future__ import annotations

import pytest

from tests.reallogs import ENV_VAR, REAL_LOGS

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
