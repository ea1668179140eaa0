"""``LiveCurve``: the Keras callback that draws live training curves in a notebook."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras

from ..errors import LiveCurveWarning
from ..live.plot import LivePlot
from ..model.run import Run
from .batches import BatchReader, batch_sizes, metric_kinds
from .search import Search, find_trial

PER_BATCH_CHOICES = (True, False, "auto")
# per_batch="auto" draws per-batch values when an epoch has at least this many batches (or an
# unknown number): fewer make no line worth drawing between two epoch points.
AUTO_MIN_BATCHES = 10


@dataclass
class _Fit:
    """What one ``fit()`` knows, made at ``on_train_begin``: the callback keeps nothing else
    between its hooks but its settings, the figure and how many fits it has drawn."""

    reading: bool = False  # per-batch values on for this fit()
    awaiting_first_epoch: bool = True  # the x axis is placed at the first epoch's start
    offset: float = 0.0  # added to Keras's epoch index: where this fit() sits on the x axis
    first_row: int = 0  # the live run's first step row of the running epoch
    # The last epoch's logs dict and the keys read from it: callbacks listed after this one
    # (ReduceLROnPlateau, LearningRateScheduler) add "learning_rate" to it after we read it.
    last_logs: tuple[int, dict[str, Any], set[str]] | None = None
    kinds: Callable[[], Any] | None = None  # the model's metric kinds, asked for at a batch
    sizes: tuple[int | None, int | None] = (None, None)  # batch size, last batch's size


class LiveCurve(keras.callbacks.Callback):
    """Live training curves in a Jupyter notebook while ``model.fit()`` runs.

    One panel per metric with training and validation on the same axes (``loss`` beside
    ``val_loss``), a checkbox per series that shows or hides it even while ``fit()`` is running,
    a header with progress, ETA and the latest and best value of each series, and ``save()`` for
    a PNG/SVG/PDF/HTML picture or CSV/JSON data. Outside a notebook nothing is displayed and
    ``save()`` still works. An error inside livecurve never stops training: it is reported once.

    Running ``fit()`` again with the same callback continues the curve; ``fit(initial_epoch=k)``
    places the first new point at epoch ``k + 1`` (the x axis counts epochs completed).

    With ``log="run.csv"`` (or ``.jsonl``) every epoch is also appended to that file when it ends
    (flushed and fsync'ed), so a crash, a killed process or a kernel restart loses at most the
    epoch in flight. A new ``LiveCurve`` with the same file draws the logged epochs at once, and:

    - ``fit(initial_epoch=k)`` (resuming from ``ModelCheckpoint`` or ``BackupAndRestore``, which
      sets it itself) continues the curve and the file at epoch ``k``. If the file holds epochs
      from ``k`` on (a rerun from an earlier checkpoint), the newer run wins: those rows are
      replaced, and the file as it was is kept next to it as ``run.replaced-<time>.csv``.
    - the first ``fit()`` of a new ``LiveCurve`` starting at epoch 0 means training restarted
      from scratch: the logged epochs are replaced the same way (a warning names the backup and
      the ``initial_epoch`` that would have continued them instead). Later ``fit()`` calls on the
      same callback continue the curve, as without a log.

    **Per-batch values.** With ``per_batch`` on, each training metric's panel also shows the value
    of every batch as a thin, faint line at fractional epochs (batch k of n in epoch e sits at
    e − 1 + k/n, so an epoch's batches end at its point), with TensorBoard's smoothed line over
    it; the epoch values stay the solid line with markers, exactly Keras's values. Validation
    stays per epoch. Keras reports running means inside an epoch; livecurve recovers each batch's
    own value for ``loss`` and mean-type metrics (accuracy, crossentropy, MSE, MAE...; RMSE on
    its square), weighted by batch size, so that they average to the epoch value. Ratio metrics
    (AUC, precision, recall, F1, IoU) cannot be split per batch: their running value is shown.
    Reading costs microseconds per batch; when even that is more than 0.3 % of the time between
    batches, livecurve reads every m-th batch (at least 64 times an epoch) and shows the exact mean
    of each interval. The callback is ``async_safe``, so on JAX and torch Keras keeps running batch
    hooks off the training loop. Redraws happen at most four times a second, and at every epoch end.

    **Hyperparameter searches.** ``tuner.search(..., callbacks=[curve])`` draws every trial in
    this one figure: KerasTuner deep-copies the callback for each trial, and each copy records a
    new run of the same figure, labelled with the trial's hyperparameter values, with a checkbox
    per run; the best trial so far is marked ``★`` (by the tuner's objective; see
    :mod:`livecurve.keras.search`). ``curve.runs`` lists the trials in order. A ``log=`` file is not
    written by trials (save the figure's data with ``curve.save("search.csv")``). A pickled
    ``LiveCurve`` unpickles as a new, empty one with the same settings and no log file.

    List ``LiveCurve`` before the checkpoint callbacks, so that an epoch is logged before it is
    saved. The file is read when the callback is made, and first changed when training begins
    (a last line cut short by a killed process is removed then, after a backup). A file that is
    not a training log raises ``LogFileError`` (a ``LogReadError``, a ``ValueError``) here and
    is left untouched; an error while writing (disk full) is reported once and training goes on.

    Args:
        per_batch: ``True``, ``False`` or ``"auto"`` (default): draw per-batch values. ``"auto"``
            draws them when an epoch has at least 10 batches or an unknown number (a
            generator without ``steps_per_epoch``).
        smoothing: the weight of the smoothed line over per-batch values, in ``[0, 1)``
            (TensorBoard's debiased moving average; 0 draws none). Default: 0.6.
        title: a heading above the panels. Default: none.
        max_points: the most points per series sent to the browser (longer series are reduced
            for drawing; saved data keep every point). Default: 2000.
        columns: panels per row. Default: 2.
        display: show the widget in the cell where ``fit()`` runs. Default: True.
        log: a file that keeps every epoch's values, ``.csv`` (Keras ``CSVLogger`` layout) or
            ``.jsonl`` (JSON Lines); see :mod:`livecurve.logfile`. Default: none.
        compare: earlier runs to draw behind this one, as reference: a list of anything
            :func:`livecurve.show` reads (``CSVLogger`` files, JSON, TensorBoard directories, a
            ``History``). Default: none.

    Example:
        ```python
        from livecurve import LiveCurve

        curve = LiveCurve()
        model.fit(x, y, validation_split=0.2, epochs=30, verbose=0, callbacks=[curve])
        curve.save("training.png")      # also .svg, .pdf, .html, .csv, .json

        # History that survives a crash or a kernel restart: run the same cell again.
        # (BackupAndRestore resumes at the last saved epoch; the log continues there.)
        curve = LiveCurve(log="run.csv")
        backup = keras.callbacks.BackupAndRestore("backup")
        model.fit(x, y, epochs=30, callbacks=[curve, backup])

        # Compare with an earlier run while this one trains.
        curve = LiveCurve(compare=["baseline.csv"])
        ```
    """

    # Batch hooks only record under a lock; Keras may run them on a worker thread (JAX, torch).
    async_safe = True

    def __init__(
        self,
        *,
        per_batch: bool | str = "auto",
        smoothing: float = 0.6,
        title: str | None = None,
        max_points: int = 2000,
        columns: int = 2,
        display: bool = True,
        log: str | os.PathLike[str] | None = None,
        compare: Sequence[Any] | None = None,
    ) -> None:
        super().__init__()
        if not any(per_batch is choice for choice in PER_BATCH_CHOICES):
            raise ValueError(f"per_batch must be True, False or 'auto', got {per_batch!r}")
        self.per_batch = per_batch
        self._settings = dict(
            per_batch=per_batch, smoothing=smoothing, title=title, max_points=max_points,
            columns=columns, display=display, compare=compare,
        )  # fmt: skip
        self.plot = LivePlot(
            title=title,
            max_points=max_points,
            columns=columns,
            compare=compare,
            smoothing=smoothing,
        )
        if log is not None:  # read now (drawn at once); the file is touched when training begins
            self.plot.open_log(log, repair=False)
        self.batches = BatchReader(self.plot.record_steps, self.plot.changed)
        self.display_widget = display
        if display:  # in a notebook: built now, so fit()'s on_train_begin only shows it
            self.plot.prepare_view()
        self._fit = _Fit(awaiting_first_epoch=False)  # made anew by each on_train_begin
        self._fits = 0
        self._search = Search(self.plot)  # shared by the copies KerasTuner makes per trial
        self._trial_run: Run | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> LiveCurve:
        """A callback for the next trial of a search: the same figure, a new run in it."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        memo[id(self)] = clone
        clone.batches = BatchReader(clone.plot.record_steps, clone.plot.changed)
        clone._fit, clone._fits = _Fit(awaiting_first_epoch=False), 0
        trial, tuner = find_trial()
        clone._trial_run = self.plot.guard.call(
            "adding a trial", self._search.add_trial, trial, tuner
        )
        return clone

    def __reduce__(self) -> tuple[Any, ...]:
        # Locks, threads and widgets cannot be pickled: a new figure with the same settings.
        return (_unpickle, (type(self), self._settings))

    @property
    def runs(self) -> list[Run]:
        """The runs this callback recorded: one per search trial, in trial order; else one."""
        return list(self._search.runs) or [self.plot.run]

    # -- the data, for users -------------------------------------------------------------
    @property
    def run(self) -> Any:
        """The :class:`~livecurve.Run` holding every logged series."""
        return self.plot.run

    @property
    def widget(self) -> Any:
        return self.plot.widget

    def save(self, path: str | os.PathLike[str], *, dpi: int = 150) -> Path:
        """Save the figure (.png .svg .pdf .html) or the data (.csv .json)."""
        return self.plot.save(path, dpi=dpi)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        return self.plot._repr_mimebundle_(**kwargs)

    def _ipython_display_(self) -> None:
        self.plot._ipython_display_()

    # -- Keras hooks (each guarded: a plotting failure never stops training) -------------
    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._fit = _Fit()
        shown = False
        if self._trial_run is not None:
            shown = self._search.displayed  # one widget for the whole search
            self._search.displayed = True
            self.plot.guard.call("starting the trial", self._begin_trial)
        self.plot.guard.call("mending the log file", self.plot.repair_log)
        if self.display_widget and not shown:
            self.plot.guard.call("displaying the widget", self.plot.display)
        self.plot.guard.call("preparing per-batch values", self._prepare_batches)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        fit = self._fit
        self.plot.guard.call("recording late metrics", self._record_late_keys)
        if fit.awaiting_first_epoch:
            fit.awaiting_first_epoch = False
            self.plot.guard.call("starting the figure", self._start, epoch)
        if fit.reading:
            fit.first_row = len(self.plot.run.steps)
            self.plot.guard.call("reading batches", self.batches.begin_epoch, epoch)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if not self._fit.reading:
            return
        try:  # most batches are not read: answer that without the guard's call
            due = self.batches.due(batch)
        except Exception:
            due = True  # the guarded read below reports what is wrong
        if due:
            self.plot.guard.call("reading a batch", self._read_batch, batch, logs)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if self._fit.awaiting_first_epoch:
            self.on_epoch_begin(epoch)  # starts the figure if on_epoch_begin was never called
        if self._fit.reading:
            self.plot.guard.call("placing the epoch's batches", self._place_batches)
        self.plot.guard.call("recording the epoch", self._record, epoch, logs or {})
        if logs is not None:
            self._fit.last_logs = (epoch, logs, set(logs))

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self.plot.guard.call("recording late metrics", self._record_late_keys)
        if self._trial_run is not None:
            self.plot.guard.call("marking the best trial", self._search.mark_best)
        self.plot.guard.call("finishing the figure", self.plot.finish)

    # -- adapter logic -------------------------------------------------------------------
    def _begin_trial(self) -> None:
        """Record into this trial's run; a search writes no log file (trials would replace it)."""
        if self._trial_run is not None:
            self.plot.use_run(self._trial_run)
        if self.plot.stop_logging() is not None:
            warnings.warn(
                "livecurve: a hyperparameter search draws each trial as a run of the figure and "
                "writes no log file; save the data with curve.save('search.csv').",
                LiveCurveWarning,
                stacklevel=2,
            )

    def _prepare_batches(self) -> None:
        """Decide whether this ``fit()`` draws per-batch values, and learn what reading needs."""
        fit = self._fit
        steps = (self.params or {}).get("steps")
        if self.per_batch == "auto":
            fit.reading = steps is None or steps >= AUTO_MIN_BATCHES
        else:
            fit.reading = bool(self.per_batch)
        if fit.reading:
            # The raw model: Callback.model on JAX would copy the training state, and the
            # metrics are asked for from a batch hook (Keras builds them at the first batch).
            model = self._model
            fit.kinds = lambda: metric_kinds(model)
            fit.sizes = batch_sizes()

    def _read_batch(self, batch: int, logs: dict[str, Any] | None) -> None:
        self.batches.batch_end(batch, logs)  # records, then asks the plot for a redraw

    def _place_batches(self) -> None:
        exact = self.batches.end_epoch()
        if exact:
            self.plot.place_steps(self._fit.first_row, exact)

    def _start(self, first_epoch: int) -> None:
        """Place this ``fit()`` on the x axis.

        A ``fit()`` that starts at epoch 0 on a callback that already holds epochs continues the
        curve after them; one that starts at ``initial_epoch=k`` is placed at ``k + 1`` and
        replaces any points the callback holds from there on (training went back to a checkpoint).
        The first ``fit()`` after loading a log file is placed by its epochs alone: from epoch 0
        it replaces them (training restarted from scratch).
        """
        fit = self._fit
        last = self.plot.run.last_x()
        logfile = self.plot.logfile if self._fits == 0 else None  # the points are the file's
        self._fits += 1
        if first_epoch == 0 and last is not None and logfile is None:
            fit.offset = last
        else:
            fit.offset = 0.0
            if last is not None and last >= first_epoch + 1:
                self.plot.rewind(first_epoch + 1)
            elif logfile is not None and last is not None and last < first_epoch:
                warnings.warn(
                    f"livecurve: {logfile.path} holds epochs up to {last - 1:g}, but training "
                    f"resumes at epoch {first_epoch}: epochs {last:g}–{first_epoch - 1} are "
                    "missing from it (list LiveCurve before the checkpoint callbacks).",
                    LiveCurveWarning,
                    stacklevel=2,
                )
        epochs = (self.params or {}).get("epochs")
        total = None if epochs is None else int(epochs + fit.offset)
        if fit.reading:
            self.batches.begin_fit(
                fit.kinds, (self.params or {}).get("steps"), *fit.sizes, fit.offset
            )
        self.plot.start(total, int(first_epoch + fit.offset))

    def _record_late_keys(self) -> None:
        """Add the keys that later callbacks put into the last epoch's logs, at that epoch."""
        if self._fit.last_logs is None:
            return
        epoch, logs, seen = self._fit.last_logs
        self._fit.last_logs = None
        late = {key: value for key, value in logs.items() if key not in seen}
        if late:
            self.plot.record(self._x(epoch), late)
            self.plot.changed()

    def _x(self, epoch: int) -> float:
        """Where Keras epoch index ``epoch`` is drawn: epochs completed, after this fit's offset."""
        return epoch + 1 + self._fit.offset

    def _record(self, epoch: int, logs: dict[str, Any]) -> None:
        self.plot.record_epoch(self._x(epoch), logs)


def _unpickle(cls: type[LiveCurve], settings: dict[str, Any]) -> LiveCurve:
    return cls(**settings)
