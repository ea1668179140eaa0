"""``show(source)``: the livecurve figure from logs users already have."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .plot import LivePlot
from .run import Run


def _is_many(source: Any) -> bool:
    """A list of sources, as opposed to one source that is itself a list (of epoch dicts)."""
    if not isinstance(source, (list, tuple)) or not source:
        return False
    return not all(isinstance(item, dict) for item in source)


def load(source: Any, labels: Sequence[str] | None = None) -> list[Run]:
    """Read one source or a list of sources into runs (see :func:`show` for what is accepted)."""
    from .readers import read

    sources = list(source) if _is_many(source) else [source]
    if labels is not None and len(labels) != len(sources):
        raise ValueError(f"got {len(labels)} labels for {len(sources)} sources; give one each")
    runs: list[Run] = []
    for index, item in enumerate(sources):
        runs.extend(read(item, label=None if labels is None else labels[index]))
    return runs


def show(
    source: Any,
    labels: Sequence[str] | None = None,
    *,
    title: str | None = None,
    max_points: int = 2000,
    columns: int = 2,
) -> LivePlot:
    """The livecurve figure of existing logs; in a notebook it displays as the live widget.

    Args:
        source: a Keras ``History`` or its ``.history`` dict; a list of per-epoch dicts; a pandas
            ``DataFrame``; a path to a ``CSVLogger`` CSV (any separator, appended runs), a JSON
            history, or a TensorBoard log directory; or a list of any of these to compare runs.
        labels: one name per source, for the legend and the run checkboxes (default: file names).
        title: a heading above the panels.

    Example:
        ```python
        import livecurve

        livecurve.show(history)                                 # after model.fit()
        livecurve.show("training.log")                          # a CSVLogger file
        livecurve.show(["base.csv", "wide.csv"], labels=["base", "wide"]).save("cmp.png")
        ```
    """
    runs = load(source, labels)
    plot = LivePlot(title=title, axis=runs[0].axis, max_points=max_points, columns=columns)
    plot.runs[:] = runs
    plot.run = runs[0]
    plot.progress.finish()
    return plot
