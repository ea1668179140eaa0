"""The runs of one TensorBoard run folder: names, x values, restarts, histograms, hparams.

A :class:`RunGroup` is one run as TensorBoard shows it, fed with what its event files hold (in
the order the files were started, each file's values in the order written), once or on every
poll while a logdir is followed:

* **Names**: a tag from a ``validation/`` (or ``test/`` beside ``learn/``) folder gets ``val_``, as
  Keras names it in ``History``; Keras's ``epoch_`` prefix is dropped and its 0-based epoch
  index becomes epochs completed (x + 1, axis ``epoch``); per-batch tags of such folders
  (``batch_*``, ``*_vs_iterations``) count other things and are skipped, said once; a tag named
  like an axis (Lightning's ``epoch``) is a counter, not a metric.
* **Restarts**: a point at a step at or before the last one of its series starts a new run
  (``label (run 2)``): training was started again into the same folder (``fit()`` run twice, a
  job restarted). A point equal to one already there (same step and value) is a repeat, not a
  restart: an event file that starts with repeats (Lightning's ``hp_metric`` = -1 at step 0 in
  every file) holds them back until it shows whether it continues the run or starts over; if it
  starts over they are kept in the new run (the second ``fit()``'s learning rates, equal to the
  first one's, are its values too).
* **Histograms** become distributions of the run a file feeds, one per tag, at most
  :data:`MAX_DISTRIBUTIONS` per run (the first logged; the rest are counted as left out):
  distribution panels come after the scalar panels, and a model of many layers would otherwise
  push the curves out of sight.
* **Hyperparameters** (the hparams plugin) go to :attr:`Run.params` and the run's label.
"""

from __future__ import annotations

import bisect
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


@dataclass
class Source:
    """One event file's place in its run: its folder's prefix and whether it chose a segment."""

    folder: str  # the file's folder relative to the logdir, for messages
    prefix: str  # "val_" for a validation folder
    split: bool  # in a train/validation folder (Keras's layout)
    segment: int = -1  # the index of the run it feeds; -1 until its first point
    decided: bool = False
    held: list[tuple[str, float, float]] = field(default_factory=list)


class _Segment:
    """One run of the group: its points not yet handed to the Run, and each series' last x."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.last: dict[str, float] = {}
        self.xs: dict[str, list[float]] = {}
        self.ys: dict[str, list[float]] = {}

    def add(self, name: str, x: float, y: float) -> None:
        xs = self.xs.get(name)
        if xs is None:
            xs = self.xs[name] = []
            self.ys[name] = []
        xs.append(x)
        self.ys[name].append(y)
        self.last[name] = x

    def has(self, name: str, x: float, y: float) -> bool:
        """Whether the series already holds the point (x, y)."""
        xs = self.xs.get(name, [])
        i = bisect.bisect_left(xs, x)
        if i < len(xs) and xs[i] == x:
            return self.ys[name][i] == y
        series = self.run.points(name)
        if series is None:
            return False
        sx, sy = series.snapshot()
        j = int(np.searchsorted(sx, x))
        return j < sx.size and sx[j] == x and sy[j] == y

    def flush(self) -> bool:
        """Hand the held points to the Run (train series before validation); True if any."""
        names = sorted(self.xs, key=lambda n: n.startswith("val_"))
        for name in names:
            self.run.extend(name, self.xs[name], self.ys[name])
        self.xs, self.ys = {}, {}
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

    def relabel(self, base: str) -> None:
        """Label the runs ``base``, ``base (run 2)``…; ``base`` gives way to hparams values."""
        self.label = base
        shown = params_label(self.params) or base
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
        for tag, step, value in decoded.scalars:
            name, shift, epoch = self._name(tag, source)
            if name is None:
                continue
            x = step + shift
            segment = self.segments[source.segment]
            if epoch:
                segment.run.axis = "epoch"
            last = segment.last.get(name)
            if last is None or x > last:
                source.decided = True
                source.held.clear()  # repeats of points the run has
                segment.add(name, x, value)
            elif segment.has(name, x, value):
                if not source.decided:
                    source.held.append((name, x, value))
            else:  # the steps went back: a new start
                source.segment = self._new_segment()
                new = self.segments[source.segment]
                new.run.axis = segment.run.axis
                for held in source.held:
                    new.add(*held)
                source.held.clear()
                source.decided = True
                new.add(name, x, value)
        changed = False
        for segment in self.segments:
            changed = segment.flush() or changed
        return self._histograms(source, decoded) or changed or bool(decoded.params)

    def _histograms(self, source: Source, decoded: Decoded) -> bool:
        if not decoded.histograms:
            return False
        run = self.segments[source.segment].run
        shift = 1.0 if run.axis == "epoch" else 0.0
        for tag, step, quantiles in decoded.histograms:
            name = source.prefix + tag.removesuffix("/histogram")
            if name not in run.distributions and len(run.distributions) >= MAX_DISTRIBUTIONS:
                self.left_out["histograms beyond the first per run", source.folder] += 1
                continue
            run.distributions.ensure(name).append_quantiles(step + shift, quantiles)
        return True
