"""The widget's header: progress bar, elapsed time and ETA, and a table of latest/best values."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from ..names import series_goal
from ..progress import Progress
from ..run import Run


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


def summary_html(runs: list[Run], axis: str) -> str:
    """The latest/best table as HTML; every name is escaped (names are text, never markup)."""
    rows = summary_rows(runs)
    if not rows:
        return ""
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


class Header:
    """Progress bar, time line and summary table; :meth:`update` is cheap and idempotent."""

    def __init__(self, title: str | None = None) -> None:
        self.title = widgets.HTML(f"<b style='font-size:14px'>{escape(title)}</b>" if title else "")
        self.bar = widgets.FloatProgress(
            value=0.0, min=0.0, max=1.0, layout={"width": "240px"}, bar_style="info"
        )
        self.status = widgets.Label("waiting for the first epoch")
        self.table = widgets.HTML("")
        self.box = widgets.VBox(
            [self.title, widgets.HBox([self.bar, self.status]), self.table],
            layout={"margin": "0 0 6px 0"},
        )

    def update(self, progress: Progress, runs: list[Run], axis: str) -> None:
        self.bar.value = progress.fraction
        if progress.started is not None:
            self.status.value = progress.describe()
        elif progress.finished is not None:
            # Loaded from logs (show()): no training to follow, so no bar; say what is shown.
            self.bar.layout.display = "none"
            self.status.value = loaded_summary(runs, axis)
        if progress.finished is not None:
            self.bar.bar_style = "success"
            if progress.total is None:
                self.bar.value = 1.0  # an open-ended loop that finished is complete
        self.table.value = summary_html(runs, axis)


def loaded_summary(runs: list[Run], axis: str) -> str:
    """``"2 runs · up to epoch 30"`` for figures made from existing logs."""
    last = [x for x in (run.last_x() for run in runs) if x is not None]
    count = f"{len(runs)} run" + ("s" if len(runs) != 1 else "")
    return f"{count} · up to {axis} {max(last):g}" if last else f"{count} · no data"
