"""Shared types for importers: the options they take, the raw document they read, the report
they return, and the row-problem collector.

An importer is a module-level object with a `name`, a `detect(doc)` score and a `read(doc,
options)` method; `analyzer.importers.REGISTRY` lists them. Detection looks at content only,
never at the file name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Final, Literal, Protocol

import numpy as np
import pandas as pd

from analyzer.importers.timezone import zone_named
from analyzer.importers.units import shown_unit
from analyzer.schema import conform

Units = Literal["kg", "lb"]

#: How many row problems a source keeps with row numbers (the rest are only counted).
MAX_LISTED_PROBLEMS = 50


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


class Document:
    """A file as read once from disk: decoded text, or the cell grids of a workbook.

    `sheets` maps sheet name -> DataFrame of raw cells (header=None, object dtype), in the
    workbook's order. Text files have `text` set and `sheets` None.

    A large UTF-8 file may arrive as its bytes (`utf8`) and be decoded only when something
    reads `text`: detection looks at the head (`head_lines`, `prefix`, `source`), and the
    generic reader hands the bytes to Arrow, so for it the decoded copy (up to 4 bytes per
    character) is never built. Once decoded, the bytes are dropped.
    """

    def __init__(
        self,
        path: Path,
        text: str | None = None,
        sheets: Mapping[str, pd.DataFrame] | None = None,
        encoding: str | None = None,
        today: date | None = None,
        *,
        utf8: bytes | None = None,
    ) -> None:
        self.path = path
        self.sheets = sheets
        self.encoding = encoding
        self.today = today  # from ImportOptions.today: the future-date check's "now"
        self._text = text
        self.utf8 = utf8 if text is None else None

    @property
    def text(self) -> str | None:
        """The decoded text (None for workbooks)."""
        if self._text is None and self.utf8 is not None:
            self._text, self.utf8 = self.utf8.decode("utf-8"), None
        return self._text

    @property
    def is_text(self) -> bool:
        return self._text is not None or self.utf8 is not None

    @property
    def source(self) -> str | bytes:
        """The text, or its UTF-8 bytes while not decoded (for `head_of`); "" for workbooks."""
        return self._text if self._text is not None else (self.utf8 or "")

    @property
    def stem(self) -> str:
        return self.path.stem

    def head_lines(self, n: int = 40) -> list[str]:
        """The first `n` non-empty text lines (for detection)."""
        if not self.is_text:
            return []
        return head_of(self.source, lambda line: bool(line.strip()), n)

    def prefix(self, chars: int) -> str:
        """`text[:chars]` without decoding the rest."""
        if self._text is not None or self.utf8 is None:
            return (self._text or "")[:chars]
        return self.utf8[: 4 * chars].decode("utf-8", errors="ignore")[:chars]


def head_of(text: str | bytes, keep: Callable[[str], bool], n: int) -> list[str]:
    """The first `n` lines of `text` (as `str.splitlines` splits them) for which `keep` is
    true, splitting only a growing prefix: detection runs several times per file, and
    splitting a large file whole each time costs more than reading it. `text` may be the
    UTF-8 bytes of a valid text (a prefix cut inside a character loses only that character,
    on the last line, which is dropped)."""
    size = 1 << 14
    while True:
        chunk = text[:size]
        head = chunk.decode("utf-8", errors="ignore") if isinstance(chunk, bytes) else chunk
        lines = head.splitlines()
        if size < len(text):
            lines = lines[:-1]  # the prefix may cut the last line short
        out = [line for line in lines if keep(line)][:n]
        if len(out) >= n or size >= len(text):
            return out
        size *= 4


@dataclass(frozen=True)
class Problem:
    """One row-level problem: the row (as in the file, header = row 1) and what is wrong."""

    row: int
    message: str


@dataclass(frozen=True)
class SourceReport:
    """What reading one file produced; mirrors `sources[]` in the JSON contract."""

    path: str
    format: str
    athletes: tuple[str, ...]
    rows: int  # data records read (header and blank lines excluded)
    sets: int  # set rows kept, warm-ups included
    warmup_sets: int
    skipped: int
    skipped_reasons: Mapping[str, int]
    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()  # assumptions worth telling the user (units, date order)
    #: The unit the lifter logs weights in, for showing them ("kg" or "lb"; None when the
    #: file has no weights). `weight_kg` stays kilograms; see `importers.units`.
    weight_unit: str | None = None


@dataclass(frozen=True, eq=False)
class ImportResult:
    """A canonical set table and the report on how it was read."""

    sets: pd.DataFrame
    report: SourceReport


@dataclass
class RowProblems:
    """Collects skipped rows by reason, vectorised: pass a boolean mask and the row numbers.

    Non-set rows that an app writes on purpose (Strong's `Rest Timer`) are counted with
    `ignore`, which does not list them as problems.
    """

    reasons: Counter[str] = field(default_factory=Counter)
    listed: list[Problem] = field(default_factory=list)
    #: every recorded row per reason (with its `listed` flag), so `finish` can re-label rows
    rows: dict[str, tuple[list[np.ndarray], bool]] = field(default_factory=dict)

    def add(
        self, reason: str, rows: Iterable[int] | pd.Series | np.ndarray, *, listed: bool = True
    ) -> None:
        arr = np.asarray(
            rows if isinstance(rows, pd.Series | np.ndarray) else list(rows), dtype=np.int64
        )
        if arr.size == 0:
            return
        self.reasons[reason] += int(arr.size)
        self.rows.setdefault(reason, ([], listed))[0].append(arr)
        room = MAX_LISTED_PROBLEMS - len(self.listed)
        if listed and room > 0:
            self.listed.extend(Problem(int(r), reason) for r in arr[:room])

    def add_mask(
        self, reason: str, mask: pd.Series, row_numbers: pd.Series, *, listed: bool = True
    ) -> None:
        """Record every row where `mask` is True."""
        mask = mask.fillna(False).astype(bool)
        if mask.any():
            self.add(reason, row_numbers[mask].to_numpy(), listed=listed)

    @property
    def total(self) -> int:
        return sum(self.reasons.values())

    def relabel(self, rows: np.ndarray, reason: str) -> RowProblems:
        """A copy where every problem on one of `rows` is counted under `reason` instead
        (each such row once), keeping the order in which reasons were first recorded."""
        out = RowProblems()
        moved: list[np.ndarray] = []
        for old, (chunks, listed) in self.rows.items():
            arr = np.concatenate(chunks)
            hit = np.isin(arr, rows)
            moved.append(arr[hit])
            out.add(old, arr[~hit], listed=listed)
        out.add(reason, np.unique(np.concatenate(moved)) if moved else [])
        return out


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
    path = pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int8), pd.Index([str(doc.path)]))
    sets = conform(frame.assign(source_file=path))
    del frame
    header_rows = repeated_header_lines(doc)
    if header_rows.size:
        problems = problems.relabel(header_rows, "repeated header row")
        sets = sets[~sets["source_row"].isin(header_rows)]
    no_date = sets["performed_at"].isna()
    problems.add_mask("unreadable date", no_date, sets["source_row"])
    no_name = sets["exercise"].isna() | (sets["exercise"].fillna("") == "")
    problems.add_mask("no exercise name", no_name & ~no_date, sets["source_row"])
    drop = no_date | no_name
    long_name = sets["exercise"].str.len().gt(MAX_NAME_CHARS).fillna(False).astype(bool) & ~drop
    if long_name.any():  # no lift is called that; matching it would take minutes
        problems.add(
            f"exercise name over {MAX_NAME_CHARS} characters",
            np.unique(sets.loc[long_name, "source_row"].to_numpy()),
        )
        drop |= long_name
    for reason, mask in implausible(sets, today=doc.today).items():
        mask = mask & ~drop
        if mask.any():
            problems.add(reason, np.unique(sets.loc[mask, "source_row"].to_numpy()))
        drop |= mask
    if drop.any() or header_rows.size:
        sets = sets[~drop].reset_index(drop=True)
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


def repeated_header_lines(doc: Document) -> np.ndarray:
    """1-based line numbers where a text file repeats its header line (two exports pasted
    together, or a header copied mid-file). Only header lines with at least two delimiters
    count, so a title line that recurs as a section name (Alpha Progression) is not one."""
    if not doc.is_text:
        return np.empty(0, dtype=np.int64)
    source = doc.source
    if not _holds_bom(source):
        found = _repeated_header_search(source)
        if found is not None:
            return found
    lines = _clean_lines((doc.text or "").split("\n"))
    filled = lines[lines != ""]
    if filled.empty:
        return np.empty(0, dtype=np.int64)
    first_at, header = filled.index[0], filled.iloc[0]
    if max(header.count(d) for d in (",", ";", "\t")) < 2:
        return np.empty(0, dtype=np.int64)
    again = filled[(filled == header) & (filled.index > first_at)]
    return (again.index.to_numpy() + 1).astype(np.int64)


def _holds_bom(source: str | bytes) -> bool:
    """True when the text (or its UTF-8 bytes) holds a U+FEFF anywhere. In bytes its first
    byte (0xEF) is looked for: a one-byte scan is several times quicker than Python's
    three-byte search, and most files hold few such bytes (the three-byte search takes
    over after `_BOM_PROBES` of them)."""
    if not isinstance(source, bytes):
        return "\ufeff" in source
    bom = "\ufeff".encode()
    at = source.find(bom[:1])
    for _ in range(_BOM_PROBES):
        if at < 0 or source.startswith(bom, at):
            return at >= 0
        at = source.find(bom[:1], at + 1)
    return at >= 0 and source.find(bom, at) >= 0


_BOM_PROBES: Final = 100_000


def _clean_lines(lines: list[str]) -> pd.Series:
    return pd.Series(lines, dtype="string").str.replace("\ufeff", "").str.strip()


#: Lines `_repeated_header_search` looks at for the header before giving up.
_HEADER_SEARCH_LINES = 1000


def _repeated_header_search(text: str | bytes) -> np.ndarray | None:
    """`repeated_header_lines` for a text (or its UTF-8 bytes) without BOM characters,
    without splitting it: a line that strips to the header contains it, so only lines
    holding the header text are candidates, found with `find`. None when the header is not
    among the first lines."""
    raw = isinstance(text, bytes)
    newline = b"\n" if raw else "\n"

    def decoded(piece: str | bytes) -> str:
        return piece.decode("utf-8") if isinstance(piece, bytes) else piece

    head: list[str | bytes] = []
    pos = 0
    while len(head) < _HEADER_SEARCH_LINES:  # text.split("\n")[:n] without copying the rest
        end = text.find(newline, pos)  # type: ignore[arg-type]
        head.append(text[pos:] if end < 0 else text[pos:end])
        if end < 0:
            break
        pos = end + 1
    cleaned = _clean_lines([decoded(line) for line in head])
    filled = cleaned[cleaned != ""]
    if filled.empty:
        return None
    first_at, header = int(filled.index[0]), str(filled.iloc[0])
    if max(header.count(d) for d in (",", ";", "\t")) < 2:
        return np.empty(0, dtype=np.int64)
    needle = header.encode("utf-8") if raw else header
    header_end = sum(len(line) + 1 for line in head[: first_at + 1])
    numbers: list[int] = []
    candidates: list[str] = []
    line_no, counted_to = first_at + 1, header_end
    at = text.find(needle, header_end)  # type: ignore[arg-type]
    while at >= 0:
        start = text.rfind(newline, 0, at) + 1  # type: ignore[arg-type]
        end = text.find(newline, at)  # type: ignore[arg-type]
        end = len(text) if end < 0 else end
        line_no += text.count(newline, counted_to, start)  # type: ignore[arg-type]
        counted_to = start
        numbers.append(line_no + 1)
        candidates.append(decoded(text[start:end]))
        at = text.find(needle, end + 1) if end < len(text) else -1  # type: ignore[arg-type]
    if not candidates:
        return np.empty(0, dtype=np.int64)
    same = (_clean_lines(candidates) == header).to_numpy(dtype=bool)
    return np.asarray(numbers, dtype=np.int64)[same]


class Importer(Protocol):
    """What every format module exposes."""

    name: str

    def detect(self, doc: Document) -> float:
        """0 when the document is not this format; up to 1 for a certain match."""
        ...

    def read(self, doc: Document, options: ImportOptions) -> ImportResult:
        """Parse the whole document into a canonical table (may raise BacklogError)."""
        ...
