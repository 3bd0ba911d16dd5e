"""Model constants: the packaged `data/model.toml`, optionally overridden by a user TOML.

The values are data with their sources beside them; code reads them only through `Config`.
"""

from __future__ import annotations

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
    powerlifting_lifts: tuple[str, ...] = ()
    weightlifting_lifts: tuple[str, ...] = ()

    @property
    def daily_decay(self) -> float:
        """Fraction of the recovery state left after 24 h."""
        return float(0.5 ** (24.0 / self.half_life_hours))


SPORTS: tuple[str, ...] = ("general", "powerlifting", "weightlifting")

#: Keys of earlier versions whose rules were replaced (docs/model.md, "## Flags"): a user
#: config that still sets them is read, and the keys are ignored.
RETIRED_KEYS: frozenset[str] = frozenset({"short_recovery_fraction", "acwr_overuse",
                                          "monotony_watch", "swap_history_days"})


def _defaults() -> dict[str, dict[str, Any]]:
    text = resources.files("analyzer.data").joinpath("model.toml").read_text("utf-8")
    return tomllib.loads(text)


def _flatten(tree: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for section in tree.values() if isinstance(section, Mapping)
            for k, v in section.items()}


def load_config(path: Path | None = None) -> Config:
    """The packaged defaults, with any keys from the TOML file at `path` replacing them."""
    tree = _defaults()
    if path is not None:
        try:
            user = tomllib.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError("config file not found", path=path) from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"not valid TOML: {exc}", path=path,
                              hint="see `backlog config` for the format") from exc
        for section, values in user.items():
            if section not in tree or not isinstance(values, Mapping):
                raise ConfigError(f"unknown section [{section}]", path=path,
                                  hint="sections: " + ", ".join(tree))
            values = {k: v for k, v in values.items() if k not in RETIRED_KEYS}
            unknown = set(values) - set(tree[section])
            if unknown:
                raise ConfigError(f"unknown key(s) in [{section}]: {', '.join(sorted(unknown))}",
                                  path=path)
            tree[section] = {**tree[section], **values}
    flat = _flatten(tree)
    kwargs: dict[str, Any] = {}
    for f in fields(Config):
        value = flat[f.name]
        try:
            if f.type in ("float", float):
                value = float(value)
            elif f.type in ("int", int):
                value = int(value)
            elif f.type in ("str", str):
                if not isinstance(value, str):
                    raise TypeError(value)
            else:
                value = tuple(str(v) for v in value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{f.name} must be a {f.type}, got {value!r}", path=path) from exc
        kwargs[f.name] = value
    config = Config(**kwargs)
    if config.sport not in SPORTS:
        raise ConfigError(f"sport must be one of {', '.join(SPORTS)}, got {config.sport!r}",
                          path=path)
    if not 0 < config.half_life_hours < 24 * 30:
        raise ConfigError("half_life_hours must be between 0 and 720", path=path)
    return config


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
