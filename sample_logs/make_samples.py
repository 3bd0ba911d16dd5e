"""Regenerate the bundled sample logs (written for the project; not copies of real exports).

    python sample_logs/make_samples.py

Every file follows the same story so the tests can check each import path: the first four
weeks (2026-W33..W36) run squat Mon / bent-over row Tue / deadlift Wed / standing overhead
press Thu -- "legs, back, back, shoulders" on paper, but the lower back works four days in a
row; the next four (W37..W40) run squat Mon / chest-supported row Tue / seated dumbbell press
Wed / deadlift Sat.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
FIRST_MONDAY = dt.date(2026, 8, 10)

# (weekday, start hour, workout, [(exercise, sets, reps, start kg, kg per week, rpe)])
BAD_WEEK = [
    (0, "18:05", "Legs", [("Squat (Barbell)", 4, 5, 100.0, 2.5, 8.0),
                          ("Bench Press (Barbell)", 3, 8, 70.0, 1.25, None)]),
    (1, "18:10", "Back", [("Bent Over Row (Barbell)", 4, 8, 60.0, 1.25, 8.0),
                          ("Lat Pulldown (Cable)", 3, 10, 55.0, 1.25, None),
                          ("Bicep Curl (Dumbbell)", 3, 12, 12.0, 0.0, None)]),
    (2, "18:00", "Back 2", [("Deadlift (Barbell)", 3, 5, 140.0, 2.5, 8.5),
                            ("Lying Leg Curl (Machine)", 3, 12, 40.0, 0.0, None)]),
    (3, "18:15", "Shoulders", [("Overhead Press (Barbell)", 4, 6, 45.0, 1.25, 8.0),
                               ("Lateral Raise (Dumbbell)", 3, 15, 8.0, 0.0, None),
                               ("Triceps Pushdown (Cable - Straight Bar)", 3, 12, 30.0, 0.0,
                                None)]),
]
FIXED_WEEK = [
    (0, "18:05", "Legs", [("Squat (Barbell)", 4, 5, 110.0, 2.5, 8.0),
                          ("Bench Press (Barbell)", 3, 8, 75.0, 1.25, None)]),
    (1, "18:10", "Back", [("Chest Supported Row (Dumbbell)", 4, 10, 24.0, 1.0, 8.0),
                          ("Lat Pulldown (Cable)", 3, 10, 60.0, 1.25, None),
                          ("Bicep Curl (Dumbbell)", 3, 12, 12.0, 0.0, None)]),
    (2, "18:00", "Shoulders", [("Seated Overhead Press (Dumbbell)", 4, 8, 20.0, 1.0, 8.0),
                               ("Lateral Raise (Dumbbell)", 3, 15, 8.0, 0.0, None),
                               ("Triceps Pushdown (Cable - Straight Bar)", 3, 12, 30.0, 0.0,
                                None)]),
    (5, "10:30", "Deadlift", [("Deadlift (Barbell)", 3, 5, 150.0, 2.5, 8.5),
                              ("Lying Leg Curl (Machine)", 3, 12, 40.0, 0.0, None)]),
]


def sessions(weeks_bad: int = 4, weeks_fixed: int = 4, shift_kg: float = 0.0):
    """Yield (date, time, workout, exercise, set_no, reps, kg, rpe, warmup) for every set.
    `shift_kg` moves the barbell lifts only, so lighter lifters stay plausible."""
    for week in range(weeks_bad + weeks_fixed):
        plan = BAD_WEEK if week < weeks_bad else FIXED_WEEK
        progress = week if week < weeks_bad else week - weeks_bad
        for weekday, time, workout, lifts in plan:
            day = FIRST_MONDAY + dt.timedelta(days=7 * week + weekday)
            for exercise, n_sets, reps, kg, step, rpe in lifts:
                load = kg + step * progress + (shift_kg if "(Barbell)" in exercise else 0.0)
                if step and kg >= 40:
                    yield day, time, workout, exercise, 0, 5, round(load * 0.5, 1), None, True
                for s in range(1, n_sets + 1):
                    yield day, time, workout, exercise, s, reps, load, rpe, False


def write_strong() -> None:
    header = ["Workout #", "Date", "Workout Name", "Duration (sec)", "Exercise Name",
              "Set Order", "Weight (kg)", "Reps", "RPE", "Distance (meters)", "Seconds",
              "Notes", "Workout Notes"]
    rows = []
    workout_no: dict[tuple, int] = {}
    last_exercise = None
    for day, time, workout, exercise, s, reps, kg, rpe, warm in sessions():
        key = (day, workout)
        number = workout_no.setdefault(key, len(workout_no) + 1)
        stamp = f"{day} {time}:00"
        if last_exercise is not None and last_exercise != (key, exercise):
            rows.append([number, stamp, workout, 3900, last_exercise[1], "Rest Timer", "", "",
                         "", "", "120.0", "", ""])
        last_exercise = (key, exercise)
        note = "felt strong" if (exercise.startswith("Deadlift") and s == 1) else ""
        rows.append([number, stamp, workout, 3900, exercise, "W" if warm else s, f"{kg:.1f}",
                     reps, "" if rpe is None else rpe, "", "0.0", note, ""])
    with (HERE / "strong_lifter.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_generic() -> None:
    with (HERE / "generic_log.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["athlete", "date", "exercise", "set", "reps", "weight_kg", "rpe",
                         "notes"])
        for day, _, _, exercise, s, reps, kg, rpe, warm in sessions(shift_kg=-5.0):
            if warm:
                continue
            writer.writerow(["Sam Lee", day.isoformat(), exercise, s, reps, kg,
                             "" if rpe is None else rpe, ""])


def write_coach_workbook() -> None:
    """One sheet per athlete, one row per exercise with sets x reps, a title row on top."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    # Ana: the classic weeks, then the fix. Ben: the fixed schedule throughout. Chloe: the
    # classic weeks with a pain note, then the fix.
    athletes = {
        "Ana Souza": dict(shift_kg=-30.0, bad=4, fixed=4),
        "Ben Carter": dict(shift_kg=0.0, bad=0, fixed=8),
        "Chloé Martin": dict(shift_kg=-40.0, bad=4, fixed=4),
    }
    for name, opts in athletes.items():
        sheet = book.create_sheet(name)
        sheet.append([f"Training log - {name}"])
        sheet.append([])
        sheet.append(["Date", "Exercise", "Sets", "Reps", "Weight (kg)", "RPE", "Notes"])
        seen = set()
        for day, _, _, exercise, _, reps, kg, rpe, warm in sessions(
            weeks_bad=opts["bad"], weeks_fixed=opts["fixed"], shift_kg=opts["shift_kg"]
        ):
            if warm or (day, exercise) in seen:
                continue
            seen.add((day, exercise))
            n_sets = next(
                n for plan in (BAD_WEEK, FIXED_WEEK) for _, _, _, lifts in plan
                for ex, n, *_ in lifts if ex == exercise
            )
            note = ""
            if name == "Chloé Martin" and exercise.startswith("Deadlift") and day.day == 2:
                note = "lower back pain after the last set"
            sheet.append([day, exercise, n_sets, reps, kg, rpe, note])
        for row in sheet.iter_rows(min_row=4, max_col=1):
            row[0].number_format = "yyyy-mm-dd"
    book.properties.creator = "backlog sample"
    book.properties.created = dt.datetime(2026, 10, 5)
    book.properties.modified = dt.datetime(2026, 10, 5)
    book.save(HERE / "coach_roster.xlsx")


def write_plan() -> None:
    """A planned week (for `backlog plan`): the classic overuse schedule. It lives in
    `sample_plans/`, outside this folder, so `backlog analyze sample_logs/` reads logs only."""
    plans = HERE.parent / "sample_plans"
    plans.mkdir(exist_ok=True)
    with (plans / "next_week.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["day", "exercise", "sets", "reps", "weight", "rpe"])
        for weekday, _, _, lifts in BAD_WEEK:
            for exercise, n_sets, reps, kg, _, rpe in lifts:
                day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[weekday]
                writer.writerow([day, exercise, n_sets, reps, kg, "" if rpe is None else rpe])


if __name__ == "__main__":
    write_strong()
    write_generic()
    write_coach_workbook()
    write_plan()
