"""Distribution panels of the live widget: nested percentile bands around a median line.

One bqplot figure per distribution name (``log_distribution(kernel=...)``), one set of marks per
run that logged it. Each row of a :class:`~livecurve.Distribution` holds the minimum,
seven percentiles and the maximum; the bands fill between symmetric pairs (min–max, 6.7–93.3,
15.9–84.1, 30.9–69.1), each one a bqplot ``Lines`` with ``fill="between"`` over a two-row ``y``,
so the inner bands look darker where they overlap, and the median is a solid line over them.
As for the metric panels, :meth:`BandPanels.refresh` only sends arrays that changed.

Example:
    ```python
    panels = BandPanels("step", max_points=2000)
    new = panels.ensure(runs)       # [(run_index, BandMarks)] created now
    panels.refresh(runs)            # sends the quantiles of what changed
    panels.figures()                # one bq.Figure per name, in first-logged order
    ```
"""

from __future__ import annotations

from dataclasses import dataclass

import bqplot as bq
import numpy as np

from .. import style
from ..model.distribution import MEDIAN, PAIRS, QUANTILES
from ..model.run import Run
from ..style import BAND_OPACITY, band_colour


def thin(n: int, max_points: int) -> np.ndarray:
    """Row indices that keep at most ``max_points`` evenly spaced rows (first and last kept)."""
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(np.int64))


@dataclass
class BandMarks:
    """The marks of one run's distribution: a filled ``Lines`` per band, and the median line."""

    run_index: int
    bands: list[bq.Lines]
    median: bq.Lines
    drawn_version: int = -1

    @property
    def marks(self) -> list[bq.Lines]:
        return [*self.bands, self.median]

    def recolour(self, colour: str) -> None:
        for band in self.bands:
            band.colors = [colour, colour]
            band.fill_colors = [colour]
        self.median.colors = [colour]


class BandsView:
    """A bqplot ``Figure`` for one distribution name, with marks per run."""

    def __init__(self, name: str, axis_label: str, max_points: int) -> None:
        self.name = name
        self.max_points = max_points
        self.x_scale = bq.LinearScale()
        self.y_scale = bq.LinearScale()
        axes = [
            bq.Axis(scale=self.x_scale, label=axis_label, grid_lines="solid", tick_format="~g"),
            bq.Axis(
                scale=self.y_scale,
                orientation="vertical",
                label=name,
                grid_lines="solid",
                tick_format="~g",
                label_offset="50px",
            ),
        ]
        self.figure = bq.Figure(
            title=f"{name} (distribution)",
            marks=[],
            axes=axes,
            fig_margin={"top": 40, "bottom": 45, "left": 70, "right": 20},
            animation_duration=0,
            layout={
                "width": "100%",
                "min_width": f"{style.PANEL_WIDTH_PX - 80}px",
                "height": f"{style.PANEL_HEIGHT_PX}px",
            },
        )
        self.figure.title_style = {"font-size": "15px", "font-weight": "600"}
        self.runs: dict[int, BandMarks] = {}

    def add_run(self, run_index: int, colour: str) -> BandMarks:
        scales = {"x": self.x_scale, "y": self.y_scale}
        empty = np.zeros((2, 0))
        bands = [
            bq.Lines(
                x=np.zeros(0),
                y=empty,
                scales=scales,
                fill="between",
                colors=[colour, colour],
                fill_colors=[colour],
                opacities=[0.0, 0.0],
                fill_opacities=[BAND_OPACITY],
                stroke_width=0,
                labels=[f"{self.name} {QUANTILES[low]:g}–{QUANTILES[high]:g}%"],
            )
            for low, high in PAIRS
        ]
        median = bq.Lines(
            x=np.zeros(0),
            y=np.zeros(0),
            scales=scales,
            colors=[colour],
            stroke_width=style.LINE_WIDTH,
            labels=[f"{self.name} median"],
        )
        marks = BandMarks(run_index, bands, median)
        self.runs[run_index] = marks
        self.figure.marks = [*self.figure.marks, *marks.marks]
        return marks

    def refresh(self, runs: list[Run]) -> None:
        """Send the quantiles of every run whose rows changed since the last refresh."""
        for run_index, marks in self.runs.items():
            distribution = runs[run_index].distributions[self.name]
            if distribution.version == marks.drawn_version:
                continue
            marks.drawn_version = distribution.version
            x, q = distribution.snapshot()
            rows = thin(x.size, self.max_points)
            x, q = x[rows], q[rows]
            with marks.median.hold_sync():
                for band, (low, high) in zip(marks.bands, PAIRS):
                    band.x, band.y = x, np.vstack([q[:, low], q[:, high]])
                marks.median.x, marks.median.y = x, q[:, MEDIAN]


class BandPanels:
    """Every distribution panel of a figure, by name in first-logged order."""

    def __init__(self, axis_label: str, max_points: int) -> None:
        self.axis_label = axis_label
        self.max_points = max_points
        self.views: dict[str, BandsView] = {}

    def ensure(self, runs: list[Run]) -> list[tuple[int, BandMarks]]:
        """Create the panels and marks that ``runs`` need; returns the marks created now."""
        created = []
        for run_index, run in enumerate(runs):
            if run._distributions is None:  # never logged one: do not create the store
                continue
            for name in run.distributions.names:
                view = self.views.get(name)
                if view is None:
                    view = self.views[name] = BandsView(name, self.axis_label, self.max_points)
                if run_index not in view.runs:
                    colour = band_colour(run_index, len(runs))
                    created.append((run_index, view.add_run(run_index, colour)))
        return created

    def recolour(self, n_runs: int) -> None:
        """Colour by run once a figure holds several runs (a search's second trial)."""
        for view in self.views.values():
            for run_index, marks in view.runs.items():
                marks.recolour(band_colour(run_index, n_runs))

    def marks_of_run(self, run_index: int) -> list[bq.Lines]:
        return [
            m for v in self.views.values() if run_index in v.runs for m in v.runs[run_index].marks
        ]

    def refresh(self, runs: list[Run]) -> None:
        for view in self.views.values():
            view.refresh(runs)

    def figures(self) -> list[bq.Figure]:
        return [view.figure for view in self.views.values()]
