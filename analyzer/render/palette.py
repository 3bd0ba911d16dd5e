"""Colours and words shared by charts and PDFs, so a class or status looks the same everywhere.

Okabe-Ito colours (Okabe & Ito 2008): distinguishable with the common colour-vision
deficiencies and in greyscale print, because each class also differs in lightness.
"""

from __future__ import annotations

from collections.abc import Mapping

from analyzer.results import Week
from analyzer.rules import RULES

#: Day classes of the week calendar, strongest lower-back load first.
DAY_CLASSES: tuple[str, ...] = ("direct", "indirect", "none", "rest")

CLASS_COLOURS: Mapping[str, str] = {
    "direct": "#D55E00",  # vermillion
    "indirect": "#E69F00",  # orange
    "none": "#56B4E9",  # sky blue: trained, but nothing that loads the lower back
    "rest": "#EEEEEE",  # light grey: nothing logged
    "unknown": "#999999",
}

CLASS_WORDS: Mapping[str, str] = {
    "direct": "direct lower-back load (deadlift, row, good morning...)",
    "indirect": "indirect load (squat, standing press...)",
    "none": "trained, lower back spared",
    "rest": "rest / nothing logged",
}

#: Text colour that reads on each class fill.
CLASS_TEXT: Mapping[str, str] = {
    "direct": "#FFFFFF",
    "indirect": "#000000",
    "none": "#000000",
    "rest": "#777777",
    "unknown": "#000000",
}

STATUS_COLOURS: Mapping[str, str] = {
    "ok": "#009E73",  # bluish green
    "watch": "#E69F00",  # orange
    "overuse": "#D55E00",  # vermillion
    "no data": "#BBBBBB",
}

#: `info` flags (notes that do not change a week's status) are drawn in this neutral grey.
INFO_GREY = "#777777"

LINE_BLUE = "#0072B2"
FLAG_OUTLINE = "#000000"
BAND_FILL = "#009E73"


PLAIN_FLAG: Mapping[str, str] = {r.code: r.label for r in RULES}

DOSE_UNIT = "dose (1 = one all-out deadlift set)"


def week_colour_key(week: Week) -> str:
    """The colour key of a week's status: a week in progress that is ok so far is grey
    ("no data"), never green."""
    return "no data" if week.in_progress and week.status == "ok" else week.status
