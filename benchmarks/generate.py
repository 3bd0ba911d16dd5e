"""Realistic generated training logs for the benchmarks (not tests, not product code).

One row per performed set, many athletes, exercise names spelled the ways the real catalog
lists them (`analyzer/data/exercises.csv` names and aliases, one spelling per athlete and
lift, plus a few coach-invented names the catalog does not know), and weekly schedules
lifters actually run: upper/lower, push/pull/legs, full body three times a week, the seed's
"squat Mon / bent-over row Tue / deadlift Wed / standing press Thu" week and its fixed
version. About one week in eight is an overuse week (the seed pattern or an extra hinge
day); sessions are skipped, weeks taken off, loads progress, warm-ups are marked `W`, some
sets carry an RPE and a few a note (some mentioning pain).

Layouts: `generic` (`athlete,date,exercise,set,reps,weight_kg,rpe,notes`: the coach/app
roster layout read by the generic importer) and `strong` (Strong 2025 single-lifter export,
for client folders).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

# (weekday, workout, [(canonical exercise, sets, reps, start kg or NaN, rpe or NaN)])
Session = tuple[int, str, list[tuple[str, int, int, float, float]]]
NAN = float("nan")

SEED_BAD: list[Session] = [
    (
        0,
        "Legs",
        [("Squat (Barbell)", 4, 5, 100.0, 8.0), ("Bench Press (Barbell)", 3, 8, 70.0, NAN)],
    ),
    (
        1,
        "Back",
        [
            ("Bent Over Row (Barbell)", 4, 8, 60.0, 8.0),
            ("Lat Pulldown (Cable)", 3, 10, 55.0, NAN),
            ("Bicep Curl (Dumbbell)", 3, 12, 12.0, NAN),
        ],
    ),
    (
        2,
        "Back 2",
        [("Deadlift (Barbell)", 3, 5, 140.0, 8.5), ("Lying Leg Curl (Machine)", 3, 12, 40.0, NAN)],
    ),
    (
        3,
        "Shoulders",
        [
            ("Overhead Press (Barbell)", 4, 6, 45.0, 8.0),
            ("Lateral Raise (Dumbbell)", 3, 15, 8.0, NAN),
            ("Face Pull (Cable)", 3, 15, 20.0, NAN),
        ],
    ),
]
SEED_FIXED: list[Session] = [
    (
        0,
        "Legs",
        [("Squat (Barbell)", 4, 5, 110.0, 8.0), ("Bench Press (Barbell)", 3, 8, 75.0, NAN)],
    ),
    (
        1,
        "Back",
        [
            ("Chest Supported Row (Dumbbell)", 4, 10, 24.0, 8.0),
            ("Lat Pulldown (Cable)", 3, 10, 60.0, NAN),
            ("Bicep Curl (Dumbbell)", 3, 12, 12.0, NAN),
        ],
    ),
    (
        2,
        "Shoulders",
        [
            ("Seated Overhead Press (Dumbbell)", 4, 8, 20.0, 8.0),
            ("Lateral Raise (Dumbbell)", 3, 15, 8.0, NAN),
        ],
    ),
    (
        5,
        "Deadlift",
        [("Deadlift (Barbell)", 3, 5, 150.0, 8.5), ("Lying Leg Curl (Machine)", 3, 12, 40.0, NAN)],
    ),
]
UPPER_LOWER: list[Session] = [
    (
        0,
        "Lower A",
        [
            ("Squat (Barbell)", 4, 6, 100.0, 8.0),
            ("Romanian Deadlift (Barbell)", 3, 8, 80.0, NAN),
            ("Leg Extension (Machine)", 3, 12, 45.0, NAN),
            ("Plank", 3, 1, NAN, NAN),
        ],
    ),
    (
        1,
        "Upper A",
        [
            ("Bench Press (Barbell)", 4, 6, 75.0, 8.0),
            ("Lat Pulldown (Cable)", 3, 10, 55.0, NAN),
            ("Incline Bench Press (Dumbbell)", 3, 10, 26.0, NAN),
            ("Bicep Curl (Dumbbell)", 3, 12, 12.0, NAN),
        ],
    ),
    (
        3,
        "Lower B",
        [
            ("Deadlift (Barbell)", 3, 5, 140.0, 8.5),
            ("Leg Press", 3, 10, 160.0, NAN),
            ("Lying Leg Curl (Machine)", 3, 12, 40.0, NAN),
        ],
    ),
    (
        4,
        "Upper B",
        [
            ("Overhead Press (Barbell)", 4, 6, 45.0, 8.0),
            ("Pull Up", 4, 8, NAN, NAN),
            ("Chest Supported Row (Dumbbell)", 3, 10, 24.0, NAN),
            ("Lateral Raise (Dumbbell)", 3, 15, 8.0, NAN),
        ],
    ),
]
PUSH_PULL_LEGS: list[Session] = [
    (
        0,
        "Push",
        [
            ("Bench Press (Barbell)", 4, 6, 75.0, 8.0),
            ("Seated Overhead Press (Dumbbell)", 3, 10, 20.0, NAN),
            ("Lateral Raise (Dumbbell)", 3, 15, 8.0, NAN),
        ],
    ),
    (
        1,
        "Pull",
        [
            ("Pendlay Row (Barbell)", 4, 8, 60.0, 8.0),
            ("Lat Pulldown (Cable)", 3, 10, 55.0, NAN),
            ("Face Pull (Cable)", 3, 15, 20.0, NAN),
            ("Bicep Curl (Dumbbell)", 3, 12, 12.0, NAN),
        ],
    ),
    (
        2,
        "Legs",
        [
            ("Squat (Barbell)", 4, 6, 100.0, 8.0),
            ("Lying Leg Curl (Machine)", 3, 12, 40.0, NAN),
            ("Leg Extension (Machine)", 3, 12, 45.0, NAN),
        ],
    ),
    (
        4,
        "Push",
        [
            ("Incline Bench Press (Dumbbell)", 4, 10, 26.0, NAN),
            ("Overhead Press (Barbell)", 3, 8, 40.0, NAN),
        ],
    ),
    (5, "Pull + Hinge", [("Deadlift (Barbell)", 3, 5, 140.0, 8.5), ("Pull Up", 4, 8, NAN, NAN)]),
]
FULL_BODY: list[Session] = [
    (
        0,
        "Full A",
        [
            ("Squat (Barbell)", 3, 5, 100.0, 8.0),
            ("Bench Press (Barbell)", 3, 5, 75.0, NAN),
            ("Chest Supported Row (Dumbbell)", 3, 10, 24.0, NAN),
        ],
    ),
    (
        2,
        "Full B",
        [
            ("Front Squat (Barbell)", 3, 5, 70.0, NAN),
            ("Overhead Press (Barbell)", 3, 5, 45.0, NAN),
            ("Pull Up", 3, 8, NAN, NAN),
        ],
    ),
    (
        4,
        "Full C",
        [
            ("Deadlift (Barbell)", 2, 5, 140.0, 8.5),
            ("Incline Bench Press (Dumbbell)", 3, 10, 26.0, NAN),
            ("Kettlebell Swing", 3, 15, 24.0, NAN),
        ],
    ),
]
#: An overuse week for the regular templates: an extra hinge day glued to the heavy days.
EXTRA_HINGE: Session = (
    6,
    "Extra",
    [("Good Morning (Barbell)", 3, 8, 50.0, NAN), ("Back Extension", 3, 12, NAN, NAN)],
)
TEMPLATES: tuple[list[Session], ...] = (
    UPPER_LOWER,
    PUSH_PULL_LEGS,
    FULL_BODY,
    SEED_FIXED,
    SEED_BAD,
)
TEMPLATE_WEIGHTS = np.array([0.35, 0.25, 0.2, 0.12, 0.08])
INVENTED = ("Coach Special Complex", "Sandbag Thing", "Finisher Circuit", "Bulgarian Bag Spins")
NOTES = (
    "felt strong",
    "grip gave out",
    "lower back tight",
    "back pain after set 2",
    "new PR",
    "slept badly",
)


def catalog_spellings() -> dict[str, list[str]]:
    """Canonical name -> [name, *aliases] from the package catalog."""
    path = resources.files("analyzer") / "data" / "exercises.csv"
    with resources.as_file(path) as file:
        table = pd.read_csv(file, dtype="string", keep_default_na=False)
    return {
        name: [name, *[a for a in aliases.split("|") if a]]
        for name, aliases in zip(table["name"], table["aliases"], strict=True)
    }


@dataclass(frozen=True)
class Block:
    """A template's week as flat arrays, one entry per set."""

    weekday: np.ndarray
    session: np.ndarray  # session number within the week (for skipping whole sessions)
    workout: np.ndarray
    lift: np.ndarray  # canonical name
    set_no: np.ndarray
    reps: np.ndarray
    kg: np.ndarray
    rpe: np.ndarray
    warmup: np.ndarray


def _block(template: list[Session]) -> Block:
    rows: list[tuple] = []
    for s, (weekday, workout, lifts) in enumerate(template):
        for lift, sets, reps, kg, rpe in lifts:
            if kg >= 40:  # barbell lifts get one warm-up set
                rows.append((weekday, s, workout, lift, "W", 5, kg * 0.5, NAN, True))
            rows.extend(
                (weekday, s, workout, lift, str(i), reps, kg, rpe, False)
                for i in range(1, sets + 1)
            )
    cols = list(zip(*rows, strict=True))
    return Block(*(np.array(c) for c in cols))


def _athlete_rows(
    rng: np.random.Generator,
    name: str,
    spellings: dict[str, list[str]],
    blocks: list[Block],
    bad: Block,
    extra: Block,
    weeks: int,
    start: dt.date,
) -> pd.DataFrame:
    """Every set of one athlete over `weeks` weeks from the Monday `start`."""
    own = int(rng.choice(len(blocks) - 1, p=TEMPLATE_WEIGHTS[:-1] / TEMPLATE_WEIGHTS[:-1].sum()))
    if rng.random() < TEMPLATE_WEIGHTS[-1]:
        own = len(blocks) - 1
    off = rng.random(weeks) < 0.06  # holidays, illness
    overuse = rng.random(weeks) < 0.12
    parts: list[pd.DataFrame] = []
    for week in np.flatnonzero(~off):
        week_blocks = [blocks[own]]
        if overuse[week]:
            week_blocks = [bad] if rng.random() < 0.5 else [blocks[own], extra]
        for block in week_blocks:
            keep = rng.random(int(block.session.max()) + 1) >= 0.08  # skipped sessions
            mask = keep[block.session]
            progress = 1.0 + 0.004 * week
            parts.append(
                pd.DataFrame(
                    {
                        "week": week,
                        "weekday": block.weekday[mask],
                        "workout": block.workout[mask],
                        "lift": block.lift[mask],
                        "set": block.set_no[mask],
                        "reps": block.reps[mask],
                        "kg": np.round(block.kg[mask] * progress / 2.5) * 2.5,
                        "rpe": block.rpe[mask],
                    }
                )
            )
    frame = pd.concat(parts, ignore_index=True)
    spelling = {
        lift: rng.choice(spellings[lift]) if rng.random() < 0.4 else lift
        for lift in frame["lift"].unique()
    }
    exercise = frame["lift"].map(spelling)
    invented = rng.random(len(frame)) < 0.002
    exercise[invented] = rng.choice(INVENTED, size=int(invented.sum()))
    dates = pd.Timestamp(start) + pd.to_timedelta(frame["week"] * 7 + frame["weekday"], unit="D")
    notes = np.where(rng.random(len(frame)) < 0.003, rng.choice(NOTES, size=len(frame)), "")
    rpe = frame["rpe"].where(rng.random(len(frame)) < 0.7)
    return pd.DataFrame(
        {
            "athlete": name,
            "date": dates.dt.strftime("%Y-%m-%d"),
            "workout": frame["workout"],
            "exercise": exercise,
            "set": frame["set"],
            "reps": frame["reps"],
            "weight_kg": frame["kg"],
            "rpe": rpe,
            "notes": notes,
        }
    )


#: Every generated history ends in the week of this Sunday or before: a log never runs into
#: the future (the importers skip dates after tomorrow as typing errors, and a benchmark of
#: skipped rows measures the wrong thing).
LAST_DAY = dt.date(2026, 11, 29)
#: Share of generated lifters still logging in that last week (a coach's current clients);
#: the others stopped 2 to 200 weeks before it.
STILL_LOGGING = 0.75


def athletes(
    n_sets: int, seed: int = 2026, weeks_each: int | None = None, lifters: int | None = None
) -> Iterator[pd.DataFrame]:
    """Athletes' set tables until `n_sets` sets are produced (the last one is cut); with
    `weeks_each` and `lifters`, exactly that many lifters, each over that many weeks."""
    rng = np.random.default_rng(seed)
    spellings = catalog_spellings()
    for template in (*TEMPLATES, [EXTRA_HINGE]):
        for _, _, lifts in template:
            missing = [lift for lift, *_ in lifts if lift not in spellings]
            if missing:
                raise KeyError(f"not in the catalog: {missing}")
    blocks = [_block(t) for t in TEMPLATES]
    extra = _block([EXTRA_HINGE])
    produced = 0
    i = 0
    last_monday = LAST_DAY - dt.timedelta(days=LAST_DAY.weekday())
    while (produced < n_sets) if lifters is None else (i < lifters):
        weeks = int(rng.integers(8, 105)) if weeks_each is None else weeks_each
        stopped = 0 if rng.random() < STILL_LOGGING else int(rng.integers(2, 201))
        start = last_monday - dt.timedelta(weeks=stopped + weeks - 1)
        frame = _athlete_rows(
            rng, f"athlete {i:05d}", spellings, blocks, blocks[-1], extra, weeks, start
        )
        if lifters is None:
            frame = frame.iloc[: n_sets - produced]
        produced += len(frame)
        i += 1
        yield frame


def write_generic(
    path: Path,
    n_sets: int,
    seed: int = 2026,
    weeks_each: int | None = None,
    lifters: int | None = None,
) -> int:
    """A roster CSV (`athlete,date,workout,exercise,set,reps,weight_kg,rpe,notes`) of `n_sets`
    sets (or of `lifters` lifters over `weeks_each` weeks each); returns the number of
    athletes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    count = 0
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        header = True
        batch: list[pd.DataFrame] = []
        for frame in athletes(n_sets, seed, weeks_each, lifters):
            batch.append(frame)
            count += 1
            if sum(map(len, batch)) >= 200_000:
                pd.concat(batch).to_csv(handle, index=False, header=header, float_format="%g")
                header, batch = False, []
        if batch:
            pd.concat(batch).to_csv(handle, index=False, header=header, float_format="%g")
    tmp.replace(path)
    return count


STRONG_HEADER = [
    "Workout #",
    "Date",
    "Workout Name",
    "Duration (sec)",
    "Exercise Name",
    "Set Order",
    "Weight (kg)",
    "Reps",
    "RPE",
    "Distance (meters)",
    "Seconds",
    "Notes",
    "Workout Notes",
]


def write_strong_folder(folder: Path, clients: int, seed: int = 7) -> int:
    """`clients` single-lifter exports: every other one a Strong 2025 file, the rest generic
    CSVs (one athlete, no athlete column). Returns the number of sets written."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    total = 0
    for i, frame in enumerate(athletes(clients * 5_000, seed)):
        if i >= clients:
            break
        total += len(frame)
        name = f"client_{i:03d}"
        if i % 2 == 0:
            stamp = (
                frame["date"]
                + " "
                + pd.Series(
                    rng.choice(["07:00:00", "12:30:00", "18:05:00"], size=len(frame)),
                    index=frame.index,
                )
            )
            workout_no = pd.factorize(frame["date"] + frame["workout"])[0] + 1
            out = pd.DataFrame(
                {
                    "Workout #": workout_no,
                    "Date": stamp,
                    "Workout Name": frame["workout"],
                    "Duration (sec)": 3600,
                    "Exercise Name": frame["exercise"],
                    "Set Order": frame["set"],
                    "Weight (kg)": frame["weight_kg"],
                    "Reps": frame["reps"],
                    "RPE": frame["rpe"],
                    "Distance (meters)": "",
                    "Seconds": 0,
                    "Notes": frame["notes"],
                    "Workout Notes": "",
                }
            )
            out.to_csv(
                folder / f"{name}.csv",
                sep=";",
                index=False,
                quoting=csv.QUOTE_ALL,
                float_format="%g",
            )
        else:
            frame.drop(columns="athlete").to_csv(
                folder / f"{name}.csv", index=False, float_format="%g"
            )
    return total
