"""The exercise catalog: one row per exercise with its lower-back load class and coefficient.

The catalog is data (`analyzer/data/exercises.csv`); this module only reads, validates and
filters it. How classes and coefficients were chosen is explained in `docs/model.md`
("Exercise classes and coefficients").

Columns (one row per exercise, `name` unique):

- `name`: canonical name, Strong style "Family (Equipment)" where the equipment matters.
- `aliases`: tuple of other spellings (app defaults of Strong, Hevy, Fitbod, FitNotes, JEFIT,
  German and Chinese names). In the CSV they are one "|"-joined string.
- `load_class`: "direct" | "indirect" | "none".
- `coefficient`: float in [0, 1]; 0 for "none".
- `evidence`: "A" (lumbar load measured for this lift), "B" (measured for a close variant or
  erector EMG), "C" (expert estimate by biomechanical analogy).
- `pattern`: movement pattern (hinge, squat, row, press, carry, lunge, pull, curl, ...).
- `primary_muscle`, `secondary_muscles` ("|"-joined), `equipment`.
- `alternatives`: "|"-joined canonical names of lower-back-sparing exercises for the same
  primary muscle (each in the catalog, `none` or a lower coefficient).
  A lift's alternatives train its primary muscle, or a muscle of its group
  (`MUSCLE_GROUPS`: a hinge's "posterior chain" covers glutes, hamstrings and lower back).
- `heavy`: bool, the competition-style squat / bench / deadlift families.
- `dose_per`: what one unit of the lift's dose is: "set" (every working set, the default),
  "rep" (ballistic high-rep work whose dose grows with the reps: swings, wall balls, slams) or
  "minute" (ergometers, dosed by duration). Optional in a hand-edited catalog (default "set").
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from analyzer.errors import ConfigError

LOAD_CLASSES: Final[tuple[str, ...]] = ("direct", "indirect", "none")
DOSE_UNITS: Final[tuple[str, ...]] = ("set", "rep", "minute")
DEFAULT_DOSE_PER: Final[str] = "set"
# A primary muscle that names a group of muscles: alternatives of a lift with that primary muscle
# may train any member (a deadlift's hip thrust trains the glutes, its leg curl the hamstrings).
MUSCLE_GROUPS: Final[dict[str, frozenset[str]]] = {
    "posterior chain": frozenset({"glutes", "hamstrings", "lower back"}),
}
CATALOG_COLUMNS: Final[tuple[str, ...]] = (
    "name",
    "aliases",
    "load_class",
    "coefficient",
    "evidence",
    "pattern",
    "primary_muscle",
    "secondary_muscles",
    "equipment",
    "alternatives",
    "heavy",
    "dose_per",
)
_OPTIONAL_COLUMNS: Final[dict[str, str]] = {"dose_per": DEFAULT_DOSE_PER}
_STR = pd.StringDtype(na_value=np.nan)


def default_catalog_path() -> Path:
    """Path of the catalog shipped with the package."""
    return Path(str(resources.files("analyzer") / "data" / "exercises.csv"))


def load_catalog(path: Path | None = None) -> pd.DataFrame:
    """Read and validate the exercise catalog (the packaged one when `path` is None).

    Returns one row per exercise with the columns listed in the module docstring;
    `aliases` is a tuple of strings. Raises ConfigError naming the file and row for an
    invalid catalog, so a hand-edited catalog fails with a clear message.
    """
    source = path if path is not None else default_catalog_path()
    try:
        raw = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError("exercise catalog not found", path=source) from exc
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ConfigError(
            f"exercise catalog is not a readable UTF-8 CSV ({exc})", path=source
        ) from exc
    for column, default in _OPTIONAL_COLUMNS.items():
        if column not in raw.columns:
            raw[column] = default
    missing = [c for c in CATALOG_COLUMNS if c not in raw.columns]
    if missing:
        raise ConfigError(f"exercise catalog lacks columns {missing}", path=source)
    return _validated(raw[list(CATALOG_COLUMNS)], source)


def _validated(raw: pd.DataFrame, source: Path) -> pd.DataFrame:
    """Type the columns and check every invariant the tagger and the swap search rely on."""
    rows = pd.Series(np.arange(len(raw)) + 2, index=raw.index)  # file line of each row

    def fail(mask: pd.Series, message: str) -> None:
        if mask.any():
            first = raw.index[mask.to_numpy()][0]
            raise ConfigError(message, path=source, row=int(rows[first]))

    names = raw["name"].str.strip()
    fail(names.eq(""), "exercise with an empty name")
    fail(names.duplicated(), "duplicate exercise name")
    fail(~raw["load_class"].isin(LOAD_CLASSES), "load_class must be direct, indirect or none")
    coefficient = pd.to_numeric(raw["coefficient"], errors="coerce")
    fail(coefficient.isna() | (coefficient < 0) | (coefficient > 1), "coefficient must be 0..1")
    fail(raw["load_class"].eq("none") & coefficient.gt(0), "a 'none' exercise has coefficient 0")
    fail(
        ~raw["load_class"].eq("none") & coefficient.eq(0), "a loaded exercise needs coefficient > 0"
    )
    fail(~raw["heavy"].str.lower().isin(("true", "false")), "heavy must be true or false")
    dose_per = raw["dose_per"].str.strip().str.lower().replace("", DEFAULT_DOSE_PER)
    fail(~dose_per.isin(DOSE_UNITS), "dose_per must be set, rep or minute")

    out = pd.DataFrame(
        {
            "name": names.astype(_STR),
            "aliases": raw["aliases"].map(_split),
            "load_class": raw["load_class"].astype(_STR),
            "coefficient": coefficient.astype("float64"),
            "evidence": raw["evidence"].astype(_STR),
            "pattern": raw["pattern"].astype(_STR),
            "primary_muscle": raw["primary_muscle"].astype(_STR),
            "secondary_muscles": raw["secondary_muscles"].astype(_STR),
            "equipment": raw["equipment"].astype(_STR),
            "alternatives": raw["alternatives"].astype(_STR),
            "heavy": raw["heavy"].str.lower().eq("true").astype("bool"),
            "dose_per": dose_per.astype(_STR),
        }
    ).reset_index(drop=True)

    known = set(out["name"])
    by_name = out.set_index("name")
    for position, (alts, coef, muscle) in enumerate(
        zip(out["alternatives"], out["coefficient"], out["primary_muscle"], strict=True)
    ):
        for alt in _split(alts):
            if alt not in known:
                raise ConfigError(
                    f"alternative {alt!r} is not in the catalog", path=source, row=position + 2
                )
            target = by_name.loc[alt]
            if not (target["load_class"] == "none" or target["coefficient"] < coef):
                raise ConfigError(
                    f"alternative {alt!r} does not spare the lower back",
                    path=source,
                    row=position + 2,
                )
            if not trains_muscle_of(muscle, target["primary_muscle"]):
                raise ConfigError(
                    f"alternative {alt!r} trains another primary muscle",
                    path=source,
                    row=position + 2,
                )
    return out


def trains_muscle_of(muscle: object, alternative_muscle: object) -> bool:
    """Whether an alternative with primary muscle `alternative_muscle` trains the primary
    muscle `muscle` of the lift it replaces: the same muscle, or a member of its group."""
    return alternative_muscle == muscle or (
        isinstance(muscle, str) and alternative_muscle in MUSCLE_GROUPS.get(muscle, frozenset())
    )


def _split(joined: object) -> tuple[str, ...]:
    """'a|b' -> ('a', 'b'); empty or missing -> ()."""
    if not isinstance(joined, str):
        return ()
    return tuple(part.strip() for part in joined.split("|") if part.strip())


def alternatives_of(catalog: pd.DataFrame, name: str) -> tuple[str, ...]:
    """Canonical names of the lower-back-sparing alternatives listed for `name` (may be empty)."""
    match = catalog.loc[catalog["name"] == name, "alternatives"]
    return _split(match.iloc[0]) if len(match) else ()


def filter_catalog(
    catalog: pd.DataFrame, load_class: str | None = None, search: str | None = None
) -> pd.DataFrame:
    """Catalog rows of one load class and/or whose name, aliases, pattern or muscles contain
    `search` (case-insensitive). Backs `backlog exercises [--class C] [--search TEXT]`.
    """
    mask = pd.Series(True, index=catalog.index)
    if load_class is not None:
        if load_class not in LOAD_CLASSES:
            raise ConfigError(
                f"unknown load class {load_class!r}", hint="use direct, indirect or none"
            )
        mask &= catalog["load_class"].eq(load_class)
    if search:
        text = (
            catalog["name"]
            + "|"
            + catalog["aliases"].map("|".join)
            + "|"
            + catalog["pattern"].fillna("")
            + "|"
            + catalog["primary_muscle"].fillna("")
            + "|"
            + catalog["secondary_muscles"].fillna("")
        )
        mask &= text.str.contains(search, case=False, regex=False)
    return catalog.loc[mask]
