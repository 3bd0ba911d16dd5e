"""Swaps: concrete changes that clear a flagged week, proven by re-running the model.

(First version: no swaps are proposed yet; see issue 7.)
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analyzer.config import Config
from analyzer.results import AfterSwaps, Swap


@dataclass(frozen=True, eq=False)
class SwapContext:
    """What the swap search needs besides the week itself."""

    catalog: pd.DataFrame
    config: Config
    direct_reference: pd.Series  # athlete -> typical direct-day dose (kept fixed in re-runs)


def suggest(
    dosed: pd.DataFrame,
    week_start: pd.Timestamp,
    flags: pd.DataFrame,
    context: SwapContext,
) -> tuple[tuple[Swap, ...], AfterSwaps | None]:
    """Swaps for one athlete's flagged week. `dosed` is that athlete's whole dosed set table."""
    return (), None
