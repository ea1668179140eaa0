"""Folders that are not TensorBoard logs: PyTorch Lightning's ``CSVLogger`` and CatBoost's
``catboost_info/``.

* ``lightning_logs/`` (or any folder) whose ``version_N/`` folders hold a ``metrics.csv``: one run
  per version, in the order of N, labelled ``version_N``; the version's ``hparams.yaml`` fills
  :attr:`~livecurve.model.run.Run.params`. A ``version_N/`` folder given itself is one run.
  Versions without a ``metrics.csv`` (``TensorBoardLogger``) are left to the TensorBoard reader.
* ``catboost_info/``: ``learn_error.tsv`` and ``test_error.tsv`` are one run, the test values
  as validation (``val_<metric>``), on CatBoost's ``iter`` axis; without them,
  ``catboost_training.json``. Its ``learn/`` and ``test/`` TensorBoard folders hold the same
  values and are not read.

:func:`read_folder` returns None for any other folder (the caller reads it as TensorBoard).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..model.run import Run
from .cells import to_cell
from .delimited import read_table
from .errors import LogReadError
from .runs import to_runs
from .table import Table

_VERSION = re.compile(r"version_(\d+)")

ReadPath = Callable[[Path, str, "str | None"], list[Run]]


def read_folder(
    path: Path, source: str, label: str | None, read_path: ReadPath
) -> list[Run] | None:
    """The runs of a Lightning ``CSVLogger`` or ``catboost_info`` folder, or None."""
    if (path / "learn_error.tsv").is_file() or (path / "catboost_training.json").is_file():
        return _catboost(path, source, label, read_path)
    if (path / "metrics.csv").is_file():
        return _version(path, source, label or path.name, read_path)
    versions = sorted(
        (int(m.group(1)), child)
        for child in path.iterdir()
        if child.is_dir()
        and (m := _VERSION.fullmatch(child.name))
        and (child / "metrics.csv").is_file()
    )
    if not versions:
        return None
    runs: list[Run] = []
    for _, folder in versions:
        name = folder.name if label is None else f"{label} {folder.name}"
        runs.extend(_version(folder, f"{source}/{folder.name}", name, read_path))
    return runs


def _version(folder: Path, source: str, label: str, read_path: ReadPath) -> list[Run]:
    runs = read_path(folder / "metrics.csv", f"{source}/metrics.csv", label)
    hparams = folder / "hparams.yaml"
    if hparams.is_file():
        params = read_hparams(hparams)
        for run in runs:
            run.params.update(params)
    return runs


def read_hparams(path: Path) -> dict[str, Any]:
    """Lightning's ``hparams.yaml``: with PyYAML (``yaml.safe_load``) when it is installed and
    the file is plain YAML, else with :func:`flat_yaml`; {} when it holds no mapping."""
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        import yaml
    except ImportError:
        return flat_yaml(text)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:  # Lightning may write python/object tags safe_load refuses
        return flat_yaml(text)
    return {str(k): v for k, v in data.items()} if isinstance(data, dict) else {}


def flat_yaml(text: str) -> dict[str, Any]:
    """The top-level ``key: value`` lines of a YAML file; values as numbers, booleans, None or
    text; nested blocks and lists as their text.

    >>> flat_yaml("lr: 0.001\\nlayers: 3\\nname: 'mlp'\\nuse_bn: true\\nbetas:\\n- 0.9\\n- 0.99\\n")
    {'lr': 0.001, 'layers': 3, 'name': 'mlp', 'use_bn': True, 'betas': '- 0.9 - 0.99'}
    """
    params: dict[str, Any] = {}
    key: str | None = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[:1] in (" ", "\t", "-") and key is not None:
            params[key] = f"{params[key]} {line.strip()}".strip()
            continue
        name, colon, value = line.partition(":")
        if not colon:
            continue
        key = name.strip().strip("'\"")
        params[key] = _scalar(value.strip())
    return params


def _scalar(text: str) -> Any:
    if text[:1] in ("'", '"') and text[-1:] == text[:1]:
        return text[1:-1]
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("null", "~", ""):
        return None if text else ""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _catboost(path: Path, source: str, label: str | None, read_path: ReadPath) -> list[Run]:
    learn, test = path / "learn_error.tsv", path / "test_error.tsv"
    if not learn.is_file():
        return read_path(
            path / "catboost_training.json", f"{source}/catboost_training.json", label or path.name
        )
    rows: dict[float, dict[str, Any]] = {}
    names: list[str] = []
    for file, prefix in ((learn, ""), (test, "val_")):
        if not file.is_file():
            continue
        table = read_table(
            file.read_text(encoding="utf-8", errors="replace"), f"{source}/{file.name}"
        )
        axis = next((j for j, n in enumerate(table.names) if n.strip().lower() == "iter"), 0)
        for row in table.rows:
            x = to_cell(row[axis])
            if not isinstance(x, float):
                continue
            entry = rows.setdefault(x, {"iter": x})
            for j, name in enumerate(table.names):
                if j != axis:
                    entry[f"{prefix}{name.strip()}"] = row[j]
        names.extend(f"{prefix}{n.strip()}" for j, n in enumerate(table.names) if j != axis)
    if not rows:
        raise LogReadError(f"{source}: learn_error.tsv holds no iterations")
    columns = ["iter", *dict.fromkeys(names)]
    merged = Table(
        source,
        columns,
        [[entry.get(name) for name in columns] for _, entry in sorted(rows.items())],
        unit="iteration",
    )
    return to_runs(merged, label or path.name)
