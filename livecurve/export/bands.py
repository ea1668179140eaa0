"""Distribution panels of saved pictures: nested percentile bands and the median, with matplotlib.

The same picture as the live widget's (:mod:`livecurve.view.bands`): for each distribution name,
``fill_between`` the symmetric quantile pairs (min–max, 6.7–93.3, 15.9–84.1, 30.9–69.1) of every
visible run, the median as a solid line over them. A run is hidden by ``visible[(run, name)]``
being False, as for metrics.

Example:
    ```python
    names = distribution_names(runs)
    draw_distribution(ax, "dense_kernel", runs, visible={}, axis="step")
    ```
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .. import style
from ..model.distribution import MEDIAN, PAIRS, QUANTILES
from ..model.run import Run
from ..style import BAND_OPACITY, band_colour

if TYPE_CHECKING:
    from matplotlib.axes import Axes

SeriesKey = tuple[int, str]


def distribution_names(
    runs: list[Run], visible: Mapping[SeriesKey, bool] | None = None
) -> list[str]:
    """Names of the distributions of ``runs`` to draw, in first-logged order."""
    visible = visible or {}
    names: list[str] = []
    for run_index, run in enumerate(runs):
        if run._distributions is None:
            continue
        for name in run.distributions.names:
            if visible.get((run_index, name), True) and name not in names:
                names.append(name)
    return names


def draw_distribution(
    ax: Axes, name: str, runs: list[Run], visible: Mapping[SeriesKey, bool], axis: str
) -> None:
    """Draw ``name``'s bands and median for every run that has it on ``ax``."""
    for run_index, run in enumerate(runs):
        if run._distributions is None or name not in run.distributions:
            continue
        if not visible.get((run_index, name), True):
            continue
        x, q = run.distributions[name].snapshot()
        colour = band_colour(run_index, len(runs))
        for low, high in PAIRS:
            ax.fill_between(
                x, q[:, low], q[:, high], color=colour, alpha=BAND_OPACITY, linewidth=0,
                gid=f"band-{run_index}-{name}-{QUANTILES[low]:g}-{QUANTILES[high]:g}",
            )  # fmt: skip
        ax.plot(
            x, q[:, MEDIAN], color=colour, linewidth=style.LINE_WIDTH,
            label=f"{name} median", gid=f"median-{run_index}-{name}",
        )  # fmt: skip
    ax.set_title(f"{name} (distribution)", fontsize=12, fontweight="bold")
    ax.set_xlabel(axis)
    ax.set_ylabel(name)
    ax.grid(True, color="#e0e0e0", linewidth=0.8)
    ax.set_axisbelow(True)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
