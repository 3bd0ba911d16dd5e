"""Weight units: what a file that states none is logged in, and which unit a lifter's weights
are shown in.

The canonical table always holds kilograms (`weight_kg`); these rules decide how raw numbers
become kilograms when nothing says, and which unit renderers print them back in
(`SourceReport.weight_unit`):

- A file without a unit (no unit column, header or cell, no `--units`) is read as pounds when
  its numbers say so, with a note giving the evidence: a quarter or more of its weighted sets
  are exact pound values of round kilograms (`44.09245243697551` = 20 kg: an app that stores
  kilograms and exports pounds), or pound plate-math loads (95, 135, 185, 225, 315...: bar
  and plates in pounds) are the common heavy loads. Otherwise kg, noted as an assumption.
- The unit shown is the file's when it is in pounds; for a file in kilograms it is pounds when
  most of its loads are whole pounds converted to kilograms (`61.23496995` = 135 lb: Fitbod
  writes kg for a lifter who lifts in pounds), else kg.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd

from analyzer.schema import LB_TO_KG

if TYPE_CHECKING:
    from analyzer.results import SourceReport

Unit = Literal["kg", "lb"]

#: Share of weighted sets that are exact pound values of round kilograms (quarter kg).
EXACT_SHARE: Final = 0.25
#: Barbell loads of pound plate math: the 45 lb bar with pairs of 45 and 25 lb plates (45
#: alone is a common kilogram load too, so it is no evidence).
PLATE_MATH_LB: Final[tuple[float, ...]] = (95, 135, 185, 225, 275, 315, 365, 405, 455, 495)
#: Plate-math loads must be this share of the sets at 60 or more, and at least this many of
#: them among the ten most common such loads.
PLATE_SHARE: Final = 0.2
PLATE_IN_TOP: Final = 2
HEAVY: Final = 60.0
#: Fewest weighted sets the evidence is judged on.
MIN_SETS: Final = 20
#: Share of weighted sets that must be whole pounds (in kg) for a kg file to show pounds.
SHOWN_LB_SHARE: Final = 0.5
#: Rows looked at to choose the unit shown (evenly spaced over a large table).
SAMPLE: Final = 200_000


def _weighted(
    values: np.ndarray | pd.Series, counts: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct positive finite values and how many sets hold each."""
    arr = np.asarray(values, dtype="float64")
    weights = np.ones(arr.size, dtype="int64") if counts is None else np.asarray(counts)
    keep = np.isfinite(arr) & (arr > 0)
    frame = pd.Series(weights[keep]).groupby(arr[keep]).sum()
    return frame.index.to_numpy("float64"), frame.to_numpy("int64")


def _on_grid(values: np.ndarray, step: float, tolerance: float) -> np.ndarray:
    scaled = values / step
    return np.abs(scaled - np.round(scaled)) < tolerance


def pound_evidence(values: np.ndarray | pd.Series, counts: np.ndarray | None = None) -> str | None:
    """Why raw weights of a file that states no unit are pounds, or None when nothing says
    so. `counts` gives the sets per value when `values` are distinct cells."""
    distinct, sets = _weighted(values, counts)
    total = int(sets.sum())
    if total < MIN_SETS:
        return None
    exact = _on_grid(distinct * LB_TO_KG, 0.25, 1e-6) & ~_on_grid(distinct, 0.05, 1e-6)
    if sets[exact].sum() >= EXACT_SHARE * total:
        sample = distinct[exact][np.argmax(sets[exact])]
        share = sets[exact].sum() / total
        return (
            f"{share:.0%} of its weights are exact pound values of round kilograms "
            f"({sample:.10g} lb = {sample * LB_TO_KG:g} kg)"
        )
    heavy = distinct >= HEAVY
    plate = np.isin(np.round(distinct, 6), PLATE_MATH_LB)
    heavy_sets = int(sets[heavy].sum())
    top = distinct[heavy][np.argsort(-sets[heavy], kind="stable")[:10]]
    in_top = [v for v in top if v in PLATE_MATH_LB]
    if heavy_sets and sets[plate].sum() >= PLATE_SHARE * heavy_sets and len(in_top) >= PLATE_IN_TOP:
        loads = ", ".join(f"{v:g}" for v in sorted(in_top))
        return f"its common loads are pound plate math ({loads})"
    return None


def unstated_unit(
    values: np.ndarray | pd.Series,
    *,
    units: Unit | None,
    kg_note: str,
    counts: np.ndarray | None = None,
) -> tuple[Unit, str]:
    """The unit of a file's weights when the file states none, and the note saying how it
    was chosen: `--units` (`units`), else pounds on evidence (`pound_evidence`), else kg
    (`kg_note`, the importer's own wording of that assumption)."""
    if units is not None:
        return units, f"no weight unit in file: read as {units} (from --units)"
    evidence = pound_evidence(values, counts)
    if evidence is not None:
        return "lb", (
            f"no weight unit in file: read as lb because {evidence} "
            "(use --units kg if they are kilograms)"
        )
    return "kg", kg_note


def shown_unit(weight_kg: pd.Series | np.ndarray) -> Unit | None:
    """The unit to show kilogram weights in: lb when most weighted sets are whole (or half)
    pounds converted to kilograms and not round kilograms; kg otherwise; None without
    weights. Large tables are sampled."""
    arr = np.asarray(weight_kg, dtype="float64")
    if arr.size > SAMPLE:
        arr = arr[:: arr.size // SAMPLE]
    distinct, sets = _weighted(arr, None)
    total = int(sets.sum())
    if total == 0:
        return None
    pounds = _on_grid(distinct / LB_TO_KG, 0.5, 0.015) & ~_on_grid(distinct, 0.05, 1e-6)
    return "lb" if sets[pounds].sum() >= SHOWN_LB_SHARE * total else "kg"


def format_weight(kg: float, unit: str | None) -> str:
    """`100 kg` / `225 lb`: a kilogram weight in the unit shown, at most one decimal."""
    if unit == "lb":
        value = kg / LB_TO_KG
        return f"{round(value, 1):g} lb"
    return f"{round(kg, 1):g} kg"


@dataclass(frozen=True)
class AthleteSources:
    """What the files an athlete's sets came from say about reading them: the unit to show
    weights in (that of the athlete's file with the most sets) and every assumption noted
    about units or dates, prefixed by the file's name when the athlete has several files."""

    weight_unit: Unit | None
    notes: tuple[str, ...]


def by_athlete(sources: Sequence[SourceReport]) -> dict[str, AthleteSources]:
    """`AthleteSources` of every athlete named in `sources`."""
    files: dict[str, list[SourceReport]] = {}
    for source in sources:
        for athlete in source.athletes:
            files.setdefault(athlete, []).append(source)
    out: dict[str, AthleteSources] = {}
    for athlete, mine in files.items():
        weighed = [s for s in mine if s.weight_unit is not None]
        unit = max(weighed, key=lambda s: s.sets).weight_unit if weighed else None
        several = len(mine) > 1
        notes = tuple(
            dict.fromkeys(
                (f"{Path(s.path).name}: {n}" if several else n) for s in mine for n in s.notes
            )
        )
        out[athlete] = AthleteSources(unit, notes)  # type: ignore[arg-type]
    return out
