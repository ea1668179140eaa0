"""LivePlot.log_distribution: quantiles per call, drawn as bands live, in pictures and in data."""

from __future__ import annotations

import json

import numpy as np
import pytest

from livecurve import LivePlot
from livecurve.model.distribution import LABELS, MEDIAN


def _plot_with_kernel(steps: int = 5) -> LivePlot:
    plot = LivePlot(axis="step")
    for step in range(1, steps + 1):
        plot.log(step, loss=1 / step)
        plot.log_distribution(step, kernel=np.arange(101.0) * step)
    return plot


def test_each_call_stores_quantiles_at_its_step() -> None:
    plot = _plot_with_kernel()
    x, q = plot.run.distributions["kernel"].snapshot()
    assert x.tolist() == [1, 2, 3, 4, 5]
    assert q[:, MEDIAN].tolist() == [50, 100, 150, 200, 250]
    assert q[:, -1].tolist() == [100, 200, 300, 400, 500]


def test_default_x_is_the_latest_logged_step_then_one_past_it() -> None:
    plot = LivePlot(axis="step")
    plot.log(7, loss=0.5)
    plot.log_distribution(w=np.ones(3))
    plot.log_distribution(w=np.ones(3))
    assert plot.run.distributions["w"].snapshot()[0].tolist() == [7, 8]


def test_a_step_that_goes_back_replaces_the_rows_from_there() -> None:
    plot = _plot_with_kernel()
    plot.log_distribution(3, kernel=np.zeros(4))
    x, q = plot.run.distributions["kernel"].snapshot()
    assert x.tolist() == [1, 2, 3] and q[-1, MEDIAN] == 0


def test_rewind_truncates_distributions_too() -> None:
    plot = _plot_with_kernel()
    plot.rewind(4)
    assert plot.run.distributions["kernel"].snapshot()[0].tolist() == [1, 2, 3]


def test_text_raises_a_type_error_and_records_nothing() -> None:
    plot = LivePlot()
    with pytest.raises(TypeError, match="str"):
        plot.log_distribution(1, w=np.ones(3), names="abc")
    assert "w" not in plot.run.distributions


def test_empty_and_nan_arrays_are_skipped_with_one_warning_each(livecurve_warnings) -> None:
    plot = LivePlot()
    plot.log_distribution(1, e=np.zeros(0), n=np.array([1.0, np.nan, 3.0]))
    plot.log_distribution(2, e=np.zeros(0), n=np.array([np.nan, 2.0]))
    messages = livecurve_warnings.messages()
    assert len(messages) == 2
    assert any("'e'" in m and "empty" in m for m in messages)
    _, q = plot.run.distributions["e"].snapshot()
    assert np.isnan(q).all(), "an empty array is a gap"
    assert plot.run.distributions["n"].snapshot()[1][1, MEDIAN] == 2.0


def test_an_internal_failure_never_raises_into_training(monkeypatch, livecurve_warnings) -> None:
    plot = LivePlot()
    monkeypatch.setattr(plot.run, "log_distributions", lambda *a: 1 / 0)
    plot.log_distribution(1, w=np.ones(3))  # no exception
    assert any("recording a distribution" in m for m in livecurve_warnings.messages())


def test_torch_tensors_that_require_grad_are_accepted() -> None:
    torch = pytest.importorskip("torch")
    plot = LivePlot()
    weight = torch.nn.Parameter(torch.arange(11.0))
    plot.log_distribution(1, weight=weight, grad=weight * 2)
    assert plot.run.distributions["grad"].snapshot()[1][0, MEDIAN] == 10.0


def test_the_widget_draws_one_band_panel_per_name_with_nested_bands() -> None:
    plot = _plot_with_kernel()
    plot.log_distribution(5, bias=np.ones(3))
    plot.refresh()
    view = plot.view
    assert list(view.bands.views) == ["kernel", "bias"]
    assert len(view.grid.children) == 1 + 2, "loss, then the two distribution panels"
    marks = view.bands.views["kernel"].runs[0]
    outer, inner = marks.bands[0], marks.bands[-1]
    assert outer.fill == "between" and outer.y.shape == (2, 5)
    assert (outer.y[0] <= inner.y[0]).all() and (inner.y[1] <= outer.y[1]).all()
    assert marks.median.y.tolist() == [50, 100, 150, 200, 250]


def test_the_widget_redraws_bands_only_when_they_change() -> None:
    plot = _plot_with_kernel()
    plot.refresh()
    median = plot.view.bands.views["kernel"].runs[0].median
    sent = []
    median.observe(lambda change: sent.append(change), "y")
    plot.refresh()
    assert sent == []
    plot.log_distribution(6, kernel=np.ones(3))
    plot.refresh()
    assert len(sent) == 1


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "html"])
def test_saved_pictures_draw_the_bands(tmp_path, fmt) -> None:
    plot = _plot_with_kernel()
    path = plot.save(tmp_path / f"d.{fmt}")
    data = path.read_bytes()
    assert len(data) > 1000
    if fmt in ("svg", "html"):
        text = data.decode()
        assert text.count("band-0-kernel") == 4 and "median-0-kernel" in text
        assert "kernel (distribution)" in text


def test_csv_has_one_column_per_quantile_named_name_slash_label(tmp_path) -> None:
    plot = _plot_with_kernel()
    lines = plot.save(tmp_path / "d.csv").read_text().splitlines()
    header = lines[0].split(",")
    assert header == ["step", "loss"] + [f"kernel/{label}" for label in LABELS]
    first = dict(zip(header, lines[1].split(",")))
    assert first["kernel/p50"] == "50" and first["kernel/max"] == "100"


def test_json_holds_each_distribution_by_quantile(tmp_path) -> None:
    plot = _plot_with_kernel()
    payload = json.loads(plot.save(tmp_path / "d.json").read_text())
    kernel = payload["runs"][0]["distributions"]["kernel"]
    assert kernel["x"] == [1, 2, 3, 4, 5]
    assert kernel["p50"] == [50, 100, 150, 200, 250]
    assert set(kernel) == {"x", *LABELS}


def test_a_hidden_distribution_is_left_out_of_pictures_and_data(tmp_path) -> None:
    plot = _plot_with_kernel()
    plot.visible[(0, "kernel")] = False
    assert "kernel" not in plot.save(tmp_path / "d.csv").read_text()
    assert "band-0-kernel" not in plot.save(tmp_path / "d.svg").read_text()
