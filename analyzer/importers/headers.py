"""Header names matched to canonical fields through the synonym table in
`analyzer/data/header_synonyms.csv` (case-insensitive; a unit in the header such as
`Weight (lb)` or `Load kg` is split off and returned with the match).

Rows whose synonym starts with `~` are keywords, the fallback for headers no synonym names
exactly: a header containing one keyword word (`Exercise performed`, `Übung (Name)`,
`Gewicht kg`) maps to its field, unless it also holds a veto word (field `-`: `Body weight`,
`Target reps`, `Rest (s)`), a number (`Set 1 Reps`), or keywords of two fields
(`Exercise notes`). Keywords in scripts written without spaces (種目, 回数) match anywhere in
the header.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

import pandas as pd

from analyzer.errors import ConfigError
from analyzer.importers.tabular import UNIT_WORDS

_UNIT_RE: Final = re.compile(
    r"[\(\[]?\b(kgs?|kilos?|kilograms?|lbs?|pounds?)\b[\)\]]?", re.IGNORECASE
)


KEYWORD_MARK: Final = "~"
VETO_FIELD: Final = "-"


@cache
def _synonym_table() -> pd.DataFrame:
    path = resources.files("analyzer") / "data" / "header_synonyms.csv"
    with resources.as_file(path) as file:
        return pd.read_csv(file, dtype="string", keep_default_na=False)


@cache
def synonyms() -> dict[str, str]:
    """Normalised synonym -> canonical field, from the package data file (exact names)."""
    table = _synonym_table()
    exact = table[~table["synonym"].str.startswith(KEYWORD_MARK)]
    return dict(zip(exact["synonym"].map(normalise), exact["field"], strict=True))


@cache
def keywords() -> dict[str, str]:
    """Normalised keyword -> field (or `VETO_FIELD`), for headers no synonym names exactly."""
    table = _synonym_table()
    marked = table[table["synonym"].str.startswith(KEYWORD_MARK)]
    words = marked["synonym"].str.slice(len(KEYWORD_MARK)).map(normalise)
    return dict(zip(words, marked["field"], strict=True))


def fields() -> frozenset[str]:
    """Every canonical field a header can map to."""
    return frozenset(synonyms().values())


_WORD_RE: Final = re.compile(r"[^\W_]+")
_SPACELESS_RE: Final = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def keyword_field(text: str) -> str | None:
    """The field a normalised header names by keyword, or None (see the module docstring)."""
    words = set(_WORD_RE.findall(text))
    if any(w.isdigit() for w in words):
        return None
    hits: set[str] = set()
    for word, field in keywords().items():
        if word in words or (_SPACELESS_RE.search(word) and word in text):
            hits.add(field)
    if VETO_FIELD in hits or len(hits) != 1:
        return None
    return hits.pop()


_CAMEL_RE: Final = re.compile(r"(?<=[a-z])(?=[A-Z])")


def normalise(header: object) -> str:
    """camelCase split (`exerciseName` -> `exercise name`), lower case, `_`/`-`/`.` as
    spaces, single spaces."""
    text = _CAMEL_RE.sub(" ", str(header).strip()).lower()
    text = text.replace("_", " ").replace("-", " ").replace(".", " ")
    return " ".join(text.split())


#: A header ending so names the user an app's multi-user export wrote the row for
#: (`fake_user_id`, `app_user_id`): the athlete, although `id` vetoes other keyword matches.
_USER_ID_SUFFIXES: Final = ("user id", "userid")


@dataclass(frozen=True)
class Column:
    """A header cell matched to a field: its position and the unit the header states."""

    index: int
    header: str
    unit: str | None


def match_cell(cell: object) -> tuple[str | None, str | None]:
    """(field, unit) for one header cell; field None when no synonym matches."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return None, None
    text = normalise(cell)
    if not text:
        return None, None
    unit_match = _UNIT_RE.search(text)
    unit = UNIT_WORDS.get(unit_match.group(1).lower()) if unit_match else None
    table = synonyms()
    if text in table:
        return table[text], unit
    base = " ".join(_UNIT_RE.sub(" ", text).replace("(", " ").replace(")", " ").split())
    if base in table:
        return table[base], unit
    if not base and unit:
        return "weight", unit
    if text.endswith(_USER_ID_SUFFIXES):
        return "athlete", None
    field = keyword_field(text)
    if field is not None:
        return field, unit if field == "weight" else None
    return None, None


def match_row(
    cells: Sequence[object], columns: Mapping[str, str] | None = None
) -> dict[str, Column]:
    """Fields found in one candidate header row. `columns` (field -> header text, from
    `--columns`) wins over synonyms; the first cell matching a field wins over later ones."""
    found: dict[str, Column] = {}
    wanted = {normalise(h): f for f, h in (columns or {}).items()}
    for index, cell in enumerate(cells):
        if cell is None or (isinstance(cell, float) and pd.isna(cell)):
            continue
        field, unit = match_cell(cell)
        forced = wanted.get(normalise(cell))
        if forced is not None:
            field = forced
        if field is not None and field not in found:
            found[field] = Column(index=index, header=str(cell).strip(), unit=unit)
    return found


def check_columns_option(columns: Mapping[str, str] | None) -> None:
    """Raise ConfigError when `--columns` names a field this reader does not know."""
    unknown = sorted(set(columns or {}) - fields())
    if unknown:
        raise ConfigError(
            f"unknown field(s) in --columns: {', '.join(unknown)}",
            hint="use " + ", ".join(sorted(fields())),
        )


def find_header(
    grid: pd.DataFrame, columns: Mapping[str, str] | None = None, scan: int = 20
) -> tuple[int, dict[str, Column]] | None:
    """The row (0-based) among the first `scan` rows that matches the most fields, with its
    matches; None when no row matches at least two fields."""
    best: tuple[int, dict[str, Column]] | None = None
    for row in range(min(scan, len(grid))):
        found = match_row(grid.iloc[row].tolist(), columns)
        if len(found) >= 2 and (best is None or _score(found) > _score(best[1])):
            best = (row, found)
    return best


def _score(found: Mapping[str, Column]) -> int:
    """Matched fields, with date and exercise (the required ones) counting three times."""
    return len(found) + 2 * (("date" in found) + ("exercise" in found))
