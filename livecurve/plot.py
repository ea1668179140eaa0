"""``LivePlot``: the live figure for any training loop, with or without Keras.

It owns the runs (the data model), the progress, which series are visible, and, inside a notebook,
the widget view. The Keras callback is a thin adapter around it; custom loops call it directly.
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .environment import in_notebook
from .export.save import render as render_file
from .export.save import save as save_file
from .guard import Guard
from .logfile import LogFile
from .progress import Progress
from .run import Run

SeriesKey = tuple[int, str]


class LivePlot:
    """Live training curves for a custom training loop (or any code that produces metrics).

    Args:
        title: a heading above the panels (optional).
        axis: what x counts: ``"epoch"`` (default) or ``"step"``.
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
    ) -> None:
        if max_points < 4:
            raise ValueError(f"max_points must be at least 4, got {max_points!r}")
        if columns < 1:
            raise ValueError(f"columns must be at least 1, got {columns!r}")
        self.title = title
        self.max_points = max_points
        self.columns = columns
        self.run = Run("run", axis=axis)
        self.runs: list[Run] = [self.run]
        self.progress = Progress()
        self.visible: dict[SeriesKey, bool] = {}
        self.guard = Guard()
        self._view: Any = None
        self._display_handles: list[Any] = []
        self.logfile: LogFile | None = None
        if log is not None:
            self.logfile = LogFile(log, axis=axis)
            for name, (xs, ys) in self.logfile.load().items():
                self.run.extend(name, xs, ys)
        if compare:
            from .show import load

            self.run.label = "this run"
            self.runs.extend(load(list(compare)))  # drawn behind the live run

    # -- feeding -------------------------------------------------------------------------
    def log(self, x: float | None = None, /, **metrics: Any) -> None:
        """Record metrics at ``x`` (default: one past the last x) and redraw.

        Values may be Python or numpy numbers or framework scalars; NaN is drawn as a gap.
        """
        if x is None:
            last = self.run.last_x()
            x = 1.0 if last is None else last + 1
        if self.progress.started is None:
            self.progress.start(None, max(int(x) - 1, 0))  # elapsed time counts from here
        logged = None if self.logfile is None else self.logfile.last_x
        if logged is not None and x < logged:
            self.rewind(x)  # the loop went back: the newer values win, the old rows are kept aside
        self.record(float(x), metrics)
        if self.run.axis == "epoch":
            self.progress.advance(int(x))
        self.refresh()

    def record(self, x: float, values: Mapping[str, Any]) -> None:
        """Add ``values`` at ``x`` to the run and to the log file, if any (no redraw).

        Values at the ``x`` of the log's last row are merged into that row. A failure to write
        the log is reported once and never raised.
        """
        self.run.log(x, values)
        if self.logfile is not None:
            self.guard.call("writing the log file", self.logfile.write, x, values)

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
        self.refresh()

    def finish(self) -> None:
        """Mark the end of training; the notebook output gains a static picture of the figure."""
        self.progress.finish()
        self.refresh()
        self.guard.call("showing the final picture", self._update_displays)

    # -- showing -------------------------------------------------------------------------
    @property
    def view(self) -> Any:
        """The :class:`~livecurve.view.widget.CurveView`, created on first use."""
        if self._view is None:
            from .view.widget import CurveView

            self._view = CurveView(
                self.runs,
                self.progress,
                self.visible,
                self.save,
                title=self.title,
                max_points=self.max_points,
                columns=self.columns,
            )
            self.refresh()  # guarded like every redraw: one warning however often it fails
        return self._view

    @property
    def widget(self) -> Any:
        """The ipywidgets ``VBox`` that shows the figure."""
        return self.view.widget

    def refresh(self) -> None:
        """Redraw the widget if one exists (errors are reported once, never raised)."""
        if self._view is not None:
            self.guard.call("redrawing the widget", self._view.refresh)

    def display(self) -> None:
        """Show the live widget in the current notebook cell (nothing outside a notebook)."""
        if not in_notebook():
            return
        from IPython.display import display

        handle = display(self._mimebundle(), raw=True, display_id=uuid.uuid4().hex)
        if handle is not None:
            self._display_handles.append(handle)

    def _mimebundle(self) -> dict[str, Any]:
        bundle = dict(self.widget._repr_mimebundle_())
        bundle["text/plain"] = f"LiveCurve figure ({', '.join(self.run.names) or 'no data'})"
        if self.progress.finished is not None:
            png = render_file(
                self.runs, "png", self.visible, title=self.title, dpi=100, columns=self.columns
            )
            bundle["image/png"] = base64.b64encode(png).decode()
        return bundle

    def _update_displays(self) -> None:
        if not self._display_handles:
            return
        bundle = self._mimebundle()
        for handle in self._display_handles:
            handle.update(bundle, raw=True)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        return self._mimebundle()

    # -- saving --------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], *, dpi: int = 150) -> Path:
        """Save the figure or its data; the extension picks the format.

        ``.png``, ``.svg``, ``.pdf`` draw the visible series as a picture (no browser needed);
        ``.html`` writes a self-contained page; ``.csv`` and ``.json`` write the data.
        Raises ``ValueError`` for an unknown extension and ``SaveError`` (an ``OSError``) when the
        file cannot be written; no partial file is left behind.
        """
        return save_file(
            self.runs, path, self.visible, title=self.title, dpi=dpi, columns=self.columns
        )
