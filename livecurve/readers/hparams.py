"""The hyperparameters TensorBoard's hparams plugin stores with a run.

``hp.hparams({...})`` (``tensorboard.plugins.hparams.api``), KerasTuner's TensorBoard logging and
Lightning's ``log_hyperparams`` write a summary tagged ``_hparams_/session_start_info`` whose
plugin metadata content is a serialized ``HParamsPluginData``; its ``session_start_info.hparams``
maps each name to a ``google.protobuf.Value`` (a number, a string or a bool; a whole number
becomes an ``int``). A protobuf map keeps no order: names are sorted. They become
:attr:`Run.params <livecurve.model.run.Run.params>` and the run's label, as KerasTuner trials
get theirs (``units=32, learning_rate=0.01``). The ``experiment`` (the search space) and
``session_end_info`` summaries are not read.

Example:
    >>> label({"units": 32, "learning_rate": 0.01, "optimizer": "adam"})
    'units=32, learning_rate=0.01, optimizer=adam'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def session_params(content: bytes) -> dict[str, Any] | None:
    """The hyperparameter values in an hparams plugin content, or None when it has none."""
    from tensorboard.plugins.hparams import plugin_data_pb2

    data = plugin_data_pb2.HParamsPluginData()
    try:
        data.ParseFromString(content)
    except Exception:
        return None
    if not data.HasField("session_start_info"):
        return None
    params: dict[str, Any] = {}
    for name, value in sorted(data.session_start_info.hparams.items()):
        kind = value.WhichOneof("kind")
        if kind == "number_value":
            number = value.number_value
            params[name] = int(number) if number.is_integer() and abs(number) < 2**53 else number
        elif kind == "string_value":
            params[name] = value.string_value
        elif kind == "bool_value":
            params[name] = value.bool_value
    return params


def label(params: Mapping[str, Any]) -> str:
    """``"units=32, learning_rate=0.01"``: the values as a run label (KerasTuner's form)."""
    return ", ".join(
        f"{name}={value:.4g}" if isinstance(value, float) else f"{name}={value}"
        for name, value in params.items()
    )
