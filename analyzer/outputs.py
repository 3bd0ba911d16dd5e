"""Writing outputs safely: atomic files, one path sanitiser, nothing outside the output folder.

Every file the tool writes (JSON, PNG, PDF, CSV, XLSX) goes through `atomic_write`: the
content goes to a temporary file in the same folder which is then renamed over the target, so
a failed run leaves earlier reports intact.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from analyzer.errors import OutputError

MAX_NAME = 80  # characters
MAX_NAME_BYTES = 200  # UTF-8 bytes; file systems allow 255, temp-file affixes need the rest
#: First characters that make a spreadsheet cell a formula (or, for tab/CR, hide one).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}


def safe_name(name: str, *, taken: set[str] | None = None) -> str:
    """A file/folder name made from user data: no separators, no `..`, no control or reserved
    characters, no Windows device names, at most MAX_NAME characters; made unique against
    `taken` (case-insensitively) by a numeric suffix, and added to it."""
    text = unicodedata.normalize("NFKC", str(name))
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = re.sub(r'[\\/:*?"<>|]+', "_", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    text = re.sub(r"\.{2,}", ".", text)
    if not text or text.casefold().split(".")[0] in _WINDOWS_RESERVED:
        text = f"_{text}" if text else "athlete"
    text = _clip(text, MAX_NAME).rstrip(" .") or "athlete"
    if taken is not None:
        base, candidate, n = text, text, 2
        while candidate.casefold() in taken:
            suffix = f"-{n}"
            candidate = _clip(base, MAX_NAME - len(suffix)) + suffix
            n += 1
        taken.add(candidate.casefold())
        text = candidate
    return text


def _clip(text: str, chars: int) -> str:
    """At most `chars` characters and `MAX_NAME_BYTES - 8` UTF-8 bytes (room for a suffix)."""
    text = text[:chars]
    while len(text.encode("utf-8")) > MAX_NAME_BYTES - 8:
        text = text[:-1]
    return text


def escape_cell(value: object) -> object:
    """One cell by the rule of `spreadsheet_safe`: text that a spreadsheet would run as a
    formula gets a leading `'`; numbers (also written as text) and other values are kept."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        if math.isfinite(float(value)):
            return value
    except ValueError:
        pass
    return "'" + value


def spreadsheet_safe(values: pd.Series) -> pd.Series:
    """Text cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first)
    prefixed with `'`, so Excel/LibreOffice show them as text. Plain finite numbers (`-3`,
    `-2.5` as number or text) and missing values are returned unchanged; use on every
    column of a CSV/XLSX output."""
    text = values.astype("string")
    number = pd.to_numeric(values, errors="coerce").astype("float64")
    risky = text.str.startswith(FORMULA_START).fillna(False).astype(bool) & ~np.isfinite(number)
    if not risky.any():
        return values
    out = values.astype(object).copy()
    out[risky] = "'" + text[risky].astype(object)
    return out


def inside(root: Path, *parts: str) -> Path:
    """`root/parts...`, guaranteed to stay inside `root` (each part must be a safe name)."""
    root = root.resolve()
    target = root.joinpath(*parts).resolve()
    if target != root and root not in target.parents:
        raise OutputError(f"refusing to write outside the output folder: {target}", path=root)
    return target


def prepare_out_dir(path: Path, *, create: bool = True) -> Path:
    """Make sure the output folder exists (creating it when allowed) and is writable."""
    if path.exists() and not path.is_dir():
        raise OutputError("output path is a file, not a folder", path=path,
                          hint="choose another folder with --out")
    try:
        if create:
            path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder ({exc.strerror or exc})", path=path,
                          hint="choose another folder with --out") from exc
    if not path.is_dir():
        raise OutputError("output folder does not exist", path=path,
                          hint="create it or choose another with --out")
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError("output folder is not writable", path=path,
                          hint="choose another folder with --out")
    return path


def atomic_write(target: Path, write: Callable[[BinaryIO], None]) -> Path:
    """Call `write(handle)` on a temporary file beside `target`, then rename it into place.

    If anything fails (including `write` itself), the temporary file is removed and an
    existing `target` is left exactly as it was."""
    if target.is_dir():
        raise OutputError("is a folder, cannot write a file there", path=target,
                          hint="choose another output name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write into the folder ({exc.strerror or exc})",
                          path=target.parent,
                          hint="check that it exists and is writable, or choose another") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write file ({exc.strerror or exc})", path=target,
                          hint="check free space and permissions") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def atomic_write_text(target: Path, text: str) -> Path:
    return atomic_write(target, lambda h: h.write(text.encode("utf-8")))


def atomic_write_bytes(target: Path, data: bytes) -> Path:
    return atomic_write(target, lambda h: h.write(data))
