"""The package's own exception types.

Library code raises these; only the CLI turns them into exit codes and one-line messages.
Every error carries the file (and row/column where it applies) and what the user can do.
"""

from __future__ import annotations

from pathlib import Path


class BacklogError(Exception):
    """Base class: a problem the user can act on (never a bug)."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.row = row
        self.column = column
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """`file: row N, column C: what is wrong (what to do)` on one line."""
        location = ", ".join(
            part
            for part in (
                f"row {self.row}" if self.row is not None else "",
                f"column {self.column!r}" if self.column else "",
            )
            if part
        )
        prefix = ": ".join(part for part in (self.path or "", location) if part)
        text = f"{prefix}: {self.message}" if prefix else self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        return " ".join(text.split())


class InputNotFoundError(BacklogError):
    """The path does not exist."""


class NotALogError(BacklogError):
    """The file is not a workout log at all (binary, image, unrelated table)."""


class UnsupportedLayoutError(BacklogError):
    """The file is tabular but no importer recognises its header."""


class BadEncodingError(BacklogError):
    """The bytes cannot be decoded as text in any supported encoding."""


class EmptyLogError(BacklogError):
    """The file (or folder) holds no usable set rows."""


class TooLargeError(BacklogError):
    """The file exceeds a configured size, row or sheet-dimension limit."""


class OutputError(BacklogError):
    """The output folder is missing, read-only, or a write failed."""


class ConfigError(BacklogError):
    """A config, exercise-map or column-mapping file or option is invalid."""


class StrictModeError(BacklogError):
    """Row-level problems were found and --strict was given."""
