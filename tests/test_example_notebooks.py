"""The custom-loop and search notebooks run top to bottom in a real kernel, quietly and quickly."""

from __future__ import annotations

import ast
import base64
import shutil
import time
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("keras")

pytestmark = pytest.mark.notebook
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def execute(name: str, work: Path) -> tuple[object, float]:
    shutil.copy(NOTEBOOKS / name, work)
    nb = nbformat.read(work / name, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    )
    started = time.monotonic()
    client.execute()
    return nb, time.monotonic() - started


def last_value(nb) -> object:  # type: ignore[no-untyped-def]
    cell = [c for c in nb.cells if c.cell_type == "code"][-1]
    result = next(o for o in cell.outputs if o.output_type == "execute_result")
    return ast.literal_eval(result.data["text/plain"])


def stderr(nb) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        o.text
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "stream" and o.name == "stderr"
    ]


def widget_bundles(nb) -> list[dict]:  # type: ignore[no-untyped-def]
    return [
        o.data
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "display_data" and WIDGET_MIME in o.data
    ]


@pytest.fixture(scope="module")
def custom_loop(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, float, Path]:
    work = tmp_path_factory.mktemp("custom_loop")
    return (*execute("02_custom_loop.ipynb", work), work)


@pytest.fixture(scope="module")
def search(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, float, Path]:
    work = tmp_path_factory.mktemp("search")
    return (*execute("03_search.ipynb", work), work)


def test_custom_loop_has_grouped_statistics_and_distribution_panels(custom_loop) -> None:  # type: ignore[no-untyped-def]
    nb, seconds, work = custom_loop
    families, distributions = last_value(nb)
    assert families == ["loss", "grad_norm", "hidden"]
    assert distributions == ["kernel", "kernel_grad"]
    header = (work / "custom_loop.csv").read_text().splitlines()[0].split(",")
    assert {"val_loss", "hidden/mean", "hidden/std", "kernel/p50", "kernel_grad/max"} <= set(header)
    (bundle,) = widget_bundles(nb)
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG"), "the final picture"
    assert stderr(nb) == []
    assert seconds < 120


def test_search_draws_one_run_per_trial_in_one_widget(search) -> None:  # type: ignore[no-untyped-def]
    nb, seconds, work = search
    labels = last_value(nb)
    assert len(labels) == 3 and all(label.startswith("units=") for label in labels)
    assert sum(label.endswith("★") for label in labels) == 1
    assert len(widget_bundles(nb)) == 1, "one widget for the whole search"
    assert (work / "search.png").read_bytes().startswith(b"\x89PNG")
    assert stderr(nb) == []
    assert seconds < 120
