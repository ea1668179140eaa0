"""The widget's header: progress bar, elapsed time and ETA, and a table of latest/best values."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from ..model.names import parse, series_goal
from ..model.progress import Progress
from ..model.run import Run


def summary_rows(runs: list[Run]) -> list[tuple[str, str, str]]:
    """``(series, latest, best)`` text for every series, in panel order."""
    rows: list[tuple[str, str, str]] = []
    for run in runs:
        prefix = f"{run.label} · " if len(runs) > 1 else ""
        for panel in run.panels():
            for name in panel.names:
                series = run[name]
                last = series.last()
                best = series.best(series_goal(name))
                latest = "–" if last is None else f"{last[1]:.5g}"
                best_text = "–" if best is None else f"{best[1]:.5g} @ {best[0]:g}"
                rows.append((prefix + name, latest, best_text))
    return rows


SHOWN_ROWS = 8  # a longer table shows this many rows and folds the rest
FOLD_OVER = 10  # tables of up to this many rows are shown whole, in panel order


def split_rows(
    runs: list[Run],
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """The table's rows in view and those folded away.

    Up to ``FOLD_OVER`` rows are all shown in panel order. A longer table (a six-output model
    has 96 series) shows the objective (the first panel, ``loss``/``val_loss``) and then the
    validation metrics, ``SHOWN_ROWS`` rows in all; the rest are folded, so the panels start
    near the top whatever the number of series.
    """
    rows = summary_rows(runs)
    if len(rows) <= FOLD_OVER:
        return rows, []
    objective = {run.panels()[0].family for run in runs if run.panels()}
    ranked = []
    for index, name in enumerate(_names(runs)):
        parsed = parse(name)
        rank = 0 if parsed.family in objective else 1 if parsed.is_validation else 2
        ranked.append((rank, index))
    order = [index for _rank, index in sorted(ranked)]
    shown = sorted(order[:SHOWN_ROWS])
    folded = sorted(order[SHOWN_ROWS:])
    return [rows[i] for i in shown], [rows[i] for i in folded]


def _names(runs: list[Run]) -> list[str]:
    """Every series' name, in the order of :func:`summary_rows`."""
    return [name for run in runs for panel in run.panels() for name in panel.names]


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


def summary_html(runs: list[Run], axis: str) -> str:
    """The latest/best table as HTML; every name is escaped (names are text, never markup).

    A long table keeps the objective and validation rows in view and folds the rest into a
    ``<details>`` (closed) that says how many series it holds.
    """
    shown, folded = split_rows(runs)
    if not shown:
        return ""
    html = _table(shown, axis)
    if folded:
        html += (
            "<details style='font-size:12px'><summary style='cursor:pointer'>"
            f"{len(folded)} more series</summary>{_table(folded, axis)}</details>"
        )
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
        self.box = widgets.HTML(self._html(), layout={"margin": "2px 2px 6px 2px"})

    def _html(self) -> str:
        return header_html(self.title, self.fraction, self.bar_style, self.status, self.table)

    def update(self, progress: Progress, runs: list[Run], axis: str) -> None:
        steps = axis == "step" and bool(runs)  # a step loop: count steps, with their rate
        step = runs[0].last_x() if steps else None  # the live run is the first
        self.fraction = progress.step_fraction(step) if steps else progress.fraction
        if progress.started is not None:
            self.status = progress.describe_steps(step) if steps else progress.describe()
        elif progress.finished is not None:
            # Loaded from logs (show()): no training to follow, so no bar; say what is shown.
            self.fraction = None
            self.status = loaded_summary(runs, axis)
        if progress.finished is not None:
            self.bar_style = "success"
            if progress.total is None and self.fraction is not None:
                self.fraction = 1.0  # an open-ended loop that finished is complete
        self.table = summary_html(runs, axis)
        html = self._html()
        if self.box.value != html:
            self.box.value = html


def loaded_summary(runs: list[Run], axis: str) -> str:
    """``"2 runs · up to epoch 30"`` for figures made from existing logs."""
    last = [x for x in (run.last_x() for run in runs) if x is not None]
    count = f"{len(runs)} run" + ("s" if len(runs) != 1 else "")
    return f"{count} · up to {axis} {max(last):g}" if last else f"{count} · no data"
