"""Several runs of grouped statistics (#18): colour names the run, line style and marker the member.

A Detectron2 ``metrics.json`` has panels of grouped statistics (``fast_rcnn/cls_accuracy``,
``fast_rcnn/fg_cls_accuracy``, ``fast_rcnn/false_negative``). With one run each member has its
own colour; with several runs every series takes its run's colour, so the members must differ
in look some other way, in the saved picture and in the widget alike, and the legend says how.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import livecurve
from livecurve import LivePlot, style
from livecurve.export import static
from livecurve.model.run import Run

from . import log_shapes

MEMBERS = ["cls_accuracy", "false_negative", "fg_cls_accuracy"]


def two_detectron_runs(folder: Path) -> list[Run]:
    a = log_shapes.detectron2_metrics(folder, "a", 0.0)
    b = log_shapes.detectron2_metrics(folder, "b", 0.05)
    return livecurve.load([a, b], labels=["baseline", "wider"])


def panel_lines(fig, family: str):  # type: ignore[no-untyped-def]
    ax = next(ax for ax in fig.axes if ax.get_title() == family)
    lines = [line for line in ax.lines if str(line.get_gid()).startswith("series-")]
    return ax, lines


def test_a_picture_of_two_runs_tells_the_grouped_statistics_apart(tmp_path: Path) -> None:
    runs = two_detectron_runs(tmp_path)
    fig = static.figure(runs)
    ax, lines = panel_lines(fig, "fast_rcnn")
    assert len(lines) == 6, "three statistics of two runs"
    by_run: dict[str, list[tuple[str, str]]] = {}
    for line in lines:
        run = line.get_gid().split("-")[1]
        by_run.setdefault(run, []).append((line.get_linestyle(), line.get_marker()))
        assert line.get_color() == style.run_colour(int(run)), "colour stays the run's"
    for looks in by_run.values():
        assert len(set(looks)) == 3, f"each statistic of a run has its own look: {looks}"
        assert len({marker for _, marker in looks}) == 3
    assert by_run["0"] == by_run["1"], "a statistic has one look in every run"
    # The panel's key names each statistic with its look, in neutral grey (colour = run).
    key = ax.get_legend()
    assert [t.get_text() for t in key.get_texts()] == MEMBERS
    for handle, text in zip(key.legend_handles, MEMBERS):
        drawn = next(line for line in lines if line.get_label() == f"fast_rcnn/{text}")
        assert (handle.get_linestyle(), handle.get_marker()) == (
            drawn.get_linestyle(),
            drawn.get_marker(),
        )
        assert handle.get_color() == style.KEY_COLOUR
    # The figure's legend still names the runs by colour.
    names = [t.get_text() for t in fig.legends[0].get_texts()]
    assert names[:2] == ["baseline", "wider"]
    out = os.environ.get("LIVECURVE_PICTURES", str(tmp_path))
    fig.savefig(Path(out) / "detectron2_two_runs.png", dpi=100, facecolor="white")


def test_one_run_keeps_a_colour_per_statistic_and_no_member_key(tmp_path: Path) -> None:
    (run,) = livecurve.load(log_shapes.detectron2_metrics(tmp_path, "a", 0.0))
    ax, lines = panel_lines(static.figure([run]), "fast_rcnn")
    assert len({line.get_color() for line in lines}) == 3
    assert {line.get_linestyle() for line in lines} == {"-"}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        f"fast_rcnn/{m}" for m in MEMBERS
    ]


def test_validation_of_a_member_stays_dashed_and_keeps_the_members_marker() -> None:
    runs = []
    for k in range(2):
        run = Run(f"r{k}")
        for epoch in range(1, 6):
            run.log(epoch, {"perplexity": 9.0 / epoch + k, "val_perplexity": 10.0 / epoch + k,
                            "val_epoch_perplexity": 11.0 / epoch + k})  # fmt: skip
        runs.append(run)
    ax, lines = panel_lines(static.figure(runs), "perplexity")
    look = {line.get_label(): (line.get_linestyle(), line.get_marker()) for line in lines}
    assert look["perplexity"] == ("-", "o")
    assert look["val_perplexity"] == ("--", "o")
    assert look["val_epoch_perplexity"] == ("--", "s")
    key = ax.get_legend()
    assert [t.get_text() for t in key.get_texts()] == ["perplexity", "perplexity (epoch)"]
    assert [h.get_linestyle() for h in key.legend_handles] == ["-", "--"]


@pytest.mark.parametrize("n_runs", [1, 2, 3])
def test_member_styles_are_distinct_only_when_runs_are_compared(n_runs: int) -> None:
    looks = {style.member_style(m, False, n_runs) for m in range(5)}
    assert len(looks) == (1 if n_runs == 1 else 5)
    assert all(s.line_style != "dashed" for s in looks), "dashed means validation"
    assert all(s.marker != "diamond" for s in looks), "the diamond marks the best epoch"


def test_the_widget_draws_the_members_with_the_pictures_styles(tmp_path: Path) -> None:
    runs = two_detectron_runs(tmp_path)
    plot = LivePlot(redraw_interval=0)
    plot.runs[:] = runs
    view = plot.view
    plot.refresh()
    panel = view.panels["fast_rcnn"]
    legend = view.legends["fast_rcnn"]
    entries = {e["id"]: e for e in legend.entries}
    for run_index in range(2):
        seen = set()
        for member, text in enumerate(MEMBERS):
            marks = panel.series[(run_index, f"fast_rcnn/{text}")]
            look = style.member_style(member, False, 2)
            assert marks.line.line_style == look.line_style
            assert marks.dots.marker == look.marker
            assert marks.line.colors == [style.run_colour(run_index)]
            entry = entries[f"{run_index}:fast_rcnn/{text}"]
            assert (entry["line_style"], entry["marker"]) == (look.line_style, look.marker)
            seen.add((look.line_style, look.marker))
        assert len(seen) == 3


def test_the_widget_restyles_the_members_when_a_second_run_comes(tmp_path: Path) -> None:
    first, second = two_detectron_runs(tmp_path)
    plot = LivePlot(redraw_interval=0)
    plot.runs[:] = [first]
    view = plot.view
    plot.refresh()
    panel = view.panels["fast_rcnn"]
    alone = [panel.series[(0, f"fast_rcnn/{m}")] for m in MEMBERS]
    assert {(m.line.line_style, m.dots.marker) for m in alone} == {("solid", "circle")}
    assert len({m.line.colors[0] for m in alone}) == 3, "one run: a colour per statistic"
    plot.runs.append(second)
    plot.refresh()
    looks = [(m.line.line_style, m.dots.marker) for m in alone]
    assert looks == [(s.line_style, s.marker) for s in map(_look, range(3))]
    assert {m.line.colors[0] for m in alone} == {style.run_colour(0)}
    entries = {e["id"]: e for e in view.legends["fast_rcnn"].entries}
    assert [entries[f"0:fast_rcnn/{m}"]["marker"] for m in MEMBERS] == [
        "circle",
        "square",
        "triangle-up",
    ]


def _look(member: int) -> style.MemberStyle:
    return style.member_style(member, False, 2)
