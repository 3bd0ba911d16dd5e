"""`--columns` on its own: which importer reads a file the user mapped, and the advice an
unrecognised file gets (`--columns` with the file's own headers, so following it works).

A mapping is meant for the files whose header holds the headers it names: those are read by
the generic reader whatever detection says. Other files (a coach folder's app exports) are
detected as usual.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from typing import Final

import pandas as pd

from analyzer.errors import UnsupportedLayoutError
from analyzer.importers.contract import Importer
from analyzer.importers.document import Document
from analyzer.importers.headers import match_row, normalise
from analyzer.importers.tabular import as_text, document_grids, number_cells, parse_dates

#: Headers listed in a message, at most.
LISTED: Final = 20
#: Rows sampled to guess which column holds what.
SAMPLE_ROWS: Final = 30
#: Share of a column's sampled cells that must read as the field for the guess.
GUESS_MIN_SHARE: Final = 0.8
MAX_GUESSED_REPS: Final = 100
#: Distinct unmatched columns whose cells are sampled for the guess, at most (the first ones;
#: headers the synonym table knows are matched in every column). Each sampled column costs
#: about 8 ms (a date parse per format), so a 5,000-column file would take 40 s.
MAX_GUESSED_COLUMNS: Final = 200


def columns_importer(
    doc: Document, columns: Mapping[str, str], detect: Callable[[Document], Importer]
) -> Importer:
    """The importer for a file read with `--columns`: the generic reader when the file's
    header holds every named header and, with them, a date and an exercise; otherwise
    `detect(doc)`. When neither reads it, the error names the headers the mapping lacks."""
    from analyzer.importers.coach.generic import IMPORTER as GENERIC

    if GENERIC.fits_columns(doc, columns):
        return GENERIC
    try:
        return detect(doc)
    except UnsupportedLayoutError:
        headers = header_cells(doc)
        known = {normalise(h) for h in headers}
        absent = [h for h in columns.values() if normalise(h) not in known]
        problem = (
            f"--columns names {', '.join(repr(h) for h in absent)}, not in the header"
            if absent
            else "with --columns there is still no date or no exercise column"
        )
        raise UnsupportedLayoutError(
            f"{problem}; columns are: " + (", ".join(repr(h) for h in headers[:LISTED]) or "none"),
            path=doc.path,
            hint="map date, exercise and reps to headers of that list, e.g. "
            + columns_example(guess_columns(_head(doc))),
        ) from None


def _head(doc: Document) -> pd.DataFrame:
    """The first rows of the document's first non-empty grid, from its first non-empty row
    (the likely header) on."""
    for table in document_grids(doc, head=SAMPLE_ROWS):
        filled = table.cells.dropna(how="all")
        if not filled.empty:
            return filled.reset_index(drop=True)
    return pd.DataFrame()


def _printable(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return "".join(ch for ch in str(value) if ch.isprintable()).strip()


def header_cells(doc: Document) -> list[str]:
    """The first non-empty row of the document (its likely header) as text cells, printable
    characters only."""
    return _header_of(_head(doc))


def _header_of(head: pd.DataFrame) -> list[str]:
    if head.empty:
        return []
    return [c for c in map(_printable, head.iloc[0].tolist()) if c]


def guess_columns(head: pd.DataFrame) -> dict[str, str]:
    """Field -> header for date, exercise and reps: the synonym table's match, else the
    column whose sampled cells read so (dates; small whole numbers; the most varied text)."""
    if head.empty:
        return {}
    headers = [_printable(v) for v in head.iloc[0].tolist()]
    out = {f: c.header for f, c in match_row(headers).items() if f in ("date", "exercise", "reps")}
    body = head.iloc[1:]
    taken = set(out.values())
    shares: dict[str, dict[str, float]] = {"date": {}, "reps": {}, "exercise": {}}
    # Columns with the same sampled cells have the same shares: each is judged once (the key is
    # the cells' reprs, so 1, 1.0 and "1" stay apart).
    raw = body.to_numpy(dtype=object)
    judged: dict[tuple[str, ...], tuple[float, float, float] | None] = {}
    for index, header in enumerate(headers):
        if not header or header in taken:
            continue
        key = tuple(map(repr, raw[:, index])) if index < raw.shape[1] else ()
        if key not in judged:
            if len(judged) >= MAX_GUESSED_COLUMNS:
                break
            cells = as_text(body.iloc[:, index]).dropna() if key else pd.Series()
            judged[key] = None if cells.empty else _column_shares(cells)
        found = judged[key]
        if found is not None:
            shares["date"][header], shares["reps"][header], shares["exercise"][header] = found
    for field in ("date", "exercise", "reps"):
        if field in out:
            continue
        ranked = sorted(
            ((v, h) for h, v in shares[field].items() if h not in taken), key=lambda vh: -vh[0]
        )
        if ranked and ranked[0][0] >= GUESS_MIN_SHARE:
            out[field] = ranked[0][1]
            taken.add(ranked[0][1])
    return out


def _column_shares(cells: pd.Series) -> tuple[float, float, float]:
    """A column's sampled (non-empty text) cells as (date, reps, exercise) scores: the share
    read as dates, the share of small whole numbers, and the share of other text times its
    distinct values."""
    dates = parse_dates(cells).values
    numbers = number_cells(cells)
    whole = numbers.notna() & (numbers % 1 == 0) & numbers.between(0, MAX_GUESSED_REPS)
    text = numbers.isna() & dates.isna()
    return (
        float(dates.notna().mean()),
        float(whole.mean()),
        float(text.mean()) * cells[text].nunique(),
    )


def columns_example(found: Mapping[str, str]) -> str:
    """`--columns date=H,exercise=H,reps=H` with the headers of `found` (`<header>` for the
    fields it lacks), quoted for a shell."""
    text = ",".join(
        f"{name}={found.get(name, '<header>')}" for name in ("date", "exercise", "reps")
    )
    return f"--columns {shlex.quote(text)}"


def columns_hint(doc: Document) -> str:
    """The advice for a file no importer recognises: its headers, and a `--columns` that
    reads it when the guess is right."""
    head = _head(doc)
    headers = _header_of(head)
    listed = ", ".join(headers[:LISTED]) or "none"
    return (
        f"name its columns (headers: {listed}), e.g. "
        f"{columns_example(guess_columns(head))}; or force a format with --format"
    )
