"""``load(source)``: any source livecurve reads (histories, logs, TensorBoard) into runs.

The readers are imported when first needed, and this module imports neither the figure
(:mod:`livecurve.live.plot`) nor :mod:`livecurve.show`, so both can use it without an import circle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model.run import Run


def is_many(source: Any) -> bool:
    """A list of sources, as opposed to one source that is itself a list (of epoch dicts)."""
    if not isinstance(source, (list, tuple)) or not source:
        return False
    return not all(isinstance(item, dict) for item in source)


def load(source: Any, labels: Sequence[str] | None = None) -> list[Run]:
    """Read one source or a list of sources into runs (see :func:`livecurve.show`).

    Example:
        >>> runs = load([{"loss": 0.9}, {"loss": 0.5, "val_loss": 0.6}])
        >>> runs[0]["loss"].y.tolist()
        [0.9, 0.5]
    """
    from . import read

    sources = list(source) if is_many(source) else [source]
    if labels is not None and len(labels) != len(sources):
        raise ValueError(f"got {len(labels)} labels for {len(sources)} sources; give one each")
    runs: list[Run] = []
    for index, item in enumerate(sources):
        runs.extend(read(item, label=None if labels is None else labels[index]))
    return runs
