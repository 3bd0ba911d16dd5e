"""The in-process engine: each file read in turn, every athlete judged in one call (the
pipeline's steps are vectorised across athletes, so one call is the fastest way to judge
them in one process)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from analyzer.errors import BacklogError
    from analyzer.importers import ImportResult
    from analyzer.pipeline import Judged, JudgeStage, ReadTask


class Local:
    """Map the pipeline's stages in this process."""

    def map_files(
        self, read: Callable[[ReadTask], ImportResult | BacklogError], tasks: Sequence[ReadTask]
    ) -> list[ImportResult | BacklogError]:
        """`read` over `tasks`, in order."""
        return [read(task) for task in tasks]

    def map_athletes(self, judge: JudgeStage, sets: pd.DataFrame) -> list[Judged]:
        """`judge` once, over every athlete of `sets`."""
        return [judge(sets)]
