"""A file as read once from disk (`Document`): decoded text, its UTF-8 bytes, or the cell
grids of a workbook; and `head_of`, the first lines of a large text without splitting it.

`loading.load_document` builds it; every importer's `detect` and `read` take it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import pandas as pd


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
