"""TensorBoard event files (a log directory or one ``events.out.tfevents.*`` file).

They are read with the ``tensorboard`` package's own event file reader (what TensorBoard itself
uses): ``pip install livecurve[tensorboard]``, or ``livecurve[tensorflow]``, which includes it
(TensorFlow 2.20 and later no longer install it, and Keras's ``TensorBoard`` callback needs it).
That reader imports TensorFlow when it is installed; TensorFlow's start-up lines are kept off the
screen (:mod:`.quiet`).

Both kinds of scalar are read: ``simple_value`` scalars (PyTorch, Lightning, TF1) and scalar
*tensors* (``tf.summary.scalar`` in TF2, Keras's ``TensorBoard`` callback); non-scalar tensors
(histograms, images) are left out.

Runs follow TensorBoard's own notion: every directory holding event files is a run, except that
the ``train/`` and ``validation/`` folders Keras writes are one run, with validation tags named as
Keras names them in ``History`` (``validation/epoch_loss`` is ``val_loss``, ``train/epoch_loss``
is ``loss``). Keras writes ``epoch_*`` tags at its 0-based epoch index, so such a run's axis is
``epoch`` and x is shifted by +1 (epochs completed); the per-batch (``batch_*``) and
``evaluation_*_vs_iterations`` tags it also writes count other things and are skipped with a
warning. Other runs (PyTorch, Lightning) use the ``step`` axis. A tag named like an axis
(Lightning's ``epoch``) is a counter, not a metric. An event file whose steps go back over steps
already logged in its directory (training restarted into the same folder) starts a new run;
repeated identical points (Lightning logs ``hp_metric`` = -1 at step 0 in every file) are kept
once.
"""

from __future__ import annotations

import math
import os
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model.run import Run
from ..model.values import to_scalar
from .axis import axis_kind
from .errors import LogReadError, listing, plural, warn
from .quiet import quiet_stderr

_TRAIN_DIRS = frozenset({"train", "training"})
_VALIDATION_DIRS = frozenset({"validation", "val", "valid", "eval", "evaluation"})
_KERAS_OTHER_AXIS = re.compile(r"^batch_|_vs_iterations$")


def _event_reader() -> tuple[Any, Any]:
    """tensorboard's ``EventFileLoader`` class and its ``make_ndarray`` (tensor proto to array)."""
    try:
        from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
        from tensorboard.util.tensor_util import make_ndarray
    except ImportError as exc:
        raise ImportError(
            "reading TensorBoard logs needs the tensorboard package: "
            f"pip install 'livecurve[tensorboard]' ({exc})"
        ) from exc
    return EventFileLoader, make_ndarray


def event_files(path: Path) -> list[Path]:
    """The event files at ``path`` (itself, or every one below the directory)."""
    if path.is_file():
        return [path]
    found = []
    for folder, _, files in os.walk(path):
        found.extend(Path(folder) / f for f in files if "tfevents" in f)
    return sorted(found)


@dataclass
class _File:
    """The scalar points of one event file: ``(tag, step, value)`` and when it was written."""

    path: Path
    points: list[tuple[str, float, float]] = field(default_factory=list)
    started: float = math.inf


def _read_file(reader: tuple[Any, Any], path: Path) -> _File:
    loader_class, make_ndarray = reader
    result = _File(path)
    with quiet_stderr():
        for event in loader_class(str(path)).Load():
            for value in event.summary.value:
                number = _scalar(value, make_ndarray)
                if number is None:
                    continue  # a histogram, an image, text
                result.points.append((str(value.tag), float(event.step), number))
                result.started = min(result.started, float(event.wall_time))
    return result


# TensorFlow's DataType numbers of the usual scalars: the repeated field that holds a value (the
# loader's simple_value migration), and the layout of ``tensor_content`` (tf.summary.scalar).
# One value is read without numpy (about 4 µs a value, against 22 µs through make_ndarray and
# to_scalar); any other tensor goes through them.
_VALUE_FIELDS = {1: "float_val", 2: "double_val", 3: "int_val", 9: "int64_val"}
_CONTENT = {
    1: struct.Struct("<f"),
    2: struct.Struct("<d"),
    3: struct.Struct("<i"),
    9: struct.Struct("<q"),
}


def _scalar(value: Any, make_ndarray: Any) -> float | None:
    """The number of a summary value: a ``simple_value`` or a one-element numeric tensor."""
    if value.HasField("simple_value"):  # the loader turns these into tensors; in case it does not
        return float(value.simple_value)
    if not value.HasField("tensor"):
        return None
    tensor = value.tensor
    if tensor.string_val or any(dim.size != 1 for dim in tensor.tensor_shape.dim):
        return None
    content, layout = tensor.tensor_content, _CONTENT.get(tensor.dtype)
    if content and layout is not None and len(content) == layout.size:
        return float(layout.unpack(content)[0])
    field_name = _VALUE_FIELDS.get(tensor.dtype)
    if field_name is not None and not content:
        values = getattr(tensor, field_name)
        if len(values) == 1:
            return float(values[0])
    try:
        return to_scalar(make_ndarray(tensor))
    except Exception:  # a dtype numpy does not know
        return None


def _group(root: Path, file: Path) -> tuple[str, str]:
    """``(run directory relative to root, name prefix)``: Keras's train/validation are one run."""
    folder = file.parent.relative_to(root)
    last = folder.name.lower()
    if last in _TRAIN_DIRS:
        return str(folder.parent), ""
    if last in _VALIDATION_DIRS:
        return str(folder.parent), "val_"
    return str(folder), ""


def read_tensorboard(path: Path, source: str, label: str | None) -> list[Run]:
    """Runs from a TensorBoard log directory or event file.

    Raises:
        LogReadError: no event files, or no scalar values in them.
        ImportError: tensorboard is not installed.
    """
    files = event_files(path)
    if not files:
        raise LogReadError(
            f"{source}: no TensorBoard event files (events.out.tfevents.*) in this directory"
        )
    reader = _event_reader()
    read: list[_File] = []
    for file in files:
        try:
            read.append(_read_file(reader, file))
        except Exception as exc:  # a corrupt or foreign file: report it, read the others
            warn(f"{source}: could not read event file {file.name!r} ({exc}); it is skipped.")
    root = path if path.is_dir() else path.parent
    if not path.is_dir() and root.name.lower() in _TRAIN_DIRS | _VALIDATION_DIRS:
        root = root.parent  # one file of Keras's train/ or validation/ folder
    groups: dict[str, list[tuple[str, _File]]] = {}
    for item in sorted(read, key=lambda f: (f.started, str(f.path))):
        if item.points:
            key, prefix = _group(root, item.path)
            groups.setdefault(key, []).append((prefix, item))
    if not groups:
        raise LogReadError(f"{source}: its {plural(len(files), 'event file')} hold no scalars")
    base = label or root.resolve().name or "run"
    runs: list[Run] = []
    for key, members in sorted(groups.items()):
        name = base if len(groups) == 1 or key == "." else f"{base}/{key}"
        runs.extend(_group_runs(members, name, source))
    return runs


def _group_runs(members: list[tuple[str, _File]], base: str, source: str) -> list[Run]:
    """The runs of one run directory (several when training restarted into it)."""
    keras = any(tag.startswith("epoch_") for _, f in members for tag, _, _ in f.points)
    skipped: set[str] = set()
    # Each file's points as (name, step, value), renamed; files split into runs on restarts.
    runs_points: list[list[tuple[str, float, float]]] = [[]]
    last_step: dict[str, float] = {}
    seen: set[tuple[str, float, float]] = set()
    names: dict[tuple[str, str], str | None] = {}
    for prefix, file in members:
        points = []
        for tag, step, value in file.points:
            if (tag, prefix) not in names:
                names[tag, prefix] = _name(tag, prefix, keras)
            name = names[tag, prefix]
            if name is None:
                folder = file.path.parent.name
                split_dir = folder.lower() in _TRAIN_DIRS | _VALIDATION_DIRS
                skipped.add(f"{folder}/{tag}" if split_dir else tag)
                continue
            if name and (name, step, value) not in seen:
                seen.add((name, step, value))
                points.append((name, step, value))
        if any(step <= last_step.get(name, -math.inf) for name, step, _ in points):
            runs_points.append([])
            last_step = {}
        for name, step, _ in points:
            last_step[name] = max(step, last_step.get(name, -math.inf))
        runs_points[-1].extend(points)
    if skipped:
        warn(
            f"{source}: skipped {plural(len(skipped), 'tag')} logged per batch or iteration, "
            f"not per epoch: {listing(sorted(skipped), 6)}."
        )
    steps = [step for points in runs_points for _, step, _ in points]
    shift = 1.0 if keras and steps and min(steps) == 0 and all(s.is_integer() for s in steps) else 0
    runs = []
    for number, points in enumerate(runs_points, start=1):
        run = Run(base if number == 1 else f"{base} (run {number})", "epoch" if keras else "step")
        by_name: dict[str, list[tuple[float, float]]] = {}
        for name, step, value in points:
            by_name.setdefault(name, []).append((step + shift, value))
        for name in _order(by_name):
            xy = sorted(by_name[name], key=lambda p: p[0])
            run.extend(name, [x for x, _ in xy], [y for _, y in xy])
        if len(run):
            runs.append(run)
    if len(runs) > 1:
        warn(
            f"{source}: training was restarted into the same folder ({base!r}); each start is "
            f"shown as a separate run: {listing([repr(r.label) for r in runs], 3)}."
        )
    return runs


def _name(tag: str, prefix: str, keras: bool) -> str | None:
    """The series name of a tag; "" for an axis counter (not a metric), None for a skipped tag."""
    if keras and _KERAS_OTHER_AXIS.search(tag):
        return None
    if axis_kind(tag) is not None:
        return ""
    if keras and tag.startswith("epoch_"):
        tag = tag[len("epoch_") :]
    return prefix + tag


def _order(by_name: dict[str, Any]) -> Iterable[str]:
    """Training series before their validation counterparts, otherwise as logged."""
    return sorted(by_name, key=lambda n: n.startswith("val_"))
