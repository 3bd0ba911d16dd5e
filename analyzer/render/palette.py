"""Colours shared by charts, PDFs and the xlsx table, so a class or status looks the same
everywhere. (The words of the legends, `CLASS_WORDS` and `DOSE_UNIT`, are `wording`'s; they are
also reachable here because the charts draw colour and legend word side by side.)

Okabe-Ito colours (Okabe & Ito 2008): distinguishable with the common colour-vision
deficiencies and in greyscale print, because each class also differs in lightness.
"""

from __future__ import annotations

from collections.abc import Mapping

from analyzer.render.wording import CLASS_WORDS, DOSE_UNIT
from analyzer.results import Week

__all__ = [
    "BAND_FILL",
    "CLASS_COLOURS",
    "CLASS_TEXT",
    "CLASS_WORDS",
    "DAY_CLASSES",
    "DOSE_UNIT",
    "FLAG_OUTLINE",
    "INFO_GREY",
    "LINE_BLUE",
    "STATUS_COLOURS",
    "colour_key",
    "week_colour_key",
]

#: Day classes of the week calendar, strongest lower-back load first.
DAY_CLASSES: tuple[str, ...] = ("direct", "indirect", "none", "rest")

CLASS_COLOURS: Mapping[str, str] = {
    "direct": "#D55E00",  # vermillion
    "indirect": "#E69F00",  # orange
    "none": "#56B4E9",  # sky blue: trained, but nothing that loads the lower back
    "rest": "#EEEEEE",  # light grey: nothing logged
    "unknown": "#999999",
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


def colour_key(week: Week | None, status: str) -> str:
    """The colour key of `status` shown for `week`: a week in progress that is ok so far is
    grey ("no data"), never green."""
    return "no data" if week is not None and week.in_progress and status == "ok" else status


def week_colour_key(week: Week) -> str:
    """The colour key of a week's own status (`colour_key`)."""
    return colour_key(week, week.status)
