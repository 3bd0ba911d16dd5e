"""Time tagging 10,000 distinct generated exercise names (goal: well under one second).

Run: `python benchmarks/bench_tagging.py`. Names are composed from equipment, modifiers,
movements and suffixes the way lifters write them, plus random misspellings, so every matching
stage (normalised, rule, fuzzy, unknown) is exercised. Prints timings and the stage mix.
"""

from __future__ import annotations

import random
import time

from analyzer.tagging import load_tagger

EQUIPMENT = [
    "",
    "Barbell",
    "DB",
    "Dumbbell",
    "KB",
    "Cable",
    "Smith Machine",
    "Machine",
    "Band",
    "EZ Bar",
    "Trap Bar",
    "Landmine",
    "Bodyweight",
]
MODIFIERS = [
    "",
    "Seated",
    "Standing",
    "Chest Supported",
    "Incline",
    "Lying",
    "Single Arm",
    "Paused",
    "Wide Grip",
    "Close Grip",
    "Deficit",
    "Tempo",
    "Single Leg",
    "Bent Over",
]
MOVEMENTS = [
    "Deadlift",
    "RDL",
    "Good Morning",
    "Row",
    "Squat",
    "Front Squat",
    "Overhead Press",
    "OHP",
    "Bench Press",
    "Lunge",
    "Split Squat",
    "Curl",
    "Lat Pulldown",
    "Pull Up",
    "Hip Thrust",
    "Leg Press",
    "Shrug",
    "Back Extension",
    "Kettlebell Swing",
    "Fly",
    "Lateral Raise",
    "Calf Raise",
    "Triceps Extension",
    "Plank",
    "Farmer's Walk",
    "Kreuzheben",
    "Kniebeuge",
    "硬拉",
    "卧推",
]
SUFFIXES = ["", "s", " (Barbell)", " (Dumbbell)", " - heavy", " 5x5", " (Machine)", " v2"]


def names(count: int, seed: int = 7) -> list[str]:
    """`count` distinct names; about one in ten carries a typo."""
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < count:
        name = " ".join(
            p for p in (rng.choice(MODIFIERS), rng.choice(EQUIPMENT), rng.choice(MOVEMENTS)) if p
        ) + rng.choice(SUFFIXES)
        if rng.random() < 0.1 and len(name) > 5:
            i = rng.randrange(1, len(name) - 1)
            name = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        if rng.random() < 0.3:
            name = name.lower()
        out[name] = None
    return list(out)


def main() -> None:
    started = time.perf_counter()
    tagger = load_tagger()
    built = time.perf_counter() - started
    batch = names(10_000)
    started = time.perf_counter()
    frame = tagger.tag_names(batch)
    first = time.perf_counter() - started
    started = time.perf_counter()
    tagger.tag_names(batch)
    cached = time.perf_counter() - started
    print(f"tagger built in {built:.3f} s")
    print(f"tagged {len(frame):,} distinct names in {first:.3f} s (cached again: {cached:.3f} s)")
    print("stages:", frame["matched_by"].value_counts().to_dict())


if __name__ == "__main__":
    main()
