"""Builders for hand-made tagged set tables, so model and flag tests need no importer or
catalog: each session is (date, exercise, load_class, coefficient, sets[, rpe])."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from analyzer import flags, model
from analyzer.config import Config, load_config
from analyzer.schema import conform

Session = tuple  # (date | str, exercise, load_class, coefficient, n_sets, [rpe], [notes])

SQUAT = ("Squat (Barbell)", "indirect", 0.6)
ROW = ("Bent Over Row (Barbell)", "direct", 0.7)
DEADLIFT = ("Deadlift (Barbell)", "direct", 1.0)
PRESS = ("Overhead Press (Barbell)", "indirect", 0.4)
CS_ROW = ("Chest Supported Row (Dumbbell)", "none", 0.0)
SEATED_PRESS = ("Seated Overhead Press (Dumbbell)", "none", 0.0)
LEG_PRESS = ("Leg Press", "none", 0.0)


def tagged(sessions: Iterable[Session], athlete: str = "A") -> pd.DataFrame:
    """A tagged canonical table: every session expands to `n_sets` rows with RPE 10 unless
    given (so effort is exactly 1 and doses are hand-computable)."""
    rows = []
    for session in sessions:
        day, name, cls, coef, n_sets, *rest = session
        rpe = rest[0] if rest else 10.0
        notes = rest[1] if len(rest) > 1 else ""
        for i in range(n_sets):
            rows.append(
                {
                    "athlete": athlete,
                    "performed_at": pd.Timestamp(day) + pd.Timedelta(hours=18),
                    "exercise": name,
                    "set_index": i + 1,
                    "weight_kg": 100.0,
                    "reps": 5.0,
                    "rpe": rpe,
                    "notes": notes,
                    "source_row": len(rows) + 2,
                    "canonical": name,
                    "load_class": cls,
                    "coefficient": coef,
                    "primary_muscle": "x",
                    "pattern": "x",
                }
            )
    frame = pd.DataFrame(rows)
    table = conform(frame)
    for col in ("canonical", "load_class", "primary_muscle", "pattern"):
        table[col] = frame[col].astype("str")
    table["coefficient"] = frame["coefficient"].astype("float64")
    return table


def week_of(monday: str, plan: dict[int, list[tuple]]) -> list[Session]:
    """Sessions for one week: {weekday: [(exercise, class, coefficient), ...]} with 4 sets each."""
    start = dt.date.fromisoformat(monday)
    return [
        (start + dt.timedelta(days=wd), *lift, 4)
        for wd, lifts in sorted(plan.items())
        for lift in lifts
    ]


def run(table: pd.DataFrame, config: Config | None = None):
    """(dosed, days, weeks, flags) for a tagged table."""
    config = config or load_config()
    dosed = model.set_doses(table, config)
    days = model.daily_series(dosed, config)
    weeks = model.weekly_series(days, config)
    return dosed, days, weeks, flags.find_flags(flags.AthleteGrid(days), dosed, config)
