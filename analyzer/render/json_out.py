"""JSON renderer: the public contract (schema_version 1, docs/json.md). Fields are only ever
added, never renamed."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any, cast

import pandas as pd

from analyzer.importers.units import AthleteSources, by_athlete
from analyzer.results import AfterSwaps, Analysis, AthleteResult, Flag, SourceReport, Swap, Week

SCHEMA_VERSION = 1


def _date(d: dt.date | None) -> str | None:
    return None if d is None else d.isoformat()


def _num(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def source_dict(s: SourceReport) -> dict[str, Any]:
    return {
        "path": s.path,
        "format": s.format,
        "athletes": list(s.athletes),
        "rows": s.rows,
        "sets": s.sets,
        "warmup_sets": s.warmup_sets,
        "skipped": s.skipped,
        "skipped_reasons": dict(s.skipped_reasons),
        "problems": [{"row": p.row, "message": p.message} for p in s.problems],
        "notes": list(s.notes),
        "weight_unit": s.weight_unit,
    }


def flag_dict(f: Flag) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity,
        "days": [_date(d) for d in f.days],
        "exercises": list(f.exercises),
        "message": f.message,
        "figures": dict(f.figures),
    }


def swap_dict(s: Swap) -> dict[str, Any]:
    return {
        "day": _date(s.day),
        "from": s.from_,
        "to": s.to,
        "move_to": _date(s.move_to),
        "kind": s.kind,
        "reason": s.reason,
        "clears": list(s.clears),
        "sets_before": s.sets_before,
        "sets_after": s.sets_after,
    }


def after_dict(a: AfterSwaps | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {
        "status": a.status,
        "flags": list(a.flags),
        "lower_back_load": a.lower_back_load,
        "loaded_days": a.loaded_days,
        "note": a.note,
        "longest_run": a.longest_run,
        "closest_gap_hours": a.closest_gap_hours,
    }


def week_dict(w: Week) -> dict[str, Any]:
    return {
        "week": w.week,
        "start": _date(w.start),
        "sets": w.sets,
        "direct_sets": w.direct_sets,
        "indirect_sets": w.indirect_sets,
        "lower_back_load": w.lower_back_load,
        "loaded_days": [_date(d) for d in w.loaded_days],
        "longest_run": w.longest_run,
        "acwr": _num(w.acwr),
        "monotony": _num(w.monotony),
        "strain": _num(w.strain),
        "status": w.status,
        "flags": [flag_dict(f) for f in w.flags],
        "swaps": [swap_dict(s) for s in w.swaps],
        "after_swaps": after_dict(w.after_swaps),
        "in_progress": w.in_progress,
        "through": _date(w.through),
    }


def days_list(days: pd.DataFrame) -> list[dict[str, Any]]:
    """The --daily series: one entry per calendar day."""
    frame = pd.DataFrame(
        {
            "date": days["date"].dt.strftime("%Y-%m-%d"),
            "dose": days["dose"].round(3),
            "recovery_state": days["recovery_state"].round(3),
            "direct_sets": days["direct_sets"].astype("int64"),
            "indirect_sets": days["indirect_sets"].astype("int64"),
            "acwr": days["acwr"].round(3).astype("object").where(days["acwr"].notna(), None),
        }
    )
    return cast(list[dict[str, Any]], frame.to_dict("records"))  # the columns named above


def athlete_dict(
    a: AthleteResult, *, daily: bool = False, weight_unit: str | None = None
) -> dict[str, Any]:
    """One athlete; `weight_unit` is the unit the lifter logs in (weights stay kg)."""
    out: dict[str, Any] = {
        "athlete": a.athlete,
        "first_date": _date(a.first_date),
        "last_date": _date(a.last_date),
        "status": a.status,
        "weeks": [week_dict(w) for w in a.weeks],
        "weight_unit": weight_unit,
    }
    if daily:
        out["days"] = days_list(a.days)
    return out


def analysis_dict(analysis: Analysis, *, daily: bool = False) -> dict[str, Any]:
    """The whole result as plain JSON-ready data."""
    about = by_athlete(analysis.sources)
    return {
        "schema_version": SCHEMA_VERSION,
        "sources": [source_dict(s) for s in analysis.sources],
        "skipped_files": [{"path": p, "reason": r} for p, r in analysis.skipped_files],
        "duplicate_sets": analysis.duplicate_sets,
        "notes": list(analysis.notes),
        "athletes": [
            athlete_dict(a, daily=daily, weight_unit=_unit(about, a.athlete))
            for a in analysis.athletes
        ],
        "exercises": [
            {
                "name": e.name,
                "canonical": e.canonical,
                "load_class": e.load_class,
                "coefficient": e.coefficient,
                "primary_muscle": e.primary_muscle,
                "matched_by": e.matched_by,
                "score": e.score,
                "suggestions": list(e.suggestions),
                "sets": e.sets,
            }
            for e in analysis.exercises
        ],
    }


def _unit(about: dict[str, AthleteSources], athlete: str) -> str | None:
    found = about.get(athlete)
    return found.weight_unit if found is not None else None


def to_json(analysis: Analysis, *, daily: bool = False) -> str:
    """Serialise in one pass (NaN never appears: missing numbers are null)."""
    return json.dumps(
        analysis_dict(analysis, daily=daily), ensure_ascii=False, indent=1, allow_nan=False
    )
