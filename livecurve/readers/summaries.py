"""What the ``Event`` records of one event file hold, sorted into what livecurve draws.

:class:`EventDecoder` parses records with the protobuf messages ``tensorboard`` ships
(``tensorboard.compat.proto``; importing them does not import TensorFlow) and sorts each summary
value into:

* a **scalar**: a ``simple_value`` (PyTorch, Lightning, TF1) or a one-element numeric tensor
  (``tf.summary.scalar``, Keras);
* a **histogram**: a v1 ``HistogramProto`` or a v2 ``(k, 3)`` tensor of the ``histograms``
  plugin, reduced to quantiles (:mod:`.histograms`);
* **hyperparameters**: the hparams plugin's ``session_start_info`` (:mod:`.hparams`);
* anything else (text, images, audio, graphs, PR curves, other plugins): counted by kind, for
  the one warning that says what was left out.

TF2 writers put a tag's plugin metadata on its first value only: the decoder remembers each
tag's plugin for the rest of the file.
"""

from __future__ import annotations

import importlib
import struct
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .histograms import quantiles_v1, quantiles_v2
from .hparams import session_params

# TensorFlow DataType numbers: numpy dtype of tensor_content, and the repeated field of values.
_DTYPES = {1: "<f4", 2: "<f8", 3: "<i4", 4: "u1", 5: "<i2", 6: "i1", 9: "<i8", 10: "?", 19: "<f2"}
_FIELDS = {1: "float_val", 2: "double_val", 3: "int_val", 9: "int64_val", 19: "half_val"}
_ONE = {
    1: struct.Struct("<f"),
    2: struct.Struct("<d"),
    3: struct.Struct("<i"),
    9: struct.Struct("<q"),
}

_KINDS = {
    "images": "images",
    "image": "images",
    "audio": "audio clips",
    "text": "text summaries",
    "pr_curves": "PR curves",
    "graph": "graphs",
    "graph_keras_model": "Keras model graphs",
    "projector": "embeddings",
    "mesh": "meshes",
    "custom_scalars": "custom scalar layouts",
    "tensor": "other tensors",
    "run_metadata": "run metadata",
    "histograms": "histograms that are not (k, 3) buckets",
    "histograms beyond the first per run": "histogram values beyond the first 12 tags of a run",
}


def kind_name(kind: str) -> str:
    """The plural words for a left-out kind: ``images``, ``text summaries``, ``<plugin> values``."""
    return _KINDS.get(kind, f"{kind} values")


@dataclass
class Decoded:
    """What a batch of records held, in the order written."""

    scalars: list[tuple[str, float, float]] = field(default_factory=list)  # tag, step, value
    histograms: list[tuple[str, float, np.ndarray]] = field(default_factory=list)
    params: dict[str, Any] | None = None
    skipped: Counter[str] = field(default_factory=Counter)  # kind -> values left out
    unreadable: int = 0  # records that are not Event protobufs
    started: float | None = None  # wall time of the first event


class EventDecoder:
    """Parses the records of one event file (keeping each tag's plugin between calls)."""

    def __init__(self) -> None:
        event_pb2 = importlib.import_module("tensorboard.compat.proto.event_pb2")
        self._event = event_pb2.Event()
        self._plugin: dict[str, str] = {}

    def decode(self, records: list[bytes], out: Decoded) -> Decoded:
        event = self._event
        plugin_of = self._plugin
        scalars, skipped = out.scalars, out.skipped
        for record in records:
            try:
                event.ParseFromString(record)
            except Exception:  # damage the CRC could not see (no fast CRC32C installed)
                out.unreadable += 1
                continue
            if out.started is None and event.wall_time:
                out.started = event.wall_time
            if not event.HasField("summary"):
                if event.HasField("graph_def") or event.HasField("meta_graph_def"):
                    skipped["graph"] += 1
                elif event.HasField("tagged_run_metadata"):
                    skipped["run_metadata"] += 1
                continue
            step = float(event.step)
            for value in event.summary.value:
                tag = value.tag
                if value.HasField("metadata"):
                    plugin = value.metadata.plugin_data.plugin_name
                    plugin_of[tag] = plugin
                    if plugin == "hparams":
                        params = session_params(value.metadata.plugin_data.content)
                        if params is not None:
                            out.params = {**(out.params or {}), **params}
                        continue
                else:
                    plugin = plugin_of.get(tag, "")
                kind = value.WhichOneof("value")
                if kind == "simple_value":
                    scalars.append((tag, step, value.simple_value))
                elif kind == "tensor":
                    if plugin == "hparams":
                        continue
                    number = _scalar(value.tensor) if plugin in ("scalars", "") else None
                    if number is not None:
                        scalars.append((tag, step, number))
                    elif plugin == "histograms":
                        array = _array(value.tensor)
                        if array is not None and array.size % 3 == 0:
                            out.histograms.append((tag, step, quantiles_v2(array)))
                        else:
                            skipped["histograms"] += 1
                    else:
                        skipped[plugin or "tensor"] += 1
                elif kind == "histo":
                    histo = value.histo
                    quantiles = quantiles_v1(histo.min, histo.max, histo.bucket_limit, histo.bucket)
                    out.histograms.append((tag, step, quantiles))
                elif kind is not None:
                    skipped["images" if kind == "image" else kind] += 1
        return out


def _scalar(tensor: Any) -> float | None:
    """The number of a one-element numeric tensor, or None (fast paths for the usual layouts)."""
    if tensor.string_val or any(dim.size != 1 for dim in tensor.tensor_shape.dim):
        return None
    content = tensor.tensor_content
    layout = _ONE.get(tensor.dtype)
    if content:
        if layout is not None and len(content) == layout.size:
            return float(layout.unpack(content)[0])
    else:
        name = _FIELDS.get(tensor.dtype)
        if name is not None:
            values = getattr(tensor, name)
            if len(values) == 1:
                if tensor.dtype == 19:  # half floats are stored as their bit patterns
                    return float(np.array(values[0], dtype=np.uint16).view(np.float16))
                return float(values[0])
    array = _array(tensor)
    return float(array.reshape(-1)[0]) if array is not None and array.size == 1 else None


def _array(tensor: Any) -> np.ndarray | None:
    """A numeric tensor as a float64 numpy array, or None for other dtypes."""
    dtype = _DTYPES.get(tensor.dtype)
    if dtype is None:
        return None
    shape = [dim.size for dim in tensor.tensor_shape.dim]
    if tensor.tensor_content:
        array = np.frombuffer(tensor.tensor_content, dtype=dtype)
    else:
        name = _FIELDS.get(tensor.dtype)
        if name is None:
            return None
        array = np.asarray(getattr(tensor, name), dtype=np.float64)
        if tensor.dtype == 19:
            array = array.astype(np.uint16).view(np.float16)
        count = int(np.prod(shape)) if shape else 1
        if array.size == 1 and count > 1:  # a constant tensor stores its value once
            array = np.full(count, array[0])
    try:
        return array.astype(np.float64).reshape(shape)
    except ValueError:
        return None
