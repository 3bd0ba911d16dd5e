"""The exercise catalog: size, invariants the tagger and the swap search rely on, app names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analyzer.catalog import (
    CATALOG_COLUMNS,
    alternatives_of,
    default_catalog_path,
    filter_catalog,
    load_catalog,
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
def test_app_default_names_are_aliases(catalog: pd.DataFrame, app_name: str,
                                       canonical: str) -> None:
    row = catalog.loc[catalog["name"] == canonical].iloc[0]
    assert app_name == canonical or app_name in row["aliases"]


def test_alternatives_spare_the_back_and_train_the_same_muscle(catalog: pd.DataFrame) -> None:
    by_name = catalog.set_index("name")
    checked = 0
    for name in catalog["name"]:
        for alt in alternatives_of(catalog, name):
            target = by_name.loc[alt]
            assert target["load_class"] == "none" or (
                target["coefficient"] < by_name.loc[name, "coefficient"]
            )
            assert target["primary_muscle"] == by_name.loc[name, "primary_muscle"]
            checked += 1
    assert checked > 100
    # the swaps the product promises (issue 7)
    row_alts = alternatives_of(catalog, "Bent Over Row (Barbell)")
    press_alts = alternatives_of(catalog, "Overhead Press (Barbell)")
    assert "Chest Supported Row (Dumbbell)" in row_alts
    assert "Seated Overhead Press (Dumbbell)" in press_alts
    assert "Leg Press" in alternatives_of(catalog, "Squat (Barbell)")
    assert "Lying Leg Curl (Machine)" in alternatives_of(catalog, "Good Morning (Barbell)")


def test_every_loaded_exercise_with_a_free_alternative_lists_it(catalog: pd.DataFrame) -> None:
    direct = catalog[catalog["load_class"] == "direct"]
    without = direct.loc[direct["alternatives"].isna() | direct["alternatives"].eq(""), "name"]
    assert without.empty, list(without)


def test_heavy_marks_the_competition_lift_families(catalog: pd.DataFrame) -> None:
    heavy = set(catalog.loc[catalog["heavy"], "name"])
    assert {"Squat (Barbell)", "Bench Press (Barbell)", "Deadlift (Barbell)"} <= heavy
    assert "Leg Press" not in heavy and "Bicep Curl (Barbell)" not in heavy


def test_coefficients_follow_the_documented_order(catalog: pd.DataFrame) -> None:
    coef = catalog.set_index("name")["coefficient"]
    assert coef["Deadlift (Barbell)"] >= coef["Good Morning (Barbell)"] > coef[
        "Bent Over Row (Barbell)"] > coef["Squat (Barbell)"] > coef["Front Squat (Barbell)"] > coef[
        "Overhead Press (Barbell)"] > coef["Lunge (Barbell)"] > 0


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
