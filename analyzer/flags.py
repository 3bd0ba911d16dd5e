"""Flags: the rule engine (analyzer/rules.py) run over every athlete, its hits worded.

Input is the model's daily table and the dosed set table; output is one row per flag (a
DataFrame with FLAG_COLUMNS). The athletes' days go into one `DayGrid` (athletes x days
since each athlete's first Monday); only the hits themselves are worded one by one.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

import numpy as np
import pandas as pd

from analyzer import calendar, rules
from analyzer.config import Config
from analyzer.model import DAY_NS
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
_DAY_OFFSET = 1 << 22  # keeps day numbers of any datetime64[ns] date positive


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
        """The chronic EWMA and its history count on every day (for the swap blocks' carried
        state), from a zero state at each athlete's first Monday."""
        n = self.grid.shape[0]
        return rules.chronic_ewma(self.grid.dose, np.zeros(n), np.zeros(n), config.chronic_days)

    def week_index(self, athlete: str, week_start: dt.date) -> tuple[int, int]:
        """(series row, week column) of an athlete's week."""
        series = self._index[athlete]
        return series, (week_start - self.starts[series]).days // rules.WEEK

    def date(self, series: int, column: int) -> dt.date:
        return self.starts[series] + dt.timedelta(days=int(column))


class _Text:
    """How messages name the days, lifts and notes of the athletes of an `AthleteGrid`."""

    def __init__(
        self, grid: AthleteGrid, dosed: pd.DataFrame, config: Config, wanted: set[tuple[int, int]]
    ) -> None:
        self.grid = grid
        self._days: dict[tuple[int, int], str] = {}
        index = {name: i for i, name in enumerate(grid.names)}
        # Each distinct name looked up once, then by code (a per-row map of strings is slow).
        codes, uniques = pd.factorize(dosed["athlete"])
        of_unique = np.array([index.get(str(u), -1) for u in uniques] + [-1], dtype="int64")
        athlete = of_unique[codes]
        day = dosed["date"].to_numpy(dtype="datetime64[ns]").view("int64") // DAY_NS
        known = (athlete >= 0) & (dosed["date"].notna().to_numpy())
        code = np.where(known, athlete, 0)
        first = np.array(
            [np.datetime64(d, "D").astype("int64") for d in grid.starts], dtype="int64"
        )
        column = day - first[code] if len(first) else day
        key = code * _DAY_OFFSET * 2 + column + _DAY_OFFSET
        wanted_keys = np.array(
            [s * _DAY_OFFSET * 2 + c + _DAY_OFFSET for s, c in wanted], dtype="int64"
        )
        rows = np.flatnonzero(known & np.isin(key, wanted_keys))
        # Only the wanted rows' texts are converted (a text column of the whole log is slow).
        part = pd.DataFrame(
            {
                "key": key[rows],
                "exercise": dosed["exercise"].take(rows).to_numpy(dtype=object),
                "dose": dosed["dose"].to_numpy(dtype="float64")[rows],
                "notes": dosed["notes"].take(rows).to_numpy(dtype=object),
            }
        )
        loading = part[part["dose"] > 0]
        per = (
            loading.groupby(["key", "exercise"], sort=False)["dose"]
            .sum()
            .reset_index()
            .sort_values(["key", "dose"], ascending=[True, False], kind="stable")
        )
        self._lifts: dict[int, list[str]] = {}
        for k, name in zip(per["key"].tolist(), per["exercise"].tolist(), strict=True):
            self._lifts.setdefault(k, []).append(str(name))
        region = pain_regions(part["notes"].astype("str"), config)
        pain = part[region != ""]
        self._notes: dict[tuple[int, bool], str] = {}
        self._pain_lifts: dict[int, list[str]] = {}
        for k, r, note, name in zip(
            pain["key"].tolist(),
            region[region != ""].tolist(),
            pain["notes"].tolist(),
            pain["exercise"].tolist(),
            strict=True,
        ):
            if r:
                back = r != "other"
                self._notes.setdefault((k, back), str(note))
                self._pain_lifts.setdefault(k, []).append(str(name))

    @staticmethod
    def _key(series: int, column: int) -> int:
        return series * _DAY_OFFSET * 2 + column + _DAY_OFFSET

    def day(self, series: int, column: int) -> str:
        key = (series, column)
        if key not in self._days:
            d = self.grid.date(series, column)
            self._days[key] = f"{DAY_NAMES[d.weekday()]} {d.isoformat()}"
        return self._days[key]

    def lift_names(self, series: int, column: int) -> list[str]:
        return self._lifts.get(self._key(series, column), [])

    def lifts(self, series: int, column: int) -> str:
        names = self.lift_names(series, column)
        if not names:
            return "light loading"
        shown = ", ".join(names[:LIFTS_PER_DAY])
        return shown + (f" +{len(names) - LIFTS_PER_DAY}" if len(names) > LIFTS_PER_DAY else "")

    def note(self, series: int, column: int) -> str:
        k = self._key(series, column)
        text = self._notes.get((k, True)) or self._notes.get((k, False), "")
        text = " ".join(text.split())
        return text if len(text) <= NOTE_CHARS else text[: NOTE_CHARS - 3] + "..."

    def pain_lifts(self, series: int, column: int) -> list[str]:
        return self._pain_lifts.get(self._key(series, column), [])


def find_flags(grid: AthleteGrid, dosed: pd.DataFrame, config: Config) -> pd.DataFrame:
    """Every flag of every athlete of `grid`, one row each (columns FLAG_COLUMNS), by
    athlete, week and rule order (`dosed`: their dosed sets, for the messages)."""
    hits = rules.evaluate(grid.grid, config)
    if not hits:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    wanted = {
        (h.series, c)
        for h in hits
        for c in (*h.days, *(h.figures[k] for k in rules.day_columns(h.figures)))
    }
    text = _Text(grid, dosed, config, wanted)
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
        start = grid.starts[h.series]
        week_start = start + dt.timedelta(days=h.week * rules.WEEK)
        out.append(
            (
                grid.names[h.series],
                pd.Timestamp(week_start),
                h.code,
                h.severity,
                tuple(grid.date(h.series, c) for c in h.days),
                tuple(dict.fromkeys(names)),
                rule.message(h.figures, text, h.series),
                rules.dated_figures(h.figures, start),
            )
        )
    return pd.DataFrame(out, columns=FLAG_COLUMNS)
