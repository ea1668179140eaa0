"""Render runs to a static picture with matplotlib (no browser, no frontend needed).

Draws the same layout and style as the live widget: one panel per metric family, colours from
:mod:`livecurve.style`, validation dashed with hollow markers, only the series that are visible.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from .. import style
from ..names import parse
from ..run import Run
from ..run import families as panel_order

SeriesKey = tuple[int, str]


def figure(
    runs: list[Run],
    visible: Mapping[SeriesKey, bool] | None = None,
    *,
    title: str | None = None,
    columns: int = 2,
) -> Figure:
    """A matplotlib ``Figure`` of the runs (only series that ``visible`` does not hide)."""
    visible = visible or {}
    families = panel_order(runs, visible)
    n_panels = max(len(families), 1)
    n_cols = max(1, min(columns, n_panels))
    n_rows = -(-n_panels // n_cols)
    width = style.PANEL_WIDTH_PX / 100 * n_cols
    legend_cols, legend_height = _legend_layout(runs, width)
    height = style.PANEL_HEIGHT_PX / 100 * n_rows + (0.4 if title else 0) + legend_height
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    if title:
        fig.suptitle(title, fontsize=13, fontweight="bold")
    axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    if not families:
        axes[0].text(
            0.5,
            0.5,
            "no metrics logged yet",
            ha="center",
            va="center",
            transform=axes[0].transAxes,
            color="#666",
        )
        axes[0].set_xticks([])
        axes[0].set_yticks([])
        return fig
    axis = style.axis_label(runs[0].axis)
    # A family keeps its colour when another panel is hidden (as in the live widget).
    all_families = panel_order(runs)
    for family, ax in zip(families, axes):
        _draw_panel(ax, family, all_families, runs, visible, axis)
    if len(runs) > 1:
        _run_legend(fig, runs, legend_cols)
    return fig


def _draw_panel(ax, family, all_families, runs, visible, axis) -> None:  # type: ignore[no-untyped-def]
    n_runs = len(runs)
    for run_index, run in enumerate(runs):
        for panel in run.panels():
            if panel.family != family:
                continue
            for name in panel.names:
                if not visible.get((run_index, name), True):
                    continue
                x, y = run[name].snapshot()
                validation = parse(name).is_validation
                colour = style.colour(family, all_families, run_index, n_runs)
                markers = n_runs <= 3 and np.isfinite(y).sum() <= style.MAX_MARKERS
                ax.plot(
                    x,
                    y,
                    color=colour,
                    linestyle="--" if style.dashed(validation) else "-",
                    linewidth=style.LINE_WIDTH,
                    marker="o" if markers else None,
                    markersize=4.5,
                    markerfacecolor="white" if validation else colour,
                    markeredgecolor=colour,
                    label=name,
                    gid=f"series-{run_index}-{name}",  # an id in SVG output
                    zorder=3 if run_index == 0 else 2,  # the live run on top, as in the widget
                )
    if axis == "epoch":
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # no "1.5 epochs" ticks
    ax.set_title(family, fontsize=12, fontweight="bold")
    ax.set_xlabel(axis)
    ax.set_ylabel(family)
    ax.grid(True, color="#e0e0e0", linewidth=0.8)
    ax.set_axisbelow(True)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    if n_runs == 1 and ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=9, frameon=False)


def _legend_layout(runs: list[Run], width_in: float) -> tuple[int, float]:
    """Columns of the run legend and the height (inches) it needs below the panels."""
    if len(runs) <= 1:
        return 0, 0.0
    labels = [run.label for run in runs] + ["validation"]
    column_in = 0.9 + 0.075 * max(len(label) for label in labels)
    n_cols = max(1, min(4, int(width_in // column_in)))
    rows = -(-(len(labels) + 1) // n_cols)
    return n_cols, 0.25 * rows + 0.2


def _run_legend(fig: Figure, runs: list[Run], n_cols: int) -> None:
    """One legend for the whole figure when runs are compared: colour = run, dash = split."""
    handles = [
        Line2D([], [], color=style.run_colour(index, len(runs)), linewidth=style.LINE_WIDTH)
        for index in range(len(runs))
    ]
    labels = [run.label for run in runs]
    handles += [
        Line2D([], [], color="#333333", linestyle="-", linewidth=style.LINE_WIDTH),
        Line2D([], [], color="#333333", linestyle="--", linewidth=style.LINE_WIDTH),
    ]
    labels += ["training", "validation"]
    fig.legend(handles, labels, loc="outside lower center", ncols=n_cols, fontsize=9, frameon=False)


def render(
    runs: list[Run],
    fmt: str,
    visible: Mapping[SeriesKey, bool] | None = None,
    *,
    title: str | None = None,
    dpi: int = 150,
    columns: int = 2,
) -> bytes:
    """The picture as bytes in ``fmt`` (``"png"``, ``"svg"`` or ``"pdf"``)."""
    buffer = io.BytesIO()
    metadata = {"Creator": "livecurve"} if fmt in ("svg", "pdf") else {"Software": "livecurve"}
    # SVG keeps text as text (searchable, selectable) rather than outlines.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig = figure(runs, visible, title=title, columns=columns)
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
    return buffer.getvalue()
