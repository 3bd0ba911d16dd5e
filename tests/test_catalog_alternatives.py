"""Every alternative in the exercise catalog is a real training substitute for its lift (issue 15,
point 2): it exists, loads the lower back less, shares the lift's primary muscle, keeps its
movement pattern, and is never a rehab or mobility drill. Checked over the whole catalog, plus
spot checks of the swaps the issue names; `test_the_checker_catches_bad_alternatives` shows the
checks fail on the alternatives issue 15 complains about."""

from __future__ import annotations

import pandas as pd
import pytest

from analyzer.catalog import alternatives_of, load_catalog

MAX_ALTERNATIVES = 3
# (lift pattern, alternative pattern) pairs accepted although the catalog files them under two
# patterns. Only one: the trap extension (prone on a back-extension bench, `extension`) and the
# same Y-shaped raise lying on an incline bench (`Trap Extension (Lying Down)`, `raise`) or the
# Y raise are one movement; the catalog calls the supported versions raises.
PATTERN_SUBSTITUTES: frozenset[tuple[str, str]] = frozenset({("extension", "raise")})
# Never an alternative to a loaded lift: mobility work, and the rehab / "core health" drills the
# old catalog handed out (issue 15: Bird Dog for rack pulls, Dead Hang for farmer's walks).
DRILL_PATTERNS: frozenset[str] = frozenset({"stretch", "mobility"})
DRILLS: frozenset[str] = frozenset(
    {
        "Bird Dog",
        "Dead Bug",
        "Dead Hang",
        "Clamshell",
        "Plank",
        "Side Plank",
        "Hollow Body Hold",
        "Superman",
        "Stretching",
        "Yoga",
    }
)
# Glute bridges and hip thrusts replace glute-focused bridge / thrust lifts only, never a hinge.
BRIDGE_PATTERN = "bridge"


@pytest.fixture(scope="module")
def catalog() -> pd.DataFrame:
    return load_catalog()


def _effective(entry: pd.Series) -> float:
    return 0.0 if entry["load_class"] == "none" else float(entry["coefficient"])


def substitute_problems(catalog: pd.DataFrame) -> list[str]:
    """Every way a listed alternative fails to be a real substitute, one line each."""
    by_name = catalog.set_index("name")
    problems: list[str] = []
    for name in catalog["name"]:
        lift = by_name.loc[name]
        alts = alternatives_of(catalog, name)
        if len(alts) > MAX_ALTERNATIVES:
            problems.append(f"{name}: {len(alts)} alternatives (at most {MAX_ALTERNATIVES})")
        if len(set(alts)) != len(alts):
            problems.append(f"{name}: an alternative is listed twice")
        if alts and lift["load_class"] == "none":
            problems.append(f"{name}: a 'none' lift needs no lower-back-sparing alternative")
        for alt in alts:
            where = f"{name} -> {alt}"
            if alt == name:
                problems.append(f"{where}: the lift itself")
                continue
            if alt not in by_name.index:
                problems.append(f"{where}: not in the catalog")
                continue
            target = by_name.loc[alt]
            if not _effective(target) < _effective(lift):
                problems.append(
                    f"{where}: loads the lower back as much or more "
                    f"({target['coefficient']} vs {lift['coefficient']})"
                )
            if target["primary_muscle"] != lift["primary_muscle"]:
                problems.append(
                    f"{where}: trains {target['primary_muscle']}, not {lift['primary_muscle']}"
                )
            pair = (lift["pattern"], target["pattern"])
            if pair[0] != pair[1] and pair not in PATTERN_SUBSTITUTES:
                problems.append(f"{where}: pattern {pair[1]} does not keep {pair[0]}")
            if target["pattern"] in DRILL_PATTERNS or alt in DRILLS:
                problems.append(f"{where}: a rehab or mobility drill")
            if target["pattern"] == BRIDGE_PATTERN and lift["pattern"] != BRIDGE_PATTERN:
                problems.append(f"{where}: a bridge / hip thrust for a {lift['pattern']} lift")
    return problems


def test_every_alternative_is_a_real_substitute(catalog: pd.DataFrame) -> None:
    assert substitute_problems(catalog) == []


def test_the_loaded_lifts_have_alternatives_to_check(catalog: pd.DataFrame) -> None:
    """Guards against a vacuous pass: most loaded lifts list substitutes, and the drills the
    check names are catalog entries."""
    loaded = catalog.loc[catalog["load_class"] != "none", "name"]
    with_alts = [n for n in loaded if alternatives_of(catalog, n)]
    assert len(with_alts) >= 0.6 * len(loaded)
    assert sum(len(alternatives_of(catalog, n)) for n in with_alts) > 200
    assert set(catalog["name"]) >= DRILLS


@pytest.mark.parametrize(
    ("lift", "bad", "complaint"),
    [
        # what the swap search produced before (issue 15)
        ("Deadlift (Barbell)", "Hip Thrust (Barbell)", "bridge"),
        ("Power Clean", "Hip Thrust (Barbell)", "bridge"),
        ("Kettlebell Swing", "Glute Bridge (Barbell)", "bridge"),
        ("Rack Pull (Barbell)", "Bird Dog", "drill"),
        ("Back Extension", "Bird Dog", "drill"),
        ("Farmer's Walk", "Dead Hang", "drill"),
        ("Romanian Deadlift (Barbell)", "Lying Leg Curl (Machine)", "pattern"),
        ("Thruster (Barbell)", "Leg Press", "pattern"),
        # the other rules
        ("Squat (Barbell)", "Safety Bar Squat", "loads the lower back"),
        ("Squat (Barbell)", "Squat (Barbell)", "the lift itself"),
        ("Bent Over Row (Barbell)", "Lat Pulldown (Cable)", "trains lats"),
        ("Overhead Press (Barbell)", "Lateral Raise (Dumbbell)", "pattern raise"),
        ("Squat (Barbell)", "Stretching", "drill"),
        ("Squat (Barbell)", "Leg Press|Leg Press", "twice"),
        (
            "Squat (Barbell)",
            "Leg Press|Belt Squat (Machine)|Hack Squat (Machine)|Front Squat (Barbell)",
            "at most",
        ),
        ("Deadlift (Barbell)", "Block Pull", "not in the catalog"),
        ("Leg Press", "Belt Squat (Machine)", "'none' lift"),
    ],
)
def test_the_checker_catches_bad_alternatives(
    catalog: pd.DataFrame, lift: str, bad: str, complaint: str
) -> None:
    edited = catalog.copy()
    edited.loc[edited["name"] == lift, "alternatives"] = bad
    problems = substitute_problems(edited)
    assert problems and all(
        p.startswith(f"{lift} -> ") or p.startswith(f"{lift}: ") for p in problems
    ), problems
    assert any(complaint in p for p in problems), problems


def _alts(catalog: pd.DataFrame, name: str) -> tuple[str, ...]:
    alts = alternatives_of(catalog, name)
    assert alts, f"{name} lists no alternative"
    return alts


def test_deadlift_goes_to_a_trap_bar_or_block_pull(catalog: pd.DataFrame) -> None:
    alts = _alts(catalog, "Deadlift (Barbell)")
    assert alts[0] in {"Trap Bar Deadlift", "Rack Pull (Barbell)"}  # rack pull = block pull
    assert set(alts) <= {"Trap Bar Deadlift", "Rack Pull (Barbell)", "Sumo Deadlift (Barbell)"}


def test_clean_and_snatch_go_to_hang_or_block_variants(catalog: pd.DataFrame) -> None:
    for lift in (
        "Power Clean",
        "Clean (Barbell)",
        "Snatch (Barbell)",
        "Power Snatch (Barbell)",
        "Clean Pull (Barbell)",
        "Snatch Pull (Barbell)",
    ):
        first = _alts(catalog, lift)[0]
        assert first.startswith("Hang ") or "Block" in first, (lift, first)
    assert _alts(catalog, "Power Clean") == ("Hang Clean (Barbell)",)


def test_rows_go_to_supported_rows(catalog: pd.DataFrame) -> None:
    by_name = catalog.set_index("name")
    supported = ("Chest Supported", "Seal Row", "Seated", "Machine", "Cable", "Inverted")
    for lift in ("Bent Over Row (Barbell)", "Pendlay Row (Barbell)", "T Bar Row"):
        for alt in _alts(catalog, lift):
            assert by_name.loc[alt, "load_class"] == "none", (lift, alt)
            assert any(word in alt for word in supported), (lift, alt)
    # the seed week's fix: bent-over row -> supported row
    assert _alts(catalog, "Bent Over Row (Barbell)")[0] == "Chest Supported Row (Dumbbell)"


def test_standing_press_goes_to_a_seated_or_machine_press(catalog: pd.DataFrame) -> None:
    by_name = catalog.set_index("name")
    alts = _alts(catalog, "Overhead Press (Barbell)")
    for alt in alts:
        assert by_name.loc[alt, "load_class"] == "none"
        assert "Seated" in alt or "Machine" in alt, alt
    assert alts[0] == "Seated Overhead Press (Dumbbell)"  # the seed week's fix


def test_back_squat_goes_to_a_squat_that_spares_the_back(catalog: pd.DataFrame) -> None:
    by_name = catalog.set_index("name")
    alts = _alts(catalog, "Squat (Barbell)")
    assert set(alts) <= {
        "Front Squat (Barbell)",
        "Safety Bar Squat",
        "Belt Squat (Machine)",
        "Hack Squat (Machine)",
        "Pendulum Squat (Machine)",
        "Leg Press",
    }
    assert any(by_name.loc[alt, "load_class"] == "none" for alt in alts)


def test_carries_and_hinges_never_go_to_hangs_drills_or_hip_thrusts(catalog: pd.DataFrame) -> None:
    by_name = catalog.set_index("name")
    for alt in alternatives_of(catalog, "Farmer's Walk"):
        assert by_name.loc[alt, "pattern"] == "carry", alt
    hinges = catalog.loc[catalog["pattern"].isin(["hinge", "olympic"]), "name"]
    for lift in hinges:
        for alt in alternatives_of(catalog, lift):
            assert by_name.loc[alt, "pattern"] in {"hinge", "olympic"}, (lift, alt)
            assert "Hip Thrust" not in alt and "Bridge" not in alt, (lift, alt)
