"""Importers: every supported export format read into the canonical set table.

`read_log(path)` detects the format from the content (never the file name) and returns an
`ImportResult`; `read_inputs(paths)` does the same for files and every log in a folder
(`list_logs(folder)`). `read_grids(path)` reads any table file (a plan) as grids of raw cells
for readers of tables that are not logs.

Layout of the package:

- here: the registry (`FORMAT_MODULES`), detection, `read_log`, `read_inputs`, `read_grids`.
- `contract`: `ImportOptions`, `ImportResult`, the `Importer` protocol a format follows.
- `document`, `loading`: a file read once from disk into a `Document` (limits, decoding).
- `folders`: which files of a folder are logs; links out of a folder are never followed.
- `tabular/`: grids of cells, header-named tables, and cell values (numbers, units, dates).
- `headers`: header names matched to canonical fields (synonym table).
- `apps/`: one module per app export (strong, hevy, fitnotes, fitbod, alpha, jefit).
- `coach/`: layouts people keep in spreadsheets: `generic` (any table with a date and an
  exercise column), `wide` (a column pair per session), `mapping` (`--columns`).
- `problems`, `canonical`: skipped rows, and `finish`, which every format ends with.
- `units`, `timezone`: the unit of a file that states none; timestamps with a UTC offset.

To add a format: a module in `apps/` (or `coach/`) defining `IMPORTER`, listed in
`FORMAT_MODULES` below, with a golden file under tests/golden and a test in
tests/test_import_apps.py.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from pathlib import Path

from analyzer.errors import (
    BacklogError,
    EmptyLogError,
    InputNotFoundError,
    UnsupportedLayoutError,
)
from analyzer.importers.canonical import MAX_REPS, MAX_WEIGHT_KG
from analyzer.importers.coach.mapping import columns_hint, columns_importer
from analyzer.importers.contract import Importer, ImportOptions, ImportResult, Units
from analyzer.importers.document import Document
from analyzer.importers.folders import (
    LOG_SUFFIXES,
    SkippedFile,
    check_link,
    folder_files,
    list_logs,
)
from analyzer.importers.headers import Column, find_header
from analyzer.importers.loading import load_document, single_sheet_as_text
from analyzer.importers.tabular import Grid, document_grids

__all__ = [
    "FORMAT_MODULES",
    "LOG_SUFFIXES",
    "MAX_REPS",
    "MAX_WEIGHT_KG",
    "SPREADSHEET_FORMATS",
    "Column",
    "Document",
    "GridFile",
    "ImportOptions",
    "ImportResult",
    "Importer",
    "Inputs",
    "SkippedFile",
    "Units",
    "check_link",
    "detect",
    "find_header",
    "folder_files",
    "format_names",
    "list_logs",
    "read_grids",
    "read_inputs",
    "read_log",
    "registry",
]

#: Format modules (under `analyzer.importers`), most specific first; each defines `IMPORTER`.
#: `coach.generic` comes last: it accepts any table whose header names a date and an exercise.
FORMAT_MODULES: tuple[str, ...] = (
    "apps.strong",
    "apps.hevy",
    "apps.fitnotes",
    "apps.fitbod",
    "apps.alpha",
    "apps.jefit",
    "coach.wide",
    "coach.generic",
)

#: Formats that read a table laid out for people rather than an app's export; a workbook
#: goes to them unless an app importer recognises its one sheet.
SPREADSHEET_FORMATS: frozenset[str] = frozenset({"generic", "wide"})


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
            files, passed_over = folder_files(path)  # list_logs, with what it passed over
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


@dataclass(frozen=True, eq=False)
class GridFile:
    """A table file read as grids of raw cells (see `tabular.Grid`), for readers of tables
    that are not logs (a plan): locate a header in each with `find_header`."""

    grids: tuple[Grid, ...]
    workbook: bool  # the file is an .xlsx workbook (else delimited text)


def read_grids(path: Path) -> GridFile:
    """Every grid of the file at `path` (a workbook's sheets, or the text), loaded with the
    same limits and decoding as a log."""
    doc = load_document(path, ImportOptions())
    return GridFile(tuple(document_grids(doc)), workbook=doc.sheets is not None)
