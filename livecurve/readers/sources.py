"""``load(source)``: any source livecurve reads (histories, logs, TensorBoard) into runs.

The readers are imported when first needed, and this module imports neither the figure
(:mod:`livecurve.live.plot`) nor :mod:`livecurve.show`, so both can use it without an import circle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..model.run import Run


def _is_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) or getattr(value, "ndim", 0) >= 1


def _is_history_dict(item: Any) -> bool:
    """A ``History.history`` dict: every value is a list (of per-epoch values) or a dict of
    them; a per-epoch dict holds numbers (and maybe a list, such as per-class accuracies)."""
    if not isinstance(item, Mapping) or not item:
        return False
    values = list(item.values())
    return any(_is_list(v) for v in values) and all(
        _is_list(v) or isinstance(v, Mapping) for v in values
    )


def is_many(source: Any) -> bool:
    """A list of sources, as opposed to one source that is itself a list (of epoch dicts).

    A list of ``History.history`` dicts (dicts of lists) is several sources; a list of dicts of
    numbers is one log, one dict per epoch.

    >>> is_many([{"loss": 0.9}, {"loss": 0.5}]), is_many([{"loss": [0.9]}, {"loss": [0.5]}])
    (False, True)
    """
    if not isinstance(source, (list, tuple)) or not source:
        return False
    if all(isinstance(item, Mapping) for item in source):
        return all(_is_history_dict(item) for item in source)
    return True


Params = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None


def _params_per_source(params: Params, count: int, labels: Sequence[str] | None) -> list[dict]:
    """One dict of hyperparameters per source (see :func:`load`)."""
    if params is None:
        return [{} for _ in range(count)]
    if isinstance(params, Mapping):
        values = list(params.values())
        keyed = labels is not None and count > 1 and set(params) <= set(labels)
        if keyed and all(isinstance(v, Mapping) for v in values):
            return [dict(params.get(label, {})) for label in labels]  # type: ignore[union-attr]
        if count == 1:
            return [dict(params)]
        raise ValueError(
            f"params is one dict for {count} sources; give a list of {count} dicts (one per "
            "source), or a dict of dicts keyed by the labels"
        )
    items = list(params)
    if len(items) != count or not all(isinstance(i, Mapping) for i in items):
        raise ValueError(f"got {len(items)} params for {count} sources; give one dict each")
    return [dict(i) for i in items]


def load(source: Any, labels: Sequence[str] | None = None, params: Params = None) -> list[Run]:
    """Read one source or a list of sources into runs (see :func:`livecurve.show`).

    Args:
        source: one source, or a list of sources (a list of ``History.history`` dicts is a list
            of sources; a list of dicts of numbers is one log of per-epoch dicts).
        labels: one label per source.
        params: the hyperparameters of the runs, put in each run's
            :attr:`~livecurve.model.run.Run.params` (after what the reader found, such as
            Lightning's ``hparams.yaml``): a dict for one source, a list of dicts (one per
            source), or a dict of dicts keyed by the labels.

    Example:
        >>> runs = load([{"loss": 0.9}, {"loss": 0.5, "val_loss": 0.6}])
        >>> runs[0]["loss"].y.tolist()
        [0.9, 0.5]
        >>> a, b = load([{"loss": [0.9, 0.5]}, {"loss": [0.8, 0.4]}], labels=["a", "b"],
        ...             params=[{"lr": 0.1}, {"lr": 0.01}])
        >>> (a.label, a.params), (b.label, b.params)
        (('a', {'lr': 0.1}), ('b', {'lr': 0.01}))
    """
    from . import read

    sources = list(source) if is_many(source) else [source]
    if labels is not None and len(labels) != len(sources):
        raise ValueError(f"got {len(labels)} labels for {len(sources)} sources; give one each")
    per_source = _params_per_source(params, len(sources), labels)
    runs: list[Run] = []
    for index, item in enumerate(sources):
        found = read(item, label=None if labels is None else labels[index])
        for run in found:
            run.params.update(per_source[index])
        runs.extend(found)
    return runs
