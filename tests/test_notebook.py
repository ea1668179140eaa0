"""The quickstart notebook runs top to bottom in a real kernel and keeps its curves."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("keras")

pytestmark = pytest.mark.notebook
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Path]:
    work = tmp_path_factory.mktemp("quickstart")
    shutil.copy(NOTEBOOKS / "01_quickstart.ipynb", work)
    nb = nbformat.read(work / "01_quickstart.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    )
    with pytest.MonkeyPatch.context() as env:
        # ipykernel forwards file descriptor 2 to the cell except under pytest: be a user's
        # kernel, so that test_no_cell_prints_to_stderr sees what a user would.
        env.delenv("PYTEST_CURRENT_TEST", raising=False)
        client.execute()
    return nb, work


def _fit_cell(nb) -> dict:  # type: ignore[no-untyped-def]
    return next(c for c in nb.cells if c.cell_type == "code" and "LiveCurve(" in c.source)


def test_fit_cell_holds_the_widget_and_a_static_picture(executed) -> None:  # type: ignore[no-untyped-def]
    nb, _ = executed
    bundles = [o for o in _fit_cell(nb).outputs if o.output_type == "display_data"]
    assert len(bundles) == 1, "one display: the live widget, updated in place"
    data = bundles[0].data
    assert data[WIDGET_MIME]["model_id"]
    png = base64.b64decode(data["image/png"])
    assert png.startswith(b"\x89PNG"), "a static picture for viewers without a kernel"


def test_no_cell_prints_to_stderr(executed) -> None:  # type: ignore[no-untyped-def]
    nb, _ = executed
    noise = [
        o.text
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "stream" and o.name == "stderr"
    ]
    assert noise == []


def test_quickstart_saves_the_figure_and_the_data(executed) -> None:  # type: ignore[no-untyped-def]
    _, work = executed
    png = (work / "digits_training.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    rows = (work / "digits_training.csv").read_text().splitlines()
    header = rows[0].split(",")
    expected = {"loss", "val_loss", "accuracy", "val_accuracy", "learning_rate"}
    assert header[0] == "epoch" and expected <= set(header)
    assert len(rows) == 1 + 30, "one row per epoch"
