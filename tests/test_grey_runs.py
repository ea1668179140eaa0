"""Many runs in the live figure: the runs the ranking does not name are grey marks per panel,
split and block of runs (one row per series), not two marks per series; the named runs keep
their own. A change of one grey run sends (and the browser redraws) its block only."""

from __future__ import annotations

import numpy as np
import pytest

from livecurve import LivePlot, style
from livecurve.model.run import Run
from livecurve.view.panel import GREY_CHUNK, PanelView
from livecurve.view.visibility import run_id


def score(k: int) -> float:
    """A trial's val_loss: scattered, so the best few are not simply the latest."""
    return 0.2 + ((k * 37) % 23) / 10


def trial(k: int, epochs: int = 3) -> Run:
    run = Run(f"trial {k}")
    for epoch in range(1, epochs + 1):
        run.log(epoch, {"loss": score(k) + 1 / epoch, "val_loss": score(k) + 0.5 / epoch})
    return run


def search(n: int) -> LivePlot:
    plot = LivePlot(redraw_interval=0.0)
    for epoch in range(1, 4):
        plot.log(epoch, loss=score(1) + 1 / epoch, val_loss=score(1) + 0.5 / epoch)
    plot.view  # noqa: B018  (built)
    for k in range(2, n + 1):
        plot.runs.append(trial(k))
        plot.refresh()
    return plot


def rows_of(mark) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each row of a 2-D Lines mark without its NaN padding."""
    xs, ys = np.atleast_2d(np.asarray(mark.x)), np.atleast_2d(np.asarray(mark.y))
    return [(x[np.isfinite(x)], y[np.isfinite(x)]) for x, y in zip(xs, ys)]


def grey_opacities(panel, validation: bool) -> list[float]:
    """The opacities of every grey row of a split, block after block."""
    return [o for mark in panel.greys.drawn(validation) for o in mark.opacities]


def check_split(plot: LivePlot, family: str, validation: bool) -> None:
    view = plot.view
    panel = view.panels[family]
    named = set(view.runs_table.ranking.named)
    name = f"val_{family}" if validation else family
    grey_runs = [i for i in range(len(plot.runs)) if i not in named]
    assert panel.greys.rows[validation] == [(i, name) for i in grey_runs]
    marks = panel.greys.drawn(validation)
    rows = []
    for mark in marks:
        assert mark in panel.figure.marks
        assert mark.colors == [style.OTHER_RUN_COLOUR]
        assert mark.stroke_width == style.OTHER_RUN_WIDTH
        assert mark.line_style == ("dashed" if validation else "solid")
        rows += rows_of(mark)
    for (x, y), index in zip(rows, grey_runs, strict=True):
        points = plot.runs[index].points(name)
        np.testing.assert_allclose(x, points.x)
        np.testing.assert_allclose(y, points.y)
    for (index, series_name), marks in panel.series.items():
        if series_name != name:
            continue
        drawn = [m in panel.figure.marks for m in (marks.line, marks.dots)]
        assert drawn == [index in named] * 2, (index, named)


@pytest.mark.parametrize(("family", "validation"), [("loss", False), ("loss", True)])
def test_the_runs_not_named_are_the_rows_of_grey_marks_per_panel_split_and_block(
    family: str, validation: bool
) -> None:
    plot = search(30)
    panel = plot.view.panels[family]
    named = plot.view.runs_table.ranking.named
    assert 1 < len(named) < 10
    check_split(plot, family, validation)
    # The figure holds the grey marks (2 splits per block of runs) and the named runs' marks,
    # not 2 per series.
    blocks = -(-30 // GREY_CHUNK)
    assert len(panel.greys.drawn(validation)) == blocks
    per_named = 2 * 2 + 2  # line and dots of loss and val_loss, and at most 2 best markers
    assert len(panel.figure.marks) <= 2 * blocks + per_named * len(named)
    assert len(panel.figure.marks) < 60  # it held 120+ marks (4 per run) before


def test_a_run_entering_or_leaving_the_named_runs_moves_between_its_marks_and_a_grey_row() -> None:
    plot = search(20)
    view = plot.view
    before = set(view.runs_table.ranking.named)
    best = trial(21)
    for epoch in (1, 2, 3):  # the best val_loss of all: it is named from now on
        best.log(epoch + 3, {"loss": 0.01, "val_loss": 0.01})
    plot.runs.append(best)
    plot.refresh()
    after = set(view.runs_table.ranking.named)
    assert 20 in after
    left = before - after
    assert left, (before, after)
    panel = view.panels["loss"]
    for index in left:  # its data moved into the grey rows, its marks out of the figure
        assert (index, "loss") in panel.greys.rows[False]
        assert panel.series[(index, "loss")].line not in panel.figure.marks
    assert (20, "loss") not in panel.greys.rows[False]
    assert panel.series[(20, "loss")].line in panel.figure.marks
    check_split(plot, "loss", False)
    check_split(plot, "loss", True)


def sent(marks) -> dict[int, int]:
    """Count, per mark, the changes of its rows' data (each one a message to the browser)."""
    counts = {id(mark): 0 for mark in marks}
    for mark in marks:
        mark.observe(
            lambda change: counts.__setitem__(id(change.owner), counts[id(change.owner)] + 1), "y"
        )
    return counts


def test_a_new_trial_changes_the_rows_of_its_grey_block_only() -> None:
    plot = search(30)
    panel = plot.view.panels["loss"]
    grey_before = panel.greys.drawn(False)
    rows_before = len(panel.greys.rows[False])
    counts = sent(panel.greys.marks.values())
    plot.runs.append(trial(31))  # run 30: the second block of 20 runs
    plot.refresh()
    assert panel.greys.drawn(False) == grey_before  # the same marks, new rows
    assert len(panel.greys.rows[False]) in (rows_before, rows_before + 1)
    check_split(plot, "loss", False)
    first = [panel.greys.marks[(split, 0)] for split in (False, True)]
    assert all(counts[id(mark)] == 0 for mark in first), "the first block was sent again"
    assert sum(counts.values()) >= 1


def test_a_new_epoch_of_a_grey_run_sends_its_block_only() -> None:
    plot = search(45)
    panel = plot.view.panels["loss"]
    named = set(plot.view.runs_table.ranking.named)
    index = next(i for i in range(GREY_CHUNK, 2 * GREY_CHUNK) if i not in named)
    counts = sent(panel.greys.marks.values())
    plot.runs[index].log(4, {"loss": 2.5, "val_loss": 2.5})  # not its best: it stays grey
    plot.refresh()
    assert index not in set(plot.view.runs_table.ranking.named)
    changed = {chunk for chunk, mark in panel.greys.marks.items() if counts[id(mark)]}
    assert changed == {(False, 1), (True, 1)}, changed
    check_split(plot, "loss", False)
    check_split(plot, "loss", True)


def test_a_hidden_run_hides_its_grey_rows_and_the_browser_gets_which_row_is_which() -> None:
    plot = search(30)
    view = plot.view
    panel = view.panels["loss"]
    index, _name = panel.greys.rows[False][3]
    view.visibility.set_shown(run_id(index), False)
    opacities = grey_opacities(panel, False)
    assert opacities[3] == 0 and set(opacities[:3]) == {style.OTHER_RUN_OPACITY}
    assert grey_opacities(panel, True)[3] == 0
    view.visibility.set_shown(run_id(index), True)
    assert set(grey_opacities(panel, False)) == {style.OTHER_RUN_OPACITY}
    figures = {id(figure) for figure, _mark, _rows in view.visibility.grey}
    assert id(panel.figure) in figures
    first = panel.greys.drawn(False)[0]
    entry = next(rows for _f, mark, rows in view.visibility.grey if mark is first)
    assert entry[3] == f"{index}:loss"
    assert len(view.visibility.grey) == len(panel.greys.drawn()) + len(
        view.panels["accuracy"].greys.drawn() if "accuracy" in view.panels else []
    )
    assert view.runs_table.visibility is view.visibility


def test_few_runs_have_no_grey_mark() -> None:
    plot = search(5)
    panel = plot.view.panels["loss"]
    assert not any(panel.greys.rows.values())
    assert all(m in panel.figure.marks for s in panel.series.values() for m in (s.line, s.dots))
    assert plot.view.visibility.grey == []


def test_the_run_bar_folds_the_runs_not_named_into_one_control_that_hides_them_all() -> None:
    plot = search(30)
    view = plot.view
    named = view.runs_table.ranking.named
    assert view.visibility.named == sorted(named)
    folded = view.visibility.more_runs()
    assert sorted(folded) == [i for i in range(30) if i not in named]
    view.visibility.set_all_shown([run_id(i) for i in folded], False)  # "+ N more runs" unticked
    panel = view.panels["loss"]
    assert set(grey_opacities(panel, False)) == {0.0}
    assert all(not plot.visible[(i, "loss")] for i in folded)
    assert all(plot.visible[(i, "loss")] for i in named)
    view.visibility.set_all_shown([run_id(i) for i in folded], True)
    assert set(grey_opacities(panel, False)) == {style.OTHER_RUN_OPACITY}
    assert search(5).view.visibility.named is None  # few runs: a checkbox each


def test_a_series_mark_is_made_holding_its_points_so_the_first_redraw_sends_no_more() -> None:
    # A figure of 200 runs built at once made 1600 marks and then sent each its points in one
    # more message: past 1000 messages a second Jupyter drops a kernel's messages.
    plot = LivePlot(redraw_interval=0.0)
    for epoch in range(1, 4):
        plot.log(epoch, loss=score(1) + 1 / epoch, val_loss=score(1) + 0.5 / epoch)
    plot.runs.extend(trial(k) for k in range(2, 31))
    changes: list[str] = []
    made = PanelView.add_series

    def watched(self, *args, **kwargs):
        marks = made(self, *args, **kwargs)
        for mark in (marks.line, marks.dots):
            mark.observe(lambda change: changes.append(change.name), ["x", "y"])
        return marks

    PanelView.add_series = watched  # type: ignore[method-assign]
    try:
        plot.view  # noqa: B018  (built: marks made, then the first redraw)
        plot.refresh()
    finally:
        PanelView.add_series = made  # type: ignore[method-assign]
    panel = plot.view.panels["loss"]
    assert changes == []
    for (index, name), marks in panel.series.items():
        points = plot.runs[index].points(name)
        np.testing.assert_allclose(marks.line.y, points.y)
        np.testing.assert_allclose(marks.dots.x, points.x)
    check_split(plot, "loss", False)
    assert list(panel.x_axis.tick_values) == [1, 2, 3]  # whole epochs, from the points made


def test_a_grey_block_of_one_epoch_runs_is_sent_at_least_two_columns_wide() -> None:
    # bqplot draws only the first row of a 2-D x or y one column wide: a block begun by a new
    # trial's first epoch showed one trial however many joined it.
    plot = search(2 * GREY_CHUNK)
    for k in range(2 * GREY_CHUNK + 1, 2 * GREY_CHUNK + 4):
        plot.runs.append(trial(k, epochs=1))
        plot.refresh()
    panel = plot.view.panels["loss"]
    mark = panel.greys.marks[(False, 2)]
    rows = len(panel.greys.chunks[(False, 2)])
    assert rows >= 2 and np.shape(mark.x) == np.shape(mark.y) == (rows, 2)
    check_split(plot, "loss", False)


def test_only_the_named_runs_markers_carry_a_tooltip_and_a_run_turning_grey_closes_its() -> None:
    """A tooltip is two widgets: the grey runs' markers (not drawn) carry none."""
    plot = search(30)
    plot.refresh()  # while training, the last trial's markers get theirs at the next redraw
    view = plot.view
    named = set(view.runs_table.ranking.named)
    markers = [(run, m.dots) for p in view.panels.values() for (run, _n), m in p.series.items()]
    markers += [(run, mark) for (_f, run, _n), mark in view.controls.best.items()]
    assert {run for run, mark in markers if mark.tooltip is not None} == named
    assert all(mark.tooltip is None for run, mark in markers if run not in named)
    # The best run of all arrives: the fifth best turns grey and gives its tooltips back.
    fifth = view.runs_table.ranking.named[-1]
    tips = [mark.tooltip for run, mark in markers if run == fifth]
    best = Run("best")
    for epoch in range(1, 4):
        best.log(epoch, {"loss": 0.01 / epoch, "val_loss": 0.01 / epoch})
    plot.runs.append(best)
    plot.refresh()
    plot.refresh()
    assert fifth not in view.runs_table.ranking.named and 30 in view.runs_table.ranking.named
    assert tips and all(tip.comm is None and tip.layout.comm is None for tip in tips)  # closed
    assert all(mark.tooltip is None for run, mark in markers if run == fifth)
    loss = view.panels["loss"].series[(30, "loss")]
    assert loss.dots.tooltip is not None and loss.dots.tooltip.labels == ["epoch", "loss"]


def test_a_build_of_many_runs_sends_each_block_of_marks_and_entries_once(monkeypatch) -> None:
    # The blocks made by a redraw were not among the widgets whose syncs it held: each series
    # added sent its block again (a 200-run build: 2200 messages more than its 2400), and past
    # what Jupyter's server reads, ZeroMQ drops a kernel's messages (marks the browser never got).
    import comm
    import ipykernel.ipkernel  # noqa: F401  (ipywidgets then opens every widget's comm)

    names: dict[str, str] = {}
    updates: list[str] = []

    class Spy(comm.DummyComm):  # what the kernel would publish
        def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):  # type: ignore[no-untyped-def]
            state = (data or {}).get("state", {})
            if msg_type == "comm_open":
                names[self.comm_id] = state.get("_model_name", "")
            elif msg_type == "comm_msg" and names.get(self.comm_id) == "WidgetModel":
                updates.append(next(iter(state), ""))  # a block: "marks" or "entries"

    monkeypatch.setattr(comm, "create_comm", lambda *a, **k: Spy(*a, **k))
    plot = LivePlot(redraw_interval=0.0)
    for epoch in range(1, 4):
        plot.log(epoch, loss=score(1) + 1 / epoch, val_loss=score(1) + 0.5 / epoch)
    plot.runs.extend(trial(k) for k in range(2, 61))  # 60 runs: blocks 0, 1, 2
    view = plot.view  # built: marks made, then the first redraw
    blocks = len(view.visibility.blocks)
    entry_blocks = len(view.visibility.run_blocks) + sum(
        len(legend.blocks) for legend in view.legends.values()
    )
    assert blocks == 3 and entry_blocks >= 3
    assert len(names) > 250  # the spy saw the build (the marks' widgets)
    # the visibility's blocks and the runs table's (each run's lines, for highlighting)
    sent_once = blocks + len(view.runs_table.blocks)
    assert updates.count("marks") <= sent_once, (updates.count("marks"), sent_once)
    assert updates.count("entries") <= entry_blocks, (updates.count("entries"), entry_blocks)
    # what they hold: every run's marks
    held = {int(key.split(":")[0]) for block in view.visibility.blocks for key in block.marks}
    assert held == set(range(60))
