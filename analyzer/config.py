"""Model constants: the packaged `data/model.toml`, optionally overridden by a user TOML.

The values are data with their sources beside them; code reads them only through `Config`.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError


@dataclass(frozen=True)
class Config:
    """Every model constant in force (see `data/model.toml` for meaning and sources)."""

    per_rir: float
    estimated_per_rir: float
    floor: float
    e1rm_window_days: int
    warmup_fraction: float
    failure_factor: float
    drop_factor: float
    bodyweight_effort: float
    rep_dose_reps: float
    minute_dose_seconds: float
    max_dose_units: float
    half_life_hours: float
    min_loaded_dose: float
    loaded_fraction: float
    hard_fraction: float
    heavy_fraction: float
    hard_floor: float
    heavy_floor: float
    rest_dose: float
    spacing_overuse_hours: float
    spacing_watch_hours: float
    consecutive_days: int
    consecutive_overuse_days: int
    acwr_watch: float
    acwr_min_loaded_days: int
    acwr_min_chronic: float
    break_days: int
    return_weeks: int
    return_fraction: float
    return_min_loaded_days: int
    pain_followup_days: int
    acute_days: int
    chronic_days: int
    min_history_days: int
    band_low: float
    band_high: float
    words: tuple[str, ...]
    cjk: tuple[str, ...]
    negations: tuple[str, ...]
    # Swap search (docs/model.md, "## Swaps"); defaulted so older configs keep working.
    swap_balance_tolerance: float = 0.10
    swap_max_edits: int = 3
    swap_max_evaluations: int = 200
    swap_min_load_kept: float = 0.6
    swap_recent_weeks: int = 8
    sport: str = "general"
    keep_lifts: tuple[str, ...] = ()
    #: An ISO week ("2026-W37") whose swaps are searched whatever its age (`report --week`).
    swap_also_week: str = ""
    powerlifting_lifts: tuple[str, ...] = ()
    weightlifting_lifts: tuple[str, ...] = ()

    @property
    def daily_decay(self) -> float:
        """Fraction of the recovery state left after 24 h."""
        return float(0.5 ** (24.0 / self.half_life_hours))


SPORTS: tuple[str, ...] = ("general", "powerlifting", "weightlifting")

#: Keys of earlier versions whose rules were replaced (docs/model.md, "## Flags"): a user
#: config that still sets them is read, and the keys are ignored.
RETIRED_KEYS: frozenset[str] = frozenset(
    {"short_recovery_fraction", "acwr_overuse", "monotony_watch", "swap_history_days"}
)


def _defaults() -> dict[str, dict[str, Any]]:
    text = resources.files("analyzer.data").joinpath("model.toml").read_text("utf-8")
    return tomllib.loads(text)


def _flatten(tree: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: v
        for section in tree.values()
        if isinstance(section, Mapping)
        for k, v in section.items()
    }


def load_config(path: Path | None = None) -> Config:
    """The packaged defaults, with any keys from the TOML file at `path` replacing them."""
    tree = _defaults()
    if path is not None:
        try:
            user = tomllib.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError("config file not found", path=path) from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"not valid TOML: {exc}", path=path, hint="see `backlog config` for the format"
            ) from exc
        for section, values in user.items():
            if section not in tree or not isinstance(values, Mapping):
                raise ConfigError(
                    f"unknown section [{section}]", path=path, hint="sections: " + ", ".join(tree)
                )
            values = {k: v for k, v in values.items() if k not in RETIRED_KEYS}
            unknown = set(values) - set(tree[section])
            if unknown:
                raise ConfigError(
                    f"unknown key(s) in [{section}]: {', '.join(sorted(unknown))}", path=path
                )
            tree[section] = {**tree[section], **values}
    flat = _flatten(tree)
    kwargs: dict[str, Any] = {}
    for f in fields(Config):
        value = flat[f.name]
        try:
            if f.type in ("float", float, "int", int):
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise TypeError(value)
                if f.type in ("int", int) and float(value) != int(value):
                    raise ValueError(value)
                value = float(value) if f.type in ("float", float) else int(value)
                if not math.isfinite(value):
                    raise ValueError(value)
            elif f.type in ("str", str):
                if not isinstance(value, str):
                    raise TypeError(value)
            else:
                value = tuple(str(v) for v in value)
        except (TypeError, ValueError, OverflowError) as exc:
            kind = {"float": "a finite number", "int": "a whole number", "str": "text"}.get(
                str(f.type), "a list of text"
            )
            raise ConfigError(f"{f.name} must be {kind}, got {value!r}", path=path) from exc
        kwargs[f.name] = value
    config = Config(**kwargs)
    _validate(config, path)
    return config


#: (low, high) allowed for each numeric key (inclusive); keys not listed must be >= 0.
RANGES: dict[str, tuple[float, float]] = {
    "per_rir": (0.0, 1.0),
    "estimated_per_rir": (0.0, 1.0),
    "floor": (0.0, 1.0),
    "bodyweight_effort": (0.0, 1.0),
    "warmup_fraction": (0.0, 1.0),
    "failure_factor": (0.0, 3.0),
    "drop_factor": (0.0, 3.0),
    "e1rm_window_days": (1, 3650),
    "rep_dose_reps": (1, 1000),
    "minute_dose_seconds": (1, 86_400),
    "max_dose_units": (0.2, 100.0),
    "half_life_hours": (1.0, 720.0),
    "loaded_fraction": (0.0, 1.0),
    "hard_fraction": (0.0, 1.0),
    "heavy_fraction": (0.0, 2.0),
    "spacing_overuse_hours": (1.0, 24 * 14),
    "spacing_watch_hours": (1.0, 24 * 14),
    "consecutive_days": (2, 31),
    "consecutive_overuse_days": (2, 31),
    "acwr_watch": (0.0, 100.0),
    "acwr_min_loaded_days": (0, 7),
    "break_days": (1, 365),
    "return_weeks": (1, 52),
    "return_fraction": (0.0, 10.0),
    "return_min_loaded_days": (0, 7),
    "pain_followup_days": (0, 365),
    "acute_days": (1, 365),
    "chronic_days": (1, 3650),
    "min_history_days": (0, 3650),
    "swap_balance_tolerance": (0.0, 1.0),
    "swap_max_edits": (1, 10),
    "swap_max_evaluations": (1, 5000),
    "swap_min_load_kept": (0.0, 1.0),
    "swap_recent_weeks": (0, 10_000),
}
#: (smaller, larger) key pairs that must stay in that order.
ORDERED: tuple[tuple[str, str], ...] = (
    ("band_low", "band_high"),
    ("spacing_overuse_hours", "spacing_watch_hours"),
    ("consecutive_days", "consecutive_overuse_days"),
    ("hard_fraction", "heavy_fraction"),
    ("acute_days", "chronic_days"),
)


def _validate(config: Config, path: Path | None) -> None:
    """Ranges and order of the values (a nan, a negative count or swapped bounds would
    silently remove every flag); the message names the key."""
    for f in fields(Config):
        value = getattr(config, f.name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        low, high = RANGES.get(f.name, (0.0, math.inf))
        if not low <= value <= high:
            bounds = f"at least {low:g}" if high == math.inf else f"between {low:g} and {high:g}"
            raise ConfigError(
                f"{f.name} must be {bounds}, got {value:g}",
                path=path,
                hint="see `backlog config` for the values in force",
            )
    for small, large in ORDERED:
        if getattr(config, small) > getattr(config, large):
            raise ConfigError(
                f"{small} ({getattr(config, small):g}) must not be above {large} "
                f"({getattr(config, large):g})",
                path=path,
            )
    if config.sport not in SPORTS:
        raise ConfigError(
            f"sport must be one of {', '.join(SPORTS)}, got {config.sport!r}", path=path
        )


def config_as_toml(config: Config) -> str:
    """The values in force, as TOML grouped like the packaged file."""
    lines: list[str] = []
    current = {f.name: getattr(config, f.name) for f in fields(Config)}
    for section, values in _defaults().items():
        lines.append(f"[{section}]")
        for key in values:
            value = current[key]
            if isinstance(value, str):
                value = f'"{value}"'
            elif isinstance(value, tuple):
                value = "[" + ", ".join(f'"{v}"' for v in value) + "]"
            lines.append(f"{key} = {value}")
        lines.append("")
    return "\n".join(lines)
