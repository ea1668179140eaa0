"""The legends of a saved picture: which run each colour is, which member each line style is.

With runs compared, one legend below the panels names the runs (colour = run; with many runs, the
named ones best first and the grey others counted) and the splits (solid = training, dashed =
validation); a panel comparing the members of a group gets a small grey key of line styles and
markers; a multi-output model's figure names its outputs (colour = output, in every panel).
"""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import style
from ..model.names import parse
from ..model.panels import Panel
from ..model.ranking import Ranking
from ..model.run import Run

SeriesKey = tuple[int, str]


def members(
    runs: list[Run], family: str, visible: Mapping[SeriesKey, bool]
) -> dict[int, tuple[str, bool]]:
    """``{member: (text, has training line)}`` of the visible series of ``family``'s panel.

    The members of a group (``fast_rcnn/cls_accuracy``, ``fast_rcnn/fg_cls_accuracy``: text
    ``cls_accuracy``, ...) or a multi-output model's outputs (``total`` for the total loss).
    """
    found: dict[int, tuple[str, bool]] = {}
    seen: set[tuple[str, ...]] = set()  # a thousand runs log the same names: look at them once
    for run_index, run in enumerate(runs):
        for panel in run.panels():
            names = tuple(n for n in panel.names if visible.get((run_index, n), True))
            if panel.family == family and names not in seen:
                seen.add(names)
                _add_members(found, panel, names)
    return dict(sorted(found.items()))


def _add_members(found: dict[int, tuple[str, bool]], panel: Panel, names: tuple[str, ...]) -> None:
    for name in names:
        member = panel.member_index(name)
        parsed = parse(name)
        if panel.by_output:
            text = panel.output_of.get(name) or "total"
        else:
            part, variant = panel.member_of(name)
            text = part or parsed.family
            text += f" ({variant})" if variant else ""
        held = found.get(member)
        training = bool(held and held[1]) or not parsed.is_validation
        found[member] = (held[0] if held else text, training)


def member_key(ax, members: Mapping[int, tuple[str, bool]]) -> None:  # type: ignore[no-untyped-def]
    """A small key in neutral grey naming each member with its line style and marker (the
    colours name the runs, in the figure's legend)."""
    handles, labels = [], []
    for member, (text, has_training) in members.items():
        look = style.member_style(member, not has_training, 2)
        handles.append(
            Line2D(
                [], [], color=style.KEY_COLOUR, linestyle=look.mpl_line_style,  # type: ignore[arg-type]
                linewidth=style.LINE_WIDTH * 0.75, marker=look.mpl_marker, markersize=4.5,
            )
        )  # fmt: skip
        labels.append(text)
    key = ax.legend(handles, labels, fontsize=8, frameon=False, handlelength=2.6)
    for text in key.get_texts():
        text.set_color(style.KEY_COLOUR)


def _run_entries(runs: list[Run], ranking: Ranking) -> list[tuple[int, str]]:
    """``(run index, text)`` of each run the legend names: every run when few, else the named
    ones, best first, each with its best value of the objective (or "no <objective>")."""
    if not ranking.hidden:
        return [(index, run.label) for index, run in enumerate(runs)]
    entries = []
    for index in ranking.named:
        value = ranking.scores[index]
        said = (
            f"{ranking.objective.name} {value:.4g}"
            if value is not None
            else "no " + (ranking.objective.name)
        )
        live = ", latest" if index == ranking.live and index != ranking.order[0] else ""
        entries.append((index, f"#{ranking.rank_of(index)} {runs[index].label} ({said}{live})"))
    return entries


def run_legend_layout(
    runs: list[Run], width_in: float, ranking: Ranking | None
) -> tuple[int, float]:
    """Columns of the run legend and the height (inches) it needs below the panels."""
    if ranking is None:
        return 0, 0.0
    labels = [text for _, text in _run_entries(runs, ranking)] + _split_keys(runs)[1]
    column_in = 0.9 + 0.075 * max(len(label) for label in labels)
    n_cols = max(1, min(4, int(width_in // column_in)))
    entries = len(labels) + (1 if ranking.hidden else 0)
    rows = -(-entries // n_cols)
    note = 0.25 if ranking.hidden else 0.0
    return n_cols, 0.25 * rows + 0.2 + note


def run_legend(
    fig: Figure, runs: list[Run], n_cols: int, ranking: Ranking, book: Mapping[int, str]
) -> None:
    """One legend for the whole figure when runs are compared: colour = run, dash = split.

    With many runs: the named runs (best first, with their score), the grey others counted.
    """
    entries = _run_entries(runs, ranking)
    handles = [
        Line2D([], [], color=book.get(index) or style.run_colour(index), linewidth=style.LINE_WIDTH)
        for index, _ in entries
    ]
    labels = [text for _, text in entries]
    if ranking.hidden:
        handles.append(
            Line2D([], [], color=style.OTHER_RUN_COLOUR, linewidth=style.OTHER_RUN_WIDTH * 2)
        )
        labels.append("other runs")  # how many: the legend's title
    keys, names = _split_keys(runs)
    handles += keys
    labels += names
    legend = fig.legend(
        handles, labels, loc="outside lower center", ncols=n_cols, fontsize=9, frameon=False,
        title=ranking.note() if ranking.hidden else None, title_fontsize=9,
    )  # fmt: skip
    if ranking.hidden:
        legend.get_title().set_color("#555555")


def _split_keys(runs: list[Run]) -> tuple[list[Line2D], list[str]]:
    """The legend's "training" (solid) and "validation" (dashed) keys, when a run has validation
    series to tell apart: a legend never names a line style that no line has."""
    if not any(run.is_validation(name) for run in runs for name in run.names):
        return [], []
    handles = [
        Line2D([], [], color="#333333", linestyle="-", linewidth=style.LINE_WIDTH),
        Line2D([], [], color="#333333", linestyle="--", linewidth=style.LINE_WIDTH),
    ]
    return handles, ["training", "validation"]


def outputs(run: Run) -> tuple[str, ...]:
    """A multi-output model's outputs ("" first when the total loss is drawn), else ()."""
    found: dict[str, None] = {}
    for panel in run.panels():
        if panel.by_output:
            if "" in panel.output_of.values():
                found[""] = None
            found.update(dict.fromkeys(panel.outputs))
    return tuple(found) if len(found) > 1 else ()


def output_legend_layout(outputs: tuple[str, ...], width_in: float) -> tuple[int, float]:
    column_in = 0.9 + 0.075 * max(len(o) for o in [*outputs, "validation"])
    n_cols = max(1, min(6, int(width_in // column_in)))
    rows = -(-(len(outputs) + 2) // n_cols)
    return n_cols, 0.25 * rows + 0.2


def output_legend(fig: Figure, outputs: tuple[str, ...], n_cols: int) -> None:
    """One legend for a multi-output model: colour = output (in every panel), dash = split."""
    handles = [
        Line2D([], [], linewidth=style.LINE_WIDTH, color=style.colour(
            "", [], 0, 1, 0 if not output else index + (0 if "" in outputs else 1), by_output=True
        ))
        for index, output in enumerate(outputs)
    ]  # fmt: skip
    labels = [output or "total" for output in outputs]
    handles += [
        Line2D([], [], color="#333333", linestyle="-", linewidth=style.LINE_WIDTH),
        Line2D([], [], color="#333333", linestyle="--", linewidth=style.LINE_WIDTH),
    ]
    labels += ["training", "validation"]
    fig.legend(handles, labels, loc="outside lower center", ncols=n_cols, fontsize=9, frameon=False)
