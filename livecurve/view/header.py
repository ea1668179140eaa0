"""The widget's header: progress bar, elapsed time and ETA, and a table of latest/best values."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from ..model.names import series_goal
from ..model.progress import Progress, format_count
from ..model.ranking import Ranking
from ..model.run import Run

Cells = tuple[str, str]
CellCache = dict[tuple[int, str], tuple[int, Cells]]


def _cells(run: Run, name: str, cache: CellCache | None) -> Cells:
    """``(latest, best)`` text of one series, made again only when the series changed."""
    series = run[name]
    version = getattr(series, "version", None)
    hit = None if cache is None or version is None else cache.get((id(run), name))
    if hit is not None and hit[0] == version:
        return hit[1]
    last = series.last()
    best = series.best(series_goal(name))
    latest = "–" if last is None else f"{last[1]:.5g}"
    cells = (latest, "–" if best is None else f"{best[1]:.5g} @ {best[0]:g}")
    if cache is not None and version is not None:
        cache[(id(run), name)] = (version, cells)
    return cells


def summary_rows(
    runs: list[Run], only: list[int] | None = None, cache: CellCache | None = None
) -> list[tuple[str, str, str]]:
    """``(series, latest, best)`` text for every series, in panel order.

    ``only``: the indices of the runs to list, in that order (default: every run); ``cache``
    keeps each series' cells until it changes.
    """
    return [row for _rank, row in _ranked_rows(runs, only, cache)]


def _ranked_rows(
    runs: list[Run], only: list[int] | None, cache: CellCache | None
) -> list[tuple[int, tuple[str, str, str]]]:
    """Each row with its place in a long table: 0 the objective, 1 validation, 2 the rest."""
    rows = []
    for index in range(len(runs)) if only is None else only:
        run = runs[index]
        prefix = f"{run.label} · " if len(runs) > 1 else ""
        panels = run.panels()
        objective = panels[0].family if panels else None
        for panel in panels:
            for name in panel.names:
                rank = 0 if panel.family == objective else 1 if run.is_validation(name) else 2
                rows.append((rank, (prefix + name, *_cells(run, name, cache))))
    return rows


SHOWN_ROWS = 8  # a longer table shows this many rows and folds the rest
FOLD_OVER = 10  # tables of up to this many rows are shown whole, in panel order


def split_rows(
    runs: list[Run], ranking: Ranking | None = None, cache: CellCache | None = None
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """The table's rows in view and those folded away.

    Up to ``FOLD_OVER`` rows are all shown in panel order. A longer table (a six-output model
    has 96 series) shows the objective (the first panel, ``loss``/``val_loss``) and then the
    validation metrics, ``SHOWN_ROWS`` rows in all; the rest are folded, so the panels start
    near the top whatever the number of series. With a ``ranking`` that leaves runs unnamed
    (a search of many trials), only the named runs' series are listed, best run first: the
    others are in the runs table, and the header costs the same at trial 200 as at trial 2.
    """
    only = list(ranking.named) if ranking is not None and ranking.hidden else None
    ranked = _ranked_rows(runs, only, cache)
    if len(ranked) <= FOLD_OVER:
        return [row for _rank, row in ranked], []
    order = sorted(range(len(ranked)), key=lambda i: (ranked[i][0], i))
    shown = sorted(order[:SHOWN_ROWS])
    folded = sorted(order[SHOWN_ROWS:])
    return [ranked[i][1] for i in shown], [ranked[i][1] for i in folded]


def _table(rows: list[tuple[str, str, str]], axis: str) -> str:
    cells = "".join(
        f"<tr><td style='padding:1px 12px 1px 0'>{escape(name)}</td>"
        f"<td style='padding:1px 12px;text-align:right'>{escape(latest)}</td>"
        f"<td style='padding:1px 0 1px 12px;text-align:right'>{escape(best)}</td></tr>"
        for name, latest, best in rows
    )
    return (
        "<table style='border-collapse:collapse;font-size:12px;font-variant-numeric:tabular-nums'>"
        "<thead><tr style='border-bottom:1px solid #ccc'><th style='text-align:left'>series</th>"
        "<th style='text-align:right;padding:0 12px'>latest</th>"
        f"<th style='text-align:right;padding-left:12px'>best @ {escape(axis)}</th></tr></thead>"
        f"<tbody>{cells}</tbody></table>"
    )


def summary_html(
    runs: list[Run],
    axis: str,
    ranking: Ranking | None = None,
    cache: CellCache | None = None,
) -> str:
    """The latest/best table as HTML; every name is escaped (names are text, never markup).

    A long table keeps the objective and validation rows in view and folds the rest into a
    ``<details>`` (closed) that says how many series it holds.
    """
    shown, folded = split_rows(runs, ranking, cache)
    if not shown:
        return ""
    html = _table(shown, axis)
    if folded:
        html += (
            "<details style='font-size:12px'><summary style='cursor:pointer'>"
            f"{len(folded)} more series</summary>{_table(folded, axis)}</details>"
        )
    if ranking is not None and ranking.hidden:
        more = f"+ {ranking.hidden} more run{'s' if ranking.hidden != 1 else ''}"
        html += f"<div style='font-size:12px'>{more} (see the runs table)</div>"
    return html


BAR_COLOURS = {
    "info": "var(--jp-info-color1, #0288d1)",
    "success": "var(--jp-success-color1, #388e3c)",
}


def header_html(
    title: str | None, fraction: float | None, bar_style: str, status: str, table: str
) -> str:
    """Title, progress bar (``fraction`` None: no bar), status line and table, as one HTML text."""
    parts = [f"<b style='font-size:14px'>{escape(title)}</b>"] if title else []
    line = []
    if fraction is not None:
        width = f"{100 * min(max(fraction, 0.0), 1.0):.2f}%"
        line.append(
            "<div role='progressbar' aria-valuemin='0' aria-valuemax='100' "
            f"aria-valuenow='{100 * fraction:.0f}' style='flex:none;width:240px;height:10px;"
            "border-radius:2px;background:var(--jp-layout-color3, #ddd);overflow:hidden'>"
            f"<div style='width:{width};height:100%;background:{BAR_COLOURS[bar_style]}'></div>"
            "</div>"
        )
    line.append(f"<span>{escape(status)}</span>")
    parts.append(
        "<div style='display:flex;align-items:center;gap:10px;min-height:28px'>"
        + "".join(line)
        + "</div>"
    )
    parts.append(table)
    return "".join(parts)


class Header:
    """Progress bar, time line and summary table, as one HTML widget (one message per update).

    :meth:`update` is cheap and idempotent: the widget's text is sent only when it changed.
    """

    def __init__(self, title: str | None = None) -> None:
        self.title = title
        self.fraction: float | None = 0.0  # None: no bar (a figure loaded from logs)
        self.bar_style = "info"
        self.status = "waiting for the first epoch"
        self.table = ""
        self._cells: CellCache = {}  # each series' latest/best text, until it changes
        self.box = widgets.HTML(self._html(), layout={"margin": "2px 2px 6px 2px"})

    def _html(self) -> str:
        return header_html(self.title, self.fraction, self.bar_style, self.status, self.table)

    def update(
        self, progress: Progress, runs: list[Run], axis: str, ranking: Ranking | None = None
    ) -> None:
        """Bring the header up to date; ``ranking`` (many runs) picks the runs listed."""
        steps = axis == "step" and bool(runs)  # a step loop: count steps, with their rate
        step = runs[0].last_x() if steps else None  # the live run is the first
        self.fraction = progress.step_fraction(step) if steps else progress.fraction
        if progress.started is not None:
            self.status = progress.describe_steps(step) if steps else progress.describe()
        elif axis == "step" and progress.finished is None:  # a step loop not started yet
            self.status = "waiting for the first step" if step is None else describe_count(step)
        elif progress.finished is not None:
            # Loaded from logs (show()): no training to follow, so no bar; say what is shown.
            self.fraction = None
            self.status = loaded_summary(runs, axis)
        if progress.finished is not None:
            self.bar_style = "success"
            if progress.total is None and self.fraction is not None:
                self.fraction = 1.0  # an open-ended loop that finished is complete
        self.table = summary_html(runs, axis, ranking, self._cells)
        html = self._html()
        if self.box.value != html:
            self.box.value = html


def describe_count(step: float) -> str:
    """``"step 1,000,000"``: a step loop's steps recorded before its progress started."""
    return f"step {format_count(step)}"


def loaded_summary(runs: list[Run], axis: str) -> str:
    """``"2 runs · up to epoch 30"`` for figures made from existing logs."""
    last = [x for x in (run.last_x() for run in runs) if x is not None]
    count = f"{len(runs)} run" + ("s" if len(runs) != 1 else "")
    return f"{count} · up to {axis} {max(last):g}" if last else f"{count} · no data"
