"""Flags: the rule engine (analyzer/rules.py) run over every athlete, its hits worded.

Input is the model's daily table and the dosed set table; output is one row per flag (a
DataFrame with FLAG_COLUMNS). The athletes' days go into one `DayGrid` (athletes x days
since each athlete's first Monday); only the hits themselves are worded one by one.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import cast

import numpy as np
import pandas as pd

from analyzer import calendar, rules
from analyzer.config import Config
from analyzer.model import DAY_NS, SetKeys
from analyzer.pain import pain_regions

FLAG_COLUMNS = [
    "athlete",
    "week_start",
    "code",
    "severity",
    "days",
    "exercises",
    "message",
    "figures",
]
DAY_NAMES = calendar.DAY_NAMES
#: Lifts named per day in a message.
LIFTS_PER_DAY = 3
#: Characters of a note quoted in a message.
NOTE_CHARS = 80


class AthleteGrid:
    """The daily table of every athlete as one `DayGrid` (row i = athlete `names[i]`, column
    k = `starts[i]` + k days), every week judged, no state carried in."""

    def __init__(self, days: pd.DataFrame) -> None:
        codes, names = pd.factorize(days["athlete"], sort=True)
        self.names: list[str] = [str(n) for n in names]
        self._index = {name: i for i, name in enumerate(self.names)}
        date = days["date"].to_numpy(dtype="datetime64[ns]").view("int64") // DAY_NS
        n = len(self.names)
        first = np.full(n, np.iinfo("int64").max)
        np.minimum.at(first, codes, date)
        column = date - first[codes]
        width = int(column.max()) + 1 if len(column) else 0
        width += -width % rules.WEEK
        self.starts: list[dt.date] = first.astype("datetime64[D]").tolist() if n else []
        self.codes, self.column = codes, column
        self._chronic: dict[int, tuple[np.ndarray, np.ndarray]] = {}

        def grid(name: str, fill: float | bool, dtype: str) -> np.ndarray:
            out = np.full((n, width), fill, dtype=dtype)
            out[codes, column] = days[name].to_numpy(dtype=dtype)
            return out

        at_first = np.flatnonzero(column == 0)
        per_athlete = {k: np.zeros(n) for k in ("loaded_at", "hard_at", "heavy_at", "usual_week")}
        for k, values in per_athlete.items():
            values[codes[at_first]] = days[k].to_numpy(dtype="float64")[at_first]
        valid = np.zeros((n, width), dtype=bool)
        valid[codes, column] = True
        self.grid = rules.DayGrid(
            dose=grid("dose", 0.0, "float64"),
            direct=grid("direct_dose", 0.0, "float64"),
            hour=grid("direct_hour", np.nan, "float64"),
            back_pain=grid("back_pain", False, "bool"),
            other_pain=grid("other_pain", False, "bool"),
            valid=valid,
            chronic_raw=np.zeros(n),
            history=np.zeros(n),
            idle=np.full(n, np.inf),
            judged=cast(np.ndarray, valid.reshape(n, -1, rules.WEEK).any(axis=2)),
            **per_athlete,
        )

    def chronic(self, config: Config) -> tuple[np.ndarray, np.ndarray]:
        """The chronic EWMA and its history count on every day, from the grid's zero state
        at each athlete's first Monday: what the engine computes for this grid, and the swap
        blocks' carried state. Computed once per span and kept (flags and swaps share it)."""
        span = config.chronic_days
        if span not in self._chronic:
            g = self.grid
            self._chronic[span] = rules.chronic_ewma(g.dose, g.chronic_raw, g.history, span)
        return self._chronic[span]

    def week_index(self, athlete: str, week_start: dt.date) -> tuple[int, int]:
        """(series row, week column) of an athlete's week."""
        series = self._index[athlete]
        return series, (week_start - self.starts[series]).days // rules.WEEK

    def date(self, series: int, column: int) -> dt.date:
        return self.starts[series] + dt.timedelta(days=int(column))


class _Text:
    """How messages name the days, lifts and notes of the athletes of an `AthleteGrid`.
    Only the sets of the `wanted` days (series, column) are read; `keys` and `pain` (each
    set's `pain_regions`) when the caller has them, else worked out here."""

    def __init__(
        self,
        grid: AthleteGrid,
        dosed: pd.DataFrame,
        config: Config,
        wanted: set[tuple[int, int]],
        keys: SetKeys | None = None,
        pain: np.ndarray | None = None,
    ) -> None:
        self.grid = grid
        keys = keys or SetKeys.of(dosed)
        # Each set's grid row, from its athlete's code (each distinct name looked up once; a
        # -1 code, no athlete, picks the -1 appended at the end), and its column.
        index = {name: i for i, name in enumerate(grid.names)}
        of_name = np.array([index.get(str(u), -1) for u in keys.athletes] + [-1], dtype="int64")
        series = of_name[keys.athlete]
        first = np.array(
            [np.datetime64(d, "D").astype("int64") for d in grid.starts] + [0], dtype="int64"
        )
        column = dosed["date"].to_numpy(dtype="datetime64[ns]").view("int64") // DAY_NS
        column -= first[series]
        # The wanted days, numbered in place on the grid: a set is read when its day has a
        # number.
        days = list(wanted)
        at = np.array(days, dtype="int64").reshape(-1, 2)
        n, width = grid.grid.shape
        number = np.full(n * width + 1, -1, dtype="int64")  # the last entry: off the grid
        number[at[:, 0] * width + at[:, 1]] = np.arange(len(days))
        inside = (series >= 0) & dosed["date"].notna().to_numpy() & (column >= 0) & (column < width)
        day_of_set = number[np.where(inside, series * width + column, n * width)]
        rows = np.flatnonzero(day_of_set >= 0)
        day = day_of_set[rows]
        # The wanted days' dates, as dates and as text, converted once.
        dates: list[dt.date] = (first[at[:, 0]] + at[:, 1]).astype("datetime64[D]").tolist()
        self._dates = dict(zip(days, dates, strict=True))
        self._iso = {key: d.isoformat() for key, d in zip(days, dates, strict=True)}
        self._days = {
            key: f"{DAY_NAMES[d.weekday()]} {self._iso[key]}"
            for key, d in zip(days, dates, strict=True)
        }
        # Per day, its lifts that load the back, the dose summed per lift, heaviest first
        # (lifts told apart by their codes, named once each).
        exercise = keys.exercise[rows]
        dose = dosed["dose"].to_numpy(dtype="float64")[rows]
        loading = (dose > 0) & (exercise >= 0)
        per = (
            pd.DataFrame(
                {"day": day[loading], "exercise": exercise[loading], "dose": dose[loading]}
            )
            .groupby(["day", "exercise"], sort=False)["dose"]
            .sum()
            .reset_index()
            .sort_values(["day", "dose"], ascending=[True, False], kind="stable")
        )
        names = keys.exercises
        self._lifts: dict[tuple[int, int], list[str]] = {}
        for d, e in zip(per["day"].tolist(), per["exercise"].tolist(), strict=True):
            self._lifts.setdefault(days[d], []).append(str(names[e]))
        # Notes: only those of the sets whose note mentions pain are converted to str.
        region = pain[rows] if pain is not None else pain_regions(dosed["notes"].take(rows), config)
        noted = np.flatnonzero(region != "")
        self._notes: dict[tuple[tuple[int, int], bool], str] = {}
        self._pain_lifts: dict[tuple[int, int], list[str]] = {}
        for d, r, note, name in zip(
            day[noted].tolist(),
            region[noted].tolist(),
            dosed["notes"].take(rows[noted]).to_numpy(dtype=object).tolist(),
            dosed["exercise"].take(rows[noted]).to_numpy(dtype=object).tolist(),
            strict=True,
        ):
            back = r != "other"
            self._notes.setdefault((days[d], back), str(note))
            self._pain_lifts.setdefault(days[d], []).append(str(name))

    def date(self, series: int, column: int) -> dt.date:
        key = (series, column)
        if key not in self._dates:
            self._dates[key] = self.grid.date(series, column)
        return self._dates[key]

    def iso(self, series: int, column: int) -> str:
        key = (series, column)
        if key not in self._iso:
            self._iso[key] = self.date(series, column).isoformat()
        return self._iso[key]

    def day(self, series: int, column: int) -> str:
        key = (series, column)
        if key not in self._days:
            d = self.date(series, column)
            self._days[key] = f"{DAY_NAMES[d.weekday()]} {self.iso(series, column)}"
        return self._days[key]

    def lift_names(self, series: int, column: int) -> list[str]:
        return self._lifts.get((series, column), [])

    def lifts(self, series: int, column: int) -> str:
        names = self.lift_names(series, column)
        if not names:
            return "light loading"
        shown = ", ".join(names[:LIFTS_PER_DAY])
        return shown + (f" +{len(names) - LIFTS_PER_DAY}" if len(names) > LIFTS_PER_DAY else "")

    def note(self, series: int, column: int) -> str:
        key = (series, column)
        text = self._notes.get((key, True)) or self._notes.get((key, False), "")
        text = " ".join(text.split())
        return text if len(text) <= NOTE_CHARS else text[: NOTE_CHARS - 3] + "..."

    def pain_lifts(self, series: int, column: int) -> list[str]:
        return self._pain_lifts.get((series, column), [])


def find_flags(
    grid: AthleteGrid,
    dosed: pd.DataFrame,
    config: Config,
    keys: SetKeys | None = None,
    pain: np.ndarray | None = None,
) -> pd.DataFrame:
    """Every flag of every athlete of `grid`, one row each (columns FLAG_COLUMNS), by
    athlete, week and rule order (`dosed`: their dosed sets, for the messages; its `keys`
    and each set's `pain_regions`, when the caller has them)."""
    hits = rules.evaluate(grid.grid, config, chronic=grid.chronic(config))
    if not hits:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    wanted = {
        (h.series, c)
        for h in hits
        for c in (*h.days, *(h.figures[k] for k in rules.day_columns(h.figures)))
    }
    text = _Text(grid, dosed, config, wanted, keys, pain)
    out = []
    for h in hits:
        rule = rules.BY_CODE[h.code]
        if h.code.startswith("pain"):
            names = [
                n
                for c in h.days
                for n in (text.pain_lifts(h.series, c) or text.lift_names(h.series, c))
            ]
        else:
            names = [n for c in h.days for n in text.lift_names(h.series, c)]
        out.append(
            (
                grid.names[h.series],
                h.code,
                h.severity,
                tuple(text.date(h.series, c) for c in h.days),
                tuple(dict.fromkeys(names)),
                rule.message(h.figures, text, h.series),
                rules.dated_figures(h.figures, functools.partial(text.iso, h.series)),
            )
        )
    found = pd.DataFrame(out, columns=[c for c in FLAG_COLUMNS if c != "week_start"])
    # Week start: the athlete's first Monday + 7 days per week column (in seconds, the unit a
    # Timestamp of a date has).
    first = np.array(grid.starts, dtype="datetime64[s]")
    series = np.array([h.series for h in hits], dtype="int64")
    week = np.array([h.week for h in hits], dtype="int64")
    found.insert(1, "week_start", first[series] + (week * rules.WEEK).astype("timedelta64[D]"))
    return found
