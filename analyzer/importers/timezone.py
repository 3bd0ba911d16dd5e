"""Timestamps that carry a UTC offset, turned into the lifter's local wall-clock time.

The canonical table stores local wall clock in `performed_at` (docs/schema.md), so a cell
such as Fitbod's `2021-01-17 22:14:35 +0000` or an ISO `2024-03-04T00:09:00Z` is moved into
one time zone and its offset dropped. The zone is `ImportOptions.tz` (`--tz`, an IANA name)
or else this computer's (see `system_zone`). Cells without an offset are local already and
are never changed, also when a file mixes both.

An importer splits the offsets off the raw cells, parses what is left with its own formats,
and hands the result back here::

    stamps = split_offsets(table.column("Date"))
    when, _ = parse_dates(stamps.wall, FORMATS)
    when, notes = to_local(when, stamps, options.tz)

Only the standard library's `zoneinfo` is used (no tzlocal).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timezone, tzinfo
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from analyzer.errors import ConfigError
from analyzer.schema import STR

#: A cell ending in a UTC offset after a time of day: group 1 is the cell without it; then
#: `Z`/`UTC`/`GMT` (offset 0) or a sign, hours and optional minutes (`+0000`, `-05:00`,
#: `+01`, `GMT+2` is not accepted: hours take two digits).
OFFSET_RE: Final = (
    r"^(.*\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?)"
    r"\s*(?:[Zz]|UTC|GMT|(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})?)$"
)

#: `OFFSET_RE` without groups, to find the cells that have one.
_HAS_OFFSET_RE: Final = (
    r"\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?"
    r"\s*(?:[Zz]|UTC|GMT|(?:UTC|GMT)?[+-]\d{2}(?::?\d{2})?)$"
)

#: Where a zone's file lives below, in a path such as /usr/share/zoneinfo/America/Chicago.
_ZONEINFO_DIR: Final = "/zoneinfo/"
_VARIANT_DIRS: Final = ("posix/", "right/")

#: Exceptions `ZoneInfo` raises for a name it cannot load (unknown, a folder, a bad path).
_BAD_ZONE: Final = (KeyError, ValueError, OSError, UnicodeError)


@dataclass(frozen=True)
class Zone:
    """The time zone offset timestamps are converted to, and where it came from."""

    tzinfo: tzinfo
    name: str  # "America/Chicago", or "UTC-05:00" for a bare offset
    chosen: bool  # True: named with --tz (ImportOptions.tz); False: the computer's

    def note(self, *, from_utc: bool = True) -> str:
        """The line a source report gets when times were converted."""
        origin = "from --tz" if self.chosen else ("the computer's time zone; set another with --tz")
        what = "UTC" if from_utc else "their UTC offsets"
        return f"times converted from {what} to {self.name} ({origin})"


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone `name` (e.g. `America/Chicago`); `ConfigError` when there is none."""
    try:
        return ZoneInfo(name.strip())
    except _BAD_ZONE:
        raise ConfigError(
            f"unknown time zone {name!r}",
            hint="use an IANA name such as Europe/Berlin or America/Chicago",
        ) from None


def _load(key: str) -> ZoneInfo | None:
    key = key.strip().removeprefix(":")
    if _ZONEINFO_DIR in key:
        key = key.split(_ZONEINFO_DIR, 1)[1]
    for variant in _VARIANT_DIRS:
        key = key.removeprefix(variant)
    if not key:
        return None
    try:
        return ZoneInfo(key)
    except _BAD_ZONE:
        return None


def system_zone(
    environ: Mapping[str, str] | None = None,
    localtime: Path = Path("/etc/localtime"),
    timezone_file: Path = Path("/etc/timezone"),
    now: datetime | None = None,
) -> tuple[tzinfo, str]:
    """This computer's time zone and its name: the `TZ` environment variable when it names a
    zone (`America/Chicago`, `:America/Chicago` or a path into a zoneinfo folder), else the
    zone `localtime` links to (…/zoneinfo/Area/City), else the name in `timezone_file`,
    else the current UTC offset as a fixed offset, else UTC. The arguments are for tests."""
    env = os.environ if environ is None else environ
    candidates: list[str] = [env.get("TZ", "")]
    with contextlib.suppress(OSError):
        candidates.append(os.readlink(localtime))
    with contextlib.suppress(OSError, RuntimeError):
        candidates.append(str(localtime.resolve(strict=True)))
    with contextlib.suppress(OSError, UnicodeError):
        candidates.append(timezone_file.read_text(encoding="utf-8").split("\n", 1)[0])
    for key in candidates:
        zone = _load(key) if key else None
        if zone is not None:
            return zone, zone.key
    try:
        offset = (now or datetime.now()).astimezone().utcoffset()
    except (OSError, OverflowError, ValueError):
        offset = None
    if offset is None:
        return UTC, "UTC"
    fixed = timezone(offset)
    return fixed, str(fixed) if offset else "UTC"


def resolve_zone(tz: str | None) -> Zone:
    """The zone for `ImportOptions.tz`: the named one, or this computer's when None."""
    if tz is not None:
        zone = zone_named(tz)
        return Zone(tzinfo=zone, name=zone.key, chosen=True)
    found, name = system_zone()
    return Zone(tzinfo=found, name=name, chosen=False)


@dataclass(frozen=True, eq=False)
class Stamps:
    """Date cells with their UTC offsets split off.

    `wall` is the cells as given (as strings when any had an offset), with the offset (and
    the space before it) removed where there was one; `offset_min` is each cell's offset in
    minutes east of UTC (NaN where the cell has none), or None when no cell has one.
    """

    wall: pd.Series
    offset_min: pd.Series | None


def split_offsets(cells: pd.Series) -> Stamps:
    """Split trailing UTC offsets (`+0000`, `-05:00`, `Z`) off timestamp cells; cells without
    a time of day, or without an offset, are kept as they are. The pattern is matched on the
    distinct cells only (a log repeats one timestamp for every set of a workout)."""
    codes, distinct = pd.factorize(cells, use_na_sentinel=True)
    unique = pd.Series(distinct, dtype=STR).str.strip()
    has = unique.str.contains(_HAS_OFFSET_RE, regex=True, na=False).astype(bool)
    if not has.any():
        return Stamps(wall=cells, offset_min=None)
    parts = unique[has].str.extract(OFFSET_RE)
    sign = parts[1].map({"+": 1.0, "-": -1.0}).astype("float64").fillna(0.0)
    hours = pd.to_numeric(parts[2], errors="coerce").astype("float64").fillna(0.0)
    minutes = pd.to_numeric(parts[3], errors="coerce").astype("float64").fillna(0.0)
    per_cell = np.full(len(unique) + 1, np.nan, dtype="float64")  # last: empty cells (-1)
    per_cell[:-1][has.to_numpy()] = (sign * (hours * 60.0 + minutes)).to_numpy("float64")
    offset = pd.Series(per_cell[codes], index=cells.index, dtype="float64")
    wall_text = unique.copy()
    wall_text[has] = parts[0]
    wall = pd.Series(wall_text.array.take(codes, allow_fill=True), index=cells.index, dtype=STR)
    return Stamps(wall=wall, offset_min=offset)


def to_local(
    values: pd.Series, stamps: Stamps, tz: str | None
) -> tuple[pd.Series, tuple[str, ...]]:
    """`values` (naive datetimes parsed from `stamps.wall`, same index) with every cell that
    carried an offset moved to local wall-clock time in the zone for `tz` (see
    `resolve_zone`), and the report note saying so (none when nothing was converted)."""
    if stamps.offset_min is None:
        return values, ()
    has = (stamps.offset_min.notna() & values.notna()).to_numpy(bool)
    if not has.any():
        return values, ()
    zone = resolve_zone(tz)
    offsets = stamps.offset_min[has]
    utc = values[has] - pd.to_timedelta(offsets.to_numpy("float64"), unit="min")
    local = (
        utc.dt.tz_localize(UTC)
        .dt.tz_convert(zone.tzinfo)
        .dt.tz_localize(None)
        .astype("datetime64[ns]")
    )
    out = values.astype("datetime64[ns]")
    out[has] = local.to_numpy()
    return out, (zone.note(from_utc=bool((offsets == 0).all())),)
