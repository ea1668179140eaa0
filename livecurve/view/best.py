"""The marker layer for a series' best point (which point: :mod:`livecurve.model.best`)."""

from __future__ import annotations

import bqplot as bq
import numpy as np

MARKER = "diamond"
MARKER_AREA_PX = 90  # bqplot sizes markers by area; the epoch markers are 24


def best_mark(
    colour: str,
    scales: dict,
    name: str,
    point: tuple[float, float] | None = None,
) -> bq.Scatter:
    """The marker layer for one series: filled in the series' colour, ringed in the background;
    made holding its ``point`` (x, y) when known (no second message to the browser). Its
    tooltip is given while its run is named (:class:`~livecurve.view.tips.Tips`)."""
    return bq.Scatter(
        x=np.array([point[0]] if point else [], dtype=float),
        y=np.array([point[1]] if point else [], dtype=float),
        scales=scales,
        marker=MARKER,
        colors=[colour],
        default_size=MARKER_AREA_PX,
        stroke="var(--jp-layout-color0, white)",
        stroke_width=1.5,
        labels=[f"best {name}"],
    )
