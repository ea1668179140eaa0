"""A path to runs: decide what the file is (by its content, not only its name) and read it.

* livecurve's own ``.csv``/``.jsonl`` log: :mod:`.ownlog` (the decoder ``LogFile`` uses);
* a Lightning ``CSVLogger`` folder or ``catboost_info/``: :mod:`.folders`;
* another directory, or a file named ``*tfevents*``: TensorBoard (:mod:`.tensorboard`);
* text starting with ``{`` or ``[`` (or a ``.json``/``.jsonl`` name): JSON (:mod:`.jsonlog`);
* any other text: a table with a header line (:mod:`.delimited`).

Text is decoded as UTF-8 (a byte order mark is dropped), UTF-16 when it starts with a UTF-16 byte
order mark, else Latin-1; a gzip-compressed file is decompressed. The file is only read, never
written.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import mmap
from pathlib import Path

from ..model.run import Run
from .bulk import regular_table, table_runs
from .delimited import read_table
from .errors import LogReadError
from .folders import read_folder
from .jsonlog import read_json_text
from .lightning import fold_step_epoch
from .nonlogs import describe, looks_like
from .ownlog import read_own_log, read_own_table
from .runs import to_runs

_JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})


def decode(data: bytes, source: str) -> str:
    """The text of a file's bytes.

    Raises:
        LogReadError: the bytes are not text.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # A file cut at an odd byte ends in half a character: replaced, then read as torn.
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:65536]:
        raise LogReadError(f"{source}: is a binary file, not a text log (CSV, TSV, JSON)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_path(path: Path, source: str, label: str | None) -> list[Run]:
    """Runs from a file or TensorBoard directory.

    Args:
        path: the file or directory.
        source: the path as the caller wrote it, for messages.
        label: the first run's label (default: the file name without extension).

    Raises:
        LogReadError: the path does not exist, the file is empty or not a training log.
    """
    if not path.exists():
        raise LogReadError(f"{source}: no such file or directory")
    if path.is_dir():
        runs = read_folder(path, source, label, read_path)
        if runs is not None:
            return runs
    if path.is_dir() or "tfevents" in path.name:
        from .tensorboard import read_tensorboard

        return read_tensorboard(path, source, label)
    stem = Path(path.stem).stem if path.suffix.lower() == ".gz" else path.stem
    if path.suffix.lower() not in _JSON_SUFFIXES:
        fast = _read_mapped(path, source, label or stem)
        if fast is not None:
            return fast
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LogReadError(f"{source}: cannot be read ({exc.strerror or exc})") from exc
    if not data:
        raise LogReadError(f"{source}: is empty (0 bytes); nothing was logged to it")
    on_disk: Path | None = path
    if data[:2] == b"\x1f\x8b":
        on_disk = None
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise LogReadError(f"{source}: is a damaged gzip file ({exc})") from exc
    if on_disk is None and not _looks_json(data) and path.suffix.lower() not in _JSON_SUFFIXES:
        fast = _read_regular(data, None, path, source, label or stem)  # a decompressed table
        if fast is not None:
            return fast
    own = read_own_log(data, path, source, label or stem)
    if own is not None:
        return own  # livecurve's own log, read by the decoder LogFile and the follower use
    text = decode(data, source)
    if not text or text.isspace():
        raise LogReadError(f"{source}: holds only blank lines; nothing was logged to it")
    shape = looks_like(text)
    if shape is not None:
        raise LogReadError(f"{source}: is not a training log: it looks like {shape}")
    try:
        if text[:4096].lstrip()[:1] in ("{", "[") or path.suffix.lower() in _JSON_SUFFIXES:
            return read_json_text(text, source, stem, label)
        return fold_step_epoch(to_runs(read_table(text, source), label or stem))
    except LogReadError as exc:
        if "is it a training log" in str(exc):
            utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
            raise LogReadError(f"{exc} ({describe(text, 'UTF-16' if utf16 else '')})") from exc
        raise


def _looks_json(head: bytes | mmap.mmap) -> bool:
    return head[:64].lstrip().removeprefix(codecs.BOM_UTF8)[:1] in (b"{", b"[")


def _read_regular(
    data: bytes | mmap.mmap, on_disk: Path | None, path: Path, source: str, label: str
) -> list[Run] | None:
    """A regular table through pandas' C parser (:mod:`.bulk`): an own ``.csv`` log by the
    decoder's rules (:func:`.ownlog.read_own_table`), another table as the careful path would
    read it; None for the careful path."""
    table = regular_table(data, on_disk)
    if table is None:
        return None
    own = read_own_table(table, data, path, label)
    if own is not None:
        return own  # livecurve's own .csv log (Keras CSVLogger layout)
    fast = table_runs(table, source, label)
    return None if fast is None else fold_step_epoch(fast)


def _read_mapped(path: Path, source: str, label: str) -> list[Run] | None:
    """:func:`_read_regular` of the file mapped into memory (no copy of its bytes); None when
    it cannot be mapped (empty, not a regular file), is gzip or JSON, or is not regular."""
    try:
        with open(path, "rb") as file:
            data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        if data[:2] == b"\x1f\x8b" or _looks_json(data[:64]):
            return None
        return _read_regular(data, path, path, source, label)
    finally:
        with contextlib.suppress(BufferError):  # a view still held: the mapping is freed later
            data.close()
