"""The file operations of a log: durable appends, atomic rewrites, backups that never overwrite.

Each refuses to touch a file whose length is not the one livecurve left (``expected``): another
program (or another livecurve object) wrote to it, and livecurve never overwrites that silently.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import tempfile
import time
from pathlib import Path

from ..errors import LogFileError


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _fsync_directory(directory: Path) -> None:
    """Make a new or renamed directory entry durable (not possible everywhere: then skipped)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_size(path: Path, found: int, expected: int) -> None:
    """Raise :class:`LogFileError` when the file is not as long as livecurve left it."""
    if found != expected:
        raise LogFileError(
            f"{path} was changed by another program ({found} bytes where livecurve left "
            f"{expected}); livecurve does not write to it any more"
        )


def append(path: Path, data: bytes, expected: int, *, durable: bool) -> None:
    """Append ``data`` with one ``write()``, then fsync when ``durable``.

    The file is opened by name each time, so a removed file or directory is an error rather than
    writes into a file nobody can see. On failure (disk full) it is cut back to ``expected``.
    """
    flags = os.O_WRONLY | os.O_APPEND
    created = expected == 0 and not path.exists()
    if created:
        path.parent.mkdir(parents=True, exist_ok=True)
        flags |= os.O_CREAT
    fd = os.open(path, flags, 0o666)
    try:
        check_size(path, os.fstat(fd).st_size, expected)
        try:
            _write_all(fd, data)
            if durable:
                os.fsync(fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, expected)  # no half-written row left behind
            raise
    finally:
        os.close(fd)
    if created:
        _fsync_directory(path.parent)


def replace(path: Path, content: bytes, expected: int) -> None:
    """Write the whole file to a temporary name, fsync it and rename it into place."""
    try:
        stat: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        stat = None
    check_size(path, stat.st_size if stat else 0, expected)
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    try:
        os.chmod(temp, (stat.st_mode & 0o7777) if stat else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_directory(directory)


def remove_temporaries(path: Path) -> None:
    """Remove what a rewrite killed before its rename left: ``.<name>.<random>.part`` files."""
    with contextlib.suppress(OSError):
        for temp in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
            temp.unlink(missing_ok=True)


def backup(path: Path, reason: str, data: bytes | None, expected: int) -> Path:
    """Copy the file (or ``data``, its bytes) to a new ``<stem>.<reason>-<time>[-n]<ext>``.

    The name is created exclusively, so an earlier backup is never overwritten.
    """
    if data is None:
        data = path.read_bytes()
        check_size(path, len(data), expected)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in itertools.count(1):
        target = path.with_name(
            f"{path.stem}.{reason}-{stamp}{'' if n == 1 else f'-{n}'}{path.suffix}"
        )
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        try:
            _write_all(fd, data)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            target.unlink(missing_ok=True)
            raise
        os.close(fd)
        _fsync_directory(path.parent)
        return target
    raise AssertionError("unreachable")
