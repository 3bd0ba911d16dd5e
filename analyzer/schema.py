"""The canonical set table: the one contract between importers and everything after them.

One row per performed set. Every importer returns exactly these columns with these dtypes
(see `docs/schema.md`); nothing downstream reads a raw file.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionDtype

from analyzer.calendar import DAY_NS

STR: Final = pd.StringDtype(na_value=np.nan)

SET_TYPES: Final[tuple[str, ...]] = ("normal", "warmup", "failure", "drop")
SET_TYPE_DTYPE: Final = pd.CategoricalDtype(list(SET_TYPES))

#: How exports write a set's type (lower case) -> set_type. One vocabulary for every importer.
SET_TYPE_WORDS: Final[dict[str, str]] = {
    "normal": "normal",
    "w": "warmup",
    "wu": "warmup",
    "warmup": "warmup",
    "warm_up": "warmup",
    "warm-up": "warmup",
    "warm up": "warmup",
    "f": "failure",
    "failure": "failure",
    "d": "drop",
    "drop": "drop",
    "dropset": "drop",
    "drop_set": "drop",
}
WARMUP_WORDS: Final[tuple[str, ...]] = tuple(
    word for word, kind in SET_TYPE_WORDS.items() if kind == "warmup"
)

#: column name -> dtype, in output order.
COLUMNS: Final[dict[str, str | ExtensionDtype]] = {
    "athlete": STR,  # who trained; file stem, sheet name or athlete column
    "performed_at": "datetime64[ns]",  # local wall-clock start of the workout (or the set)
    "date": "datetime64[ns]",  # calendar day of performed_at (midnight)
    "workout": STR,  # workout title, or "" when the app has none
    "exercise": STR,  # name exactly as written in the log
    "set_index": "Int64",  # 1-based order of the set within workout + exercise
    "weight_kg": "float64",  # kg; NaN for bodyweight / no load
    "reps": "float64",  # NaN for timed or cardio sets
    "rpe": "float64",  # 1-10 (RIR converted as 10 - RIR); NaN if not logged
    "set_type": SET_TYPE_DTYPE,  # normal | warmup | failure | drop
    "notes": STR,  # set / exercise note and workout note joined by " | "
    "distance_m": "float64",  # metres; NaN if none
    "duration_s": "float64",  # seconds of a timed set; NaN if none
    "multiplier": "float64",  # implements per set (Fitbod: 2 for dumbbell pairs); NaN if unknown
    "source_file": STR,  # path of the file the row came from
    "source_row": "int64",  # 1-based physical line/row in that file (header line = 1)
}

REQUIRED: Final[tuple[str, ...]] = ("athlete", "performed_at", "exercise")

#: Name columns lose control characters (they become file names, chart titles, PDF text).
NAME_COLUMNS: Final[tuple[str, ...]] = ("athlete", "workout", "exercise")
CONTROL_CHARS: Final[str] = r"[\x00-\x1f\x7f-\x9f]"


#: Invisible format characters (Unicode category Cf: U+200B zero width space, U+202E
#: right-to-left override, U+FEFF byte order mark, soft hyphen, ...), removed from every text
#: column at import: they could reorder or hide text in the terminal, JSON, PDFs, tables and
#: file names. (Listed as ranges: building the class from `unicodedata` costs 0.3 s a run;
#: tests/test_bad_inputs.py checks it against `unicodedata`.)
FORMAT_CHARS: Final[str] = (
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)

LB_TO_KG: Final[float] = 0.45359237


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` as a canonical table: missing optional columns added, dtypes enforced,
    `date` derived from `performed_at`, columns in canonical order, index reset.

    Importers build what they can and call this last, so the contract lives in one place.
    Text columns are cleaned on their distinct values (see `_staged_text`), and columns
    already in their canonical dtype are not converted again. It is
    `materialise(stage(frame))`: a caller that drops rows (`canonical.finish`) filters the
    staged frame in between, so per-row strings are built only for the rows kept.
    """
    return materialise(stage(frame))


def stage(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` converted column by column as `conform` converts it, but not yet built into
    per-row strings: a text column that needed cleaning (or was categorical) is a categorical
    of its cleaned distinct values, and `date` is not derived yet. Index reset.

    Rows of a staged frame can be checked and filtered cheaply (a text column is one small
    integer code per row); `materialise` then turns the rows kept into the canonical table.
    The conversions run on every row, exactly as `conform` would, so filtering before or
    after them gives the same values.
    """
    columns: dict[str, pd.Series] = {}
    for name, dtype in COLUMNS.items():
        if name == "date":
            continue  # derived from performed_at by materialise
        if name in frame.columns:
            col = frame[name]
        elif name == "set_type":
            col = constant_column("normal", frame.index, SET_TYPE_DTYPE)
        elif name in ("workout", "notes"):
            col = constant_column("", frame.index)
        else:
            col = pd.Series(np.nan, index=frame.index)
        if col.dtype == dtype and dtype in ("datetime64[ns]", "float64", "int64"):
            pass  # already canonical: the conversions below would return the same values
        elif dtype == "datetime64[ns]":
            col = as_ns(pd.to_datetime(col))
        elif name == "set_index":
            col = pd.to_numeric(col, errors="coerce").round().astype("Int64")
        elif dtype in ("float64",):
            col = pd.to_numeric(col, errors="coerce").astype("float64")
        elif dtype == "int64":
            col = pd.to_numeric(col, errors="coerce").fillna(0).astype("int64")
        elif isinstance(dtype, pd.CategoricalDtype):
            if col.dtype == dtype:
                col = col.fillna("normal") if col.hasnans else col
            else:
                col = col.astype(STR).str.strip().str.lower().astype(dtype).fillna("normal")
        else:
            col = _staged_text(col, name)
        columns[name] = col
    # One constructor call: inserting 15 columns one by one costs more than the conversions
    # on a file of a few thousand rows. copy=False: the Series are shared (copy on write).
    return pd.DataFrame(columns, index=frame.index, copy=False).reset_index(drop=True)


def materialise(staged: pd.DataFrame) -> pd.DataFrame:
    """The canonical table of a staged frame (`stage`), usually after rows were dropped from
    it: each categorical text column is taken per row from its cleaned distinct values (the
    one place per-row strings are built), `date` is derived from `performed_at`, index reset.
    """
    staged = staged.reset_index(drop=True)
    columns: dict[str, pd.Series] = {}
    for name, dtype in COLUMNS.items():
        if name == "date":
            columns[name] = _day_start(staged["performed_at"])
            continue
        col = staged[name]
        if dtype == STR and isinstance(col.dtype, pd.CategoricalDtype):
            codes = col.cat.codes.to_numpy()
            col = pd.Series(col.cat.categories.array.take(codes, allow_fill=True), index=col.index)
        columns[name] = col
    return pd.DataFrame(columns, index=staged.index, copy=False)


def constant_column(
    value: str, index: pd.Index, dtype: pd.CategoricalDtype | None = None
) -> pd.Series:
    """`value` on every row of `index` as a categorical (one byte per row; `dtype` when given
    must hold `value`): a constant column such as `source_file` costs its string once, not
    once per row, until `materialise` builds the rows kept."""
    dtype = dtype or pd.CategoricalDtype(pd.Index([value], dtype=STR))
    codes = np.full(len(index), dtype.categories.get_loc(value), dtype=np.int8)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype, validate=False), index=index)


#: The span a datetime64[ns] can hold, inside pandas' limits by a margin of whole days.
NS_EARLIEST: Final = pd.Timestamp("1678-01-01")
NS_LATEST: Final = pd.Timestamp("2262-01-01")


def as_ns(values: pd.Series) -> pd.Series:
    """A datetime column of any resolution as datetime64[ns]. Times a nanosecond column cannot
    hold (year 0001, 3000, 9999) are clipped to NS_EARLIEST / NS_LATEST instead of raising,
    so the importers' range checks skip those rows as `date before 1970` or `date in the
    future`, like any other impossible date."""
    if values.dtype == "datetime64[ns]":
        return values
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    if values.notna().any():
        # pandas-stubs takes only numbers or arrays as bounds; Timestamps work at run time.
        values = values.clip(lower=NS_EARLIEST, upper=NS_LATEST)  # type: ignore[call-overload]
    return values.astype("datetime64[ns]")


_DAY_NS: Final = DAY_NS
_PIECE_ROWS: Final = 1 << 20


def _day_start(when: pd.Series) -> pd.Series:
    """`when.dt.normalize()` of a datetime64[ns] column (midnight of each day, NaT kept),
    a million rows at a time so the remainders never need a full-length array."""
    ns = when.to_numpy().view("int64")
    out = np.empty_like(ns)
    for start in range(0, ns.size, _PIECE_ROWS):
        part = ns[start : start + _PIECE_ROWS]
        np.subtract(part, part % _DAY_NS, out=out[start : start + _PIECE_ROWS])
    out[ns == np.iinfo(np.int64).min] = np.iinfo(np.int64).min  # NaT
    return pd.Series(out.view("datetime64[ns]"), index=when.index, copy=False)


def _staged_text(col: pd.Series, name: str) -> pd.Series:
    """A text column cleaned for the canonical table: `workout`/`notes` empty instead of
    missing, name columns without control characters, every cell stripped.

    The rules run on the distinct cells only. A non-categorical column they leave unchanged
    is returned as STR as it is; otherwise the result is a categorical of the distinct cleaned
    values (cells that clean to the same text share one category), which `materialise` takes
    back per row once the rows to keep are known.
    """
    if isinstance(col.dtype, pd.CategoricalDtype):
        text = None
        codes = col.cat.codes.to_numpy()
        values = pd.Series(col.cat.categories, dtype=object).astype(STR)
    else:
        text = col.astype(STR)
        codes, uniques = pd.factorize(text)
        values = pd.Series(uniques, dtype=STR)
    cleaned = values.str.replace(FORMAT_CHARS, "", regex=True)
    if name in NAME_COLUMNS:
        cleaned = cleaned.str.replace(CONTROL_CHARS, "", regex=True)
    cleaned = cleaned.str.strip()
    fill_empty = name in ("workout", "notes") and bool((codes < 0).any())
    if text is not None and not fill_empty and cleaned.equals(values):
        return text
    # Categories must be distinct: "Squat" and "Squat " both clean to "Squat".
    merged, distinct = pd.factorize(cleaned)
    categories = pd.Index(distinct, dtype=STR)
    if fill_empty and "" not in categories:
        categories = categories.append(pd.Index([""], dtype=STR))
    if len(categories) != len(cleaned) or fill_empty:
        # lookup[code] is the row's new code; lookup[-1], for missing cells, is -1 or "".
        missing = categories.get_loc("") if fill_empty else -1
        lookup = np.append(merged, missing).astype(_code_dtype(len(categories)))
        codes = lookup[codes]
    dtype = pd.CategoricalDtype(categories)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype, validate=False), index=col.index)


def _code_dtype(categories: int) -> type[np.signedinteger]:
    """The smallest signed integer dtype that holds codes -1 .. categories - 1."""
    for kind in (np.int8, np.int16, np.int32):
        if categories <= np.iinfo(kind).max:
            return kind
    return np.int64


def is_canonical(frame: pd.DataFrame) -> bool:
    """True when `frame` has exactly the canonical columns in order with the canonical dtypes."""
    if list(frame.columns) != list(COLUMNS):
        return False
    return all(str(frame[c].dtype) == str(pd.Series(dtype=d).dtype) for c, d in COLUMNS.items())
