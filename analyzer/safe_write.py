"""Writing outputs safely: atomic files, one path sanitiser, nothing outside the output folder.

Every file the tool writes (JSON, PNG, PDF, CSV, XLSX) goes through `atomic_write`: the
content goes to a temporary file in the same folder which is then renamed over the target, so
a failed run leaves earlier reports intact. A target that is not a regular file (`/dev/null`,
`/dev/stdout`, a FIFO) is written to directly, never renamed over; a target that is one of
the run's input files (see `protect_inputs`) is refused.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import math
import os
import re
import stat
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from analyzer.errors import OutputError

MAX_NAME = 80  # characters
MAX_NAME_BYTES = 200  # UTF-8 bytes; file systems allow 255, temp-file affixes need the rest
#: First characters that make a spreadsheet cell a formula (or, for tab/CR, hide one).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


#: Endings of the files the tool writes; a name ending so (an athlete called `roster.pdf` or
#: `weekly-2026-W35.pdf`) would take the place of a report, so its dot is replaced.
OUTPUT_SUFFIXES = (".pdf", ".png", ".json", ".csv", ".xlsx", ".tmp")
NAME_HASH_CHARS = 6


def name_hash(name: str) -> str:
    """A short, stable hash of the exact name (first NAME_HASH_CHARS hex digits of SHA-256)."""
    return hashlib.sha256(str(name).encode("utf-8", "surrogatepass")).hexdigest()[:NAME_HASH_CHARS]


def _sanitised(name: str) -> str:
    text = unicodedata.normalize("NFKC", str(name))
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = re.sub(r'[\\/:*?"<>|]+', "_", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    text = re.sub(r"\.{2,}", ".", text)
    if text.casefold().endswith(OUTPUT_SUFFIXES):
        dot = text.rindex(".")
        text = f"{text[:dot]}_{text[dot + 1 :]}"
    if not text or text.casefold().split(".")[0] in _WINDOWS_RESERVED:
        text = f"_{text}" if text else "athlete"
    return _clip(text, MAX_NAME).rstrip(" .") or "athlete"


def safe_name(name: str, *, taken: set[str] | None = None) -> str:
    """A file/folder name made from user data: no separators, no `..`, no control or reserved
    characters, no Windows device names, no ending of a report file (`.pdf`, ...), at most
    MAX_NAME characters.

    The name is stable per exact input name, whatever else is in the run: a name that
    sanitising leaves as it is stays as it is; a name it changes (`Client/A`, `Client*A`,
    300 characters), or one whose folder is already `taken` case-insensitively (`anna` after
    `Anna`), gets `-` and a short hash of the exact name (`Client_A-3f9c2b`), so the same
    folder never holds another athlete's report from one run to the next. The result is added
    to `taken` (a numeric suffix is the last resort, for a hash that is itself taken)."""
    text = _sanitised(name)
    if text != name or (taken is not None and text.casefold() in taken):
        suffix = f"-{name_hash(name)}"
        text = (_clip(text, MAX_NAME - len(suffix)).rstrip(" .") or "athlete") + suffix
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
        raise OutputError(
            "output path is a file, not a folder",
            path=path,
            hint="choose another folder with --out",
        )
    try:
        if create:
            path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create output folder ({exc.strerror or exc})",
            path=path,
            hint="choose another folder with --out",
        ) from exc
    if not path.is_dir():
        raise OutputError(
            "output folder does not exist", path=path, hint="create it or choose another with --out"
        )
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(
            "output folder is not writable", path=path, hint="choose another folder with --out"
        )
    return path


# --- inputs are never outputs --------------------------------------------------------------

#: (device, inode) of every input file of this run: `atomic_write` refuses to replace them.
_PROTECTED: dict[tuple[int, int], str] = {}


def protect_inputs(paths: Iterable[Path]) -> None:
    """Remember these files (symlinks followed) as inputs: no output may be written over them,
    however the output path is spelled (`./sub/../a.csv`, a symlink, a hard link)."""
    for path in paths:
        with contextlib.suppress(OSError):
            st = os.stat(path)
            if stat.S_ISREG(st.st_mode):
                _PROTECTED[(st.st_dev, st.st_ino)] = str(path)


def clear_protected() -> None:
    _PROTECTED.clear()


def check_not_input(target: Path, what: str = "output") -> None:
    """Raise OutputError when `target` is one of the protected input files (also when it is
    spelled through a folder that does not exist yet, `new/../a.csv`)."""
    if not _PROTECTED:
        return
    for spelling in (str(target), os.path.normpath(os.path.abspath(target))):
        try:
            st = os.stat(spelling)
        except OSError:
            continue
        source = _PROTECTED.get((st.st_dev, st.st_ino))
        if source is not None:
            raise OutputError(
                f"{what} would overwrite the input file {source}",
                path=target,
                hint="choose another output file name",
            )


# --- targets that are not regular files -----------------------------------------------------

_FD_PATH = re.compile(r"^/(?:dev/fd|proc/self/fd)/(\d+)$")
_STD_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}


def stream_target(target: Path) -> bool:
    """True when `target` must be written to directly rather than replaced by a rename: a
    standard stream or file descriptor path (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`),
    or an existing non-regular file (character device, FIFO, socket), symlinks followed.
    (A regular file under /dev, e.g. in /dev/shm, is written atomically like any other.)"""
    text = os.path.abspath(target)
    if text in _STD_STREAMS or _FD_PATH.match(text):
        return True
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


@contextlib.contextmanager
def _open_stream(target: Path) -> Iterator[BinaryIO]:
    """A binary handle writing straight into a stream target (see `stream_target`)."""
    text = os.path.abspath(target)
    match = _FD_PATH.match(text)
    fd = _STD_STREAMS.get(text, int(match.group(1)) if match else None)
    if fd is not None:
        # Our own descriptor: write through it, in order with what the CLI prints on it.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        with os.fdopen(os.dup(fd), "wb") as handle:
            yield handle
        return
    # O_NONBLOCK: a FIFO nobody reads fails at once (ENXIO) instead of waiting forever.
    fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        os.set_blocking(fd, True)  # a reader is there: wait for it like any writer would
    except OSError:
        os.close(fd)
        raise
    with os.fdopen(fd, "wb") as handle:
        yield handle


def _write_stream(target: Path, write: Callable[[BinaryIO], object]) -> Path:
    try:
        with _open_stream(target) as handle:
            write(handle)
            handle.flush()
    except OSError as exc:
        reason = (
            "no program is reading from it"
            if exc.errno == errno.ENXIO
            else exc.strerror or str(exc)
        )
        raise OutputError(
            f"cannot write ({reason})", path=target, hint="choose a regular file, or '-' for stdout"
        ) from exc
    return target


def _umask() -> int:
    """This process's umask, read without changing it when Linux tells it."""
    with (
        contextlib.suppress(OSError, ValueError),
        open("/proc/self/status", encoding="ascii") as status,
    ):
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _new_file_mode(target: Path) -> int:
    """The mode a written file gets: an existing file's own mode, else 0666 minus the umask
    (0644 with the usual umask), as `open()` would create it."""
    with contextlib.suppress(OSError):
        st = os.stat(target)
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
    return 0o666 & ~_umask()


# --- atomic writes --------------------------------------------------------------------------


def atomic_write(
    target: Path, write: Callable[[BinaryIO], object], *, exclusive: bool = False
) -> Path:
    """Call `write(handle)` on a temporary file beside `target`, then rename it into place.

    If anything fails (including `write` itself), the temporary file is removed and an
    existing `target` is left exactly as it was. The file gets the mode a plain `open()` would
    give it (0644 with the usual umask), or keeps an existing file's mode.

    - A target that is an input of this run (`protect_inputs`) is refused (OutputError).
    - A stream target (`/dev/null`, `/dev/stdout`, a FIFO: see `stream_target`) is written
      to directly: nothing is ever renamed over a device or a symlink to one.
    - A symlink to a regular file is followed: the file it points to is replaced, the link
      stays.
    - `exclusive=True` never replaces anything: the finished file is linked into place only
      if no file of that name exists (atomic, so two runs never take the same name), else
      FileExistsError is raised and nothing is left behind.
    """
    check_not_input(target)
    if stream_target(target):
        if exclusive:
            raise FileExistsError(errno.EEXIST, "exists", str(target))
        return _write_stream(target, write)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    if target.is_dir():
        raise OutputError(
            "is a folder, cannot write a file there", path=target, hint="choose another output name"
        )
    mode = _new_file_mode(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(
            f"cannot write into the folder ({exc.strerror or exc})",
            path=target.parent,
            hint="check that it exists and is writable, or choose another",
        ) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        if exclusive:
            _link_new(tmp, target)
        else:
            os.replace(tmp, target)
    except FileExistsError:
        Path(tmp).unlink(missing_ok=True)
        raise
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(
            f"cannot write file ({exc.strerror or exc})",
            path=target,
            hint="check free space and permissions",
        ) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _link_new(tmp: str, target: Path) -> None:
    """Move the finished `tmp` to `target` only if `target` does not exist (atomically);
    FileExistsError otherwise. File systems without hard links reserve the name with
    O_EXCL first."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (
            errno.EPERM,
            errno.ENOTSUP,
            errno.EOPNOTSUPP,
            errno.EXDEV,
            errno.EMLINK,
            errno.ENOSYS,
        ):
            raise
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.replace(tmp, target)
        return
    os.unlink(tmp)


def atomic_write_text(target: Path, text: str) -> Path:
    return atomic_write(target, lambda h: h.write(text.encode("utf-8")))


def atomic_write_bytes(target: Path, data: bytes) -> Path:
    return atomic_write(target, lambda h: h.write(data))


def athlete_folders(names: Iterable[str], out_dir: Path) -> dict[str, Path]:
    """athlete name -> their output folder inside `out_dir` (safe, collision-free names,
    assigned in sorted order so the same input always gets the same folders)."""
    taken: set[str] = set()
    return {name: inside(out_dir, safe_name(name, taken=taken)) for name in sorted(names)}
