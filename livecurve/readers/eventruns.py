"""The runs of one TensorBoard run folder: names, x values, restarts, histograms, hparams.

A :class:`RunGroup` is one run as TensorBoard shows it, fed with what its event files hold (in
the order the files were started, each file's values in the order written), once or on every
poll while a logdir is followed:

* **Names**: a tag from a ``validation/`` (or ``test/`` beside ``learn/``) folder gets ``val_``, as
  Keras names it in ``History``; Keras's ``epoch_`` prefix is dropped and its 0-based epoch
  index becomes epochs completed (x + 1, axis ``epoch``); per-batch tags of such folders
  (``batch_*``, ``*_vs_iterations``) count other things and are skipped, said once; a tag named
  like an axis (Lightning's ``epoch``) is a counter, not a metric.
* **Restarts**: an event file whose first new point is at or before the last step of its
  series, or a point inside a file at a step *before* the last one, starts a new run
  (``label (run 2)``): training was started again into the same folder (``fit()`` run twice, a
  job restarted). Another value at the same step inside a file (a tag logged every batch at
  its epoch's step) is kept beside the first, not a restart. A point equal to one already
  there (same step and value) is a repeat, not a restart: an event file that starts with
  repeats (Lightning's ``hp_metric`` = -1 at step 0 in every file) holds them back until it
  shows whether it continues the run or starts over; if it starts over they are kept in the new
  run (the second ``fit()``'s learning rates, equal to the first one's, are its values too).
* **Histograms** become distributions of the run a file feeds, one per tag (Keras's
  ``sequential/dense/kernel/histogram`` is ``dense/kernel``: the model's name and the suffix
  go), at most :data:`MAX_DISTRIBUTIONS` per run (the first logged; the rest are counted as
  left out): distribution panels come after the scalar panels, and a model of many layers would
  otherwise push the curves out of sight.
* **Hyperparameters** (the hparams plugin) go to :attr:`Run.params`, and label the run when the
  logdir holds several runs (trials to tell apart); a lone run keeps its folder's name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model.run import Run
from .axis import axis_kind
from .hparams import label as params_label
from .summaries import Decoded

MAX_DISTRIBUTIONS = 12
"""Histogram tags drawn per run (the first ones logged); the others are reported as left out."""

TRAIN_DIRS = frozenset({"train", "training", "learn"})
VALIDATION_DIRS = frozenset({"validation", "val", "valid", "eval", "evaluation"})
_KERAS_OTHER_AXIS = re.compile(r"^batch_|_vs_iterations$")

Series = tuple[str, np.ndarray, np.ndarray]  # name, x, y


@dataclass
class Source:
    """One event file's place in its run: its folder's prefix and whether it chose a segment."""

    folder: str  # the file's folder relative to the logdir, for messages
    prefix: str  # "val_" for a validation folder
    split: bool  # in a train/validation folder (Keras's layout)
    segment: int = -1  # the index of the run it feeds; -1 until its first point
    decided: bool = False
    held: list[Series] = field(default_factory=list)  # leading repeats, not yet placed


class _Segment:
    """One run of the group: points not yet handed to the Run, and each series' last x."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.last: dict[str, float] = {}
        self.pending: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {}

    def add(self, name: str, xs: np.ndarray, ys: np.ndarray) -> None:
        """Points after the series' last x, in increasing x."""
        chunks = self.pending.get(name)
        if chunks is None:
            chunks = self.pending[name] = ([], [])
        chunks[0].append(xs)
        chunks[1].append(ys)
        self.last[name] = float(xs[-1])

    def has(self, name: str, x: float, y: float) -> bool:
        """Whether the series already holds the point (x, y)."""
        xs, ys = self.pending.get(name, ([], []))
        series = self.run.points(name)
        if series is not None:
            sx, sy = series.snapshot()
            xs, ys = [sx, *xs], [sy, *ys]
        if not xs:
            return False
        all_x, all_y = np.concatenate(xs), np.concatenate(ys)
        return bool(np.any((all_x == x) & (all_y == y)))

    def flush(self) -> bool:
        """Hand the pending points to the Run (train series before validation); True if any."""
        names = sorted(self.pending, key=lambda n: n.startswith("val_"))
        for name in names:
            xs, ys = (np.concatenate(chunks) for chunks in self.pending[name])
            if np.isfinite(ys).all():
                self.run.ensure(name).extend(xs, ys)
            else:
                self.run.extend(name, xs, ys)  # NaN kept as a gap, with its warning
        self.pending = {}
        return bool(names)


class RunGroup:
    """The runs of one run folder (several when training restarted into it).

    Args:
        key: the run folder relative to the logdir (``"."`` for the logdir itself).
    """

    def __init__(self, key: str) -> None:
        self.key = key
        self.label = key
        self.params: dict[str, Any] = {}
        self.by_params = False
        self.segments: list[_Segment] = []
        self.skipped_tags: set[str] = set()
        self.left_out: Counter[tuple[str, str]] = Counter()  # (kind, folder) -> values
        self._names: dict[tuple[str, str, bool], tuple[str | None, float, bool]] = {}

    @property
    def runs(self) -> list[Run]:
        return [segment.run for segment in self.segments]

    def _new_segment(self) -> int:
        self.segments.append(_Segment(Run(self.label, "step")))
        self.segments[-1].run.params = self.params
        self.relabel(self.label)
        return len(self.segments) - 1

    def relabel(self, base: str, by_params: bool | None = None) -> None:
        """Label the runs ``base``, ``base (run 2)``…; with ``by_params``, the hparams values
        take the place of ``base`` (several runs to tell apart, as KerasTuner trials)."""
        self.label = base
        if by_params is not None:
            self.by_params = by_params
        shown = (self.by_params and params_label(self.params)) or base
        for number, segment in enumerate(self.segments, start=1):
            segment.run.label = shown if number == 1 else f"{shown} (run {number})"

    def _name(self, tag: str, source: Source) -> tuple[str | None, float, bool]:
        """(series name or None to skip, x shift, epoch axis) for a tag of ``source``."""
        key = (tag, source.prefix, source.split)
        known = self._names.get(key)
        if known is None:
            if source.split and _KERAS_OTHER_AXIS.search(tag):
                self.skipped_tags.add(f"{source.folder.rsplit('/', 1)[-1]}/{tag}")
                known = (None, 0.0, False)
            elif axis_kind(tag) is not None:
                known = (None, 0.0, False)  # a counter, not a metric
            elif tag.startswith("epoch_"):
                known = (source.prefix + tag[len("epoch_") :], 1.0, True)
            else:
                known = (source.prefix + tag, 0.0, False)
            self._names[key] = known
        return known

    def feed(self, source: Source, decoded: Decoded) -> bool:
        """Add what one read of a file held; True when a run changed."""
        if decoded.params:
            self.params.update(decoded.params)
            self.relabel(self.label)
        if source.segment < 0:
            if not self.segments:
                self._new_segment()
            source.segment = len(self.segments) - 1
        series = []
        columns = [
            (tag, pairs[:, 0], pairs[:, 1].copy())
            for tag, flat in decoded.scalars.items()
            for pairs in [np.asarray(flat, dtype=np.float64).reshape(-1, 2)]
        ] + [
            (tag, np.asarray(packed.steps, dtype=np.float64), packed.values())
            for tag, packed in decoded.packed.items()
        ]
        for tag, steps, values in columns:
            name, shift, epoch = self._name(tag, source)
            if name is None:
                continue
            if epoch:
                self.segments[source.segment].run.axis = "epoch"
            series.append((name, steps + shift if shift else steps, values))
        if not source.decided:
            series = self._decide(source, series)
        start = source.segment
        for name, xs, ys in series:
            source.segment = max(source.segment, self._place(start, name, xs, ys))
        changed = False
        for segment in self.segments:
            changed = segment.flush() or changed
        return self._histograms(source, decoded) or changed or bool(decoded.params)

    def _decide(self, source: Source, series: list[Series]) -> list[Series]:
        """A file's first points: does it continue its run or start it over?

        Leading repeats of points the run has say neither: they are held until the file shows.
        """
        segment = self.segments[source.segment]
        back = forward = False
        for name, xs, ys in series:
            last = segment.last.get(name)
            k = 0
            while last is not None and k < xs.size and xs[k] <= last:
                if not segment.has(name, float(xs[k]), float(ys[k])):
                    back = True
                    break
                k += 1
            else:
                forward = forward or k < xs.size
        if back:
            series = source.held + series
            latest = len(self.segments) - 1
            if latest > source.segment and self._fits(self.segments[latest], series):
                source.segment = latest  # a sibling file started that run already
            else:
                source.segment = self._new_segment()
                self.segments[source.segment].run.axis = segment.run.axis
        elif not forward:
            source.held.extend(series)
            return []
        source.decided = True
        source.held = []
        return series

    @staticmethod
    def _fits(segment: _Segment, series: list[Series]) -> bool:
        """Whether every series would continue ``segment`` (no step at or before its last)."""
        return all(
            segment.last.get(name) is None or xs[0] > segment.last[name] for name, xs, _ in series
        )

    def _place(self, index: int, name: str, xs: np.ndarray, ys: np.ndarray) -> int:
        """Add a series' points to segment ``index``; a step that goes back moves the rest to
        the next run. Returns the index of the segment that got the last point."""
        segment = self.segments[index]
        last = segment.last.get(name, -np.inf)
        if xs[0] > last and (xs.size == 1 or bool(np.all(xs[1:] > xs[:-1]))):
            segment.add(name, xs, ys)  # the usual case: steps only go forward
            return index
        for x, y in zip(xs.tolist(), ys.tolist()):
            segment = self.segments[index]
            last = segment.last.get(name, -np.inf)
            if x <= last and segment.has(name, x, y):
                continue  # a repeat (Lightning's hp_metric at step 0)
            if x < last:  # the steps went back inside the file: a new start
                index += 1
                if index == len(self.segments):
                    self._new_segment()
                    self.segments[index].run.axis = segment.run.axis
                segment = self.segments[index]
            segment.add(name, np.array([x]), np.array([y]))
        return index

    def _histograms(self, source: Source, decoded: Decoded) -> bool:
        if not decoded.histograms:
            return False
        run = self.segments[source.segment].run
        shift = 1.0 if run.axis == "epoch" else 0.0
        for tag, step, quantiles in decoded.histograms:
            name = tag.removesuffix("/histogram")
            if source.split and name.count("/") >= 2:  # Keras: "<model>/<layer>/<weight>"
                name = name.split("/", 1)[1]
            name = source.prefix + name
            if name not in run.distributions and len(run.distributions) >= MAX_DISTRIBUTIONS:
                self.left_out["histograms beyond the first per run", source.folder] += 1
                continue
            run.distributions.ensure(name).append_quantiles(step + shift, quantiles)
        return True
