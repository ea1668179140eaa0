"""Read the logs users already have into :class:`~livecurve.model.run.Run` objects.

``read(source)`` accepts:

* a Keras ``History`` (anything with a ``.history`` dict) or its ``.history`` dict of lists;
* a list of per-epoch dicts (keys may differ between entries);
* a pandas ``DataFrame``;
* a path (``str`` or ``os.PathLike``) to a CSV/TSV/``.log`` table (Keras ``CSVLogger``, PyTorch
  Lightning ``metrics.csv``, Ultralytics ``results.csv`` and alike), a JSON history (also Hugging
  Face's ``trainer_state.json``, JSON Lines and livecurve's own export), or a TensorBoard log
  directory or event file.

It returns a list of runs: usually one, several when a file holds several (appended ``CSVLogger``
runs whose epoch restarts, runs written in turns, a ``run`` column, a TensorBoard folder with
several runs). The first run is labelled ``label`` (default: the file name without extension, or
``"run"`` for objects), later ones ``"<label> (run 2)"``...

What a reader skips or changes (a text column, a torn row, runs it split) is reported as a
:class:`~livecurve.LiveCurveWarning` naming the file, and the column or line. Input it cannot
read raises :class:`LogReadError` naming the file.

Modules: :mod:`.files` (what a path holds), :mod:`.ownlog` (livecurve's own ``.csv``/``.jsonl``
logs, through :mod:`livecurve.logfile.decode`), :mod:`.bulk` (regular tables through pandas),
:mod:`.delimited` (text tables), :mod:`.jsonlog` (JSON), :mod:`.objects` (in-memory objects),
:mod:`.tensorboard` (event files), :mod:`.table` (rows under column names), :mod:`.runs` (a table
to runs), :mod:`.axis` (the x axis), :mod:`.split` (several runs in one table), :mod:`.columns`
(names, numeric columns), :mod:`.cells` (a cell to a number), :mod:`.errors` (reporting),
:mod:`.quiet` (TensorFlow's start-up noise).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..model.run import Run
from .errors import LogReadError
from .files import read_path
from .jsonlog import is_livecurve_export, read_export
from .objects import from_dataframe, from_history, from_mapping, from_records, is_dataframe
from .objects import is_history as _is_history
from .runs import to_runs

__all__ = ["LogReadError", "read"]

_DEFAULT_LABEL = "run"


def read(source: Any, label: str | None = None) -> list[Run]:
    """Read a log into runs.

    Args:
        source: a Keras ``History``, a dict of lists, a list of per-epoch dicts, a pandas
            ``DataFrame``, or a path to a CSV/TSV/``.log``/JSON file or TensorBoard directory.
        label: the name of the (first) run; default: the file name without extension, or
            ``"run"``.

    Returns:
        The runs, at least one.

    Raises:
        LogReadError: the file does not exist, is empty, has no rows, or is not a training log.
        ImportError: a TensorBoard log without ``tensorboard`` installed.
        TypeError: ``source`` is none of the accepted kinds.

    Example:
        >>> run, = read({"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]})
        >>> run.label, run.axis, run["val_loss"].x.tolist()
        ('run', 'epoch', [1.0, 2.0])
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(os.fspath(source)).expanduser()
        return read_path(path, os.fspath(source), label)
    if isinstance(source, Run):  # what load() returned, or a run built in code: as it is
        if label is not None:
            source.label = label
        return [source]
    if isinstance(source, (list, tuple, Mapping)) and not source:
        raise LogReadError(f"an empty {type(source).__name__}: nothing to plot")
    if is_livecurve_export(source):
        return read_export(source, "livecurve export", label)
    if _is_history(source):
        table = from_history(source)
    elif isinstance(source, Mapping):
        table = from_mapping(source, "dict")
    elif isinstance(source, (list, tuple)) and all(isinstance(i, Mapping) for i in source):
        table = from_records(source, "list of dicts")
    elif is_dataframe(source):
        table = from_dataframe(source)
    else:
        raise TypeError(
            f"cannot read a {type(source).__name__}: give a Keras History, a dict of lists, a "
            "list of per-epoch dicts, a pandas DataFrame, a livecurve Run, or the path of a "
            "CSV/TSV/JSON log or TensorBoard directory"
        )
    return to_runs(table, label or _DEFAULT_LABEL)
