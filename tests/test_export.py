"""Export: static pictures (PNG/SVG/PDF/HTML), data (CSV/JSON) and the atomic save."""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import os
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import livecurve
from livecurve import FORMATS, LiveCurveWarning, Run, SaveError, style
from livecurve.export import data, static
from livecurve.export.save import render, save
from tests.conftest import ACCURACY, LOSS, LR, VAL_ACCURACY, VAL_LOSS

SVG_NS = "{http://www.w3.org/2000/svg}"


def svg_texts(svg: bytes) -> list[str]:
    """Every piece of text in an SVG (matplotlib keeps text as text with svg.fonttype none)."""
    root = ET.fromstring(svg)
    return ["".join(t.itertext()).strip() for t in root.iter(f"{SVG_NS}text")]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".part"))


def _hex_to_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


# -- pictures -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("hidden", "size"),
    [
        ({}, (600, 880)),  # loss, accuracy, lr: 2 columns, 2 rows of 440 x 300 px at dpi 100
        ({(0, "lr"): False}, (300, 880)),  # a panel with nothing visible is not drawn
        ({(0, n): False for n in ("accuracy", "val_accuracy", "lr")}, (300, 440)),
    ],
)
def test_png_opens_with_panel_sized_pixels_and_distinct_colours(
    small_run, tmp_path, hidden, size
) -> None:
    path = save([small_run], tmp_path / "curves.png", hidden, dpi=100)
    assert path == tmp_path / "curves.png"
    pixels = matplotlib.image.imread(path)[..., :3]
    assert pixels.shape[:2] == size
    assert (pixels < 0.9).any(axis=-1).mean() > 0.01  # not blank
    # the loss panel's colour is there; with the accuracy panel shown, so is its colour
    for colour, expected in ((style.PALETTE[0], True), (style.PALETTE[1], size[1] == 880)):
        close = np.abs(pixels - _hex_to_rgb(colour)).max(axis=-1) < 0.04
        assert (close.sum() > 50) == expected, colour


def test_png_of_an_empty_run_is_one_panel_saying_so(tmp_path) -> None:
    path = save([Run()], tmp_path / "empty.png", dpi=100)
    assert matplotlib.image.imread(path).shape[:2] == (300, 440)
    svg = render([Run()], "svg")
    assert "no metrics logged yet" in svg_texts(svg)


def test_svg_has_panel_titles_and_series_names_as_text(small_run) -> None:
    texts = svg_texts(render([small_run], "svg"))
    for family in ("loss", "accuracy", "lr"):
        assert family in texts  # title (and y label)
    for name in ("loss", "val_loss", "accuracy", "val_accuracy", "lr"):
        assert name in texts  # legend


def test_svg_title_and_names_with_markup_are_text(small_run) -> None:
    small_run.log(6, {"<b>x</b>": 1.0})
    svg = render([small_run], "svg", title="A & <B>")
    texts = svg_texts(svg)  # parses: the markup was escaped
    assert "<b>x</b>" in texts
    assert "A & <B>" in texts


def test_hidden_series_is_absent_from_svg_and_others_remain(small_run) -> None:
    svg = render([small_run], "svg", {(0, "val_loss"): False})
    texts = svg_texts(svg)
    assert "val_loss" not in texts
    assert b"val_loss" not in svg
    assert "loss" in texts and "val_accuracy" in texts


def test_hiding_a_panel_does_not_recolour_the_others(small_run) -> None:
    everything = render([small_run], "svg").decode().lower()
    lr_colour = style.LEARNING_RATE_COLOUR.lower()
    assert lr_colour in everything
    without_accuracy = (
        render([small_run], "svg", {(0, "accuracy"): False, (0, "val_accuracy"): False})
        .decode()
        .lower()
    )
    assert lr_colour in without_accuracy
    assert style.PALETTE[1].lower() not in without_accuracy


@pytest.mark.parametrize("columns", [1, 3])
def test_columns_set_the_picture_layout(small_run, tmp_path, columns: int) -> None:
    path = save([small_run], tmp_path / "c.png", dpi=100, columns=columns)
    rows = -(-3 // columns)
    assert matplotlib.image.imread(path).shape[:2] == (300 * rows, 440 * columns)


def test_pdf_is_a_complete_pdf_file(small_run, tmp_path) -> None:
    content = save([small_run], tmp_path / "curves.pdf").read_bytes()
    assert content.startswith(b"%PDF-")
    assert content.rstrip().endswith(b"%%EOF")
    assert len(content) > 2000


def test_html_is_self_contained_with_svg_and_csv_download(small_run, tmp_path) -> None:
    page = save([small_run], tmp_path / "page.html", title="<run & 1>").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>&lt;run &amp; 1&gt;</title>" in page
    assert "<svg" in page
    for external in ("<script", "<link", " src=", "<img"):  # nothing to fetch: works offline
        assert external not in page
    encoded = page.split("data:text/csv;base64,", 1)[1].split("'", 1)[0]
    assert base64.b64decode(encoded).decode() == data.to_csv([small_run])


# -- data -------------------------------------------------------------------------------------
def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def test_csv_has_keras_epoch_index_and_every_value_exactly(small_run, tmp_path) -> None:
    rows = read_csv(save([small_run], tmp_path / "log.csv"))
    assert rows[0] == ["epoch", "accuracy", "loss", "lr", "val_accuracy", "val_loss"]
    assert [r[0] for r in rows[1:]] == ["0", "1", "2", "3", "4"]
    columns = {name: [float(r[i]) for r in rows[1:]] for i, name in enumerate(rows[0]) if i}
    assert columns == {
        "accuracy": ACCURACY,
        "loss": LOSS,
        "lr": LR,
        "val_accuracy": VAL_ACCURACY,
        "val_loss": VAL_LOSS,
    }


def test_csv_writes_nan_for_logged_nan_and_empty_for_absent(tmp_path) -> None:
    run = Run()
    run.log(1, {"loss": 0.5})
    with pytest.warns(LiveCurveWarning):
        run.log(2, {"loss": math.nan, "val_loss": 0.75})
    rows = read_csv(save([run], tmp_path / "log.csv"))
    assert rows == [["epoch", "loss", "val_loss"], ["0", "0.5", ""], ["1", "nan", "0.75"]]


def test_csv_step_axis_is_written_as_is_and_hidden_series_left_out(tmp_path) -> None:
    run = Run(axis="step")
    run.extend("loss", [10, 20], [1.0, 0.5])
    run.extend("grad_norm", [10, 20], [3.0, 2.0])
    rows = read_csv(save([run], tmp_path / "log.csv", {(0, "grad_norm"): False}))
    assert rows == [["step", "loss"], ["10", "1"], ["20", "0.5"]]


def test_csv_of_several_runs_has_a_run_column(tmp_path) -> None:
    a, b = Run("a"), Run("b")
    a.log(1, {"loss": 1.0})
    b.log(1, {"loss": 2.0, "val_loss": 3.0})
    rows = read_csv(save([a, b], tmp_path / "log.csv"))
    assert rows == [["run", "epoch", "loss", "val_loss"], ["a", "0", "1", ""], ["b", "0", "2", "3"]]


def test_csv_quotes_names_with_commas_and_quotes(tmp_path) -> None:
    run = Run()
    run.log(1, {'f1, "macro"': 0.25})
    rows = read_csv(save([run], tmp_path / "log.csv"))
    assert rows == [["epoch", 'f1, "macro"'], ["0", "0.25"]]


def test_json_round_trips_series_with_null_for_nan(small_run, tmp_path) -> None:
    with pytest.warns(LiveCurveWarning):
        small_run.log(6, {"loss": math.nan})
    payload = json.loads(save([small_run], tmp_path / "log.json").read_text())
    assert payload["livecurve"] == 1
    (run,) = payload["runs"]
    assert run["label"] == "run" and run["axis"] == "epoch"
    assert list(run["series"]) == small_run.names
    assert run["series"]["loss"] == {"x": [1, 2, 3, 4, 5, 6], "y": [*LOSS, None]}
    assert run["series"]["val_accuracy"] == {"x": [1, 2, 3, 4, 5], "y": VAL_ACCURACY}


def test_json_leaves_hidden_series_out(small_run) -> None:
    payload = json.loads(data.to_json([small_run], {(0, "lr"): False}))
    assert "lr" not in payload["runs"][0]["series"]
    assert "loss" in payload["runs"][0]["series"]


def test_json_writes_null_for_an_infinity_that_bypassed_run_log() -> None:
    run = Run()
    run.ensure("loss").append(1, math.inf)  # a Series fed directly, not through Run.log
    payload = json.loads(data.to_json([run]))
    assert payload["runs"][0]["series"]["loss"]["y"] == [None]


finite_floats = st.floats(allow_nan=False, allow_infinity=False)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(st.lists(finite_floats, min_size=1, max_size=20))
@example([-0.0, 0.0, 5.0, -(2.0**60), 2.0**53 + 2, 1e-300, 0.1, 1 / 3, 1.7976931348623157e308])
def test_csv_round_trips_arbitrary_finite_floats_bit_for_bit(values: list[float]) -> None:
    run = Run()
    run.extend("m", range(1, len(values) + 1), values)
    rows = list(csv.reader(io.StringIO(data.to_csv([run]))))
    parsed = [float(r[1]) for r in rows[1:]]
    assert [v.hex() for v in parsed] == [v.hex() for v in values]


# -- saving -----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_saves_and_upper_case_extension_works(small_run, tmp_path, fmt) -> None:
    path = save([small_run], tmp_path / f"out.{fmt.upper()}")
    assert path.exists() and path.stat().st_size > 0
    assert leftovers(tmp_path) == []


def test_saved_file_mode_follows_umask(small_run, tmp_path) -> None:
    mask = os.umask(0o022)
    try:
        path = save([small_run], tmp_path / "log.csv")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


@pytest.mark.parametrize("name", ["curves.jpg", "curves", "curves.png.bak"])
def test_unknown_extension_raises_value_error_naming_path_and_formats(
    small_run, tmp_path, name
) -> None:
    target = tmp_path / name
    with pytest.raises(ValueError) as info:
        save([small_run], target)
    message = str(info.value)
    assert str(target) in message
    for fmt in FORMATS:
        assert f".{fmt}" in message
    assert not target.exists()


def test_missing_directory_raises_save_error_naming_path(small_run, tmp_path) -> None:
    target = tmp_path / "missing" / "curves.png"
    with pytest.raises(SaveError) as info:
        save([small_run], target)
    assert isinstance(info.value, OSError)
    assert str(target) in str(info.value)
    assert not target.parent.exists()


@pytest.fixture
def unwritable_dir(tmp_path) -> Path:
    """A directory this process cannot create files in (chmod; /sys when running as root)."""
    directory = tmp_path / "locked"
    directory.mkdir()
    directory.chmod(0o500)
    probe = directory / "probe"
    try:
        probe.touch()
    except OSError:
        yield directory
        directory.chmod(0o700)
        return
    probe.unlink()
    directory.chmod(0o700)
    sys_dir = Path("/sys")
    if not sys_dir.is_dir() or _can_create(sys_dir):
        pytest.skip("no unwritable directory available (running as root?)")
    yield sys_dir


def _can_create(directory: Path) -> bool:
    try:
        (directory / ".livecurve-probe").touch()
    except OSError:
        return False
    (directory / ".livecurve-probe").unlink()
    return True


@pytest.mark.parametrize("fmt", ["png", "csv"])
def test_unwritable_directory_raises_save_error_and_leaves_nothing(
    small_run, unwritable_dir, fmt
) -> None:
    target = unwritable_dir / f"livecurve-test.{fmt}"
    with pytest.raises(SaveError) as info:
        save([small_run], target)
    assert str(target) in str(info.value)
    assert not target.exists()
    assert not [p for p in unwritable_dir.iterdir() if p.name.startswith(".livecurve-test")]


def test_failed_rename_raises_save_error_and_removes_the_temp_file(
    small_run, tmp_path, monkeypatch
) -> None:
    target = tmp_path / "curves.csv"
    target.write_text("old content")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(SaveError, match="No space left on device") as info:
        save([small_run], target)
    assert str(target) in str(info.value)
    assert target.read_text() == "old content"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("module", "attr", "fmt"),
    [(static, "figure", "png"), (static, "figure", "svg"), (data, "to_csv", "csv")],
)
def test_failure_while_rendering_leaves_existing_file_untouched(
    small_run, tmp_path, monkeypatch, module, attr, fmt
) -> None:
    target = tmp_path / f"curves.{fmt}"
    target.write_bytes(b"previous picture")

    def broken(*args, **kwargs):
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr(module, attr, broken)
    with pytest.raises(RuntimeError, match="renderer exploded"):
        save([small_run], target)
    assert target.read_bytes() == b"previous picture"
    assert leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


@pytest.mark.parametrize("with_validation", [False, True])
def test_the_run_legend_names_the_validation_dash_only_when_a_line_is_dashed(
    tmp_path, with_validation
) -> None:
    runs = []
    for index in range(3):
        run = Run(f"trial {index}")
        for epoch in (1, 2, 3):
            run.log(
                epoch, {"loss": 1 / epoch + index, **({"val_loss": 1.1} if with_validation else {})}
            )
        runs.append(run)
    svg = livecurve.show(runs).save(tmp_path / "runs.svg").read_text()
    assert ("validation" in svg) is with_validation
    assert ("training" in svg) is with_validation


@pytest.mark.parametrize(("xs", "whole"), [([0, 1, 2, 3, 4], True), ([0.5, 1.25, 2.0], False)])
def test_a_step_axis_of_whole_steps_has_whole_ticks(xs, whole) -> None:
    run = Run("a", axis="step")
    for x in xs:
        run.log(x, {"loss": 1 / (x + 1)})
    fig = static.figure([run])
    fig.canvas.draw()
    ticks = [t for t in fig.axes[0].get_xticks() if xs[0] <= t <= xs[-1]]
    assert ticks and (all(float(t).is_integer() for t in ticks) or not whole)
    if not whole:
        assert any(not float(t).is_integer() for t in ticks), "fractional steps keep fine ticks"
