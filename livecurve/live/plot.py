"""``LivePlot``: the live figure for any training loop, with or without Keras.

It owns the runs (the data model), the progress, which series are visible, and, inside a notebook,
the widget view. The Keras callback is a thin adapter around it; custom loops call it directly.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..export.save import render as render_file
from ..export.save import save as save_file
from ..logfile import LogFile
from ..model.progress import Progress
from ..model.run import Run
from ..model.smoothing import check_weight
from ..model.steptable import StepTable
from .cell_output import CellOutput
from .distributed import is_primary_process
from .environment import in_notebook
from .guard import Guard
from .redraws import Redraws

SeriesKey = tuple[int, str]


class LivePlot:
    """Live training curves for a custom training loop (or any code that produces metrics).

    Args:
        title: a heading above the panels (optional).
        axis: what x counts: ``"epoch"`` (default) or ``"step"``. With ``"step"``, training
            values (every name but validation ones) are per-step values: drawn as a faint line
            with a smoothed line over it, and held compactly (float32); validation values are
            points with markers.
        smoothing: the weight of TensorBoard's debiased moving average drawn over per-step
            values, in ``[0, 1)``; 0 draws no smoothed line. Default: 0.6. It is computed over
            every step, never over the reduced line that is drawn, and leaves the values as
            they were logged.
        redraw_interval: the least time between two redraws, in seconds (default 0.25).
            ``log()`` only records; the widget is redrawn at most this often, and the last
            values are always drawn.
        max_points: the most points per series sent to the browser; longer series are reduced
            with min/max decimation (the saved files keep every point).
        columns: panels per row.
        log: a file that keeps every logged value as it arrives, ``.csv`` (Keras ``CSVLogger``
            layout) or ``.jsonl`` (see :mod:`livecurve.logfile`). Its earlier rows are drawn
            at once and new ones are appended after them; logging at an ``x`` the file already
            holds replaces the rows from there on (the file as it was is kept next to it).
            Raises ``ValueError`` for another extension and ``LogFileError`` (a ``ValueError``)
            for a file that is not a training log; a failure to write is reported once and never
            stops training.
        compare: earlier runs to draw behind the live one (anything :func:`livecurve.show`
            reads: log files, TensorBoard directories, histories). A source that cannot be read
            raises here, before training starts.

    In a job of several processes (``torch.distributed``, ``jax.distributed``, ``TF_CONFIG``,
    ``torchrun``'s ``RANK``) only the primary process draws and writes: on the others (see
    :mod:`livecurve.live.distributed`) ``log=`` opens no file, ``display()`` shows nothing and
    ``save()`` writes nothing, silently, while values are still recorded in memory.

    Example:
        >>> plot = LivePlot()
        >>> for epoch in range(3):
        ...     plot.log(loss=1 / (epoch + 1), val_loss=1.2 / (epoch + 1))
        >>> plot.run["val_loss"].x.tolist()
        [1.0, 2.0, 3.0]

        In a notebook, ``plot`` displays the live widget; ``plot.save("curves.png")`` writes a
        picture anywhere.
    """

    def __init__(
        self,
        *,
        title: str | None = None,
        axis: str = "epoch",
        max_points: int = 2000,
        columns: int = 2,
        log: str | os.PathLike[str] | None = None,
        compare: Sequence[Any] | None = None,
        smoothing: float = 0.6,
        redraw_interval: float = 0.25,
    ) -> None:
        if max_points < 4:
            raise ValueError(f"max_points must be at least 4, got {max_points!r}")
        if columns < 1:
            raise ValueError(f"columns must be at least 1, got {columns!r}")
        self.title = title
        self._smoothing = check_weight(smoothing)  # until a widget owns it
        self.max_points = max_points
        self.columns = columns
        self.run = Run("run", axis=axis)
        self.runs: list[Run] = [self.run]
        self.progress = Progress()
        self.visible: dict[SeriesKey, bool] = {}
        self.guard = Guard()
        self._view: Any = None
        self.redraws = Redraws(redraw_interval, self._draw)
        self._validation: dict[str, bool] = {}
        self._training_only: set[tuple[str, ...]] = set()  # name tuples known to hold no val
        self._output = CellOutput(self._mimebundle, self.guard)  # where display() showed it
        self.logfile: LogFile | None = None
        self.primary = is_primary_process()
        if log is not None:
            self.open_log(log)
        if compare:
            from ..readers.sources import load

            self.run.label = "this run"
            self.runs.extend(load(list(compare)))  # drawn behind the live run

    def open_log(self, path: str | os.PathLike[str], *, repair: bool = True) -> None:
        """Keep every value in ``path`` from now on, and draw the rows it already holds.

        What ``log=`` does. With ``repair=False`` a torn last line is only left out of the
        drawing; the file itself is mended (see :meth:`LogFile.repair`) before its first write,
        or by :meth:`repair_log`. Nothing is opened in a process of a distributed job other
        than the primary one.
        """
        if not self.primary:
            return
        logfile = LogFile(path, axis=self.run.axis)
        for name, (xs, ys) in logfile.load(repair=repair).items():
            self.run.extend(name, xs, ys)
        if len(logfile.steps):
            self.run.adopt_steps(logfile.steps)  # per-step rows, drawn again
        logfile.steps = StepTable()  # the run holds them now
        self.logfile = logfile

    def repair_log(self) -> None:
        """Mend the log file now, if it needs it (a torn last line; see :meth:`open_log`)."""
        if self.logfile is not None:
            self.logfile.repair()

    # -- feeding -------------------------------------------------------------------------
    def log(self, x: float | None = None, /, **metrics: Any) -> None:
        """Record metrics at ``x`` (default: one past the last x); the widget redraws soon.

        Values may be Python or numpy numbers or framework scalars; NaN is drawn as a gap.
        Recording costs microseconds; redraws are throttled (see ``redraw_interval``).
        A step (or epoch) before the last one means the loop was restarted from an earlier
        point: the values from there on are dropped and the new ones drawn instead (a log file
        keeps the old rows in a backup first).
        """
        last = self.run.last_x()
        if x is None:
            x = 1.0 if last is None else last + 1
        if self.progress.started is None:
            self.progress.start(None, max(int(x) - 1, 0))  # elapsed time counts from here
        logged = None if self.logfile is None else self.logfile.last_x
        if (last is not None and x < last) or (logged is not None and x < logged):
            self.rewind(x)  # the loop went back: the newer values win, the old rows are kept aside
        if self.run.axis == "step":
            steps, points = self._split(metrics)
            if steps:
                self.record_steps(float(x), steps)
            if points:
                self.record(float(x), points)
        else:
            self.record(float(x), metrics)
            self.progress.advance(int(x))
        self.changed()

    def log_distribution(self, x: float | None = None, /, **arrays: Any) -> None:
        """Record the distribution of each array (weights, gradients, activations) at ``x``.

        Each array or tensor (numpy, TensorFlow, torch, JAX) is reduced at once to its minimum,
        seven percentiles and maximum (see :mod:`livecurve.model.distribution`), so memory and
        redraws do not grow with its size; each name gets a panel of nested percentile bands
        around the median line, in the widget, saved pictures and exported data (``name/p50``
        columns).
        ``x`` defaults to the x of the latest :meth:`log` (1 before any), or one past it when
        this name already has a row there. Logging at or before a name's last x replaces its
        rows from there on (a restarted loop).

        Bad input: an empty array, or NaN/inf entries, are skipped with one warning per name
        (the row is a gap, or its quantiles leave them out); values that are not real numbers
        (text, complex) raise ``TypeError`` naming the type, before anything is recorded. Any
        other failure is reported once and never stops training.

        Example:
            >>> import numpy as np
            >>> plot = LivePlot(axis="step")
            >>> plot.log(10, loss=0.5)
            >>> plot.log_distribution(kernel=np.arange(101.0))
            >>> x, quantiles = plot.run.distributions["kernel"].snapshot()
            >>> x.tolist(), quantiles[0, 4].item()  # at step 10; the median
            ([10.0], 50.0)
        """
        from ..model.distribution import to_array

        checked = {name: to_array(value) for name, value in arrays.items()}  # TypeError here
        self.guard.call("recording a distribution", self.run.log_distributions, x, checked)
        self.changed()

    def _split(self, metrics: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Per-step values (training) and points (validation) of a step-axis ``log()``."""
        names = tuple(metrics)
        if names in self._training_only:  # the usual step: the same training names again
            return metrics, {}
        validation = self._validation  # name -> bool, parsed once per name (a hot path)
        if not any(validation.get(name, True) for name in metrics):
            if len(self._training_only) < 64:
                self._training_only.add(names)
            return metrics, {}
        steps: dict[str, Any] = {}
        points: dict[str, Any] = {}
        for name, value in metrics.items():
            known = validation.get(name)
            if known is None:
                known = validation[name] = self.run.is_validation(name)
            (points if known else steps)[name] = value
        return steps, points

    def record(self, x: float, values: Mapping[str, Any]) -> None:
        """Add ``values`` at ``x`` to the run and to the log file, if any (no redraw).

        Values at the ``x`` of the log's last row are merged into that row. A failure to write
        the log is reported once and never raised.
        """
        self.run.log(x, values)
        if self.logfile is not None:
            self.guard.call("writing the log file", self.logfile.write, x, values)

    def record_steps(self, x: float, values: Mapping[str, Any]) -> None:
        """Add per-batch / per-step ``values`` at ``x`` (no redraw; see :meth:`changed`).

        A ``.jsonl`` log file keeps them as step rows; a ``.csv`` log keeps epoch rows only.
        """
        self.run.log_steps(x, values)
        if self.logfile is not None:
            self.guard.call("writing the log file", self.logfile.write_steps, x, values)

    def record_epoch(self, x: float, values: Mapping[str, Any]) -> None:
        """Record an epoch's ``values`` at ``x``, count it in the progress and ask for a redraw.

        What an epoch-end hook does: it only records (and writes the log file's row, fsync'ed,
        when there is one); the redraw runs beside training, like per-batch redraws.
        """
        self.record(x, values)
        self.progress.advance(int(x))
        self.changed()

    def place_steps(self, first_row: int, xs: Sequence[float]) -> None:
        """Move the live run's step rows from ``first_row`` on to ``xs`` (one x per row).

        The Keras callback learns an epoch's exact batch positions only when it ends.
        """
        self.run.steps.set_x(first_row, xs)

    def use_run(self, run: Run) -> None:
        """Record into ``run`` from now on (a run of this figure: a search's next trial)."""
        self.run = run

    def stop_logging(self) -> Path | None:
        """Write what the log file holds and stop writing it; returns its path (None: none)."""
        if self.logfile is None:
            return None
        logfile, self.logfile = self.logfile, None
        logfile.flush()
        return logfile.path

    def rewind(self, x: float) -> Path | None:
        """Drop every point at or after ``x``: training went back to an earlier checkpoint.

        The log file, if any, drops its rows from ``x`` on too, after copying itself to a backup
        file next to it (a warning names it). Returns the backup's path, or None.
        """
        self.run.truncate_from(x)
        backup = None
        if self.logfile is not None:
            backup = self.guard.call("rewinding the log file", self.logfile.rewind, x)
        self.refresh()
        return backup

    def start(self, total: int | None = None, first: int = 0) -> None:
        """Mark the start of training: ``total`` epochs (for the ETA), starting after ``first``."""
        self.progress.start(total, first)
        self.changed()

    def __enter__(self) -> LivePlot:
        """``with LivePlot() as plot:`` shows the widget (in a notebook) and finishes at the end.

        Example:
            >>> with LivePlot() as plot:
            ...     for epoch in range(2):
            ...         plot.log(loss=1 / (epoch + 1))
            >>> plot.progress.finished is not None
            True
        """
        self.display()
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish()  # also after an exception: the curves so far stay drawn, it propagates

    def finish(self) -> None:
        """Mark the end of training; the notebook output gains a static picture of the figure.

        The log file is written (fsync'ed) here; the final redraw, which sends every step, runs
        beside the caller, on the redraw thread, soon after, and at the latest when the running
        cell's code ends, or when the figure is shown or :attr:`view` is read before that.
        """
        self.progress.finish()
        if self.logfile is not None:
            self.guard.call("writing the log file", self.logfile.flush)
        if self._view is not None:
            self.guard.call("drawing the final state", self.redraws.finish)
        self.guard.call("showing the final picture", self._output.picture_at_cell_end)

    def settle(self) -> None:
        """Draw the final state now if :meth:`finish` left it to the redraw thread."""
        if self._view is not None:
            self.redraws.settle()

    # -- showing -------------------------------------------------------------------------
    def prepare_view(self) -> None:
        """Build the widget now, in a notebook (showing it later costs only the display).

        ``LiveCurve`` does this when it is made, so that ``fit()``'s ``on_train_begin`` does not
        build the figure's widgets (15 comm messages, 10-25 ms) on the training thread.
        """
        if self.primary and in_notebook():
            self.guard.call("preparing the widget", lambda: self.view)

    @property
    def view(self) -> Any:
        """The :class:`~livecurve.view.widget.CurveView`, created on first use (up to date:
        a final redraw still due after :meth:`finish` is drawn first)."""
        if self._view is not None and self.redraws.final_due:
            self.settle()
        if self._view is None:
            from ..view.widget import CurveView

            self._view = CurveView(
                self.runs,
                self.progress,
                self.visible,
                self.save,
                title=self.title,
                max_points=self.max_points,
                columns=self.columns,
                smoothing=self.smoothing,
            )
            self.refresh()  # guarded like every redraw: one warning however often it fails
        return self._view

    @property
    def widget(self) -> Any:
        """The ipywidgets ``VBox`` that shows the figure."""
        return self.view.widget

    def refresh(self) -> None:
        """Redraw the widget now, if one exists (errors are reported once, never raised).

        This redraw sends the browser every recorded step (throttled redraws send a bounded
        share each; see :class:`~livecurve.view.steps_store.StepsStore`).
        """
        if self._view is not None:
            self.redraws.now()

    def changed(self) -> None:
        """New values were recorded: redraw soon, beside the caller (see :mod:`.redraws`)."""
        if self._view is not None:
            self.redraws.poke()

    def _draw(self, everything: bool) -> bool:
        """One redraw (the schedule's); ``True`` when recorded steps are left to send."""
        if self.logfile is not None:
            self.guard.call("writing the log file", self.logfile.flush)
        if self._view is None:
            return False
        from ..view.steps_store import REDRAW_BYTES

        store = self._view.steps_store
        store.budget_bytes = None if everything else REDRAW_BYTES
        self.guard.call("redrawing the widget", self._view.refresh)
        return bool(store.backlog)

    @property
    def smoothing(self) -> float:
        """The smoothed lines' weight: the widget's once there is one (its slider sets it)."""
        return self._smoothing if self._view is None else float(self._view.smoothing)

    @smoothing.setter
    def smoothing(self, smoothing: float) -> None:
        self.set_smoothing(smoothing)

    def set_smoothing(self, smoothing: float) -> None:
        """Change the smoothed lines' weight (``[0, 1)``, 0: none), in the widget and in saves."""
        self._smoothing = check_weight(smoothing)
        if self._view is not None:
            self.guard.call("redrawing the widget", self._view.set_smoothing, self._smoothing)

    def display(self) -> None:
        """Show the live widget in the current notebook cell (nothing outside a notebook, and
        nothing in a process of a distributed job other than the primary one)."""
        if self.primary and in_notebook():
            self._output.show()

    def _mimebundle(self) -> dict[str, Any]:
        self.settle()  # a figure shown after training is complete
        bundle = dict(self.widget._repr_mimebundle_())
        bundle["text/plain"] = f"LiveCurve figure ({', '.join(self.run.names) or 'no data'})"
        if self.progress.finished is not None:
            png = render_file(
                self.runs,
                "png",
                self.visible,
                title=self.title,
                dpi=100,
                columns=self.columns,
                **self._picture_options(),
            )
            bundle["image/png"] = base64.b64encode(png).decode()
        return bundle

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        return self._mimebundle()

    def _ipython_display_(self) -> None:
        """Jupyter shows the figure once per cell: not again when :func:`livecurve.show` (or
        ``display()``) already showed it in the running cell; in another cell, the same figure."""
        if not self._output.shown_in_this_cell():
            self._output.show()

    # -- saving --------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], *, dpi: int = 150) -> Path:
        """Save the figure or its data; the extension picks the format.

        ``.png``, ``.svg``, ``.pdf`` draw the visible series as a picture (no browser needed),
        with the same layers as the widget; ``.html`` writes a self-contained page; ``.csv`` and
        ``.json`` write the data (an epoch run's per-batch values go to ``<name>.steps.csv``
        beside a ``.csv``; see :mod:`livecurve.export.data` for the layouts).
        Raises ``ValueError`` for an unknown extension and ``SaveError`` (an ``OSError``) when the
        file cannot be written; no partial file is left behind. In a process of a distributed
        job other than the primary one nothing is written; the path is returned all the same.
        """
        if not self.primary:
            return Path(path)
        return save_file(
            self.runs,
            path,
            self.visible,
            title=self.title,
            dpi=dpi,
            columns=self.columns,
            **self._picture_options(),
        )

    def _picture_options(self) -> dict[str, Any]:
        """What pictures take from the widget's controls: smoothing, log panels, outlier range."""
        if self._view is None:
            return {"smoothing": self.smoothing}
        return {"smoothing": self.smoothing, **self._view.controls.picture_options()}
