"""The bqplot/ipywidgets view of a LivePlot fed with ``log()`` (no Keras)."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

import livecurve.view.legend
from livecurve import LivePlot, style
from livecurve.view.header import summary_rows

SVG_NS = "{http://www.w3.org/2000/svg}"


def svg_texts(path) -> list[str]:
    root = ET.parse(path).getroot()
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG_NS}text")]


def fed_plot(epochs: int = 3, **kwargs) -> LivePlot:
    plot = LivePlot(**kwargs)
    for epoch in range(1, epochs + 1):
        plot.log(loss=1 / epoch, val_loss=1.2 / epoch, accuracy=epoch / 10, lr=0.01)
    return plot


def test_marks_hold_the_logged_values_and_style() -> None:
    plot = fed_plot(3)
    view = plot.view
    assert list(view.panels) == ["loss", "accuracy", "lr"]
    loss = view.panels["loss"].series[(0, "loss")]
    val = view.panels["loss"].series[(0, "val_loss")]
    np.testing.assert_array_equal(loss.line.x, [1, 2, 3])
    np.testing.assert_array_equal(loss.line.y, [1, 1 / 2, 1 / 3])
    np.testing.assert_array_equal(val.line.y, [1.2, 1.2 / 2, 1.2 / 3])
    np.testing.assert_array_equal(val.dots.y, val.line.y)
    assert loss.line.line_style == "solid" and val.line.line_style == "dashed"
    assert loss.line.colors == val.line.colors == [style.PALETTE[0]]
    assert view.panels["accuracy"].series[(0, "accuracy")].line.colors == [style.PALETTE[1]]


def test_marks_update_in_place_as_epochs_arrive() -> None:
    plot = LivePlot(redraw_interval=0)  # every log() redraws
    plot.log(loss=0.9, val_loss=1.0)
    view = plot.view
    panel = view.panels["loss"]
    figure, marks = panel.figure, list(panel.figure.marks)
    loss = panel.series[(0, "loss")]
    line, dots = loss.line, loss.dots
    sent = {"loss": 0, "val_loss": 0}
    loss.line.observe(lambda change: sent.__setitem__("loss", sent["loss"] + 1), "y")
    panel.series[(0, "val_loss")].line.observe(
        lambda change: sent.__setitem__("val_loss", sent["val_loss"] + 1), "y"
    )
    for epoch in range(2, 6):
        plot.log(loss=1 / epoch)  # val_loss not logged: its marks are not resent
    assert view is plot.view and panel is view.panels["loss"] and figure is panel.figure
    # The same marks; while training, the best markers join at the redraw after the first.
    best = list(view.controls.best.values())
    assert [m for m in figure.marks if all(m is not b for b in best)] == marks
    assert len(figure.marks) == len(marks) + 1  # loss's best marker (val_loss has one point)
    assert panel.series[(0, "loss")].line is line and panel.series[(0, "loss")].dots is dots
    np.testing.assert_array_equal(line.x, [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(dots.x, [1, 2, 3, 4, 5])
    assert sent == {"loss": 4, "val_loss": 0}
    plot.refresh()  # nothing changed: nothing resent
    assert sent == {"loss": 4, "val_loss": 0}


def test_a_nan_is_a_gap_in_the_line_and_has_no_marker() -> None:
    plot = LivePlot()
    with pytest.warns(UserWarning, match="'loss'"):
        for y in (0.9, float("nan"), 0.5):
            plot.log(loss=y)
    marks = plot.view.panels["loss"].series[(0, "loss")]
    assert np.isnan(marks.line.y[1]) and marks.line.y.size == 3
    np.testing.assert_array_equal(marks.dots.x, [1, 3])


def test_header_escapes_html_in_names_and_title() -> None:
    plot = LivePlot(title="<i>run</i>")
    plot.log(**{"<b>x</b>": 0.5, "val_<b>x</b>": 0.25})
    view = plot.view
    html = view.header.box.value
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<b>x</b>" not in html
    assert "&lt;i&gt;run&lt;/i&gt;" in html
    assert "<i>" not in html


def test_checkbox_labels_are_the_names_as_text() -> None:
    plot = LivePlot()
    plot.log(**{"<b>x</b>": 0.5, "val_<b>x</b>": 0.25})
    view = plot.view
    assert set(view.series_keys()) == {(0, "<b>x</b>"), (0, "val_<b>x</b>")}
    for key in view.series_keys():
        assert view.label(key) == key[1]  # legend.js sets it as textContent, never as markup
    js = (Path(livecurve.view.legend.__file__).with_name("legend.js")).read_text()
    assert "textContent = entry.label" in js and "innerHTML" not in js


def test_header_shows_latest_and_best_per_goal() -> None:
    plot = LivePlot()
    for loss, acc in ((0.9, 0.5), (0.4, 0.8), (0.6, 0.7)):
        plot.log(loss=loss, accuracy=acc, lr=0.1)
    rows = {name: (latest, best) for name, latest, best in summary_rows(plot.runs)}
    assert rows == {"loss": ("0.6", "0.4 @ 2"), "accuracy": ("0.7", "0.8 @ 2"), "lr": ("0.1", "–")}
    assert "0.4 @ 2" in plot.view.header.box.value


def test_unchecking_a_checkbox_updates_visible_and_save_omits_the_series(tmp_path) -> None:
    plot = fed_plot(3)
    view = plot.view
    assert all(view.is_shown(key) for key in view.series_keys())
    # As the browser does: the legend's click changes the figure's visibility in the frontend.
    visibility = view.visibility
    visibility.set_state({"shown": {**visibility.shown, "0:val_loss": False}})
    assert plot.visible[(0, "val_loss")] is False
    assert view.panels["loss"].series[(0, "val_loss")].line.visible is False
    texts = svg_texts(plot.save(tmp_path / "curves.svg"))
    assert "val_loss" not in texts
    assert "loss" in texts and "accuracy" in texts
    view.show((0, "val_loss"), True)
    assert plot.visible[(0, "val_loss")] is True
    assert "val_loss" in svg_texts(plot.save(tmp_path / "again.svg"))


def test_series_hidden_before_the_view_exists_start_unchecked_and_hidden() -> None:
    plot = fed_plot(2)
    plot.visible[(0, "lr")] = False
    view = plot.view
    assert view.is_shown((0, "lr")) is False
    assert view.panels["lr"].series[(0, "lr")].line.visible is False
    assert view.is_shown((0, "loss")) is True


@pytest.mark.parametrize("max_points", [4, 100, 2000])
def test_long_series_reach_the_marks_reduced_to_max_points(max_points: int) -> None:
    plot = LivePlot(axis="step", max_points=max_points)
    n = 20_000
    rng = np.random.default_rng(1)
    y = np.cumsum(rng.normal(size=n))
    plot.run.extend("loss", np.arange(1, n + 1), y)
    plot.refresh()
    marks = plot.view.panels["loss"].series[(0, "loss")]
    assert 0 < marks.line.x.size <= max_points
    assert marks.line.y.min() == y.min() and marks.line.y.max() == y.max()
    assert marks.dots.x.size <= style.MAX_MARKERS
    plot.run.extend("loss", [n + 1], [0.0])  # later growth stays bounded too
    plot.refresh()
    assert marks.line.x.size <= max_points


@pytest.mark.parametrize(
    ("kwargs", "message"), [({"max_points": 3}, "max_points"), ({"columns": 0}, "columns")]
)
def test_invalid_options_are_rejected(kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        LivePlot(**kwargs)


def test_display_outside_a_notebook_shows_nothing(capsys, monkeypatch) -> None:
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.append(a))
    plot = fed_plot(2)
    plot.display()
    plot.finish()
    assert shown == []
    assert capsys.readouterr() == ("", "")


def test_log_without_x_counts_on_from_the_last_x() -> None:
    plot = LivePlot()
    plot.log(5, loss=1.0)
    plot.log(loss=0.5)
    assert plot.run["loss"].x.tolist() == [5, 6]
    assert plot.progress.epoch == 6


def test_panel_order_and_colours_match_run_panels_when_a_metric_appears_later() -> None:
    plot = LivePlot()
    view = plot.view  # as in a notebook: the widget exists before the first epoch
    for epoch in range(1, 4):
        plot.log(loss=1 / epoch, lr=0.1)
    plot.log(loss=0.2, lr=0.1, accuracy=0.9)
    plot.refresh()  # log() redraws are throttled: draw now
    expected = [p.family for p in plot.run.panels()]
    assert expected == ["loss", "accuracy", "lr"]
    assert list(view.panels) == expected
    grid_figures = [box.children[0] for box in view.grid.children]
    assert grid_figures == [view.panels[f].figure for f in expected]
    assert view.panels["accuracy"].series[(0, "accuracy")].line.colors == [style.PALETTE[1]]


def test_saved_picture_uses_the_plots_columns(tmp_path) -> None:
    plot = fed_plot(2, columns=1)  # three panels, one per row
    pixels = matplotlib.image.imread(plot.save(tmp_path / "c.png", dpi=100))
    assert pixels.shape[:2] == (900, 440)


def test_log_redraws_a_few_times_a_second_and_always_draws_the_last_values() -> None:
    plot = LivePlot(axis="step", redraw_interval=0.2)
    marks = None
    redraws = []
    original = plot.view.refresh
    plot.view.refresh = lambda: (redraws.append(1), original())[1]
    start = time.monotonic()
    for step in range(1, 20_001):
        plot.log(step, loss=1.0 / step)
    elapsed = time.monotonic() - start
    # At most one redraw per interval (plus the first), however many log() calls.
    assert len(redraws) <= elapsed / 0.2 + 2
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the timer draws the last values without another call
        panel = plot.view.panels.get("loss")
        marks = None if panel is None else panel.series.get((0, "loss"))
        # The faint line is made by the first redraw that has per-step values: it may be on its
        # way on the redraw thread while this loop looks.
        raw = None if marks is None else marks.raw
        if raw is not None and raw.x.size and raw.x[-1] == 20_000:
            break
        time.sleep(0.05)
    assert marks is not None and marks.raw is not None and marks.raw.x[-1] == 20_000


def test_a_step_loop_header_counts_steps_with_their_rate() -> None:
    plot = LivePlot(axis="step")
    plot.log(1, loss=1.0)
    time.sleep(0.05)
    for step in range(2, 1001):
        plot.log(step, loss=1.0 / step)
    plot.view.refresh()
    status = plot.view.header.status
    assert status.startswith("step 1,000 · ") and " steps/s · elapsed " in status, status
    assert "epoch" not in status and "ETA" not in status  # no total given: no ETA
    assert plot.view.header.fraction is None  # an open-ended loop: no empty progress bar


def test_a_step_loop_header_says_step_not_epoch_before_and_without_log_calls() -> None:
    plot = LivePlot(axis="step")
    plot.view.refresh()
    assert plot.view.header.status == "waiting for the first step"
    plot.run.extend_steps(np.arange(1.0, 10**6 + 1), {"loss": np.ones(10**6)})  # fed in bulk
    plot.view.refresh()
    assert plot.view.header.status == "step 1,000,000"


def test_a_step_loop_with_a_total_gets_a_bar_and_an_eta() -> None:
    plot = LivePlot(axis="step")
    plot.start(total=4000)
    for step in range(1, 1001):
        plot.log(step, loss=1.0 / step)
    plot.view.refresh()
    assert plot.view.header.status.startswith("step 1,000 / 4,000 · ")
    assert " · ETA " in plot.view.header.status
    assert plot.view.header.fraction == pytest.approx(0.25)


@pytest.mark.parametrize(("n_outputs", "folded"), [(1, 0), (6, 96 - 8)])
def test_the_header_table_stays_compact_whatever_the_number_of_series(
    n_outputs: int, folded: int
) -> None:
    """A six-output model logs 96 series: objective and validation rows first, the rest folded."""
    plot = LivePlot()
    metrics = ["auROC", "accuracy", "precision", "recall", "mae", "mse", "auPR", "f1"]
    names = [f"output_{i}_{m}" for i in range(n_outputs) for m in metrics] if n_outputs > 1 else []
    for epoch in range(1, 3):
        values = {"loss": 1 / epoch, "val_loss": 1.1 / epoch}
        values |= {name: 0.5 for name in names[:47]} | {f"val_{n}": 0.4 for n in names[:47]}
        if n_outputs == 1:
            values |= {"accuracy": 0.5, "val_accuracy": 0.4}
        plot.log(**values)
    plot.view.refresh()
    html = plot.view.header.box.value
    table, _, details = html.partition("<details")
    shown = table.count("<tr>") - 0
    if folded:
        assert shown == 8 and f"{folded} more series</summary>" in details, (shown, details[:200])
        first = [row[0] for row in summary_rows(plot.runs)]
        assert len(first) == 96
        assert ">loss<" in table and ">val_loss<" in table  # the objective first
        assert table.count(">val_") >= 6  # then validation metrics
    else:
        assert not details and shown == 4


@pytest.mark.parametrize(("families", "template"), [(1, "1fr"), (3, "repeat(2, minmax(")])
def test_a_single_panel_uses_the_cells_width(families: int, template: str) -> None:
    plot = LivePlot()
    plot.log(**{name: 0.5 for name in ["loss", "accuracy", "lr"][:families]})
    plot.view.refresh()
    assert plot.view.grid.layout.grid_template_columns.startswith(template)


TICK_RANGES = [  # (low, high, d3 format of the x tick labels)
    (0, 1e6, "~s"),  # the whole run: 200k, 400k, ...
    (412_200, 412_500, ",.0f"),  # zoomed: 412,250, 412,300 (not a row of 412.2k)
    (412_200, 412_210, ",.0f"),
    (412_200, 412_201, ",.1f"),
    (1e6, 1.3e6, "~s"),  # 1.05M, 1.1M
    (1, 20, ".0~f"),  # epochs
    (0, 3, ".1~f"),
    (0.0, 0.01, ".3~f"),
    (5, 5, "~g"),  # an empty range: the default
]


@pytest.mark.parametrize(("low", "high", "spec"), TICK_RANGES)
def test_x_tick_labels_carry_as_many_digits_as_the_visible_range_needs(low, high, spec) -> None:
    """controls.js' tickFormat/xTicks (run by node): the format, and distinct long ticks."""
    import json
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is needed to run controls.js' tickFormat outside a browser")
    from livecurve.view.module_widget import module_source

    # the module as the browser gets it: view/prelude.js in front
    js = module_source(Path(livecurve.view.legend.__file__).with_name("controls.js"))
    script = (
        "const src = require('fs').readFileSync(0, 'utf8');"
        "import('data:text/javascript,' + encodeURIComponent(src)).then(m =>"
        f" console.log(JSON.stringify([m.tickFormat({low}, {high}),"
        f" m.xTicks({low}, {high}, 660), m.xTicks({low}, {high}, 200)])));"
    )
    out = subprocess.run([node, "-e", script], input=js, capture_output=True, text=True, check=True)
    found, wide, narrow = json.loads(out.stdout)
    assert found == spec
    if spec == "~g":
        assert wide["values"] is None and narrow["values"] is None
        return
    for ticks, width in ((wide, 660), (narrow, 200)):  # a single panel, a panel of four columns
        values = ticks["values"]
        assert 2 <= len(values) <= 16 and low <= values[0] and values[-1] <= high, ticks
        assert len(values) <= len(wide["values"])
        if ticks["format"].startswith(","):  # d3's ",.Nf" is Python's too: distinct, and fit
            labels = [format(v, ticks["format"]) for v in values]
            assert len(set(labels)) == len(labels), labels
            assert sum(len(label) * 7 + 14 for label in labels) <= width, labels


def test_one_owner_decides_what_is_shown_for_series_runs_and_later_marks(tmp_path) -> None:
    """A mark is drawn when its series and its run are ticked, whatever the order of clicks."""
    import livecurve

    sources = []
    for label, losses in (("a", "0.9,1.0\n0.5,0.7"), ("b", "0.8,1.0\n0.4,0.6")):
        path = tmp_path / f"{label}.csv"
        path.write_text(
            "epoch,loss,val_loss\n"
            + "".join(f"{i},{row}\n" for i, row in enumerate(losses.splitlines(), start=1))
        )
        sources.append(path)
    plot = livecurve.show(sources, labels=["a", "b"])
    view = plot.view
    vis = view.visibility
    b_loss = view.panels["loss"].series[(1, "loss")]
    a_loss = view.panels["loss"].series[(0, "loss")]
    # the run bar's checkbox for run b hides all of b, and only b (as a click in the browser)
    vis.set_state({"shown": {**vis.shown, "run:1": False}})
    assert not b_loss.line.visible and not b_loss.dots.visible
    assert a_loss.line.visible and view.run_boxes[1].value is False
    assert plot.visible[(1, "loss")] is False and plot.visible[(0, "loss")] is True
    # a series unticked while its run is hidden stays hidden when the run comes back
    view.show((1, "loss"), False)
    view.run_boxes[1].value = True
    assert not b_loss.line.visible and plot.visible[(1, "loss")] is False
    view.show((1, "loss"), True)
    assert b_loss.line.visible and plot.visible[(1, "loss")] is True
    # a mark attached later (a best marker) follows the same state at once
    view.run_boxes[0].value = False
    import bqplot as bq

    late = bq.Scatter()
    view.attach((0, "loss"), late)
    assert late.visible is False and not a_loss.line.visible
    # one synced source: no legend or mark holds a copy of the state
    assert all("shown" not in legend.keys for legend in view.legends.values())
    assert set(vis.marks) >= {"0:loss", "0:val_loss", "1:loss"}


def test_runs_keep_their_colours_as_more_runs_arrive() -> None:
    from livecurve.model.run import Run

    plot = LivePlot(redraw_interval=0)
    plot.log(1, loss=1.0)
    view = plot.view
    before: list[str] = []
    for k in range(1, 12):
        run = Run(f"trial {k + 1}")
        run.log(1, {"loss": 1.0 / (k + 1)})
        plot.runs.append(run)
        plot.refresh()
        panel = view.panels["loss"]
        drawn = [panel.series[(i, "loss")].line.colors[0] for i in range(len(plot.runs))]
        if len(plot.runs) <= 8:  # every run named: the palette, by index
            assert drawn == [style.run_colour(i) for i in range(len(plot.runs))]
        # Kept as runs arrive; past the palette a named run may not stay grey (the other runs
        # are grey): style.named_colours gives it another colour, once.
        kept = [a == b or a == "#7F7F7F" for a, b in zip(before, drawn)]
        assert all(kept), (before, drawn)
        before = drawn


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("global_step", [100.0, 200.0, 300.0, 400.0]),  # a counter
        ("iter", [1.0, 2.0, 3.0, 4.0]),
        ("seed", [7.0, 7.0, 7.0, 7.0]),  # a constant
    ],
)
def test_a_counter_or_constant_gets_no_panel_in_the_live_widget(
    column: str, values: list[float], tmp_path
) -> None:
    """The saved pictures' rule (model.flat): judged once a series has 3 points; a panel that
    starts to move comes back; the learning rate always keeps its panel."""
    plot = LivePlot()
    view = plot.view

    def titles() -> list[str]:
        return [box.children[0].title for box in view.grid.children]

    for epoch, value in enumerate(values[:2], start=1):
        plot.log(epoch, loss=1 / epoch, lr=0.01, **{column: value})
    plot.refresh()
    assert column in titles()  # two points: too early to judge
    for epoch, value in enumerate(values[2:], start=3):
        plot.log(epoch, loss=1 / epoch, lr=0.01, **{column: value})
    plot.refresh()
    assert titles() == ["loss", "lr"], "flat panel left out, learning rate kept"
    assert column in view.panels  # still kept up to date, only not placed
    plot.save(tmp_path / "x.svg")
    assert column not in svg_texts(tmp_path / "x.svg")  # the picture agrees
    plot.log(5, loss=0.1, lr=0.01, **{column: values[-1] * 3.5})  # it moves now
    plot.refresh()
    assert titles() == ["loss", column, "lr"]


def test_a_figure_of_only_flat_series_still_shows_them() -> None:
    plot = LivePlot()
    for epoch in range(1, 5):
        plot.log(epoch, seed=7.0)
    plot.refresh()
    assert [box.children[0].title for box in plot.view.grid.children] == ["seed"]


def test_with_many_runs_the_header_lists_the_named_runs_and_counts_the_rest() -> None:
    from livecurve.model.run import Run

    plot = LivePlot(redraw_interval=0.0)
    plot.log(1, loss=1.0, val_loss=1.0)
    view = plot.view
    for k in range(2, 31):
        run = Run(f"trial {k}")
        run.log(1, {"loss": 1 / k, "val_loss": 1 / k})
        plot.runs.append(run)
        plot.refresh()
    html = view.header.box.value
    named = view.runs_table.ranking.named
    assert len(named) < 30
    assert f"+ {30 - len(named)} more runs (see the runs table)" in html
    assert "trial 30 · val_loss" in html  # the best run is listed
    assert "trial 12 · " not in html  # a run the ranking does not name is not


def test_while_training_markers_get_their_tooltips_and_best_marker_at_the_next_redraw() -> None:
    """The first epoch's build makes fewer widgets (it runs inside fit()); nothing is lost."""
    plot = LivePlot()
    plot.log(1, loss=1.0, val_loss=1.2)
    view = plot.view
    dots = [m.dots for m in view.panels["loss"].series.values()]
    assert all(d.tooltip is None for d in dots) and not view.controls.best
    plot.log(2, loss=0.5, val_loss=0.9)
    plot.refresh()
    assert [d.tooltip.labels for d in dots] == [["epoch", "loss"], ["epoch", "val_loss"]]
    best = list(view.controls.best.values())
    assert best and all(b.tooltip is not None for b in best)
    assert [b.y.tolist() for b in best] == [[0.9]]


def test_a_figure_not_training_gets_its_tooltips_at_once() -> None:
    from livecurve.model.run import Run

    run = Run("logged")
    for epoch, value in enumerate([1.0, 0.5, 0.7], start=1):
        run.log(epoch, {"val_loss": value})
    view = livecurve.show([run]).view
    marks = view.panels["loss"].series[(0, "val_loss")]
    assert marks.dots.tooltip is not None
    best = list(view.controls.best.values())
    assert [b.y.tolist() for b in best] == [[0.5]] and best[0].tooltip is not None


def test_a_new_trial_adds_its_marks_after_those_the_browser_has() -> None:
    """bqplot rebuilds every mark view after the first change in a figure's marks list: a new
    run's marks must never go in front (it rebuilt 800 marks per trial of a search)."""
    from livecurve.model.run import Run

    plot = LivePlot(redraw_interval=0.0)
    plot.log(1, loss=1.0, val_loss=1.1)
    plot.log(2, loss=0.8, val_loss=1.0)
    view = plot.view
    panel = view.panels["loss"]
    for k in range(2, 6):
        before = list(panel.figure.marks)
        run = Run(f"trial {k}")
        run.log(1, {"loss": 1 / k, "val_loss": 1.1 / k})
        plot.runs.append(run)
        plot.refresh()
        after = list(panel.figure.marks)
        assert after[: len(before)] == before, "a mark already drawn moved"
        new = panel.series[(k - 1, "loss")]
        assert new.line in after[len(before) :] and new.dots in after[len(before) :]


def test_marks_made_in_one_redraw_keep_steps_under_points_and_the_live_run_on_top() -> None:
    from livecurve.model.run import Run

    plot = LivePlot(redraw_interval=0.0)
    for step in range(1, 5):
        plot.record_steps(step, {"loss": 1.0 / step})
    plot.record(4, {"loss": 0.3})
    other = Run("compared")
    other.log(4, {"loss": 0.5})
    plot.runs.append(other)
    marks = list(plot.view.panels["loss"].figure.marks)
    live = plot.view.panels["loss"].series[(0, "loss")]
    compared = plot.view.panels["loss"].series[(1, "loss")]
    assert marks.index(live.raw) < marks.index(compared.line) < marks.index(live.line)
