"""read_pain: pain notes read by body region (issue 14)."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd
import pytest

from analyzer.config import load_config
from analyzer.pain import REGIONS, pain_regions, read_pain

LB = ("lower_back", "lower back")
NONE = ("", "")
UNSPEC = ("unspecified", "")


def other(part: str) -> tuple[str, str]:
    return ("other", part)


# (note, (region, part)): real-shaped notes as lifters write them.
CASES: list[tuple[str, tuple[str, str]]] = [
    # --- English: lower back
    ("tweaked my back", LB),
    ("Tweaked my back on the last rep", LB),
    ("lower back twinge", LB),
    ("back tight", LB),
    ("Back tight after deadlifts", LB),
    ("stiff lower back", LB),
    ("niggle in my back", LB),
    ("back squat hurt my back", LB),
    ("Low back pain on set 3", LB),
    ("lumbar felt off on the last set", LB),
    ("SI joint sore", LB),
    ("sciatica flaring up again", LB),
    ("erectors pumped and sore", LB),
    ("QL tight on the left", LB),
    ("Spine felt compressed and achy", LB),
    ("pulled my back", LB),
    ("My back hurts", LB),
    ("sore back", LB),
    ("knee and lower back pain", LB),
    ("shoulder pain, also back twinge", LB),
    ("Lower back, twinge on set 3", LB),
    ("pain in my back in the morning", LB),
    ("back's been cranky since Tuesday", LB),
    # --- English: other parts
    ("shoulder pain", other("shoulder")),
    ("elbow hurts", other("elbow")),
    ("knee twinge", other("knee")),
    ("neck stiff", other("neck")),
    ("Slow, shoulder twinge", other("shoulder")),
    ("upper back tight", other("upper back")),
    ("traps sore", other("traps")),
    ("lats tight after pull-ups", other("lats")),
    ("rhomboids achy", other("rhomboids")),
    ("Left shoulder iffy", other("shoulder")),
    ("Right knee feels weird", other("knee")),
    ("Hamstring cramp before last set", other("hamstring")),
    ("Heavy forearm pain on left, limiter for a lot of movements", other("forearm")),
    ("Bad on elbows/wrists today", other("elbow")),
    ("Knees hurt", other("knee")),
    ("leg press hurt my knee", other("knee")),
    ("Shoulder pain, back felt fine", other("shoulder")),
    ("mid back pain", other("mid back")),
    # --- English: unspecified
    ("pain", UNSPEC),
    ("hurt", UNSPEC),
    ("Something hurt on the 3rd rep", UNSPEC),
    ("came back from injury, easy day", UNSPEC),
    ("pain is back", UNSPEC),
    # --- English: nothing (cues, soreness alone, negations, exercise and set words)
    ("felt tight", NONE),
    ("sore today", NONE),
    ("Still super sore from dumbbell mid week", NONE),
    ("keep back tight", NONE),
    ("Keep your back tight and chest up", NONE),
    ("back tight and flat", NONE),
    ("brace, tight back", NONE),
    ("stay tight", NONE),
    ("tight arch, leg drive", NONE),
    ("Get tight, then pull", NONE),
    ("no pain", NONE),
    ("pain free", NONE),
    ("pain-free today", NONE),
    ("back felt fine", NONE),
    ("no back pain", NONE),
    ("Back didn't hurt at all", NONE),
    ("back squat felt heavy", NONE),
    ("back extension 3x15", NONE),
    ("Back extensions felt tight", NONE),
    ("back-off sets at 80%", NONE),
    ("2 backoff sets, felt off", NONE),
    ("back off sets felt sharp", NONE),
    ("Behind back this time", NONE),
    ("Getting back to legs, lower weight and 2 top sets only", NONE),
    ("Pulled 200 today", NONE),
    ("Pinch grip hold", NONE),
    ("back day", NONE),
    ("Knee sleeves on", NONE),
    ("Shoulder width grip", NONE),
    ("tweaked my setup", NONE),
    ("Neutral spine, flat back", NONE),
    ("Back to back sets", NONE),
    ("Dropped back to 80kg, sore", NONE),
    ("Back at it after vacation", NONE),
    ("Knee wraps were tight", NONE),
    ("pain in the ass setup", NONE),
    ("Lower back pumped", NONE),
    ("chest and back day, sore shoulders", other("shoulder")),
    ("Back felt a bit off", LB),
    ("My back is killing me", LB),
    ("no pain in the back", NONE),
    ("My lower back is fine", NONE),
    # --- German
    ("Rücken tut weh", LB),
    ("Rückenschmerzen nach dem Kreuzheben", LB),
    ("unterer Rücken verspannt", LB),
    ("Hexenschuss", LB),
    ("LWS zwickt", LB),
    ("Kreuz steif", LB),
    ("Schulter schmerzt", other("shoulder")),
    ("Knieschmerzen links", other("knee")),
    ("oberer Rücken verspannt", other("upper back")),
    ("Schmerzen", UNSPEC),
    ("Zerrung", UNSPEC),
    ("keine Schmerzen", NONE),
    ("schmerzfrei", NONE),
    ("Rücken tut nicht weh", NONE),
    ("Muskelkater", NONE),
    # --- Spanish
    ("dolor de espalda", LB),
    ("me duele la zona lumbar", LB),
    ("molestia en la espalda baja", LB),
    ("Contractura lumbar", LB),
    ("dolor en el hombro", other("shoulder")),
    ("me duele la rodilla", other("knee")),
    ("espalda alta cargada", other("upper back")),
    ("lesión", UNSPEC),
    ("lesion", UNSPEC),
    ("tirón", UNSPEC),
    ("sin dolor", NONE),
    ("Dos series con dolor de rodilla", other("knee")),
    ("no me duele la espalda", NONE),
    # --- French
    ("mal au dos", LB),
    ("douleur lombaire", LB),
    ("lumbago", LB),
    ("le bas du dos raide", LB),
    ("gêne dans le dos", LB),
    ("mal aux genoux", other("knee")),
    ("douleur à l'épaule", other("shoulder")),
    ("haut du dos raide", other("upper back")),
    ("courbatures", NONE),
    ("sans douleur", NONE),
    ("blessure", UNSPEC),
    # --- Portuguese
    ("dor nas costas", LB),
    ("dor lombar", LB),
    ("dói o joelho", other("knee")),
    ("sem dor", NONE),
    ("Esqueci-me do equipamento lol", NONE),
    # --- Chinese
    ("腰疼", LB),
    ("下背有点痛", LB),
    ("肩膀疼", other("shoulder")),
    ("膝盖不舒服", other("knee")),
    ("上背酸", other("upper back")),
    ("不痛", NONE),
    ("腰放下去", NONE),
    ("腰带太紧", NONE),
    ("疼", UNSPEC),
]


def test_table_is_large_and_covers_every_language() -> None:
    assert len(CASES) >= 60
    notes = [n for n, _ in CASES]
    assert len(set(notes)) == len(notes), "duplicate notes in the table"


@pytest.mark.parametrize(("note", "expected"), CASES, ids=[n for n, _ in CASES])
def test_note(note: str, expected: tuple[str, str]) -> None:
    got = read_pain(pd.Series([note]))
    assert (got.at[0, "region"], got.at[0, "part"]) == expected


def test_whole_table_at_once_matches_one_by_one() -> None:
    notes = pd.Series([n for n, _ in CASES], index=np.arange(len(CASES)) * 10 + 3)
    got = read_pain(notes)
    assert list(got.columns) == ["region", "part"]
    assert got.index.equals(notes.index)
    assert list(zip(got["region"], got["part"], strict=True)) == [e for _, e in CASES]
    assert set(got["region"]) <= {"", *REGIONS}
    assert got["region"].dtype == "str" and got["part"].dtype == "str"


def test_repeated_missing_and_empty_notes() -> None:
    notes = pd.Series(
        ["back tight", None, "back tight", "", np.nan, "knee pain", "back tight"], name="notes"
    )
    got = read_pain(notes)
    assert got["region"].tolist() == ["lower_back", "", "lower_back", "", "", "other", "lower_back"]
    assert got["part"].tolist() == ["lower back", "", "lower back", "", "", "knee", "lower back"]
    empty = read_pain(pd.Series([], dtype="str"))
    assert list(empty.columns) == ["region", "part"] and empty.empty


def test_pain_regions_are_read_pains_regions() -> None:
    notes = pd.Series([*(n for n, _ in CASES), None, "", np.nan] * 3)
    regions = pain_regions(notes)
    assert regions.dtype == object and len(regions) == len(notes)
    assert regions.tolist() == read_pain(notes)["region"].tolist()


def test_each_distinct_note_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import analyzer.pain as pain

    seen: list[int] = []
    real = pain._read_distinct

    def spy(notes: pd.Series, patterns: object) -> tuple[np.ndarray, np.ndarray]:
        seen.append(len(notes))
        return real(notes, patterns)  # type: ignore[arg-type]

    monkeypatch.setattr(pain, "_read_distinct", spy)
    notes = pd.Series(["back tight", "knee pain", "back tight", None] * 500)
    got = pain.read_pain(notes)
    assert seen == [2]
    assert got["region"].value_counts().to_dict() == {"lower_back": 1000, "other": 500, "": 500}


def test_default_config_reads_like_no_config() -> None:
    notes = pd.Series([n for n, _ in CASES])
    pd.testing.assert_frame_equal(read_pain(notes, load_config()), read_pain(notes))


def test_user_words_and_negations_extend_the_vocabulary() -> None:
    base = load_config()
    config = dataclasses.replace(
        base,
        words=(*base.words, "owie", "crunchy"),
        cjk=(*base.cjk, "难受"),
        negations=(*base.negations, "all good", "pain gone"),
    )
    notes = pd.Series(
        [
            "owie",
            "owie in my lower back",
            "knee crunchy",
            "难受",
            "pain gone",
            "all good, no issues",
            "pain",
        ]
    )
    without = read_pain(notes)
    assert without["region"].tolist() == ["", "", "", "", "unspecified", "", "unspecified"]
    got = read_pain(notes, config)
    assert got["region"].tolist() == [
        "unspecified",
        "lower_back",
        "other",
        "unspecified",
        "",
        "",
        "unspecified",
    ]
    assert got["part"].tolist() == ["", "lower back", "knee", "", "", "", ""]


def test_million_rows_of_a_thousand_notes_is_fast() -> None:
    rng = np.random.default_rng(14)
    pool = [f"{note} (set {i})" for i in range(1000 // len(CASES) + 1) for note, _ in CASES]
    pool = pool[:1000]
    notes = pd.Series(np.asarray(pool, dtype=object)[rng.integers(0, len(pool), 1_000_000)])
    read_pain(notes.head(1000))  # compile the patterns
    start = time.perf_counter()
    got = read_pain(notes)
    elapsed = time.perf_counter() - start
    assert len(got) == 1_000_000
    assert elapsed < 1.0, f"{elapsed:.2f} s"
