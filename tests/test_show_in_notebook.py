"""In a real kernel, figures display like matplotlib's: once per cell, wherever they are made."""

from __future__ import annotations

from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")

pytestmark = pytest.mark.notebook
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

CELLS = {
    "setup": (
        "import livecurve\n"
        "with open('log.csv', 'w') as f:\n"
        "    f.write('epoch,loss,val_loss\\n0,1.0,1.1\\n1,0.5,0.7\\n')"
    ),
    "not_last": "fig = livecurve.show('log.csv')\nn = 1",
    "last": "livecurve.show('log.csv')",
    "again": "fig",
    "inside_a_function": "def plot_it():\n    livecurve.show('log.csv')\n\nplot_it()",
    "context_manager": (
        "with livecurve.LivePlot() as plot:\n"
        "    for epoch in range(3):\n"
        "        plot.log(loss=1 / (epoch + 1))\n"
        "finished = plot.progress.finished is not None"
    ),
    "check": "print(finished)",
}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    work: Path = tmp_path_factory.mktemp("show")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS.values()]
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    )
    client.execute()
    return {name: cell.outputs for name, cell in zip(CELLS, nb.cells)}


def widgets(outputs: list) -> list[str]:
    return [o["data"][WIDGET_MIME]["model_id"] for o in outputs if WIDGET_MIME in o.get("data", {})]


@pytest.mark.parametrize("cell", ["not_last", "last", "inside_a_function", "context_manager"])
def test_a_figure_made_in_a_cell_is_shown_there_exactly_once(outputs, cell) -> None:  # type: ignore[no-untyped-def]
    assert len(widgets(outputs[cell])) == 1, outputs[cell]
    assert not [o for o in outputs[cell] if o["output_type"] == "error"]


def test_a_shown_figure_shows_again_in_another_cell(outputs) -> None:  # type: ignore[no-untyped-def]
    assert widgets(outputs["again"]) == widgets(outputs["not_last"]), "the same widget"


def test_the_context_manager_finishes_the_figure(outputs) -> None:  # type: ignore[no-untyped-def]
    assert [o.get("text") for o in outputs["check"]] == ["True\n"]
    pictures = [o for o in outputs["context_manager"] if "image/png" in o.get("data", {})]
    assert pictures, "finished: the cell's display gains the static picture"
