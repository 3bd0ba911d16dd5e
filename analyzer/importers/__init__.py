"""Importers: every supported export format read into the canonical set table.

`read_log(path)` detects the format from the content (never the file name) and returns an
`ImportResult`; `read_inputs(path)` does the same for a file or every log in a folder.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, replace
from pathlib import Path

from analyzer.errors import (
    BacklogError,
    EmptyLogError,
    InputNotFoundError,
    NotALogError,
    UnsupportedLayoutError,
)
from analyzer.importers.base import Document, Importer, ImportOptions, ImportResult
from analyzer.importers.loading import load_document, single_sheet_as_text
from analyzer.importers.mapping import columns_hint, columns_importer

#: Format modules, most specific first; each defines `IMPORTER`. `generic` comes last: it
#: accepts any table whose header names a date and an exercise.
FORMAT_MODULES: tuple[str, ...] = (
    "strong",
    "hevy",
    "fitnotes",
    "fitbod",
    "alpha",
    "jefit",
    "wide",
    "generic",
)

#: Formats that read a table laid out for people rather than an app's export; a workbook
#: goes to them unless an app importer recognises its one sheet.
SPREADSHEET_FORMATS: frozenset[str] = frozenset({"generic", "wide"})

#: File endings a folder scan considers (content still decides the format).
LOG_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm"}


def registry() -> list[Importer]:
    """The importers, in detection order."""
    return [importlib.import_module(f"analyzer.importers.{m}").IMPORTER for m in FORMAT_MODULES]


def format_names() -> list[str]:
    return [imp.name for imp in registry()]


def detect(doc: Document) -> Importer:
    """The importer with the highest detection score; ties go to the earlier (more specific)."""
    best: tuple[float, Importer] | None = None
    for imp in registry():
        score = imp.detect(doc)
        if score > 0 and (best is None or score > best[0]):
            best = (score, imp)
    if best is None:
        first = (doc.head_lines(1) or [""])[0][:80] if doc.is_text else "workbook"
        first = "".join(ch for ch in first if ch.isprintable())
        raise UnsupportedLayoutError(
            f"no importer recognises this layout (starts with {first!r})",
            path=doc.path,
            hint=columns_hint(doc),
        )
    return best[1]


def read_log(path: str | Path, options: ImportOptions | None = None) -> ImportResult:
    """Read one export file into the canonical set table. Every error names the file."""
    try:
        return _read_log(Path(path), options or ImportOptions())
    except BacklogError as exc:
        if exc.path is None:
            exc.path = str(path)
        raise


def _read_log(path: Path, options: ImportOptions) -> ImportResult:
    doc = load_document(path, options)
    sheet_note = None
    app_sheet = _app_export_sheet(doc, options)
    if app_sheet is not None:
        sheet, doc = app_sheet
        sheet_note = f"workbook sheet {sheet!r} read as an app export"
    if options.format:
        by_name = {imp.name: imp for imp in registry()}
        if options.format not in by_name:
            raise UnsupportedLayoutError(
                f"unknown format {options.format!r}",
                hint="choose one of " + ", ".join(sorted(by_name)),
            )
        importer = by_name[options.format]
    elif options.columns:
        importer = columns_importer(doc, options.columns, detect)
    else:
        importer = detect(doc)
    result = importer.read(doc, options)
    if sheet_note is not None:
        result = replace(
            result,
            report=replace(
                result.report,
                format=result.report.format + "-xlsx",
                notes=(sheet_note, *result.report.notes),
            ),
        )
    if result.sets.empty:
        raise EmptyLogError(
            f"no set rows found ({result.report.skipped} rows skipped: "
            + ", ".join(f"{k} {v}" for k, v in result.report.skipped_reasons.items())
            + ")"
            if result.report.skipped
            else "no set rows found",
            path=path,
            hint="check that this is a workout export with exercises, reps and dates",
        )
    return result


def _app_export_sheet(doc: Document, options: ImportOptions) -> tuple[str, Document] | None:
    """(sheet name, text document) when a workbook is an app export re-saved from Excel (its
    one sheet is recognised by an app importer, or `--format` names one); else None."""
    if doc.sheets is None or options.format in SPREADSHEET_FORMATS:
        return None
    as_text = single_sheet_as_text(doc)
    if as_text is None:
        return None
    if options.format:
        return as_text
    apps = [imp for imp in registry() if imp.name not in SPREADSHEET_FORMATS]
    return as_text if any(imp.detect(as_text[1]) > 0 for imp in apps) else None


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


@dataclass(frozen=True, eq=False)
class Inputs:
    """Everything read from the paths given on the command line."""

    results: tuple[ImportResult, ...]
    skipped_files: tuple[SkippedFile, ...]


def read_inputs(paths: list[Path] | Path, options: ImportOptions | None = None) -> Inputs:
    """Read files and folders. A folder is scanned (sorted, not recursive into hidden dirs);
    files in it that are not logs are skipped with a reason. A file named directly that cannot
    be read raises. Raises `EmptyLogError` when a folder holds no readable log."""
    options = options or ImportOptions()
    if isinstance(paths, Path | str):
        paths = [Path(paths)]
    results: list[ImportResult] = []
    skipped: list[SkippedFile] = []
    for path in map(Path, paths):
        if not path.exists():
            raise InputNotFoundError("file or folder not found", path=path, hint="check the path")
        if path.is_dir():
            files, passed_over = folder_files(path)
            skipped.extend(passed_over)
            folder_opts = replace(options, athlete=None)
            found = 0
            for file in files:
                try:
                    results.append(read_log(file, folder_opts))
                    found += 1
                except BacklogError as exc:
                    skipped.append(SkippedFile(str(file), exc.message))
            if not found:
                raise EmptyLogError(
                    f"no workout log found among {len(files)} file(s) in the folder",
                    path=path,
                    hint="put CSV or .xlsx exports in it",
                )
        else:
            check_link(path)
            results.append(read_log(path, options))
    return Inputs(results=tuple(results), skipped_files=tuple(skipped))
