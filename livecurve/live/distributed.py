"""Which process of a multi-process training job draws the figure and writes the log.

In a job of several processes each one runs the same training code, so each would draw its own
widget and append to its own copy of ``run.csv``. Only the *primary* process does; the others
record nothing to disk and show nothing, silently. The rule, first match wins:

1. ``torch.distributed`` — when it is imported and its process group is initialized: rank 0.
2. ``jax.distributed`` — when JAX is imported and ``jax.distributed.initialize()`` has run (or
   JAX's backends are already up and span several processes, as on a multi-host TPU slice):
   ``jax.process_index() == 0``.
3. ``TF_CONFIG`` — the cluster description of ``tf.distribute`` multi-worker training: the task of
   type ``"chief"``; when the cluster has no chief, worker 0. ``"evaluator"`` and ``"ps"``
   (parameter server) tasks are never primary. A ``TF_CONFIG`` without a ``"task"`` describes no
   role and is ignored.
4. ``RANK`` — the environment variable ``torchrun`` (and Accelerate, DeepSpeed, Lightning)
   sets before ``torch.distributed`` is initialized: ``RANK == "0"``.
5. Otherwise the process is alone, and primary.

A framework is never imported here: torch and JAX are only asked when the training code already
imported them (``sys.modules``), and JAX is never asked in a way that starts its backends (which
could claim a GPU's memory under a torch job).

Keras 3's ``fit()`` under ``tf.distribute.MultiWorkerMirroredStrategy`` fails on its own on the
machines livecurve is tested on (``PerReplica`` to ``Tensor``), so the ``TF_CONFIG`` rule (the
chief draws and logs) is documented and unit-tested against ``TF_CONFIG`` values, not run in a
real multi-worker job. Single-process ``MirroredStrategy`` needs no rule: its one process is
primary, and Keras hands callbacks the values already aggregated over replicas.

Example:
    >>> import livecurve.live.distributed as distributed
    >>> distributed.is_primary_process()  # a plain process
    True
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, NamedTuple


class ProcessRole(NamedTuple):
    """This process's place in a training job.

    Attributes:
        primary: whether it draws the figure and writes the log.
        rank: its rank (torch), process index (JAX), worker index (TF: chief 0, workers after
            it), or None for a TF evaluator or parameter server; 0 for a lone process.
        source: what told: ``"torch.distributed"``, ``"jax.distributed"``, ``"TF_CONFIG"``,
            ``"RANK"`` or ``"single process"``.
    """

    primary: bool
    rank: int | None
    source: str


def process_role() -> ProcessRole:
    """This process's :class:`ProcessRole` by the rule in the module docstring."""
    for ask in (_torch, _jax, _tf_config, _rank_env):
        role = ask()
        if role is not None:
            return role
    return ProcessRole(True, 0, "single process")


def is_primary_process() -> bool:
    """Whether this process draws the figure and writes the log (see the module docstring).

    Example:
        ```python
        from livecurve import LivePlot
        from livecurve.live.distributed import is_primary_process

        plot = LivePlot(log="run.csv") if is_primary_process() else None
        ```
    """
    return process_role().primary


def process_rank() -> int | None:
    """This process's rank in the job (0 when alone; None for a TF evaluator or ps task)."""
    return process_role().rank


def _torch() -> ProcessRole | None:
    dist: Any = sys.modules.get("torch.distributed")
    if dist is None:
        return None
    try:
        if not (dist.is_available() and dist.is_initialized()):
            return None
        rank = int(dist.get_rank())
    except Exception:  # a half-torn-down process group: fall through to the other rules
        return None
    return ProcessRole(rank == 0, rank, "torch.distributed")


def _jax() -> ProcessRole | None:
    jax: Any = sys.modules.get("jax")
    if jax is None:
        return None
    try:
        started = jax.distributed.is_initialized()
        if not started:
            from jax._src import xla_bridge  # asked only: never starts a backend

            # Backends already up and spanning several processes (a multi-host TPU slice).
            started = xla_bridge.backends_are_initialized() and jax.process_count() > 1
        if not started:
            return None
        index = int(jax.process_index())
    except Exception:
        return None
    return ProcessRole(index == 0, index, "jax.distributed")


def _tf_config() -> ProcessRole | None:
    text = os.environ.get("TF_CONFIG", "").strip()
    if not text:
        return None
    try:
        config = json.loads(text)
    except ValueError as exc:
        raise ValueError(
            f"livecurve: TF_CONFIG is not JSON ({exc}): {text[:200]!r}; it should look like "
            '{"cluster": {"chief": [...], "worker": [...]}, "task": {"type": "worker", "index": 0}}'
        ) from None
    task = config.get("task") if isinstance(config, dict) else None
    if not isinstance(task, dict) or not task.get("type"):
        return None
    kind = str(task["type"]).lower()
    index = int(task.get("index", 0) or 0)
    cluster = config.get("cluster") or {}
    has_chief = bool(cluster.get("chief") or cluster.get("master"))
    if kind in ("chief", "master"):
        return ProcessRole(True, 0, "TF_CONFIG")
    if kind == "worker":
        rank = index + 1 if has_chief else index
        return ProcessRole(rank == 0, rank, "TF_CONFIG")
    return ProcessRole(False, None, "TF_CONFIG")  # evaluator, ps: never primary


def _rank_env() -> ProcessRole | None:
    text = os.environ.get("RANK", "").strip()
    if not text:
        return None
    try:
        rank = int(text)
    except ValueError:
        return None  # not a launcher's rank (some other tool's RANK): ignore it
    return ProcessRole(rank == 0, rank, "RANK")
