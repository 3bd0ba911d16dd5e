"""Which files of a folder are logs to read (`list_logs`, `folder_files`), and the one
safety rule for paths: a symbolic link that leads out of its folder is never followed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import NotALogError

#: File endings a folder scan considers (content still decides the format).
LOG_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm"}


@dataclass(frozen=True)
class SkippedFile:
    """A file in a folder that was not read, and why."""

    path: str
    reason: str


def _outside(link: Path, root: Path) -> Path | None:
    """Where the symlink `link` leads when that is outside the folder `root`, else None."""
    real = Path(os.path.realpath(link))
    base = Path(os.path.realpath(root))
    return None if real == base or base in real.parents else real


def check_link(path: Path, root: Path | None = None) -> None:
    """Refuse a symbolic link that leads out of `root` (default: the folder holding the link):
    a file sent by a client may be a link to `/etc/passwd` or to another client's log, and
    neither is read nor quoted in a message."""
    if not path.is_symlink():
        return
    real = _outside(path, root if root is not None else path.absolute().parent)
    if real is not None:
        raise NotALogError(
            f"is a symbolic link to {real}, outside its folder; not followed",
            path=path,
            hint="pass the file itself, not a link to it",
        )


def list_logs(folder: Path) -> list[Path]:
    """The files a folder scan reads, sorted: every regular file with a log ending
    (`LOG_SUFFIXES`) in the folder and its subfolders, hidden files and folders left out,
    links leading out of the folder not followed. `folder_files` also says what was passed
    over and why."""
    return folder_files(folder)[0]


def folder_files(folder: Path) -> tuple[list[Path], list[SkippedFile]]:
    """The files a folder scan reads (log endings, no hidden files or folders, sorted), and
    what it passes over with a reason: subfolders it cannot list, links that lead out of the
    folder, and names with a log ending that are not regular files (FIFOs, devices, broken
    links). Links to folders are not followed."""
    files: list[Path] = []
    skipped: list[SkippedFile] = []

    def unreadable(exc: OSError) -> None:
        skipped.append(
            SkippedFile(
                str(exc.filename or folder), f"folder cannot be read ({exc.strerror or exc})"
            )
        )

    for top, dirs, names in os.walk(folder, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.startswith(".") or Path(name).suffix.lower() not in LOG_SUFFIXES:
                continue
            path = Path(top) / name
            real = _outside(path, folder) if path.is_symlink() else None
            if real is not None:
                skipped.append(
                    SkippedFile(
                        str(path), f"symbolic link to {real}, outside the folder; not followed"
                    )
                )
            elif not path.is_file():
                skipped.append(
                    SkippedFile(
                        str(path),
                        "not a regular file (a device, pipe, socket or broken link); not read",
                    )
                )
            else:
                files.append(path)
    return sorted(files), skipped
