"""TensorBoard event files (a log directory or one ``events.out.tfevents.*`` file), no TensorFlow.

The records are walked here (:mod:`.events`: the framing, CRC checks, a record still being
written) and parsed with the protobuf messages the ``tensorboard`` package ships
(:mod:`.summaries`); TensorFlow is never imported. ``pip install livecurve[tensorboard]``
installs ``tensorboard``.

Runs are found as TensorBoard finds them: every folder holding event files is a run, except that
a ``train/`` (or ``training/``, ``learn/``) folder and its sibling ``validation/`` (or ``val/``,
``eval/``…, or CatBoost's ``test/`` beside ``learn/``) are one run, validation dashed. What
becomes of the values (names, restarts, histograms, hyperparameters): :mod:`.eventruns`.
Text, images, audio, graphs, PR curves and other plugins' data are left out, and one warning
says what and where.

:class:`LogdirReader` reads a logdir once (:func:`read_tensorboard`) or again and again while
it is followed (:mod:`livecurve.live.follow_logdir`): it keeps each file's offset and reads only
the bytes added since.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..model.run import Run
from .errors import LogReadError, listing, plural, warn
from .eventruns import TRAIN_DIRS, VALIDATION_DIRS, RunGroup, Source
from .events import RecordReader
from .summaries import Decoded, EventDecoder, kind_name

_CHUNK = 64 << 20  # bytes read at a time from one file


def _decoder() -> EventDecoder:
    try:
        return EventDecoder()
    except ImportError as exc:
        raise ImportError(
            "reading TensorBoard logs needs the tensorboard package: "
            f"pip install 'livecurve[tensorboard]' ({exc})"
        ) from exc


def is_event_file(name: str) -> bool:
    return "tfevents" in name


def event_files(path: Path) -> list[Path]:
    """The event files at ``path`` (itself, or every one below the directory)."""
    if path.is_file():
        return [path]
    found: list[Path] = []
    for folder, dirs, files in os.walk(path):
        dirs.sort()
        found.extend(Path(folder) / f for f in files if is_event_file(f))
    return sorted(found)


def run_key(root: Path, file: Path, siblings: set[str]) -> tuple[str, Source]:
    """The run a file belongs to (its folder, or the parent of a train/validation folder)."""
    folder = file.parent.relative_to(root) if file.parent != root else Path(".")
    last = folder.name.lower()
    split = last in TRAIN_DIRS or last in VALIDATION_DIRS
    if last == "test" and "learn" in siblings:  # CatBoost: learn/ and test/
        split = True
    rel = folder.as_posix()
    if not split:
        return rel, Source(rel, "", False)
    prefix = "" if last in TRAIN_DIRS else "val_"
    return folder.parent.as_posix(), Source(rel, prefix, True)


@dataclass
class _File:
    path: Path
    group: str
    source: Source
    records: RecordReader
    decoder: EventDecoder
    identity: tuple[int, int] = (0, 0)
    size: int = 0  # bytes read so far
    mtime: int = -1
    started: float = float("inf")
    unreadable: int = 0
    warned: bool = False
    gone: bool = False


@dataclass
class LogdirReader:
    """Every event file under a logdir (or one file), read incrementally into runs.

    Args:
        path: the logdir or one event file.
        label: the label of a run in the logdir itself; other runs are ``label/<folder>``.
            Default: the logdir's name.

    :meth:`poll` finds new files, reads what each file gained (one ``stat`` per file when
    nothing changed) and returns True when a run changed; :attr:`runs` are the runs so far.
    """

    path: Path
    label: str | None = None
    groups: dict[str, RunGroup] = field(default_factory=dict)
    files: dict[Path, _File] = field(default_factory=dict)
    bytes_read: int = 0
    notices: list[str] = field(default_factory=list)  # messages not yet reported
    _reported: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self._decoder_check = _decoder()  # ImportError now, not on the first file
        one_file = self.path.is_file() or is_event_file(self.path.name)
        self.root = self.path.parent if one_file else self.path
        if one_file and self.root.name.lower() in TRAIN_DIRS | VALIDATION_DIRS:
            self.root = self.root.parent  # one file of Keras's train/ or validation/ folder

    @property
    def runs(self) -> list[Run]:
        groups = [self.groups[key] for key in sorted(self.groups)]
        return [run for group in groups for run in group.runs if _has_values(run)]

    def poll(self) -> bool:
        """Find new event files and read new bytes; True when a run changed."""
        self._discover()
        started: list[_File] = []
        for item in list(self.files.values()):
            if self._stat(item):
                started.append(item)
        changed = False
        for item in sorted(started, key=lambda f: (f.started, str(f.path))):
            changed = self._read(item) or changed
        if changed:
            self._relabel()
        return changed

    # -- files ------------------------------------------------------------------------------
    def _discover(self) -> None:
        if self.path.is_file():
            paths = [self.path]
        elif is_event_file(self.path.name):
            paths = []  # one event file, not written yet
        else:
            paths = event_files(self.path) if self.path.is_dir() else []
        by_identity = {f.identity: f for f in self.files.values()}
        for path in paths:
            if path in self.files:
                continue
            try:
                info = path.stat()
            except OSError:
                continue
            moved = by_identity.get((info.st_dev, info.st_ino))
            if moved is not None and not moved.path.exists():  # renamed: read on from its offset
                del self.files[moved.path]
                moved.path, moved.gone = path, False
                self.files[path] = moved
                self.notices.append(f"{moved.source.folder} was renamed to {path.parent.name}")
                continue
            key, source = run_key(self.root, path, _siblings(path.parent))
            item = _File(path, key, source, RecordReader(), _decoder())
            item.identity = (info.st_dev, info.st_ino)
            item.started = _first_wall_time(path)
            self.files[path] = item

    def _stat(self, item: _File) -> bool:
        """True when the file gained bytes since the last read."""
        try:
            info = item.path.stat()
        except OSError:
            if not item.gone:
                item.gone = True
            return False
        item.gone = False
        if info.st_size <= item.size and info.st_mtime_ns == item.mtime:
            return False
        if info.st_size < item.size:  # event files are only appended to
            self._note(f"{item.path.name} got shorter; only bytes added after it are read")
            item.size = info.st_size
        item.mtime = info.st_mtime_ns
        if item.started == float("inf"):
            item.started = _first_wall_time(item.path)
        return info.st_size > item.size

    def _read(self, item: _File) -> bool:
        """Read what the file gained, a chunk at a time, into its run; True when a run changed."""
        changed = False
        try:
            with open(item.path, "rb") as file:
                file.seek(item.size)
                while data := file.read(_CHUNK):
                    item.size += len(data)
                    self.bytes_read += len(data)
                    changed = self._feed(item, data) or changed
        except OSError as exc:
            self._note(f"cannot read {item.path} ({exc.strerror or exc})")
        return changed

    def _feed(self, item: _File, data: bytes) -> bool:
        damaged = item.records.damaged
        decoded = item.decoder.decode(item.records.feed(data), Decoded())
        item.unreadable += decoded.unreadable
        if item.records.damaged > damaged or decoded.unreadable:
            bad = item.records.damaged + item.unreadable
            self._note(
                f"{item.path}: skipped {plural(bad, 'damaged record')} (a CRC mismatch or "
                "bytes that are not an event); the rest is read"
            )
        group = self.groups.get(item.group)
        if group is None:
            group = self.groups[item.group] = RunGroup(item.group)
        for kind, count in decoded.skipped.items():
            group.left_out[kind, item.source.folder] += count
        return group.feed(item.source, decoded)

    def _relabel(self) -> None:
        base = self.label or self.root.resolve().name or "run"
        keys = [key for key in sorted(self.groups) if self.groups[key].runs]
        several = len(keys) > 1
        for key in keys:
            if len(keys) == 1 or key == ".":
                self.groups[key].relabel(base, several)
            else:
                self.groups[key].relabel(f"{base}/{key}", several)

    # -- messages ---------------------------------------------------------------------------
    def _note(self, message: str) -> None:
        if message not in self._reported:
            self.notices.append(message)

    def report(self, source: str) -> list[str]:
        """The messages for what was skipped or left out since the last report (each once)."""
        skipped = sorted({tag for g in self.groups.values() for tag in g.skipped_tags})
        if skipped:
            self._note(
                f"skipped {plural(len(skipped), 'tag')} logged per batch or iteration, not per "
                f"epoch: {listing(skipped, 6)}"
            )
        left: Counter[tuple[str, str]] = Counter()
        for group in self.groups.values():
            left.update(group.left_out)
        if left:
            kinds: dict[str, list[str]] = {}
            totals: Counter[str] = Counter()
            for (kind, folder), count in sorted(left.items()):
                kinds.setdefault(kind, []).append(folder)
                totals[kind] += count
            parts = [
                f"{totals[kind]} {kind_name(kind)} (in {listing(sorted(set(f)), 3)})"
                for kind, f in kinds.items()
            ]
            self._note(f"left out what livecurve does not draw: {'; '.join(parts)}")
        restarted = [g for g in self.groups.values() if len(g.runs) > 1]
        for group in restarted:
            folder = self.root.name if group.key == "." else group.key
            labels = listing([repr(run.label) for run in group.runs], 3)
            self._note(
                f"training was restarted into the same folder ({folder!r}); each start is "
                f"shown as a separate run: {labels}"
            )
        messages = [m for m in self.notices if m not in self._reported]
        self._reported.update(messages)
        self.notices.clear()
        return [f"{source}: {m}" for m in messages]


def _siblings(folder: Path) -> set[str]:
    """The names of the folders beside a ``test/`` folder (CatBoost's ``learn/``?); else none."""
    if folder.name.lower() != "test":
        return set()
    try:
        return {p.name.lower() for p in folder.parent.iterdir() if p.is_dir()}
    except OSError:
        return set()


def _has_values(run: Run) -> bool:
    return len(run) > 0 or (run._distributions is not None and len(run.distributions) > 0)


def _first_wall_time(path: Path) -> float:
    """When a file's first event after its ``file_version`` was written (inf: none yet).

    Files are fed to their runs in this order. The ``file_version`` event is not used: TF's
    writer rounds its time to the second, which does not order two files of one second.
    """
    try:
        with open(path, "rb") as file:
            head = file.read(1 << 16)
    except OSError:
        return float("inf")
    from tensorboard.compat.proto import event_pb2

    event = event_pb2.Event()
    for record in RecordReader(data_crc=False).feed(head)[:3]:
        try:
            event.ParseFromString(record)
        except Exception:
            continue
        if not event.HasField("file_version") and event.wall_time:
            return float(event.wall_time)
    return float("inf")


def read_tensorboard(path: Path, source: str, label: str | None) -> list[Run]:
    """Runs from a TensorBoard log directory or event file.

    Raises:
        LogReadError: no event files, or no scalars or histograms in them.
        ImportError: tensorboard is not installed.
    """
    files = event_files(path)
    if not files:
        raise LogReadError(
            f"{source}: no TensorBoard event files (events.out.tfevents.*) in this directory"
        )
    reader = LogdirReader(path, label)
    reader.poll()
    for message in reader.report(source):
        warn(message + ".")
    runs = reader.runs
    if not runs:
        raise LogReadError(f"{source}: its {plural(len(files), 'event file')} hold no scalars")
    return runs
