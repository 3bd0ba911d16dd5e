"""Progress on stderr for the slow stages of a run (reading and judging, writing charts and
PDFs), drawn with rich (which typer brings) and only once a stage has taken longer than
`DELAY` seconds: quick runs print nothing extra. Rich honours NO_COLOR and draws nothing live
when stderr is not a terminal; the bar is transient (erased when the stage ends).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

#: Seconds a stage runs before its progress shows.
DELAY = 1.0


class StageProgress:
    """`with progress.stage("Writing reports", total=n) as advance: ...; advance()`.

    Disabled (`enabled=False`: --quiet, or stderr not a terminal) it draws nothing and costs
    nothing. The display starts from a timer thread after `delay` seconds; rich's own refresh
    thread then redraws it, so a stage that blocks (reading files) still shows it is alive."""

    def __init__(
        self, enabled: bool, *, console: Console | None = None, delay: float = DELAY
    ) -> None:
        self.enabled = enabled
        self.console = console or Console(stderr=True)
        self.delay = delay

    @contextmanager
    def stage(self, label: str, total: int | None = None) -> Iterator[Callable[[], None]]:
        if not self.enabled:
            yield lambda: None
            return
        columns = [SpinnerColumn(), TextColumn("{task.description}")]
        if total is not None:
            columns += [BarColumn(), MofNCompleteColumn()]
        columns.append(TimeElapsedColumn())
        progress = Progress(*columns, console=self.console, transient=True)
        task = progress.add_task(label, total=total)
        lock = threading.Lock()
        state = {"started": False, "done": False}

        def start() -> None:
            with lock:
                if not state["done"]:
                    progress.start()
                    state["started"] = True

        timer = threading.Timer(self.delay, start)
        timer.daemon = True
        timer.start()
        try:
            yield lambda: progress.advance(task)
        finally:
            timer.cancel()
            with lock:
                state["done"] = True
                if state["started"]:
                    progress.stop()
