"""Delimited text at the level of lines and bytes: which delimiter a file uses, where each
record starts and ends (numpy over the UTF-8 bytes, so a large file is never split into
Python strings), how many fields each record has, and where a header line repeats.

The grid and table readers (`grid.py`, `table.py`) build on these; nothing here knows about
cells, values or formats.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
import pandas as pd

#: Delimiters a text file may use, in tie-break order (`sniff_delimiter`, `header_delimiter`).
DELIMITERS: Final[tuple[str, ...]] = (",", ";", "\t", "|")
#: The delimiters whose presence marks a line as a table row: a header line holds two of
#: one, and a line swallowed by an unclosed quote that holds one looked like a record
#: (`|` also occurs inside names and titles, so it is no evidence).
HEADER_DELIMITERS: Final[tuple[str, ...]] = DELIMITERS[:3]

_QUOTE: Final = ord('"')
_NEWLINE: Final = ord("\n")


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that occurs most often in the first lines (ties: comma first)."""
    sample = lines[:30]
    counts = {d: sum(line.count(d) for line in sample) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: counts[d])


def header_delimiter(line: str) -> str:
    """The delimiter of a header line: the candidate in `DELIMITERS` occurring most often
    outside double quotes (ties go to the comma)."""
    outside = re.sub(r'"[^"]*"', "", line)
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def record_bounds(
    buf: np.ndarray, *, quotes: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start/end byte offsets and 1-based starting line of every record (blank ones too).

    Quote parity is looked up only at the newlines (binary search over the quote positions),
    so no array as long as the text is built besides the two position lists. `quotes=False`
    says the text holds no `"` (every line is a record)."""
    all_nl = np.flatnonzero(buf == _NEWLINE)
    quotes_at = np.flatnonzero(buf == _QUOTE) if quotes else np.zeros(0, dtype=np.intp)
    ends = all_nl[(np.searchsorted(quotes_at, all_nl) % 2) == 0] if quotes_at.size else all_nl
    starts = np.concatenate(([0], ends + 1))
    ends = np.concatenate((ends, [buf.size]))
    if starts[-1] >= buf.size:  # text ends with a newline: no record after it
        starts, ends = starts[:-1], ends[:-1]
    if quotes_at.size:
        lines = np.searchsorted(all_nl, starts) + 1
    else:  # record i starts after the i-th newline
        lines = np.arange(1, starts.size + 1, dtype=np.int64)
    return starts, ends, lines


def nonblank_records(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """True for records holding anything but whitespace."""
    solid = ~np.isin(buf, np.frombuffer(b" \t\r\n\x0b\x0c", dtype=np.uint8))
    out = np.zeros(starts.size, dtype=bool)
    filled = ends > starts
    if filled.any():
        # Each segment [start, next filled start) is the record plus newlines only (empty
        # records between are bare newlines), so it is solid exactly when the record is.
        out[filled] = np.logical_or.reduceat(solid, starts[filled])
    return out


def field_counts(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, delim: int) -> np.ndarray:
    """Fields per record: delimiters outside quotes, plus one."""
    at = np.flatnonzero(buf == delim)
    quotes_at = np.flatnonzero(buf == _QUOTE)
    if quotes_at.size:
        at = at[(np.searchsorted(quotes_at, at) % 2) == 0]
    return (np.searchsorted(at, ends) - np.searchsorted(at, starts) + 1).astype(np.int64)


def regular_quotes(buf: np.ndarray, delim: int) -> bool:
    """True when every `"` opens a field (after a delimiter, newline, quote or the start) or
    closes one (before a delimiter, newline, quote or the end), in pairs: quoting both
    parsers read alike. Inch marks (`Box Jump 24"`) and stray quotes are not."""
    at = np.flatnonzero(buf == _QUOTE)
    if at.size % 2:
        return False
    if at.size == 0:
        return True
    ok_near = np.array([delim, ord("\n"), ord('"')], dtype=np.uint8)
    opens, closes = at[0::2], at[1::2]
    before = np.where(opens > 0, buf[np.maximum(opens - 1, 0)], ord("\n"))
    after = np.where(closes + 1 < buf.size, buf[np.minimum(closes + 1, buf.size - 1)], ord("\n"))
    return bool(np.isin(before, ok_near).all() and np.isin(after, ok_near).all())


def repeated_header_lines(source: str | bytes) -> np.ndarray:
    """1-based line numbers where a text repeats its header line (two exports pasted
    together, or a header copied mid-file). Only header lines with at least two delimiters
    count, so a title line that recurs as a section name (Alpha Progression) is not one."""
    if not _holds_bom(source):
        found = _repeated_header_search(source)
        if found is not None:
            return found
    text = source.decode("utf-8") if isinstance(source, bytes) else source
    lines = _clean_lines(text.split("\n"))
    filled = lines[lines != ""]
    if filled.empty:
        return np.empty(0, dtype=np.int64)
    first_at, header = filled.index[0], filled.iloc[0]
    if max(header.count(d) for d in HEADER_DELIMITERS) < 2:
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
    if max(header.count(d) for d in HEADER_DELIMITERS) < 2:
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
