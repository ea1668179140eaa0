"""The runs table: its rows and columns (model), its CSV and HTML exports, the live widget."""

from __future__ import annotations

import csv
import io
import math
import re

import pytest

import livecurve
from livecurve.model.run import Run
from livecurve.model.runs_table import param_text, runs_csv_path, runs_table, sort_key


def search_runs(n: int = 6, epochs: int = 4) -> list[Run]:
    runs = []
    for index in range(n):
        run = Run(f"trial {index + 1}")
        run.params = {"units": 8 * (index + 1), "learning_rate": 10.0 ** -(index % 3 + 1)}
        for epoch in range(1, epochs + 1 - (index == 2)):  # trial 3 stopped early
            run.log(
                epoch,
                {"loss": 1 / epoch + index / 10, "val_loss": 1.2 / epoch + index / 10,
                 "val_accuracy": 0.5 + epoch / 20},
            )  # fmt: skip
        runs.append(run)
    return runs


def test_one_row_per_run_with_its_params_best_last_epochs_and_state() -> None:
    runs = search_runs()
    table = runs_table(runs, running=-1)
    keys = [c.key for c in table.columns]
    assert keys == [
        "#", "run", "rank", "units", "learning_rate", "best val_loss", "last val_loss",
        "best val_accuracy", "last val_accuracy", "epochs", "state",
    ]  # fmt: skip
    first, third, last = table.rows[0], table.rows[2], table.rows[-1]
    assert first["units"] == 8 and first["learning_rate"] == pytest.approx(0.1)
    assert first["best val_loss"] == pytest.approx(0.3) and first["rank"] == 1
    assert first["epochs"] == 4 and first["state"] == "done"
    assert third["epochs"] == 3 and third["state"] == "stopped early"
    assert last["state"] == "running"


@pytest.mark.parametrize(
    ("value", "cell"),
    [(3, 3), (0.5, 0.5), ("adam", "adam"), ([16, 32], "[16, 32]"), ({"a": 1}, '{"a": 1}'),
     (True, "True"), (None, ""), (math.nan, "nan")],
)  # fmt: skip
def test_params_are_numbers_or_text(value, cell) -> None:
    assert param_text(value) == cell


def test_runs_without_objective_and_nan_objectives_have_no_rank_and_sort_last() -> None:
    runs = search_runs(3)
    empty = Run("no val")
    empty.log(1, {"loss": 0.1})
    nan = Run("nan")
    with pytest.warns(livecurve.LiveCurveWarning):
        nan.log(1, {"val_loss": math.nan})
    table = runs_table([*runs, empty, nan], running=None)
    assert [row["rank"] for row in table.rows][-2:] == [None, None]
    ordered = [row["run"] for row in table.sorted_rows("best val_loss")]
    assert ordered[-2:] == ["no val", "nan"]
    assert [row["run"] for row in table.sorted_rows("best val_loss", descending=True)][-2:] == [
        "no val", "nan",
    ]  # fmt: skip


def test_two_runs_with_one_label_are_two_rows_told_apart_by_number() -> None:
    runs = search_runs(2)
    runs[1].label = runs[0].label
    rows = runs_table(runs, running=None).rows
    assert [(row["#"], row["run"]) for row in rows] == [(1, "trial 1"), (2, "trial 1")]


def test_sorting_text_and_numbers() -> None:
    assert sorted(["b", None, 2, "A", 1.5], key=sort_key) == [1.5, 2, "A", "b", None]


def test_a_csv_export_of_runs_writes_the_runs_table_beside_it(tmp_path) -> None:
    plot = livecurve.LivePlot()
    plot.runs[:] = search_runs()
    plot.run = plot.runs[0]
    plot.save(tmp_path / "search.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "search.runs.csv").read_text())))
    assert len(rows) == 6 and rows[0]["units"] == "8" and rows[2]["state"] == "stopped early"
    assert runs_csv_path("a/b.csv") == "a/b.runs.csv"
    only = plot.save(tmp_path / "only.runs.csv")
    assert only.read_text().startswith("#,run,rank,units")
    assert not (tmp_path / "only.csv").exists()


def test_one_run_writes_no_runs_table(tmp_path) -> None:
    plot = livecurve.LivePlot()
    plot.log(1, loss=0.5)
    plot.save(tmp_path / "one.csv")
    assert not (tmp_path / "one.runs.csv").exists()


def test_an_html_page_of_runs_holds_the_sortable_table(tmp_path) -> None:
    plot = livecurve.LivePlot()
    plot.runs[:] = search_runs()
    plot.runs[0].params["layers"] = [1, "<b>"]  # text, never markup
    plot.run = plot.runs[0]
    page = plot.save(tmp_path / "search.html").read_text()
    assert "<table id='lc-runs'>" in page and "lc-filter" in page
    assert len(re.findall(r"<tr data-run=", page)) == 6
    assert "<b>" not in page.split("<table id='lc-runs'>")[1].split("</table>")[0]
    assert 'id="series-0-val_loss"' in page  # hover finds a run's lines by these ids


def test_the_widget_shows_the_table_from_two_runs_and_folds_legends_with_many() -> None:
    plot = livecurve.LivePlot()
    plot.log(1, loss=0.5, val_loss=0.6)
    view = plot.view
    assert view.runs_table.layout.display == "none"
    plot.runs[:] = search_runs(20)
    plot.run = plot.runs[-1]
    plot.refresh()
    table = view.runs_table
    assert table.layout.display == "flex" and len(table.rows) == 20
    assert len(table.marks) == 20  # each run's lines, for the browser's highlights
    entries = view.legends["loss"].entries
    folded = [e for e in entries if e.get("folded")]
    named = {e["id"].split(":")[0] for e in entries if not e.get("folded")}
    assert len(named) == 6 and "19" in named  # the best five and the live (last) run
    assert len(folded) == 2 * 14


def test_a_json_export_holds_each_runs_params(tmp_path) -> None:
    import json

    plot = livecurve.LivePlot()
    plot.runs[:] = search_runs(2)
    plot.runs[1].params["schedule"] = {"kind": "cosine", "warmup": [1, 2]}
    plot.runs[1].params["odd"] = math.nan  # not JSON: kept as text
    plot.run = plot.runs[0]
    data = json.loads(plot.save(tmp_path / "search.json").read_text())
    assert data["runs"][0]["params"] == {"units": 8, "learning_rate": 0.1}
    assert data["runs"][1]["params"]["schedule"] == {"kind": "cosine", "warmup": [1, 2]}
    assert data["runs"][1]["params"]["odd"] == "nan"


def test_with_many_runs_the_widget_names_the_runs_drawn_in_colour() -> None:
    plot = livecurve.LivePlot()
    plot.runs[:] = search_runs(5)
    plot.run = plot.runs[-1]
    table = plot.view.runs_table
    assert table.named is None  # few runs: every run keeps its colour
    plot.runs.extend(search_runs(15)[5:])
    plot.run = plot.runs[-1]
    plot.refresh()
    assert table.named == [0, 1, 2, 3, 4]  # finished: the best five (the first trials here)
    plot.progress.start(4)  # training again: the live (last) trial is drawn in colour too
    plot.refresh()
    assert table.named == [0, 1, 2, 3, 4, 14]


def test_a_runs_summary_values_are_columns_of_the_table_and_in_json(tmp_path) -> None:
    import json

    runs = search_runs(2)
    runs[0].summary = {"train_runtime": 12.5, "total_flos": 3e12}
    runs[1].summary = {"train_runtime": 14.0, "epochs": 9.0}  # a name the table already uses
    table = runs_table(runs, running=None)
    keys = [c.key for c in table.columns if c.group == "summary"]
    assert keys == ["train_runtime", "total_flos", "epochs (summary)"]
    assert [row["train_runtime"] for row in table.rows] == [12.5, 14.0]
    assert [row["total_flos"] for row in table.rows] == [3e12, None]
    assert table.rows[1]["epochs (summary)"] == 9.0 and table.rows[1]["epochs"] == 4
    plot = livecurve.LivePlot()
    plot.runs[:] = runs
    plot.run = plot.runs[0]
    data = json.loads(plot.save(tmp_path / "runs.json").read_text())
    assert data["runs"][0]["summary"] == {"train_runtime": 12.5, "total_flos": 3e12}


def test_a_new_trial_sends_the_rows_of_its_block_only_and_leaves_ranking_to_the_browser() -> None:
    """A new trial moves the rank of every run below it: the rows go to the browser without it
    (in blocks of 20 runs), so only the new run's block is sent; the browser ranks them by
    ``rank_by`` as Python's ranking does."""
    from livecurve.view.blocks import BLOCK_RUNS

    plot = livecurve.LivePlot(redraw_interval=0.0)
    plot.runs[:] = search_runs(45)
    plot.run = plot.runs[-1]
    table = plot.view.runs_table
    assert len(table.row_blocks) == 3
    sent = {id(block): 0 for block in table.row_blocks}

    def count(change: dict) -> None:
        sent[id(change["owner"])] += 1

    for block in table.row_blocks:
        block.observe(count, "rows")
    best = search_runs(1)[0]  # the best run of all: every other run's rank moves by one
    best.log(5, {"loss": 0.01, "val_loss": 0.01, "val_accuracy": 0.99})
    plot.runs.append(best)
    plot.run = best
    plot.refresh()
    assert [sent[id(block)] for block in table.row_blocks] == [0, 0, 1]
    assert all("rank" not in row for block in table.row_blocks for row in block.rows)
    assert [row["index"] for block in table.row_blocks for row in block.rows] == list(range(46))
    assert table.rank_by == {"key": "best val_loss", "goal": "min"}
    # What the browser does with rank_by (runs_table.js), against Python's ranks.
    rows = [row for block in table.row_blocks for row in block.rows]
    scored = sorted((r for r in rows if r["best val_loss"] is not None),
                    key=lambda r: (r["best val_loss"], r["index"]))  # fmt: skip
    browser = {r["index"]: place + 1 for place, r in enumerate(scored)}
    assert {r["index"]: r["rank"] for r in table.rows} == browser
    assert browser[45] == 1 and len(rows) <= 3 * BLOCK_RUNS
    # A new epoch of one run sends that run's block (its cells changed), not the others.
    sent.update(dict.fromkeys(sent, 0))
    plot.runs[2].log(4, {"loss": 0.5, "val_loss": 0.9, "val_accuracy": 0.6})  # stopped early
    plot.refresh()
    assert [sent[id(block)] for block in table.row_blocks] == [1, 0, 0]
