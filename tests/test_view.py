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
    assert list(figure.marks) == marks
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
    # As the browser does: the legend's state arrives from the frontend.
    legend = view.legends["loss"]
    legend.set_state({"shown": {**legend.shown, "0:val_loss": False}})
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
