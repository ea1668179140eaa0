"""``LiveCurve``: the Keras callback that draws live training curves in a notebook."""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import keras

from .plot import LivePlot
from .run import LiveCurveWarning


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

    List ``LiveCurve`` before the checkpoint callbacks, so that an epoch is logged before it is
    saved. A file that is not a training log raises ``LogFileError`` (a ``ValueError``) here and
    is left untouched; an error while writing (disk full) is reported once and training goes on.

    Args:
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

    def __init__(
        self,
        *,
        title: str | None = None,
        max_points: int = 2000,
        columns: int = 2,
        display: bool = True,
        log: str | os.PathLike[str] | None = None,
        compare: Sequence[Any] | None = None,
    ) -> None:
        super().__init__()
        self.plot = LivePlot(
            title=title, max_points=max_points, columns=columns, log=log, compare=compare
        )
        self.display_widget = display
        self._offset = 0.0
        self._fits = 0
        self._awaiting_first_epoch = False
        # The last epoch's logs dict and the keys read from it: callbacks listed after this one
        # (ReduceLROnPlateau, LearningRateScheduler) add "learning_rate" to it after we read it.
        self._last_logs: tuple[int, dict[str, Any], set[str]] | None = None

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

    # -- Keras hooks (each guarded: a plotting failure never stops training) -------------
    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self._awaiting_first_epoch = True
        if self.display_widget:
            self.plot.guard.call("displaying the widget", self.plot.display)

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.plot.guard.call("recording late metrics", self._record_late_keys)
        if self._awaiting_first_epoch:
            self._awaiting_first_epoch = False
            self.plot.guard.call("starting the figure", self._start, epoch)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.on_epoch_begin(epoch)  # starts the figure if on_epoch_begin was never called
        self.plot.guard.call("recording the epoch", self._record, epoch, logs or {})
        if logs is not None:
            self._last_logs = (epoch, logs, set(logs))

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self.plot.guard.call("recording late metrics", self._record_late_keys)
        self.plot.guard.call("finishing the figure", self.plot.finish)

    # -- adapter logic -------------------------------------------------------------------
    def _start(self, first_epoch: int) -> None:
        """Place this ``fit()`` on the x axis.

        A ``fit()`` that starts at epoch 0 on a callback that already holds epochs continues the
        curve after them; one that starts at ``initial_epoch=k`` is placed at ``k + 1`` and
        replaces any points the callback holds from there on (training went back to a checkpoint).
        The first ``fit()`` after loading a log file is placed by its epochs alone: from epoch 0
        it replaces them (training restarted from scratch).
        """
        last = self.plot.run.last_x()
        logfile = self.plot.logfile if self._fits == 0 else None  # the points are the file's
        self._fits += 1
        if first_epoch == 0 and last is not None and logfile is None:
            self._offset = last
        else:
            self._offset = 0.0
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
        total = None if epochs is None else int(epochs + self._offset)
        self.plot.start(total, int(first_epoch + self._offset))

    def _record_late_keys(self) -> None:
        """Add the keys that later callbacks put into the last epoch's logs, at that epoch."""
        if self._last_logs is None:
            return
        epoch, logs, seen = self._last_logs
        self._last_logs = None
        late = {key: value for key, value in logs.items() if key not in seen}
        if late:
            self.plot.record(self._x(epoch), late)
            self.plot.refresh()

    def _x(self, epoch: int) -> float:
        """Where Keras epoch index ``epoch`` is drawn: epochs completed, after this fit's offset."""
        return epoch + 1 + self._offset

    def _record(self, epoch: int, logs: dict[str, Any]) -> None:
        x = self._x(epoch)
        self.plot.record(x, logs)
        self.plot.progress.advance(int(x))
        self.plot.refresh()
