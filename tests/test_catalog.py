"""The exercise catalog: size, invariants the tagger and the swap search rely on, app names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analyzer.catalog import (
    CATALOG_COLUMNS,
    DOSE_UNITS,
    alternatives_of,
    default_catalog_path,
    filter_catalog,
    load_catalog,
    trains_muscle_of,
)
from analyzer.errors import ConfigError


@pytest.fixture(scope="module")
def catalog() -> pd.DataFrame:
    return load_catalog()


def test_catalog_has_300_unique_exercises_with_valid_classes(catalog: pd.DataFrame) -> None:
    assert len(catalog) >= 300
    assert catalog["name"].is_unique
    assert set(catalog["load_class"]) == {"direct", "indirect", "none"}
    assert catalog["coefficient"].between(0, 1).all()
    assert (catalog.loc[catalog["load_class"] == "none", "coefficient"] == 0).all()
    assert (catalog.loc[catalog["load_class"] != "none", "coefficient"] > 0).all()
    assert set(catalog["evidence"]) <= {"A", "B", "C"}
    assert catalog["pattern"].notna().all() and catalog["primary_muscle"].notna().all()
    assert list(catalog.columns) == list(CATALOG_COLUMNS)


def test_no_alias_is_listed_for_two_exercises(catalog: pd.DataFrame) -> None:
    spellings = [
        " ".join(s.casefold().split())
        for name, aliases in zip(catalog["name"], catalog["aliases"], strict=True)
        for s in (name, *aliases)
    ]
    assert len(spellings) == len(set(spellings))


@pytest.mark.parametrize(
    ("app_name", "canonical"),
    [
        # Strong defaults
        ("Bent Over Row (Barbell)", "Bent Over Row (Barbell)"),
        ("Deadlift (Barbell)", "Deadlift (Barbell)"),
        ("Squat (Barbell)", "Squat (Barbell)"),
        ("Overhead Press (Barbell)", "Overhead Press (Barbell)"),
        ("Seated Overhead Press (Dumbbell)", "Seated Overhead Press (Dumbbell)"),
        ("Chest Supported Row (Dumbbell)", "Chest Supported Row (Dumbbell)"),
        # Hevy
        ("Romanian Deadlift (Dumbbell)", "Romanian Deadlift (Dumbbell)"),
        ("Iso-Lateral Row (Machine)", "Seated Row (Machine)"),
        # Fitbod
        ("Back Squat", "Squat (Barbell)"),
        ("Barbell Incline Bench Press", "Incline Bench Press (Barbell)"),
        # FitNotes
        ("Flat Barbell Bench Press", "Bench Press (Barbell)"),
        ("Barbell Squat", "Squat (Barbell)"),
        # JEFIT
        ("Barbell Deadlift", "Deadlift (Barbell)"),
    ],
)
def test_app_default_names_are_aliases(
    catalog: pd.DataFrame, app_name: str, canonical: str
) -> None:
    row = catalog.loc[catalog["name"] == canonical].iloc[0]
    assert app_name == canonical or app_name in row["aliases"]


def test_posterior_chain_covers_the_hinge_muscles_only() -> None:
    assert trains_muscle_of("posterior chain", "glutes")
    assert trains_muscle_of("posterior chain", "hamstrings")
    assert trains_muscle_of("posterior chain", "posterior chain")
    assert not trains_muscle_of("posterior chain", "quadriceps")
    assert not trains_muscle_of("glutes", "posterior chain")  # the group is not a member


def test_hinge_and_olympic_lifts_share_one_primary_muscle(catalog: pd.DataFrame) -> None:
    """Deadlifts, RDLs, good mornings, swings, cleans and snatches are "posterior chain"; only
    the lifts whose point is the upper body (high pulls, clean and press) name another."""
    hinges = catalog[catalog["pattern"].isin(["hinge", "olympic"])].set_index("name")
    other = hinges.loc[hinges["primary_muscle"] != "posterior chain", "primary_muscle"]
    assert dict(other) == {
        "Deadlift High Pull (Barbell)": "traps",
        "High Pull (Barbell)": "traps",
        "Clean and Press (Barbell)": "shoulders",
        "Log Clean and Press": "shoulders",
    }
    assert "glutes" not in set(hinges["primary_muscle"])
    assert len(hinges) > 60


# Issue 14 (point 4): corrections checked against the spine-load literature in docs/model.md.
@pytest.mark.parametrize(
    ("name", "load_class", "low", "high"),
    [
        ("Hack Squat (Machine)", "indirect", 0.1, 0.15),
        ("Pendulum Squat (Machine)", "indirect", 0.1, 0.15),
        ("Squat (Machine)", "indirect", 0.1, 0.15),
        ("Belt Squat (Machine)", "none", 0.0, 0.0),  # the belt hangs the load from the hips
        ("Z Press (Barbell)", "indirect", 0.25, 0.3),
        ("Z Press (Dumbbell)", "indirect", 0.2, 0.3),
        ("Power Clean", "direct", 0.55, 0.65),
        ("Clean (Barbell)", "direct", 0.55, 0.65),
        ("Snatch (Barbell)", "direct", 0.55, 0.65),
        ("Power Snatch (Barbell)", "direct", 0.55, 0.65),
        ("Clean and Jerk (Barbell)", "direct", 0.55, 0.65),
        ("Hang Clean (Barbell)", "direct", 0.5, 0.5),
        ("Hang Snatch (Barbell)", "direct", 0.5, 0.5),
        ("Clean Pull (Barbell)", "direct", 0.85, 0.85),
        ("Snatch Pull (Barbell)", "direct", 0.85, 0.85),
        ("Back Extension", "direct", 0.3, 0.3),
        ("Back Extension Hold", "direct", 0.2, 0.3),
        ("Glute Ham Raise", "direct", 0.2, 0.3),  # the same class as the hold
        ("Renegade Row (Dumbbell)", "none", 0.0, 0.0),
        ("Meadows Row", "indirect", 0.3, 0.3),
        ("Deadlift High Pull (Barbell)", "direct", 0.6, 0.7),  # the sumo deadlift high pull
        ("Suitcase Deadlift (Kettlebell)", "direct", 0.4, 0.4),
        ("Suitcase Deadlift (Dumbbell)", "direct", 0.4, 0.4),
        ("Kettlebell Swing", "direct", 0.45, 0.45),
        ("Front Squat (Barbell)", "indirect", 0.55, 0.55),
        ("Safety Bar Squat", "indirect", 0.6, 0.65),
        ("Reverse Hyperextension", "direct", 0.35, 0.4),
        ("Hip Thrust (Barbell)", "indirect", 0.1, 0.1),
        ("Rowing (Machine)", "indirect", 0.15, 0.2),
        ("SkiErg", "indirect", 0.15, 0.2),
        ("Skiing", "none", 0.0, 0.0),  # the sport, not the erg
        ("Jefferson Deadlift", "direct", 0.85, 0.9),
        ("Snatch Balance (Barbell)", "indirect", 0.3, 0.5),
        ("Cossack Squat", "none", 0.0, 0.0),
        ("Clean (Dumbbell)", "direct", 0.4, 0.4),
        ("Low Bar Squat (Barbell)", "indirect", 0.6, 0.75),
        ("45 Degree Hip Extension", "direct", 0.2, 0.3),
        ("Log Clean and Press", "direct", 0.6, 0.8),
        ("Stone to Shoulder", "direct", 0.8, 0.9),
        ("Sandbag to Shoulder", "direct", 0.5, 0.7),
        ("Wall Ball", "indirect", 0.1, 0.2),
        ("Med Ball Slam", "indirect", 0.1, 0.2),
        ("Man Maker", "direct", 0.3, 0.5),
        ("Clamshell", "none", 0.0, 0.0),
    ],
)
def test_corrected_classes_and_coefficients(
    catalog: pd.DataFrame, name: str, load_class: str, low: float, high: float
) -> None:
    row = catalog.set_index("name").loc[name]
    assert row["load_class"] == load_class
    assert low <= row["coefficient"] <= high


def test_low_bar_squat_loads_the_back_more_than_the_high_bar(catalog: pd.DataFrame) -> None:
    coef = catalog.set_index("name")["coefficient"]
    assert coef["Low Bar Squat (Barbell)"] > coef["Squat (Barbell)"] > coef["Front Squat (Barbell)"]
    assert coef["Back Extension"] > coef["45 Degree Hip Extension"]
    assert coef["Power Clean"] < coef["Clean Pull (Barbell)"] < coef["Deadlift (Barbell)"]
    assert "Low Bar Squat" not in catalog.set_index("name").loc["Squat (Barbell)", "aliases"]


def test_dose_per_marks_rep_and_minute_dosed_work(catalog: pd.DataFrame) -> None:
    dose = catalog.set_index("name")["dose_per"]
    assert set(dose) == set(DOSE_UNITS)
    assert {n for n, d in dose.items() if d == "rep"} == {
        "Kettlebell Swing",
        "Kettlebell Swing (Single Arm)",
        "American Kettlebell Swing",
        "Dumbbell Swing",
        "Wall Ball",
        "Med Ball Slam",
    }
    assert {n for n, d in dose.items() if d == "minute"} == {"Rowing (Machine)", "SkiErg"}
    assert dose["Deadlift (Barbell)"] == "set" and dose["Running"] == "set"


def test_catalog_without_dose_per_defaults_to_set(tmp_path: Path) -> None:
    text = default_catalog_path().read_text(encoding="utf-8").splitlines()
    assert text[0].endswith(",dose_per")
    old = tmp_path / "old.csv"
    old.write_text("\n".join(line.rsplit(",", 1)[0] for line in text) + "\n", encoding="utf-8")
    loaded = load_catalog(old)
    assert list(loaded.columns) == list(CATALOG_COLUMNS)
    assert set(loaded["dose_per"]) == {"set"}
    bad = tmp_path / "bad.csv"
    text[1] = text[1].rsplit(",", 1)[0] + ",week"
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="dose_per") as info:
        load_catalog(bad)
    assert info.value.row == 2


def test_a_loaded_lift_without_an_honest_substitute_lists_none(
    catalog: pd.DataFrame, tmp_path: Path
) -> None:
    # Issue 15: no alternative rather than a false one (the swap search moves or reduces such a
    # lift instead). The sumo deadlift high pull is the one hinge whose primary muscle is the
    # traps: nothing in the catalog keeps both, so it lists nothing.
    by_name = catalog.set_index("name")
    lift = by_name.loc["Deadlift High Pull (Barbell)"]
    assert lift["load_class"] == "direct"
    same = by_name[
        (by_name["pattern"] == lift["pattern"])
        & (by_name["primary_muscle"] == lift["primary_muscle"])
    ]
    assert list(same.index) == ["Deadlift High Pull (Barbell)"]
    assert alternatives_of(catalog, "Deadlift High Pull (Barbell)") == ()
    # The loader takes a loaded lift with an empty alternatives field as listing none.
    rows = default_catalog_path().read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    fields = rows[1].split(",")
    assert fields[0] == "Deadlift (Barbell)" and fields[header.index("alternatives")]
    fields[header.index("alternatives")] = ""
    rows[1] = ",".join(fields)
    emptied = tmp_path / "exercises.csv"
    emptied.write_text("\n".join(rows) + "\n", encoding="utf-8")
    loaded = load_catalog(emptied)
    assert alternatives_of(loaded, "Deadlift (Barbell)") == ()
    assert alternatives_of(catalog, "Deadlift (Barbell)")  # the shipped catalog lists some
    assert loaded.drop(columns="alternatives").equals(catalog.drop(columns="alternatives"))


def test_heavy_marks_the_competition_lift_families(catalog: pd.DataFrame) -> None:
    heavy = set(catalog.loc[catalog["heavy"], "name"])
    assert {"Squat (Barbell)", "Bench Press (Barbell)", "Deadlift (Barbell)"} <= heavy
    assert "Leg Press" not in heavy and "Bicep Curl (Barbell)" not in heavy


def test_coefficients_follow_the_documented_order(catalog: pd.DataFrame) -> None:
    coef = catalog.set_index("name")["coefficient"]
    assert (
        coef["Deadlift (Barbell)"]
        >= coef["Good Morning (Barbell)"]
        > coef["Bent Over Row (Barbell)"]
        > coef["Squat (Barbell)"]
        > coef["Front Squat (Barbell)"]
        > coef["Overhead Press (Barbell)"]
        > coef["Lunge (Barbell)"]
        > 0
    )


def test_filter_by_class_and_search(catalog: pd.DataFrame) -> None:
    direct_rows = filter_catalog(catalog, load_class="direct", search="row")
    assert "Bent Over Row (Barbell)" in set(direct_rows["name"])
    assert "Chest Supported Row (Dumbbell)" not in set(direct_rows["name"])
    assert (direct_rows["load_class"] == "direct").all()
    by_alias = filter_catalog(catalog, search="kreuzheben")
    assert "Deadlift (Barbell)" in set(by_alias["name"])
    with pytest.raises(ConfigError):
        filter_catalog(catalog, load_class="heavy")


def _write_variant(tmp_path: Path, edit: str, replacement: str) -> Path:
    text = default_catalog_path().read_text(encoding="utf-8")
    assert edit in text
    path = tmp_path / "exercises.csv"
    path.write_text(text.replace(edit, replacement, 1), encoding="utf-8")
    return path


def test_broken_catalog_raises_config_error_with_row(tmp_path: Path) -> None:
    bad_class = _write_variant(tmp_path, "Deadlift (Barbell),", "Deadlift (Barbell),")
    load_catalog(bad_class)  # unchanged copy loads
    text = bad_class.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace(",direct,1.0,", ",lumbar,1.0,")
    bad_class.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_catalog(bad_class)
    assert info.value.row == 2
    missing_alt = _write_variant(tmp_path, "Lying Leg Curl (Machine)|Seated", "No Such Curl|Seated")
    with pytest.raises(ConfigError, match="not in the catalog"):
        load_catalog(missing_alt)
    with pytest.raises(ConfigError):
        load_catalog(tmp_path / "absent.csv")
