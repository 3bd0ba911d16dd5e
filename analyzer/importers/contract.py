"""What every format importer takes and gives: the user's `ImportOptions`, the
`ImportResult` it returns, and the `Importer` protocol a format module's `IMPORTER` follows.

An importer has a `name`, a `detect(doc)` score and a `read(doc, options)` method; the
registry in `analyzer.importers` lists them. Detection looks at content only, never at the
file name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

import pandas as pd

from analyzer.importers.document import Document
from analyzer.importers.timezone import zone_named
from analyzer.results import SourceReport

Units = Literal["kg", "lb"]


@dataclass(frozen=True)
class ImportOptions:
    """What the user told us about the input; every field optional."""

    format: str | None = None  # force an importer by name (e.g. "strong", "generic")
    units: Units | None = None  # unit for files that state none; None means kg, reported
    athlete: str | None = None  # athlete name for single-athlete files (default: file stem)
    columns: Mapping[str, str] | None = None  # canonical field -> header, for generic files
    max_bytes: int = 200 * 1024 * 1024
    max_rows: int = 20_000_000  # data lines/rows per file; more raises TooLargeError
    today: date | None = None  # "now" for the future-date check (None: the system date)
    #: IANA zone (e.g. "America/Chicago") that timestamps carrying a UTC offset are converted
    #: to; None: this computer's zone (see `importers.timezone`). Others are left as written.
    tz: str | None = None

    def __post_init__(self) -> None:
        if self.tz is not None:
            zone_named(self.tz)  # an unknown name fails here, before any file is read


@dataclass(frozen=True, eq=False)
class ImportResult:
    """A canonical set table and the report on how it was read."""

    sets: pd.DataFrame
    report: SourceReport


class Importer(Protocol):
    """What every format module exposes (as its module-level `IMPORTER`)."""

    name: str

    def detect(self, doc: Document) -> float:
        """0 when the document is not this format; up to 1 for a certain match."""
        ...

    def read(self, doc: Document, options: ImportOptions) -> ImportResult:
        """Parse the whole document into a canonical table (may raise BacklogError)."""
        ...
