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

Speed: most records of a training log are one float32 scalar each, and a tag's records differ
only in the wall time, the step and the 4 bytes of the value. Once such a record was parsed and
its layout checked (:meth:`EventDecoder._learn`), later records with the same bytes after the
step are read without a protobuf parse: the step from its varint, the value from the last 4
bytes (decoded with numpy for all steps at once).
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

_FLOAT32 = struct.Struct("<f")
_NEGATIVE = 1 << 63  # a varint step this large is a negative int64
_MAX_TEMPLATES = 4096  # record layouts remembered per file (tags x value kinds)
_MAX_VALUES = 1 << 24  # a tensor larger than this is not a summary livecurve draws

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


class _Packed:
    """The steps and raw float32 bytes of one tag's scalar tensors, decoded all at once."""

    def __init__(self) -> None:
        self.steps: list[int] = []
        self.raw: list[bytes] = []
        self.add_step = self.steps.append
        self.add_bytes = self.raw.append

    def values(self) -> np.ndarray:
        return np.frombuffer(b"".join(self.raw), dtype="<f4").astype(np.float64)

    def flat(self) -> list[float]:
        """``[step, value, step, value, ...]``, as :attr:`Decoded.scalars` holds them."""
        pairs = np.empty((len(self.steps), 2))
        pairs[:, 0], pairs[:, 1] = self.steps, self.values()
        return pairs.reshape(-1).tolist()


@dataclass
class Decoded:
    """What a batch of records held: each tag's points in the order written."""

    scalars: dict[str, list[float]] = field(default_factory=dict)  # tag -> [step, value, ...]
    packed: dict[str, _Packed] = field(default_factory=dict)  # float32 tensors: tag -> raw
    histograms: list[tuple[str, float, np.ndarray]] = field(default_factory=list)
    params: dict[str, Any] | None = None
    skipped: Counter[str] = field(default_factory=Counter)  # kind -> values left out
    unreadable: int = 0  # records that are not Event protobufs


class EventDecoder:
    """Parses the records of one event file (keeping each tag's plugin between calls)."""

    def __init__(self) -> None:
        event_pb2 = importlib.import_module("tensorboard.compat.proto.event_pb2")
        self._event = event_pb2.Event()
        self._plugin: dict[str, str] = {}
        self._fast: set[str] = set()  # tags whose values were float32 scalar tensors
        self._templates: dict[bytes, str] = {}  # record bytes after the step, less the value

    def decode(self, records: list[bytes], out: Decoded) -> Decoded:
        """Sort the values of ``records`` into ``out`` (the hot loop of reading a logdir).

        A float32 scalar tensor (``tf.summary.scalar``, Keras) keeps its 4 bytes, decoded later
        for all steps at once (:attr:`Decoded.packed`); other scalars go to
        :attr:`Decoded.scalars`. A tag is in one of the two.
        """
        event = self._event
        plugin_of = self._plugin
        scalars, packed = out.scalars, out.packed
        fast = self._fast
        templates = self._templates
        for record in records:
            # The usual record: wall_time, step, then a summary of one float32 scalar whose
            # bytes (all but the last 4, the value) match a record parsed before: no parse.
            if record[0] == 9 and len(record) > 15 and record[9] == 16:
                step, start = _varint(record, 10)
                tag = templates.get(record[start:-4])
                if tag is not None and step < _NEGATIVE:
                    entry = packed.get(tag)
                    if entry is None and tag not in scalars:
                        entry = packed[tag] = _Packed()
                    if entry is not None:
                        entry.add_step(step)
                        entry.add_bytes(record[-4:])
                        continue
            try:
                event.ParseFromString(record)
            except Exception:  # damage the CRC could not see (no fast CRC32C installed)
                out.unreadable += 1
                continue
            values = event.summary.value
            if not values:
                self._other(event, out)
                continue
            step = event.step
            if len(values) == 1 and len(templates) < _MAX_TEMPLATES:
                self._learn(record, step, values[0])
            for value in values:
                tag = value.tag
                if tag in fast:  # a float32 scalar tensor before
                    content = value.tensor.tensor_content
                    if len(content) == 4:
                        entry = packed.get(tag)
                        if entry is None and tag not in scalars:
                            entry = packed[tag] = _Packed()
                        if entry is not None:
                            entry.add_step(step)
                            entry.add_bytes(content)
                            continue
                if value.HasField("metadata"):
                    plugin = self._metadata(tag, value.metadata, out)
                else:
                    plugin = plugin_of.get(tag, "")
                kind = value.WhichOneof("value")
                if kind == "tensor" and (plugin == "scalars" or not plugin):
                    tensor = value.tensor
                    content = tensor.tensor_content
                    if len(content) == 4 and tensor.dtype == 1:
                        fast.add(tag)
                        if tag not in scalars:
                            entry = packed.get(tag) or packed.setdefault(tag, _Packed())
                            entry.add_step(step)
                            entry.add_bytes(content)
                            continue
                    number = _scalar(tensor)
                    if number is None:
                        out.skipped[plugin or "tensor"] += 1
                        continue
                elif kind == "simple_value":
                    number = value.simple_value
                    if tag not in scalars:  # float32 too: kept as its bytes, as tensors are
                        entry = packed.get(tag) or packed.setdefault(tag, _Packed())
                        entry.add_step(step)
                        entry.add_bytes(_FLOAT32.pack(number))
                        continue
                else:
                    self._not_scalar(tag, step, value, kind, plugin, out)
                    continue
                points = scalars.get(tag)
                if points is None:
                    points = scalars[tag] = packed.pop(tag).flat() if tag in packed else []
                points.extend((step, number))
        return out

    def _learn(self, record: bytes, step: int, value: Any) -> None:
        """Remember the layout of a one-scalar record whose last 4 bytes are its float32 value.

        Only a record that is wall_time, step, then the summary (fields in number order, as
        every writer serializes them) qualifies, and only when its value is a float32 scalar
        tensor (its ``tensor_content``: field 4, 4 bytes) or a ``simple_value`` (field 2 of the
        value), without metadata. Another record with the same bytes but the time, the step
        and those 4 is the same summary with another value.
        """
        if value.HasField("metadata") or record[0] != 9 or record[9] != 16 or step <= 0:
            return
        tag = value.tag
        kind = value.WhichOneof("value")
        if kind == "simple_value":
            ok = record[-5] == 0x15 and record[-4:] == _FLOAT32.pack(value.simple_value)
        elif kind == "tensor" and tag in self._fast:
            content = value.tensor.tensor_content
            ok = record[-6:-4] == b"\x22\x04" and record[-4:] == content and len(content) == 4
        else:
            ok = False
        if ok:
            _, start = _varint(record, 10)
            if start < len(record) - 4 and _varint(record, 10)[0] == step:
                self._templates[record[start:-4]] = tag

    def _metadata(self, tag: str, metadata: Any, out: Decoded) -> str:
        """Remember the tag's plugin; read hyperparameters from the hparams plugin's."""
        plugin = str(metadata.plugin_data.plugin_name)
        self._plugin[tag] = plugin
        if plugin == "hparams":
            params = session_params(metadata.plugin_data.content)
            if params is not None:
                out.params = {**(out.params or {}), **params}
        return plugin

    @staticmethod
    def _other(event: Any, out: Decoded) -> None:
        """An event without summary values: a graph, run metadata, the file version, a log."""
        if event.HasField("graph_def") or event.HasField("meta_graph_def"):
            out.skipped["graph"] += 1
        elif event.HasField("tagged_run_metadata"):
            out.skipped["run_metadata"] += 1

    @staticmethod
    def _not_scalar(
        tag: str, step: float, value: Any, kind: str | None, plugin: str, out: Decoded
    ) -> None:
        """A histogram becomes quantiles; anything else is counted as left out."""
        if plugin == "hparams":
            return
        if kind == "histo":
            histo = value.histo
            quantiles = quantiles_v1(histo.min, histo.max, histo.bucket_limit, histo.bucket)
            out.histograms.append((tag, step, quantiles))
        elif kind == "tensor" and plugin == "histograms":
            array = _array(value.tensor)
            if array is not None and array.size % 3 == 0:
                out.histograms.append((tag, step, quantiles_v2(array)))
            else:
                out.skipped["histograms"] += 1
        elif kind == "tensor":
            out.skipped[plugin or "tensor"] += 1
        elif kind is not None:
            out.skipped["images" if kind == "image" else kind] += 1


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    """The unsigned varint at ``pos`` and the position after it."""
    result = shift = 0
    while pos < len(data):
        byte = data[pos]
        result |= (byte & 0x7F) << shift
        pos += 1
        if byte < 0x80:
            return result, pos
        shift += 7
    return result, pos


def _scalar(tensor: Any) -> float | None:
    """The number of a one-element numeric tensor, or None (fast paths for the usual layouts)."""
    content = tensor.tensor_content
    if not content and (tensor.string_val or any(d.size != 1 for d in tensor.tensor_shape.dim)):
        return None
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
        count = int(np.prod(shape, dtype=np.float64)) if shape else 1
        if count > _MAX_VALUES or min(shape, default=1) < 0:
            return None  # a damaged shape: not worth a gigabyte of memory
        if array.size == 1 and count > 1:  # a constant tensor stores its value once
            array = np.full(count, array[0])
    try:
        return array.astype(np.float64).reshape(shape)
    except ValueError:
        return None
