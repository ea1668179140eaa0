"""Render runs to a static picture with matplotlib (no browser, no frontend needed).

Draws the same layout and style as the live widget: one panel per metric family, colours from
:mod:`livecurve.style`, validation dashed with hollow markers, only the series that are
visible.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterator, Mapping

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .. import style
from ..model.best import STATIC_MARKER, STATIC_SIZE, best_point
from ..model.downsample import minmax
from ..model.flat import uninformative
from ..model.names import parse
from ..model.panels import Panel
from ..model.panels import families as panel_order
from ..model.ranking import rank
from ..model.run import Run
from ..model.smoothing import smooth
from ..model.yrange import positive_range, robust_range
from . import legends
from .bands import distribution_names, draw_distribution

# Points drawn of a per-step line: matplotlib draws 10^6 points slowly and no picture shows them.
_STEP_POINTS = 4000

SeriesKey = tuple[int, str]


def figure(
    runs: list[Run],
    visible: Mapping[SeriesKey, bool] | None = None,
    *,
    title: str | None = None,
    columns: int = 2,
    smoothing: float = 0.0,
    log_panels: Collection[str] = (),
    ignore_outliers: bool = False,
) -> Figure:
    """A matplotlib ``Figure`` of the runs (only series that ``visible`` does not hide).

    Per-step values are drawn as in the widget: a faint line (min/max decimated) and, with
    ``smoothing`` > 0, the smoothed line computed over every step. Each validation series' best
    point is marked. Panels named in ``log_panels`` get a log y axis (values <= 0 left out);
    ``ignore_outliers`` sets each panel's y range as the widget does
    (:mod:`livecurve.model.yrange`).
    """
    runs = list(runs)  # one list throughout, even if another thread adds a run meanwhile
    visible = visible or {}
    flat = uninformative(runs)
    families = [f for f in panel_order(runs, visible) if f not in flat]
    distributions = distribution_names(runs, visible)
    n_panels = max(len(families) + len(distributions), 1)
    n_cols = max(1, min(columns, n_panels))
    n_rows = -(-n_panels // n_cols)
    width = style.PANEL_WIDTH_PX / 100 * n_cols
    # No run is live in a file (as in the exported runs tables): the best few are named.
    ranking = rank(runs, live=None) if len(runs) > 1 else None
    outputs = legends.outputs(runs[0]) if len(runs) == 1 else ()
    legend_cols, legend_height = legends.run_legend_layout(runs, width, ranking)
    if outputs:
        legend_cols, legend_height = legends.output_legend_layout(outputs, width)
    height = style.PANEL_HEIGHT_PX / 100 * n_rows + (0.4 if title else 0) + legend_height
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    if title:
        fig.suptitle(title, fontsize=13, fontweight="bold")
    axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
    for ax in axes[n_panels:]:
        ax.set_visible(False)
    if not families and not distributions:
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
    named = None if ranking is None or not ranking.hidden else set(ranking.named)
    # Many runs: the named ones get distinct colours, each kept as runs arrive (as in the widget).
    book = style.named_colours(runs, ranking.named) if ranking and ranking.hidden else {}
    for family, ax in zip(families, axes):
        _draw_panel(ax, family, all_families, runs, visible, axis, smoothing, named, book)
        _y_range(ax, family in log_panels, ignore_outliers)
    for name, ax in zip(distributions, axes[len(families) :]):
        draw_distribution(ax, name, runs, visible, axis)
    if ranking is not None:
        legends.run_legend(fig, runs, legend_cols, ranking, book)
    elif outputs:
        legends.output_legend(fig, outputs, legend_cols)
    return fig


def _draw_steps(ax, run: Run, name: str, colour: str, smoothing: float, zorder: float) -> None:  # type: ignore[no-untyped-def]
    """The faint per-step line and the smoothed line over it, as in the widget."""
    x, y = run.steps.column(name)
    dx, dy = minmax(x, y, _STEP_POINTS)
    ax.plot(
        dx, dy, color=colour, alpha=style.RAW_OPACITY, linewidth=style.RAW_WIDTH, zorder=zorder,
        gid=f"steps-{name}",
    )  # fmt: skip
    if smoothing:
        sx, sy = minmax(x, smooth(y, smoothing), _STEP_POINTS)
        ax.plot(
            sx, sy, color=colour, linewidth=style.SMOOTH_WIDTH, zorder=zorder,
            gid=f"smoothed-{name}",
            label=None if run.has_points(name) else name,
        )  # fmt: skip


def _visible_series(
    runs: list[Run], family: str, visible: Mapping[SeriesKey, bool]
) -> Iterator[tuple[int, Run, Panel, str]]:
    """``(run index, run, panel, name)`` of every series of ``family`` that ``visible`` shows."""
    for run_index, run in enumerate(runs):
        for panel in run.panels():
            if panel.family == family:
                for name in panel.names:
                    if visible.get((run_index, name), True):
                        yield run_index, run, panel, name


def _draw_others(ax, family, runs, visible, named) -> None:  # type: ignore[no-untyped-def]
    """The runs not named (many runs): thin grey lines, two collections (train, validation).

    One ``LineCollection`` per split instead of a ``Line2D`` per series: 1000 runs draw in
    about the time of a few lines.
    """
    from matplotlib.collections import LineCollection

    segments: dict[bool, list[np.ndarray]] = {False: [], True: []}
    hidden = max(len(runs) - len(named), 1)
    # A few grey lines stay visible; a thousand fade so that they read as a band, not a wall.
    alpha = max(0.06, min(style.OTHER_RUN_OPACITY, 25 / hidden))
    for run_index, run, _panel, name in _visible_series(runs, family, visible):
        if run_index in named:
            continue
        points = run.points(name)
        if points is not None:
            x, y = points.snapshot()
        elif run.has_steps(name):
            sx, sy = run.steps.column(name)
            x, y = minmax(sx, sy, 400)
        else:
            continue
        if len(x):
            segments[parse(name).is_validation].append(np.column_stack([x, y]))
    for validation, lines in segments.items():
        if lines:
            collection = LineCollection(
                lines, colors=style.OTHER_RUN_COLOUR, alpha=alpha,
                linewidths=style.OTHER_RUN_WIDTH, linestyles="--" if validation else "-",
                zorder=1, gid=f"other-runs-{'val' if validation else 'train'}",
            )  # fmt: skip
            # The y values, for the panel's range: get_segments() would rebuild 4000 paths.
            collection.livecurve_y = np.concatenate([line[:, 1] for line in lines])  # type: ignore[attr-defined]
            ax.add_collection(collection, autolim=True)
    ax.autoscale_view()


def _draw_panel(  # type: ignore[no-untyped-def]
    ax, family, all_families, runs, visible, axis, smoothing=0.0, named=None, book=None
) -> None:
    n_runs = len(runs)
    members = legends.members(runs, family, visible) if n_runs > 1 else {}
    if named is not None:
        _draw_others(ax, family, runs, visible, named)
    for run_index, run, panel, name in _visible_series(runs, family, visible):
        if named is not None and run_index not in named:
            continue
        member = panel.member_index(name)
        colour = (book or {}).get(run_index) or style.colour(
            family, all_families, run_index, n_runs, member, by_output=panel.by_output
        )
        zorder = 3 if run_index == 0 else 2  # the live run on top, as in the widget
        if run.has_steps(name):
            _draw_steps(ax, run, name, colour, smoothing, zorder - 0.5)
        points = run.points(name)
        if points is None:
            continue
        x, y = points.snapshot()
        validation = parse(name).is_validation
        look = style.member_style(member, validation, n_runs)
        finite = np.isfinite(y)
        # A panel of a multi-output model's outputs: a dozen lines, markers would crowd it.
        markers = n_runs <= 3 and finite.sum() <= style.MAX_MARKERS and not panel.by_output
        padded = np.pad(finite, 1)
        lone = finite & ~(padded[:-2] | padded[2:])  # no line reaches it: keep a marker
        every: int | list[bool] | None = None if markers or not lone.any() else lone.tolist()
        if len(members) > 1:  # compared runs: the marker names the member, so always one
            markers, every = True, max(1, int(finite.sum()) // 12)  # about a dozen per line
        ax.plot(
            x,
            y,
            color=colour,
            linestyle=look.mpl_line_style,
            linewidth=style.LINE_WIDTH,
            marker=look.mpl_marker if markers or lone.any() else None,
            markevery=every,
            markersize=4.5,
            markerfacecolor="white" if validation else colour,
            markeredgecolor=colour,
            label=name,
            gid=f"series-{run_index}-{name}",  # an id in SVG output
            zorder=zorder,
        )
        best = best_point(run, name)
        if best is not None:
            ax.scatter(
                [best[0]], [best[1]], marker=STATIC_MARKER, s=STATIC_SIZE**2,
                color=colour, edgecolors="white", linewidths=1.0,
                zorder=zorder + 0.5, gid=f"best-{run_index}-{name}",
            )  # fmt: skip
    if axis == "epoch" or _whole_xs(runs, family):
        # No "1.5 epochs" (or steps) ticks, and one whole tick when a single x is shown.
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    ax.set_title(family, fontsize=12, fontweight="bold")
    ax.set_xlabel(axis)
    ax.set_ylabel(family)
    ax.grid(True, color="#e0e0e0", linewidth=0.8)
    ax.set_axisbelow(True)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    by_output = any(p.by_output for p in runs[0].panels() if p.family == family)
    if n_runs == 1 and not by_output and ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=9, frameon=False)
    elif len(members) > 1:
        legends.member_key(ax, members)


def _y_range(ax, log: bool, ignore_outliers: bool) -> None:  # type: ignore[no-untyped-def]
    """Log y axis and the outlier-ignoring range, from the values drawn in the panel."""
    arrays = [np.asarray(line.get_ydata(), dtype=float) for line in ax.lines]
    arrays += [
        seg[:, 1] for c in ax.collections if hasattr(c, "get_segments") for seg in c.get_segments()
    ]
    values = np.concatenate(arrays) if arrays else np.zeros(0)
    epochs = [a for line, a in zip(ax.lines, arrays) if str(line.get_gid()).startswith("series-")]
    limits = (
        robust_range(values, log=log, keep=np.concatenate(epochs) if epochs else None)
        if ignore_outliers
        else None
    )
    if log:
        ax.set_yscale("log", nonpositive="mask")
        limits = limits or positive_range(values)
    if limits is not None:
        ax.set_ylim(*limits)


def _whole_xs(runs: list[Run], family: str) -> bool:
    """Whether every point of ``family``'s series sits at a whole x (steps, rounds, iterations)."""
    for run in runs:
        for panel in run.panels():
            if panel.family == family:
                for name in panel.names:
                    series = run.points(name)
                    if series is not None and len(series) and np.any(series.x % 1):
                        return False
    return True


def render(
    runs: list[Run],
    fmt: str,
    visible: Mapping[SeriesKey, bool] | None = None,
    *,
    title: str | None = None,
    dpi: int = 150,
    columns: int = 2,
    smoothing: float = 0.0,
    log_panels: Collection[str] = (),
    ignore_outliers: bool = False,
) -> bytes:
    """The picture as bytes in ``fmt`` (``"png"``, ``"svg"`` or ``"pdf"``)."""
    buffer = io.BytesIO()
    metadata = {"Creator": "livecurve"} if fmt in ("svg", "pdf") else {"Software": "livecurve"}
    # SVG keeps text as text (searchable, selectable) rather than outlines.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig = figure(
            runs, visible, title=title, columns=columns, smoothing=smoothing,
            log_panels=log_panels, ignore_outliers=ignore_outliers,
        )  # fmt: skip
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
    return buffer.getvalue()
