"""The package's layers hold: import contracts, no cycle in the data model, a light import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = (
    "matplotlib",
    "bqplot",
    "ipywidgets",
    "anywidget",
    "traitlets",
    "IPython",
    "keras",
    "tensorflow",
    "tensorboard",
    "pandas",
    "torch",
    "jax",
)


def test_the_import_contracts_in_pyproject_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_the_data_model_has_no_import_cycle() -> None:
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("livecurve")
    model = {m for m in graph.modules if m.startswith("livecurve.model.")}
    cycles = [
        (a, b)
        for a in sorted(model)
        for b in sorted(graph.find_modules_directly_imported_by(a) & model)
        if graph.chain_exists(importer=b, imported=a)
    ]
    assert cycles == []


def test_a_cycle_would_be_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The cycle test above can fail: the same check finds a planted cycle.
    grimp = pytest.importorskip("grimp")
    package = tmp_path / "planted"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def f():\n    from . import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("planted")
    assert graph.chain_exists(importer="planted.b", imported="planted.a")
    assert graph.chain_exists(importer="planted.a", imported="planted.b")


def test_import_livecurve_loads_nothing_heavy() -> None:
    code = (
        "import sys, json, livecurve\n"
        "livecurve.LivePlot, livecurve.show, livecurve.load, livecurve.Run\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_the_keras_adapter_package_does_not_shadow_keras() -> None:
    pytest.importorskip("keras")
    import keras

    from livecurve.keras import callback

    assert callback.keras is keras
    assert keras.__name__ == "keras" and hasattr(keras.callbacks, "Callback")
    assert not keras.__file__.startswith(str(ROOT / "livecurve"))


def test_the_root_reads_as_the_layers() -> None:
    entries = sorted(
        p.name
        for p in (ROOT / "livecurve").iterdir()
        if p.name != "__pycache__" and (p.is_dir() or p.suffix == ".py")
    )
    assert entries == [
        "__init__.py",
        "cli.py",
        "errors.py",
        "export",
        "keras",
        "live",
        "logfile",
        "model",
        "readers",
        "show.py",
        "style.py",
        "view",
    ]


def test_the_package_ships_its_type_hints() -> None:
    assert (ROOT / "livecurve" / "py.typed").is_file()
