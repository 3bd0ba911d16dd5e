"""Golden-file helpers: read a hand-written expected canonical table and compare it with an
importer's output, column by column with the canonical dtypes.

An expected CSV holds any subset of the canonical columns (usually all but `date`, which is
derived, and `source_file`, which depends on where the repository lives). Empty cells are
NaN for numbers and "" for `workout`/`notes`; floats are compared with a relative tolerance
of 1e-9 so hand-computed unit conversions can be written with ten significant digits.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analyzer.importers import Document, ImportOptions, ImportResult
from analyzer.importers.loading import load_document
from analyzer.schema import COLUMNS, conform

GOLDEN = Path(__file__).parent / "golden"


def read_expected(path: Path) -> pd.DataFrame:
    """The expected table in `path`, with canonical dtypes for the columns it has."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)
    unknown = set(raw.columns) - set(COLUMNS)
    if unknown:
        raise ValueError(f"{path.name}: not canonical columns: {sorted(unknown)}")
    if "source_file" not in raw.columns:
        raw["source_file"] = ""
    for name in raw.columns:
        if name not in ("workout", "notes", "athlete", "exercise", "source_file"):
            raw[name] = raw[name].where(raw[name] != "")
    table = conform(raw)
    return table[[c for c in COLUMNS if c in raw.columns or c == "date"]]


def assert_matches(actual: pd.DataFrame, expected_path: Path) -> None:
    """Fail unless `actual` equals the expected table on the expected file's columns."""
    expected = read_expected(expected_path)
    columns = [c for c in expected.columns if c != "source_file"]
    got = actual[columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        got, expected[columns], check_exact=False, rtol=1e-9, atol=0.0, check_dtype=True
    )


def load(path: Path, options: ImportOptions | None = None) -> Document:
    """A document as the CLI would load it."""
    return load_document(path, options or ImportOptions())


def read_golden(importer: object, name: str, options: ImportOptions | None = None) -> ImportResult:
    """Read `golden/<name>.csv` with `importer` and check it against
    `golden/<name>.expected.csv`; returns the result for further checks."""
    options = options or ImportOptions()
    doc = load(GOLDEN / f"{name}.csv", options)
    result = importer.read(doc, options)  # type: ignore[attr-defined]
    assert_matches(result.sets, GOLDEN / f"{name}.expected.csv")
    return result
