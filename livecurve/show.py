"""``show(source)``: the livecurve figure from logs users already have, or one being written."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from .live.follow import Follower, axis_of
from .live.plot import LivePlot
from .readers.sources import is_many, load

__all__ = ["FollowedPlot", "load", "show"]


class FollowedPlot(LivePlot):
    """A figure fed by a :class:`~livecurve.live.follow.Follower` from a log another process writes.

    Args:
        path: the log, ``.jsonl`` or a CSVLogger-style ``.csv``, or a TensorBoard logdir
            (:mod:`livecurve.live.follow_logdir`); it need not exist yet.
        interval: seconds between reads of the file.
        axis: ``"epoch"`` or ``"step"``; default: what the file counts, else ``"epoch"``.

    The follower is not started here: :func:`show` starts it in a thread, the CLI polls it.

    Example:
        ```python
        fig = livecurve.show("run.jsonl", follow=True)
        fig.follower.status          # 'following run.jsonl: 12 rows'
        fig.stop()                   # the figure keeps what it drew
        ```
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        interval: float = 0.5,
        axis: str | None = None,
        title: str | None = None,
        max_points: int = 2000,
        columns: int = 2,
    ) -> None:
        if axis not in (None, "epoch", "step"):
            raise ValueError(f"axis must be 'epoch' or 'step', not {axis!r}")
        from .live.follow_logdir import LogdirFollower, is_tensorboard

        if is_tensorboard(path):  # a TensorBoard logdir: every run under it
            super().__init__(
                title=title, axis=axis or "step", max_points=max_points, columns=columns
            )
            self.progress.finish()
            self.follower: Any = LogdirFollower(path, self, interval=interval)
            return
        axis = axis or axis_of(path) or "epoch"
        super().__init__(title=title, axis=axis, max_points=max_points, columns=columns)
        self.progress.finish()  # the header summarises what was read, as for any loaded log
        self.follower = Follower(path, self, interval=interval)

    def stop(self) -> None:
        """Stop following the file; the figure keeps what it drew."""
        self.follower.stop()

    def wait(self, timeout: float | None = None) -> None:
        """Block until following stops (``stop()``, an error, ``timeout`` seconds, or Ctrl-C)."""
        self.follower.wait(timeout)


def show(
    source: Any,
    labels: Sequence[str] | None = None,
    *,
    title: str | None = None,
    max_points: int = 2000,
    columns: int = 2,
    follow: bool = False,
    interval: float = 0.5,
    params: Any = None,
) -> LivePlot:
    """The livecurve figure of existing logs, displayed in a notebook cell wherever it is called.

    In a notebook the figure shows as the live widget at once, like matplotlib's and plotly's
    ``show()``, whether or not the call is the cell's last expression (which then adds no second
    copy). The returned figure saves pictures and data (``.save("curves.png")``).

    Args:
        source: a Keras ``History`` or its ``.history`` dict; a list of per-epoch dicts; a pandas
            ``DataFrame``; a path to a ``CSVLogger`` CSV (any separator, appended runs), a JSON
            history, or a TensorBoard log directory; or a list of any of these to compare runs.
        labels: one name per source, for the legend and the run checkboxes (default: file names).
        title: a heading above the panels.
        follow: keep reading ``source``, one ``.jsonl`` or CSVLogger-style ``.csv`` log another
            process is writing, and redraw as rows arrive (see :mod:`livecurve.live.follow`);
            or a TensorBoard logdir: every run under it, new runs included
            (:mod:`livecurve.live.follow_logdir`).
            Returns a :class:`FollowedPlot`: ``.stop()`` ends following, ``.follower.status`` tells
            where it stands. A file that does not exist yet is waited for.
        interval: with ``follow``, seconds between reads of the file.
        params: the runs' hyperparameters (``Run.params``): a dict for one source, a list of
            dicts (one per source), or a dict of dicts keyed by the labels.

    Raises:
        LogReadError: a source that cannot be read. With ``follow``: ``LogFileError`` for a file
            that is not a training log, ``ValueError`` for several sources or a bad interval.

    Example:
        ```python
        import livecurve

        livecurve.show(history)                                 # after model.fit()
        livecurve.show("training.log")                          # a CSVLogger file
        livecurve.show(["base.csv", "wide.csv"], labels=["base", "wide"]).save("cmp.png")
        fig = livecurve.show("run.jsonl", follow=True)          # a job writing run.jsonl
        ```
    """
    if follow:
        plot: LivePlot = _follow(source, labels, title, max_points, columns, interval)
        if isinstance(params, dict):
            plot.run.params.update(params)
    else:
        runs = load(source, labels, params)
        plot = LivePlot(title=title, axis=runs[0].axis, max_points=max_points, columns=columns)
        plot.runs[:] = runs
        plot.use_run(runs[0])
        plot.progress.finish()
    plot.display()  # in a notebook (nothing elsewhere)
    return plot


def _follow(
    source: Any,
    labels: Sequence[str] | None,
    title: str | None,
    max_points: int,
    columns: int,
    interval: float,
) -> FollowedPlot:
    if is_many(source) or not isinstance(source, (str, os.PathLike)):
        raise ValueError(
            f"follow=True follows one log file (a str or path), not {type(source).__name__}; "
            "show several logs without follow to compare them"
        )
    plot = FollowedPlot(
        source, interval=interval, title=title, max_points=max_points, columns=columns
    )
    if labels and hasattr(plot.follower, "reader"):  # a TensorBoard logdir's follower
        plot.follower.reader.label = str(labels[0])
    elif labels:
        plot.run.label = str(labels[0])
    plot.follower.start()
    if not plot.follower.path.exists():
        print(
            f"livecurve: {plot.follower.status}; the figure fills in when it does (fig.stop() ends)"
        )
    return plot
