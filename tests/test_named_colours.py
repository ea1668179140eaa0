"""Named runs of a many-run figure get distinct colours and keep them as runs arrive (#20).

In a figure of more runs than the palette, the best few and the live run are drawn in colour and
the rest grey. Colours fixed by run index alone (``run_colour``: the palette, then golden-angle
hues) can make two named runs blue and blue; :func:`livecurve.style.named_colours` gives each
run a colour the first time it is named, far from the other named runs' colours, and keeps it.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.colors import to_hex

from livecurve import LivePlot, style
from livecurve.export import static
from livecurve.model.ranking import rank
from livecurve.model.run import Run


def trials(scores: list[float]) -> list[Run]:
    runs = []
    for k, value in enumerate(scores):
        run = Run(f"trial {k + 1}")
        for epoch in (1, 2, 3):
            run.log(epoch, {"loss": value * 1.2 / epoch, "val_loss": value / epoch})
        runs.append(run)
    return runs


def closest(colours: list[str]) -> float:
    return min(style.colour_distance(a, b) for a, b in itertools.combinations(colours, 2))


def drawn_colours(runs: list[Run]) -> dict[int, str]:
    """The colour each named run's val_loss line has in the saved picture."""
    fig = static.figure(runs)
    ax = next(ax for ax in fig.axes if ax.get_title() == "loss")
    return {
        int(line.get_gid().split("-")[1]): to_hex(line.get_color()).upper()
        for line in ax.lines
        if str(line.get_gid()).startswith("series-") and line.get_gid().endswith("-val_loss")
    }


def test_a_200_run_picture_draws_its_named_runs_in_distinct_colours() -> None:
    # The best runs are 0, 9, 5 and 17, 20: by index, blue, blue, sky blue, purple, purple.
    scores = [1.0 + 0.001 * k for k in range(200)]
    for place, index in enumerate([0, 9, 5, 17, 20]):
        scores[index] = 0.1 + 0.01 * place
    runs = trials(scores)
    ranking = rank(runs, live=None)  # a picture has no live run
    assert ranking.named == [0, 9, 5, 17, 20]
    by_index = [style.run_colour(i) for i in ranking.named]
    assert closest(by_index) < style.NAMED_DISTANCE, "the look-alike colours this test is about"
    drawn = drawn_colours(runs)
    assert sorted(drawn) == sorted(ranking.named), "only the named runs are coloured lines"
    assert closest(list(drawn.values())) >= style.NAMED_DISTANCE
    assert style.OTHER_RUN_COLOUR not in drawn.values() and "#7F7F7F" not in drawn.values()
    assert drawn[0] == style.PALETTE[0], "a first run keeps the palette colour it had"
    # The legend's swatches are the lines' colours.
    legend = static.figure(runs).legends[0]
    swatches = [to_hex(h.get_color()).upper() for h in legend.legend_handles[: len(drawn)]]
    assert swatches == [drawn[i] for i in ranking.named]


@pytest.mark.parametrize("seed", [3, 4])
def test_named_runs_keep_their_colours_as_runs_arrive_in_the_widget_and_the_picture(
    seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.uniform(0.1, 1.0, 40).tolist()
    runs = trials(scores)
    plot = LivePlot(redraw_interval=0)
    plot.runs[:] = runs[:1]
    view = plot.view
    given: dict[int, str] = {}  # a run's colour the first time it was named
    for count in range(2, len(runs) + 1):
        plot.runs.append(runs[count - 1])
        plot.refresh()
        ranking = view.runs_table.ranking
        assert ranking is not None
        panel = view.panels["loss"]
        colours = {i: panel.series[(i, "val_loss")].line.colors[0] for i in ranking.named}
        if ranking.hidden:  # up to the palette's length every run is named, in its colour
            assert closest(list(colours.values())) >= style.NAMED_DISTANCE, (count, colours)
        for index, colour in colours.items():
            given.setdefault(index, colour)
        kept = sum(given[i] == c for i, c in colours.items())
        # A run named again keeps its colour unless a better-ranked named run holds one too
        # like it: allow one change per arrival at most, and count them below.
        assert kept >= len(colours) - 1, (count, colours, given)
    changed = [i for i, c in given.items() if panel.series[(i, "val_loss")].line.colors[0] != c]
    assert len(changed) <= 2, f"colours given again: {changed}"
    # The picture saved now draws the widget's colours.
    drawn = drawn_colours(runs)
    for index in view.runs_table.ranking.named:
        assert drawn[index] == panel.series[(index, "val_loss")].line.colors[0]
        assert view.legends["loss"].entries[0]["colour"]  # legends carry colours
    entries = {e["id"]: e["colour"] for e in view.legends["loss"].entries}
    for index in view.runs_table.ranking.named:
        assert entries[f"{index}:val_loss"] == drawn[index]
    bar = {r["index"]: r["colour"] for r in view.visibility.runs}
    assert all(bar[i] == drawn[i] for i in view.runs_table.ranking.named)
    # A grey run hovered in the runs table is drawn in a colour apart from every named run's.
    highlight = view.runs_table.highlight
    assert highlight and highlight != style.OTHER_RUN_COLOUR
    named_now = [drawn[i] for i in view.runs_table.ranking.named]
    assert min(style.colour_distance(highlight, c) for c in named_now) >= style.NAMED_DISTANCE


def test_up_to_the_palette_runs_keep_their_index_colours() -> None:
    runs = trials([0.5, 0.2, 0.9, 0.1])
    drawn = drawn_colours(runs)
    assert drawn == {i: style.run_colour(i) for i in range(4)}


def test_a_standalone_picture_gives_colours_by_rank() -> None:
    scores = [2.0] * 8 + [1.0] * 22  # the first runs (palette colours) are the worst
    for place, index in enumerate([12, 25, 17]):
        scores[index] = 0.1 * (place + 1)
    runs = trials(scores)
    named = rank(runs).named
    assert named == [12, 25, 17, 8, 9, 29]
    colours = style.named_colours(runs, named)
    # Fresh runs past the palette hold no colour: the best gets the palette's first, the next
    # the colour farthest from it, and so on.
    assert list(colours) == named and colours[12] == style.PALETTE[0]
    assert closest(list(colours.values())) >= style.NAMED_DISTANCE
    assert style.named_colours(runs, named) == colours, "asked again: the same colours"
