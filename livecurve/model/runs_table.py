"""The runs table: one row per run, its hyperparameters and how far and how well it got.

Columns, in order: ``#`` (the run's number, 1 for the first run: two runs with one label stay
apart), ``run`` (its label), ``rank`` (by the objective, :mod:`livecurve.model.ranking`), one
column per hyperparameter (:attr:`Run.params <livecurve.model.run.Run.params>`, in the order
first seen; lists and dicts shown as JSON text), ``best``/``last`` of the objective, then of each
other validation metric, one column per value of the run's :attr:`summary
<livecurve.model.run.Run.summary>` (timers, throughputs, end-of-run values a reader kept out of
the panels: ``train_runtime``), ``epochs`` (or the run's own axis: steps done), and ``state``:
``running`` (the live run while it trains), ``stopped early`` (fewer epochs than planned: by
default the most that two runs reached), ``done``.

The live widget's table (:mod:`livecurve.view.runs_table`), ``save("x.html")`` and the
``<name>.runs.csv`` export all draw these rows; the browser sorts and filters them itself.

Example:
    >>> from livecurve.model.run import Run
    >>> a, b = Run("a"), Run("b")
    >>> a.params, b.params = {"units": 8}, {"units": 32, "layers": [1, 2]}
    >>> a.log(1, {"val_loss": 0.5}); b.log(1, {"val_loss": 0.3}); b.log(2, {"val_loss": 0.4})
    >>> table = runs_table([a, b], running=None)
    >>> [c.key for c in table.columns]
    ['#', 'run', 'rank', 'units', 'layers', 'best val_loss', 'last val_loss', 'epochs', 'state']
    >>> [(r["run"], r["rank"], r["layers"], r["best val_loss"], r["state"]) for r in table.rows]
    [('a', 2, '', 0.5, 'stopped early'), ('b', 1, '[1, 2]', 0.3, 'done')]
"""

from __future__ import annotations

import csv
import io
import json
import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .ranking import Objective, Ranking, objective_for, rank
from .run import Run

Kind = Literal["number", "text"]
Cell = float | int | str | None


@dataclass(frozen=True)
class Column:
    """One column: ``key`` (the row's key and the header text), its kind, and its group."""

    key: str
    kind: Kind = "number"
    group: Literal["run", "param", "metric", "summary"] = "run"
    goal: Literal["min", "max"] | None = None  # metrics: which way is better

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "group": self.group, "goal": self.goal}


@dataclass
class RunsTable:
    """The table's columns and rows (``{column key: cell}``, and ``"index"``: the run index).

    ``unranked``: the rows without their ``rank`` cell, each kept as the same object while its
    run, place and state are unchanged (the live table sends a block of rows only when one of
    its rows is new, and the browser ranks them: a new trial moves every rank).
    """

    columns: list[Column]
    unranked: list[dict[str, Cell]] = field(default_factory=list)
    objective: Objective | None = None
    ranking: Ranking | None = None
    _ranked: list[dict[str, Cell]] | None = field(default=None, repr=False, compare=False)

    @property
    def rows(self) -> list[dict[str, Cell]]:
        """Every row with its ``rank`` (1: the best by the objective; None: no objective value)."""
        if self._ranked is None:
            ranking, ranked = self.ranking, []
            for row in self.unranked:
                index = int(row["index"])  # type: ignore[arg-type]
                rank = None
                if ranking is not None and ranking.scores[index] is not None:
                    rank = ranking.rank_of(index)
                ranked.append({**row, "rank": rank})
            self._ranked = ranked
        return self._ranked

    def sorted_rows(self, key: str, descending: bool = False) -> list[dict[str, Cell]]:
        """The rows sorted by column ``key`` (empty cells last either way), as the browser does."""
        return sorted(self.rows, key=lambda row: sort_key(row.get(key), descending))

    def to_csv(self) -> str:
        """The table as CSV text (header row, one row per run; empty cells for no value)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([c.key for c in self.columns])
        for row in self.rows:
            writer.writerow(["" if row.get(c.key) is None else row[c.key] for c in self.columns])
        return buffer.getvalue()

    def as_json(self) -> dict[str, Any]:
        """Columns and rows for the browser (numbers stay numbers, no NaN)."""
        return {
            "columns": [c.as_dict() for c in self.columns],
            "rows": self.rows,
            "objective": None if self.objective is None else self.objective.name,
        }


def sort_key(value: Cell, descending: bool = False) -> tuple[int, float, str]:
    """Empty cells last, numbers by value, text case-insensitively (after numbers)."""
    if value is None or value == "":
        return (2, 0.0, "")
    if isinstance(value, (int, float)):
        return (0, -float(value) if descending else float(value), "")
    text = str(value).lower()
    if descending:  # text descending: invert each character's order
        text = "".join(chr(0x10FFFF - ord(c)) for c in text)
    return (1, 0.0, text)


def param_text(value: Any) -> Cell:
    """A hyperparameter's cell: numbers and text as they are, anything else as JSON text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, default=str)
    except (TypeError, ValueError):
        return str(value)


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _last(run: Run, name: str) -> float | None:
    series = run.points(name)
    if series is None or not len(series):
        return None
    _, y = series.snapshot()
    finite = y[~(y != y)]  # NaN is not equal to itself
    return _finite(float(finite[-1])) if finite.size else None


def _best(run: Run, name: str, direction: str | None) -> float | None:
    series = run.points(name)
    best = None if series is None else series.best(direction)
    return None if best is None else _finite(best[1])


def validation_metrics(runs: Sequence[Run], objective: str) -> list[str]:
    """Validation series with a direction, across runs in first-seen order, objective left out."""
    from .names import series_goal

    found: dict[str, None] = {}
    for run in runs:
        found.update(dict.fromkeys(_validation_names(run)))
    return [name for name in found if name != objective and series_goal(name) is not None]


# run -> (its number of names, its validation series' names); forgotten with the run
_VALIDATION: weakref.WeakKeyDictionary[Run, tuple[int, list[str]]] = weakref.WeakKeyDictionary()


def _validation_names(run: Run) -> list[str]:
    """The run's validation series' names, found again only when it has new names."""
    held = _VALIDATION.get(run)
    if held is None or held[0] != len(run):
        held = _VALIDATION[run] = (len(run), [n for n in run.names if run.is_validation(n)])
    return held[1]


def runs_table(
    runs: Sequence[Run],
    objective: tuple[str, str] | None = None,
    *,
    running: int | None = -1,
    planned: int | None = None,
    cache: dict[Any, tuple] | None = None,
    versions: Sequence[int] | None = None,
) -> RunsTable:
    """The table of ``runs`` (see the module's doc).

    ``running``: the index of the run still training (``-1``: the last; ``None``: none).
    ``planned``: the epochs each run was to train (a run that ended with fewer "stopped
    early"); by default the most epochs that two runs reached. ``cache``: kept by a caller that
    asks again as runs grow (the live table): the cells of a run that did not change since are
    reused, so a new epoch of one trial among 200 recomputes one row. ``versions``: each run's
    :attr:`~livecurve.model.run.Run.version`, when the caller read them already.
    """
    from .names import series_goal

    runs = list(runs)
    cache = {} if cache is None else cache
    target = objective_for(runs, objective)
    params: dict[str, None] = {}
    for run in runs:
        params.update(dict.fromkeys(str(k) for k in run.params))
    metrics = [target.name, *validation_metrics(runs, target.name)]
    directions = {
        name: target.direction if name == target.name else series_goal(name) for name in metrics
    }
    reserved = {"#", "run", "rank", "epochs", "steps", "state", "index"}
    keys = {name: name if name not in reserved else f"{name} (param)" for name in params}
    summary: dict[str, None] = {}
    for run in runs:
        summary.update(dict.fromkeys(run.summary))
    taken = reserved | set(keys.values()) | {f"{w} {m}" for m in metrics for w in ("best", "last")}
    summary_keys = {name: name if name not in taken else f"{name} (summary)" for name in summary}
    signature = (target, tuple(metrics), tuple(keys), tuple(summary_keys))
    cells: list[dict[str, Cell]] = []
    if versions is None or len(versions) != len(runs):
        versions = [run.version for run in runs]
    for run, run_version in zip(runs, versions):
        version = (signature, run_version, run.label, repr(run.params), repr(run.summary))
        held = cache.get(id(run))
        if held is None or held[0] != version:
            row: dict[str, Cell] = {"run": run.label}
            for name, key in keys.items():
                row[key] = param_text(run.params.get(name))
            for name in metrics:
                row[f"best {name}"] = _best(run, name, directions[name])
                row[f"last {name}"] = _last(run, name)
            for name, key in summary_keys.items():
                row[key] = _finite(run.summary.get(name))
            row["_done"] = int(run.last_x() or 0)
            held = cache[id(run)] = (version, row)
        cells.append(held[1])
    scores = [row[f"best {target.name}"] for row in cells]
    ranking = rank(runs, target, live=running, scores=scores)  # type: ignore[arg-type]
    columns = [Column("#"), Column("run", "text"), Column("rank")]
    for key in keys.values():
        numeric = all(isinstance(row[key], (int, float)) or row[key] == "" for row in cells)
        columns.append(Column(key, "number" if numeric else "text", "param"))
    for name in metrics:
        for which in ("best", "last"):
            columns.append(Column(f"{which} {name}", "number", "metric", directions[name]))
    columns += [Column(key, "number", "summary") for key in summary_keys.values()]
    done_key = "epochs" if not runs or runs[0].axis == "epoch" else "steps"
    columns += [Column(done_key), Column("state", "text")]
    done = [int(row["_done"] or 0) for row in cells]
    # The planned length: the most epochs that two runs reached (one odd long run aside).
    reached = sorted(done, reverse=True)
    longest = planned or (reached[1] if len(reached) > 2 else (reached or [0])[0])
    live = None if running is None or not runs else running % len(runs)
    rows = []
    for index, held_row in enumerate(cells):
        state = "running" if index == live else "done"
        if state == "done" and done[index] < longest:
            state = "stopped early"
        place = (index, done_key, state)
        kept = cache.get(("row", index))
        if kept is not None and kept[0] is held_row and kept[1] == place:
            rows.append(kept[2])
            continue
        row = {"index": index, "#": index + 1}
        row.update((k, v) for k, v in held_row.items() if k != "_done")
        row[done_key] = done[index]
        row["state"] = state
        cache[("row", index)] = (held_row, place, row)
        rows.append(row)
    return RunsTable(columns, rows, target, ranking)


def runs_csv_path(path: str) -> str:
    """Where a ``.csv`` export puts its runs table: ``curves.csv`` -> ``curves.runs.csv``."""
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}.runs.{suffix}" if dot else f"{path}.runs.csv"
