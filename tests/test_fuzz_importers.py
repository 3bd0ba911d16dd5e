"""Property tests: mutated real-format files never raise anything but the package's own
errors, and the model keeps its invariants on any valid set table.

The seeds are the small golden fixtures (one per format variant); mutations flip bytes,
drop/duplicate/swap lines, replace fields with hostile text and cut the file anywhere.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer import model
from analyzer.config import load_config
from analyzer.errors import BacklogError
from analyzer.importers import ImportOptions, format_names, read_log
from analyzer.pipeline import analyze_sets
from analyzer.schema import SET_TYPES, conform, is_canonical
from analyzer.tagging import load_tagger, tag_sets
from tests.golden_util import GOLDEN

SEEDS = {
    p.name: p.read_bytes()
    for p in sorted(GOLDEN.glob("*.csv"))
    if not p.name.endswith(".expected.csv")
}
NASTY = [
    "",
    '"',
    '""',
    ";",
    ",",
    "\t",
    "\r",
    "-1",
    "1e400",
    "NaN",
    "0x10",
    "=1+1",
    "\x00",
    "9" * 400,
    "2026-02-30",
    "1900-01-01",
    "../../x",
    "é",
    "\ufeff",
    "W",
    "Rest Timer",
]
# Examples: the hypothesis profile's (tests/conftest.py).
FUZZ = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = SEEDS[name]
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "drop", "dup", "swap", "field", "cut", "insert"]))
        if kind == "flip" and data:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
            lines = data.split(b"\n")
        elif kind in ("drop", "dup", "swap") and len(lines) > 1:
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if kind == "drop":
                del lines[i]
            elif kind == "dup":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
        elif kind == "field" and lines:
            i = draw(st.integers(0, len(lines) - 1))
            sep = b";" if lines[i].count(b";") > lines[i].count(b",") else b","
            fields = lines[i].split(sep)
            k = draw(st.integers(0, len(fields) - 1))
            value = draw(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)))
            fields[k] = value.encode("utf-8", "surrogatepass")
            lines[i] = sep.join(fields)
            data = b"\n".join(lines)
        elif kind == "cut":
            data = data[: draw(st.integers(0, len(data)))]
            lines = data.split(b"\n")
        elif kind == "insert":
            at = draw(st.integers(0, len(data)))
            junk = draw(st.binary(max_size=16))
            data = data[:at] + junk + data[at:]
            lines = data.split(b"\n")
    return name, data


def read_bytes_as_log(name: str, data: bytes, fmt: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            result = read_log(path, ImportOptions(format=fmt))
        except BacklogError as exc:
            assert exc.one_line() and "\n" not in exc.one_line()
            assert path.read_bytes() == data
            return
        assert path.read_bytes() == data
    sets = result.sets
    assert is_canonical(sets)
    assert len(sets) > 0
    assert sets["performed_at"].notna().all() and (sets["exercise"].str.len() > 0).all()
    assert not (sets["weight_kg"] < 0).any() and not (sets["weight_kg"] > 1000).any()
    assert not (sets["reps"] < 0).any() and not (sets["reps"] > 1000).any()
    assert result.report.skipped == sum(result.report.skipped_reasons.values())


@FUZZ
@given(mutated())
def test_mutated_exports_raise_only_backlog_errors(case: tuple[str, bytes]) -> None:
    read_bytes_as_log(*case)


@settings(deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.sampled_from(format_names()))
def test_forced_format_on_mutated_exports(case: tuple[str, bytes], fmt: str) -> None:
    read_bytes_as_log(case[0], case[1], fmt)


# --- the model on random valid tables --------------------------------------------------

EXERCISES = [
    "Deadlift (Barbell)",
    "Squat (Barbell)",
    "Bent Over Row (Barbell)",
    "Overhead Press (Barbell)",
    "Leg Press",
    "Plank",
    "Chest Supported Row (Dumbbell)",
    "Good Morning",
    "Mystery Lift 3000",
    "Bench Press (Barbell)",
]


@st.composite
def set_tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 60))
    start = pd.Timestamp("2026-01-05")
    ints = st.integers
    day = draw(st.lists(ints(0, 90), min_size=n, max_size=n))
    frame = pd.DataFrame(
        {
            "athlete": draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=n, max_size=n)),
            "performed_at": [start + pd.Timedelta(days=d, hours=18) for d in day],
            "exercise": draw(st.lists(st.sampled_from(EXERCISES), min_size=n, max_size=n)),
            "set_index": list(range(1, n + 1)),
            "weight_kg": draw(
                st.lists(st.one_of(st.just(np.nan), st.floats(0, 300)), min_size=n, max_size=n)
            ),
            "reps": draw(
                st.lists(st.one_of(st.just(np.nan), ints(0, 30).map(float)), min_size=n, max_size=n)
            ),
            "rpe": draw(
                st.lists(st.one_of(st.just(np.nan), st.floats(1, 10)), min_size=n, max_size=n)
            ),
            "set_type": draw(st.lists(st.sampled_from(SET_TYPES), min_size=n, max_size=n)),
            "source_file": "fuzz.csv",
            "source_row": list(range(2, n + 2)),
        }
    )
    return conform(frame)


TAGGER = load_tagger()
CONFIG = load_config()


@settings(deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(set_tables())
def test_model_invariants_on_random_tables(sets: pd.DataFrame) -> None:
    dosed = model.set_doses(tag_sets(sets, TAGGER), CONFIG)
    assert (dosed["dose"] >= 0).all() and dosed["dose"].notna().all()
    days = model.daily_series(dosed, CONFIG)
    assert (days["dose"] >= 0).all()
    result = analyze_sets(sets, tagger=TAGGER, config=CONFIG, with_swaps=False)
    assert {a.athlete for a in result.athletes} == set(sets["athlete"])
    for athlete in result.athletes:
        starts = [w.start for w in athlete.weeks]
        assert all((b - a).days == 7 for a, b in zip(starts, starts[1:], strict=False))
        working = (sets["athlete"] == athlete.athlete) & (sets["set_type"] != "warmup")
        assert sum(w.sets for w in athlete.weeks) == int(working.sum())
        for week in athlete.weeks:
            assert week.status in ("ok", "watch", "overuse")
            assert week.lower_back_load >= 0
            assert all(f.severity in ("watch", "overuse") for f in week.flags)
            assert (week.status == "ok") == (not week.flags)
