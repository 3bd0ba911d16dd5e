"""Cell text: raw cells (strings, workbook numbers and dates, categoricals) as clean text
(`as_text`), and a column as its distinct cleaned cells plus one code per row (`Coded`), so
readers parse each distinct cell once (a column of a million cells holds a few hundred).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Final

import numpy as np
import pandas as pd

from analyzer.schema import STR


def as_text(col: pd.Series) -> pd.Series:
    """Cells as stripped strings; None/NaN and empty strings become NaN."""
    text = col.astype(STR)
    stripped = text.str.strip()
    if stripped.str.len().sum() == text.str.len().sum():
        stripped = text  # nothing was stripped: keep the original buffers, not a copy
    empty = stripped == ""
    return stripped.mask(empty) if empty.any() else stripped


@dataclass(frozen=True)
class Coded:
    """A column as its distinct cleaned cells and one code per row: row i holds
    `values[codes[i]]` (`as_text` of the cell), code -1 an empty cell. `values` are distinct
    and never NaN, so equal codes mean equal text. Readers parse the distinct values once
    and take the result back per row (a column of a million cells holds a few hundred)."""

    codes: np.ndarray  # signed integers, as narrow as `code_type` of the values allows
    values: pd.Series  # STR on a RangeIndex

    def counts(self) -> np.ndarray:
        """How many rows hold each value (counted once per column: several readers ask)."""
        return self._counts

    @cached_property
    def _counts(self) -> np.ndarray:
        return value_counts(self.codes, len(self.values))

    def subset(self, keep: np.ndarray) -> Coded:
        """The rows where `keep` is true, with the values no kept row holds dropped."""
        codes = self.codes[keep]
        used = np.bincount(codes[codes >= 0], minlength=len(self.values)) > 0
        if used.all():
            return Coded(codes, self.values)
        remap = np.append(np.cumsum(used) - 1, -1).astype(np.int32)
        return Coded(gather(remap, codes), self.values[used].reset_index(drop=True))

    def take(self, per_value: np.ndarray, fill: object) -> np.ndarray:
        """Per-row array from one entry per value (`fill` for empty cells)."""
        if per_value.dtype == np.bool_:
            answers = np.append(per_value, bool(fill))
            if answers.all() or not answers.any():  # one answer for every row: no gather
                return np.full(self.codes.size, bool(fill))
        return gather(np.append(per_value, np.asarray([fill], dtype=per_value.dtype)), self.codes)

    def text(self, index: pd.Index) -> pd.Series:
        """The cells as `as_text` gives them."""
        return pd.Series(self.values.array.take(self.codes, allow_fill=True), index=index)


def code_cells(col: pd.Series) -> Coded:
    """`as_text(col)` as a `Coded` column. String and categorical columns are cleaned on
    their distinct cells; others (workbook cells mixing numbers and text, where 1, 1.0 and
    True would hash alike) are cleaned first."""
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        raw_codes, raw = np.asarray(col.cat.codes), pd.Series(dtype.categories)
    elif isinstance(dtype, pd.StringDtype):
        raw_codes, uniques = pd.factorize(col)
        raw = pd.Series(uniques)
    else:
        codes, uniques = pd.factorize(as_text(col))
        return Coded(codes.astype(np.int32), pd.Series(uniques, dtype=STR))
    codes, uniques = pd.factorize(as_text(raw.reset_index(drop=True)))
    values = pd.Series(uniques, dtype=STR)
    if np.array_equal(codes, np.arange(codes.size)):  # cells already clean and distinct
        return Coded(raw_codes, values)
    remap = np.append(codes, -1).astype(code_type(len(uniques) + 1))
    return Coded(gather(remap, raw_codes), values)


#: Rows per piece in `gather` and `value_counts`: their index arrays (8 bytes a row) stay
#: small enough to be reused from the heap instead of fresh memory for every large column.
PIECE_ROWS: Final = 1 << 20


def gather(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """`table[codes]` (code -1: the last entry) for a short table and many valid codes, a
    piece at a time (numpy widens the codes to a full-length intp array otherwise)."""
    out = np.empty(codes.size, dtype=table.dtype)
    for start in range(0, codes.size, PIECE_ROWS):
        np.take(
            table,
            codes[start : start + PIECE_ROWS],
            out=out[start : start + PIECE_ROWS],
            mode="wrap",
        )
    return out


def value_counts(codes: np.ndarray, count: int) -> np.ndarray:
    """How many of `codes` are 0, 1, ... count-1 (-1 is not counted), a piece at a time."""
    total = np.zeros(count + 1, dtype=np.int64)
    for start in range(0, codes.size, PIECE_ROWS):
        total += np.bincount(codes[start : start + PIECE_ROWS] + 1, minlength=count + 1)
    return total[1:]


def code_type(count: int) -> type[np.signedinteger]:
    """The integer type pandas keeps a categorical's codes in for `count` categories (the
    narrowest: a code per row is most of a large column's memory)."""
    for kind in (np.int8, np.int16, np.int32):
        if count < np.iinfo(kind).max:
            return kind
    return np.int64


def join_text(parts: Iterable[pd.Series], sep: str = " | ") -> pd.Series:
    """Join string columns row-wise with `sep`, leaving out empty parts."""
    cols = [p.astype(STR).fillna("").str.strip() for p in parts]
    if not cols:
        return pd.Series(dtype=STR)
    out = cols[0]
    for col in cols[1:]:
        out = (out + sep + col).where((out != "") & (col != ""), out.where(out != "", col))
    return out
