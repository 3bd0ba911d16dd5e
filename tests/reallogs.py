"""Where the tests find the shared real-world exports, and the marker for tests that need them.

`BACKLOG_REAL_LOGS` names the folder; by default it is `../shared/real_logs` beside the clone.
A test that needs it is skipped with `SKIP_REASON` when the folder is missing, and the pytest
summary (tests/conftest.py) says how many were skipped and where they were looked for.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import pytest

ENV_VAR: Final = "BACKLOG_REAL_LOGS"
DEFAULT: Final = Path(__file__).resolve().parents[1].parent / "shared" / "real_logs"
REAL_LOGS: Final = Path(os.environ.get(ENV_VAR) or DEFAULT)
#: Every skip for a missing real-logs folder starts with these words (the summary counts them).
SKIP_PREFIX: Final = "real logs not found"
SKIP_REASON: Final = f"{SKIP_PREFIX} at {REAL_LOGS} (set {ENV_VAR} to their folder)"

needs_real = pytest.mark.skipif(not REAL_LOGS.is_dir(), reason=SKIP_REASON)

#: Every export in the folder (.csv and .xlsx, in path order); empty when it is missing.
REAL_LOG_FILES: Final = (
    sorted(p for p in REAL_LOGS.rglob("*") if p.suffix in (".csv", ".xlsx"))
    if REAL_LOGS.is_dir()
    else []
)


def skip_without_real() -> None:
    """Skip the running test when the real-logs folder is missing (for parametrised tests
    that look for one file)."""
    if not REAL_LOGS.is_dir():
        pytest.skip(SKIP_REASON)
