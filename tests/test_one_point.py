"""A run of one point is visible everywhere, and an epoch axis with one point shows whole epochs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import livecurve
from livecurve import LivePlot, Run
from livecurve.export.static import figure


def one_point_run(label: str, loss: float) -> Run:
    run = Run(label, "epoch")
    run.log(1, {"loss": loss, "val_loss": loss + 0.1})
    return run


def drawn(runs: list[Run]):  # type: ignore[no-untyped-def]
    fig = figure(runs)
    FigureCanvasAgg(fig).draw()
    return fig.axes[0]


def visible_ticks(ax) -> list[float]:  # type: ignore[no-untyped-def]
    low, high = ax.get_xlim()
    return [float(t) for t in ax.get_xticks() if low <= t <= high]


@pytest.mark.parametrize("n_runs", [1, 2, 5])
def test_a_single_point_run_has_a_marker_however_many_runs_are_compared(n_runs) -> None:
    runs = [one_point_run(f"session {i}", 0.5 + i / 10) for i in range(n_runs)]
    ax = drawn(runs)
    assert len(ax.lines) == 2 * n_runs
    for line in ax.lines:
        assert line.get_marker() == "o", line.get_label()
        every = line.get_markevery()
        assert every is None or list(every) == [True]


def test_compared_long_runs_stay_without_markers_but_a_lone_point_keeps_one() -> None:
    runs = [one_point_run("short", 0.4)]
    for i in range(4):
        run = Run(f"long {i}", "epoch")
        for epoch in range(1, 30):
            run.log(epoch, {"loss": 1 / epoch + i})
        runs.append(run)
    ax = drawn(runs)
    markers = {line.get_gid(): line.get_marker() for line in ax.lines}
    assert markers["series-0-loss"] == "o"
    assert all(markers[f"series-{i}-loss"] in ("None", None, "") for i in range(1, 5))


def test_an_epoch_axis_with_one_point_shows_one_whole_epoch() -> None:
    ax = drawn([one_point_run("once", 0.5)])
    assert visible_ticks(ax) == [1.0]


def test_an_epoch_axis_with_a_few_points_shows_only_whole_epochs() -> None:
    run = Run("short", "epoch")
    run.log(1, {"loss": 0.9})
    run.log(2, {"loss": 0.5})
    ticks = visible_ticks(drawn([run]))
    assert ticks and all(t.is_integer() for t in ticks)


def test_the_live_view_ticks_one_whole_epoch_for_one_point() -> None:
    plot = LivePlot()
    plot.log(loss=0.5, val_loss=0.6)
    (panel,) = plot.view.panels.values()
    assert panel.x_axis.tick_values.tolist() == [1.0]
    (marks,) = [m for key, m in panel.series.items() if key == (0, "loss")]
    assert marks.dots.x.tolist() == [1.0], "the one point has its marker in the widget"


def test_fit_epochs_1_sessions_saved_from_a_log_show_a_line_with_whole_epochs(
    tmp_path: Path,
) -> None:
    log = tmp_path / "sessions.csv"
    log.write_text("epoch,loss\n0,0.9\n0,0.6\n0,0.5\n")
    with pytest.warns(livecurve.LiveCurveWarning, match="one run of consecutive epochs"):
        plot = livecurve.show(log)
    ax = drawn(plot.runs)
    (line,) = ax.lines
    assert np.asarray(line.get_xdata()).tolist() == [1.0, 2.0, 3.0]
    assert all(t.is_integer() for t in visible_ticks(ax))
