"""Finishing an importer's frame into the canonical set table (`finish`), with the checks every
format shares: rows without a date or exercise, absurd values (`implausible`, the plausible
ranges `MAX_WEIGHT_KG`, `MAX_REPS`, ...) and header lines repeated inside a text file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import numpy as np
import pandas as pd

from analyzer.importers.contract import ImportResult
from analyzer.importers.document import Document
from analyzer.importers.problems import RowProblems
from analyzer.importers.tabular import repeated_header_lines
from analyzer.importers.units import shown_unit
from analyzer.results import SourceReport
from analyzer.schema import constant_column, materialise, stage

#: Plausible ranges; values outside are typing errors or hostile input, never analysed.
MAX_WEIGHT_KG = 1000.0
MAX_REPS = 1000.0
EARLIEST_DATE = pd.Timestamp("1970-01-01")
MAX_NAME_CHARS = 200


def finish(
    doc: Document,
    frame: pd.DataFrame,
    *,
    format_name: str,
    rows: int,
    problems: RowProblems,
    notes: Iterable[str] = (),
    weight_unit: str | None = None,
) -> ImportResult:
    """Conform an importer's frame to the canonical table and build its report.

    `frame` must already hold `athlete`, `performed_at`, `exercise`, `source_row` and whatever
    other canonical columns the format has. Checks every importer shares are made here, so
    each format reports them the same way: rows with no date or no exercise name, absurd
    values (see `implausible`) and header lines repeated inside the data are dropped and
    counted per reason, never silently used.

    `weight_unit` is the unit the file's weights were written in when the importer knows
    it; otherwise the unit shown is chosen from the weights (`units.shown_unit`), with a note
    when that is pounds.
    """
    sets = stage(frame.assign(source_file=constant_column(str(doc.path), frame.index)))
    del frame
    row_numbers = sets["source_row"]
    header_rows = repeated_header_lines(doc.source) if doc.is_text else np.empty(0, dtype=np.int64)
    if header_rows.size:
        problems = problems.relabel(header_rows, "repeated header row")
        drop = row_numbers.isin(header_rows)  # counted above; no other check looks at them
    else:
        drop = pd.Series(False, index=sets.index)
    no_date = sets["performed_at"].isna() & ~drop
    problems.add_mask("unreadable date", no_date, row_numbers)
    exercise = sets["exercise"]
    no_name = (exercise.isna() | _each_text(exercise, lambda names: names == "")) & ~drop
    problems.add_mask("no exercise name", no_name & ~no_date, row_numbers)
    drop |= no_date | no_name
    long_name = _each_text(exercise, lambda names: names.str.len() > MAX_NAME_CHARS) & ~drop
    if long_name.any():  # no lift is called that; matching it would take minutes
        problems.add(
            f"exercise name over {MAX_NAME_CHARS} characters",
            np.unique(row_numbers[long_name].to_numpy()),
        )
        drop |= long_name
    for reason, mask in implausible(sets, today=doc.today).items():
        mask = mask & ~drop
        if mask.any():
            problems.add(reason, np.unique(row_numbers[mask].to_numpy()))
        drop |= mask
    # Only now are per-row strings built, and only for the rows kept.
    sets = materialise(sets[~drop] if drop.any() else sets)
    athletes = tuple(sorted(sets["athlete"].dropna().unique().tolist()))
    notes = list(notes)
    if sets["weight_kg"].notna().any():
        if weight_unit is None:
            weight_unit = shown_unit(sets["weight_kg"])
            if weight_unit == "lb":
                notes.append("weights shown in lb: the file's loads are whole pounds")
    else:
        weight_unit = None
    report = SourceReport(
        path=str(doc.path),
        format=format_name,
        athletes=athletes,
        rows=int(rows),
        sets=len(sets),
        warmup_sets=int((sets["set_type"] == "warmup").sum()),
        skipped=problems.total,
        skipped_reasons=dict(sorted(problems.reasons.items())),
        problems=tuple(sorted(problems.listed, key=lambda p: p.row)),
        notes=tuple(notes),
        weight_unit=weight_unit,
    )
    return ImportResult(sets=sets, report=report)


def _each_text(text: pd.Series, test: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """`test` (a vectorised check giving booleans) of every cell of a staged text column
    (`schema.stage`); False for missing cells. A categorical column is tested on its distinct
    values only and the answers taken back per row, so no per-row string is built."""
    if isinstance(text.dtype, pd.CategoricalDtype):
        answers = test(pd.Series(text.cat.categories)).fillna(False).to_numpy(dtype=bool)
        per_row = np.append(answers, False)[text.cat.codes.to_numpy()]  # code -1: missing
        return pd.Series(per_row, index=text.index)
    return test(text).fillna(False).astype(bool)


def implausible(sets: pd.DataFrame, *, today: date | None = None) -> dict[str, pd.Series]:
    """Masks of set rows whose values cannot be real, by reason: weight below 0 or above
    `MAX_WEIGHT_KG`, reps below 0 or above `MAX_REPS`, a date before 1970 or after tomorrow
    (`today` defaults to the system date). NaN (not logged) is never implausible."""
    latest = pd.Timestamp(today or date.today()) + pd.Timedelta(days=2)
    weight, reps, when = sets["weight_kg"], sets["reps"], sets["performed_at"]
    return {
        "negative weight": weight < 0,
        f"weight over {MAX_WEIGHT_KG:.0f} kg": weight > MAX_WEIGHT_KG,
        "negative reps": reps < 0,
        f"reps over {MAX_REPS:.0f}": reps > MAX_REPS,
        "date before 1970": when < EARLIEST_DATE,
        "date in the future": when >= latest,
    }
