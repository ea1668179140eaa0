"""The runs a many-run figure does not name, drawn as one thin grey ``Lines`` mark per split.

bqplot lays out every mark of a figure again when its marks list changes; a search's panel with a
line and dots per run and series held 800 marks. The runs the ranking does not name
(:mod:`livecurve.model.ranking`) are drawn instead as the rows of one 2-D ``Lines`` mark per panel
and split (training, validation), so a new trial changes that mark's data.

Example:
    >>> import numpy as np
    >>> xs, ys = padded([(np.array([1.0, 2.0]), np.array([0.5, 0.4])),
    ...                  (np.array([1.0]), np.array([0.9]))])
    >>> ys.tolist()
    [[0.5, 0.4], [0.9, nan]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import bqplot as bq
import numpy as np

from .. import style


def drawn_xy(marks: Any) -> tuple[np.ndarray, np.ndarray]:
    """What a series' own marks draw (a ``SeriesMarks``): its points' line, or for a series with
    per-step values only, its smoothed line, else its faint one."""
    x, y = marks.line.x, marks.line.y
    if not np.size(x) and marks.smooth is not None:
        x, y = marks.smooth.x, marks.smooth.y
        if not np.size(x) and marks.raw is not None:
            x, y = marks.raw.x, marks.raw.y
    return np.asarray(x), np.asarray(y)


def padded(rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The rows as 2-D x and y, each row padded with NaN to the longest (a gap, not drawn)."""
    # at least 2 columns: bqplot draws only the first row of a 2-D x or y one column wide
    width = max(2, *(x.size for x, _y in rows))
    xs = np.full((len(rows), width), np.nan)
    ys = np.full((len(rows), width), np.nan)
    for i, (x, y) in enumerate(rows):
        xs[i, : x.size], ys[i, : y.size] = x, y
    return xs, ys


def grey_lines(
    xs: np.ndarray, ys: np.ndarray, scales: dict, validation: bool, opacities: list[float]
) -> bq.Lines:
    """The grey mark of one split: thin, light, dashed for validation (as the saved picture)."""
    return bq.Lines(
        x=xs,
        y=ys,
        scales=scales,
        colors=[style.OTHER_RUN_COLOUR],
        opacities=opacities,
        stroke_width=style.OTHER_RUN_WIDTH,
        line_style="dashed" if validation else "solid",
        labels=["other runs (validation)" if validation else "other runs"],
        display_legend=False,
    )
