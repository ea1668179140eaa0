"""Event files byte by byte: the record framing, CRCs, damage, histograms, runs of a logdir."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livecurve import LiveCurveWarning, LogReadError
from livecurve.model.distribution import QUANTILES, Distribution
from livecurve.readers import events, read
from livecurve.readers.eventruns import MAX_DISTRIBUTIONS
from livecurve.readers.events import RecordReader, crc32c_python, frame, masked
from livecurve.readers.histograms import quantiles_v1, quantiles_v2

pytest.importorskip("tensorboard")


def _event(step: int, **values: float) -> bytes:
    from tensorboard.compat.proto import event_pb2, summary_pb2

    summary = summary_pb2.Summary(
        value=[summary_pb2.Summary.Value(tag=t, simple_value=v) for t, v in values.items()]
    )
    return event_pb2.Event(step=step, wall_time=time.time(), summary=summary).SerializeToString()


def _histogram_event(step: int, tag: str, data: np.ndarray) -> bytes:
    from tensorboard.compat.proto import event_pb2, summary_pb2

    counts, edges = np.histogram(data, bins=20)
    histo = summary_pb2.HistogramProto(
        min=data.min(), max=data.max(), num=data.size, bucket_limit=edges[1:], bucket=counts
    )
    summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, histo=histo)])
    return event_pb2.Event(step=step, wall_time=time.time(), summary=summary).SerializeToString()


def _write(path: Path, records: list[bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(frame(r) for r in records))
    return path


def _read(path: Path) -> tuple[list, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        runs = read(path)
    return runs, [str(w.message) for w in caught if issubclass(w.category, LiveCurveWarning)]


def test_crc32c_is_castagnolis_and_masked_as_tensorflow_masks_it() -> None:
    assert crc32c_python(b"123456789") == 0xE3069283  # the check value of CRC-32C
    assert masked(0) == 0xA282EAD8


def test_every_cut_of_a_file_gives_the_whole_records_before_it_and_the_rest_later() -> None:
    data = b"".join(frame(bytes([i]) * i) for i in range(1, 6))
    for cut in range(len(data) + 1):
        reader = RecordReader()
        first = reader.feed(data[:cut])
        assert reader.offset + reader.pending == cut
        assert first + reader.feed(data[cut:]) == [bytes([i]) * i for i in range(1, 6)]
        assert reader.offset == len(data) and reader.damaged == 0


def test_a_data_crc_mismatch_mid_file_skips_that_record_only() -> None:
    good = [frame(b"one"), frame(b"two"), frame(b"three")]
    bad = bytearray(good[1])
    bad[13] ^= 0xFF  # a byte of "two"
    reader = RecordReader(data_crc=crc32c_python)
    assert reader.feed(good[0] + bytes(bad) + good[2]) == [b"one", b"three"]
    assert reader.damaged == 1


def test_a_damaged_length_mid_file_is_skipped_to_the_next_good_record() -> None:
    good = [frame(b"one"), frame(b"two"), frame(b"three")]
    bad = bytearray(good[1])
    bad[0] ^= 0x40  # the length: its CRC no longer matches
    reader = RecordReader()
    assert reader.feed(good[0] + bytes(bad) + good[2]) == [b"one", b"three"]
    assert reader.damaged == 1


@pytest.mark.parametrize("fast_crc", [True, False])
def test_damage_in_the_middle_of_a_file_is_said_once_and_the_rest_is_read(
    tmp_path, monkeypatch, fast_crc
) -> None:
    """With a fast CRC32C a changed value is caught by its CRC; without one, a record that does
    not parse is caught by protobuf (the pure-Python CRC stands in for google-crc32c here)."""
    monkeypatch.setattr(events, "fast_crc32c", lambda: crc32c_python if fast_crc else None)
    records = [frame(_event(step, loss=1 / (step + 1))) for step in range(6)]
    damaged = bytearray(records[2])
    damaged[12] = 0xFF  # the first byte of the Event: no valid protobuf field starts so
    records[2] = bytes(damaged)
    path = tmp_path / "logs" / "events.out.tfevents.1.host"
    path.parent.mkdir()
    path.write_bytes(b"".join(records))
    (run,), messages = _read(tmp_path / "logs")
    assert run["loss"].x.tolist() == [0, 1, 3, 4, 5]
    (line,) = [m for m in messages if "damaged" in m]
    assert "skipped 1 damaged record" in line and path.name in line


def test_a_file_cut_mid_record_reads_what_is_whole_without_a_word(tmp_path) -> None:
    data = b"".join(frame(_event(step, loss=1.0 + step)) for step in range(4))
    for cut in (len(data) - 1, len(data) - 9, len(data) - 20):
        path = tmp_path / f"cut{cut}" / "events.out.tfevents.1.host"
        path.parent.mkdir()
        path.write_bytes(data[:cut])
        (run,), messages = _read(path.parent)
        assert run["loss"].x.tolist() == [0, 1, 2] and messages == []


def test_a_folder_without_event_files_and_an_empty_event_file_are_clear_errors(tmp_path) -> None:
    (tmp_path / "empty_dir").mkdir()
    with pytest.raises(LogReadError, match=r"empty_dir: no TensorBoard event files"):
        read(tmp_path / "empty_dir")
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "events.out.tfevents.1.host").write_bytes(b"")
    with pytest.raises(LogReadError, match=r"logs: its 1 event file hold no scalars"):
        read(tmp_path / "logs")


def test_histogram_buckets_become_quantiles_by_linear_interpolation() -> None:
    # 100 values spread evenly over [0, 1] and 100 over [1, 2]: the percentiles are linear.
    q = quantiles_v2(np.array([[0.0, 1.0, 100], [1.0, 2.0, 100], [2.0, 3.0, 0]]))
    assert q.tolist() == pytest.approx([p / 50 for p in QUANTILES])
    # v1: bucket i spans (limit[i-1], limit[i]]; the first starts at min, the last ends at max.
    q1 = quantiles_v1(0.5, 1.5, [1.0, 1e308], [50, 50])
    assert q1[0] == 0.5 and q1[-1] == 1.5 and q1[4] == pytest.approx(1.0)
    assert np.isnan(quantiles_v2(np.zeros((3, 3)))).all(), "no values: a gap"


def test_append_quantiles_stores_them_and_refuses_a_wrong_count() -> None:
    d = Distribution("kernel")
    d.append_quantiles(2, np.arange(9.0))
    x, q = d.snapshot()
    assert x.tolist() == [2.0] and q[0].tolist() == list(range(9))
    with pytest.raises(ValueError, match="got 3 quantiles, need 9"):
        d.append_quantiles(3, [1, 2, 3])


def test_many_histogram_tags_keep_the_first_ones_and_count_the_rest(tmp_path) -> None:
    data = np.random.default_rng(0).normal(size=100)
    tags = [f"layer{i}/kernel" for i in range(MAX_DISTRIBUTIONS + 3)]
    records = [_event(0, loss=1.0)] + [_histogram_event(0, tag, data) for tag in tags]
    _write(tmp_path / "logs" / "events.out.tfevents.1.host", records)
    (run,), messages = _read(tmp_path / "logs")
    assert run.distributions.names == tags[:MAX_DISTRIBUTIONS]
    (line,) = [m for m in messages if "left out" in m]
    assert "3 histogram values beyond the first 12 tags of a run" in line


def test_catboost_learn_and_test_folders_are_one_run_with_test_as_validation(tmp_path) -> None:
    root = tmp_path / "catboost_info"
    for folder, scale in (("learn", 1.0), ("test", 1.5)):
        records = [_event(s, RMSE=scale / (s + 1)) for s in range(3)]
        _write(root / folder / "events.out.tfevents.1.host", records)
    (run,), _ = _read(root)
    assert run.label == "catboost_info" and run.names == ["RMSE", "val_RMSE"]
    assert run.panels()[0].names == ["RMSE", "val_RMSE"]


def test_a_step_going_back_inside_one_file_starts_a_new_run(tmp_path) -> None:
    steps = [0, 1, 2, 0, 1]
    records = [_event(s, loss=float(i)) for i, s in enumerate(steps)]
    _write(tmp_path / "job" / "events.out.tfevents.1.host", records)
    runs, messages = _read(tmp_path / "job")
    assert [r.label for r in runs] == ["job", "job (run 2)"]
    assert runs[0]["loss"].y.tolist() == [0, 1, 2] and runs[1]["loss"].y.tolist() == [3, 4]
    assert any("restarted into the same folder ('job')" in m for m in messages)


def test_runs_are_every_folder_holding_event_files(tmp_path) -> None:
    for name in ("a", "b/c", "d/train", "d/validation"):
        _write(tmp_path / "logs" / name / "events.out.tfevents.1.host", [_event(1, loss=0.5)])
    runs, _ = _read(tmp_path / "logs")
    assert [r.label for r in runs] == ["logs/a", "logs/b/c", "logs/d"]
    assert runs[2].names == ["loss", "val_loss"]


def _sample_file() -> bytes:
    """A small event file with scalars, a v1 histogram and an hparams summary."""
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.plugins.hparams import plugin_data_pb2

    data = np.random.default_rng(0).normal(size=50)
    records = [event_pb2.Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString()]
    hparams = plugin_data_pb2.HParamsPluginData(version=0)
    hparams.session_start_info.hparams["units"].number_value = 32
    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(
            plugin_name="hparams", content=hparams.SerializeToString()
        )
    )
    value = summary_pb2.Summary.Value(tag="_hparams_/session_start_info", metadata=metadata)
    records.append(event_pb2.Event(summary=summary_pb2.Summary(value=[value])).SerializeToString())
    for step in range(8):
        records.append(_event(step, loss=1 / (step + 1), acc=step / 8))
        records.append(_histogram_event(step, "w", data + step))
    return b"".join(frame(r) for r in records)


SAMPLE = _sample_file()


@settings(max_examples=80, deadline=None, derandomize=True)
@given(
    cut=st.integers(0, len(SAMPLE)),
    flips=st.lists(st.tuples(st.integers(0, len(SAMPLE) - 1), st.integers(1, 255)), max_size=6),
    garbage=st.tuples(st.integers(0, len(SAMPLE)), st.binary(max_size=64)),
)
def test_a_damaged_event_file_gives_runs_or_a_clear_error_quickly(
    tmp_path_factory, cut, flips, garbage
) -> None:
    data = bytearray(SAMPLE[:cut])
    for position, bits in flips:
        if position < len(data):
            data[position] ^= bits
    at, junk = garbage
    data[at:at] = junk
    folder = tmp_path_factory.mktemp("damaged")
    path = folder / "events.out.tfevents.1.host"
    path.write_bytes(bytes(data))
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            runs = read(folder)
        except LogReadError as exc:
            assert str(folder) in str(exc)
        else:
            assert all(len(run) or len(run.distributions) for run in runs)
    assert time.perf_counter() - start < 5
    assert path.read_bytes() == bytes(data), "the file is only read"


def test_several_values_at_one_step_inside_a_file_are_kept_not_restarts(tmp_path) -> None:
    """A tag logged every batch at its epoch's step (add_scalar(tag, v, epoch) in a batch loop)."""
    steps = [0, 0, 0, 1, 1, 1]
    records = [_event(s, loss=float(i)) for i, s in enumerate(steps)]
    _write(tmp_path / "job" / "events.out.tfevents.1.host", records)
    (run,), messages = _read(tmp_path / "job")
    assert run["loss"].x.tolist() == steps and run["loss"].y.tolist() == [0, 1, 2, 3, 4, 5]
    assert not any("restarted" in m for m in messages)


def _tensor_event(step: int, tag: str, value: float, wall_time: float) -> bytes:
    from tensorboard.compat.proto import event_pb2

    event = event_pb2.Event(step=step, wall_time=wall_time)
    item = event.summary.value.add(tag=tag)
    item.tensor.dtype = 1
    item.tensor.tensor_shape.SetInParent()
    item.tensor.tensor_content = np.float32(value).tobytes()
    return event.SerializeToString()


def test_records_read_without_parsing_give_what_parsing_gives(tmp_path) -> None:
    """Records laid out like one seen before skip the protobuf parse: check every step size
    (varints of 1 to 6 bytes), both scalar kinds, a missing wall time, and negative steps."""
    steps = [1, 2, 127, 128, 300, 16383, 16384, 70000, 2**21, 2**35, 2**40 + 3]
    rng = np.random.default_rng(0)
    values = rng.normal(size=(len(steps), 2)).astype(np.float32)
    records = []
    for i, step in enumerate(steps):
        records.append(_event(step, simple=float(values[i, 0])))
        wall = 0.0 if i == 5 else 1e9 + i  # a record without wall_time is parsed
        records.append(_tensor_event(step, "tensor", float(values[i, 1]), wall))
    _write(tmp_path / "a" / "events.out.tfevents.1.host", records)
    (run,), _ = _read(tmp_path / "a")
    assert run["simple"].x.tolist() == steps and run["tensor"].x.tolist() == steps
    assert run["simple"].y.tolist() == values[:, 0].tolist()
    assert run["tensor"].y.tolist() == values[:, 1].tolist()
    negative = [_event(s, loss=float(s)) for s in (1, 2, 3)] + [_event(-5, loss=-5.0)]
    _write(tmp_path / "b" / "events.out.tfevents.1.host", negative)
    runs, _ = _read(tmp_path / "b")
    assert [run["loss"].x.tolist() for run in runs] == [[1, 2, 3], [-5]]


def test_an_installed_fast_crc32c_is_used_and_agrees_with_the_table() -> None:
    google_crc32c = pytest.importorskip("google_crc32c")  # installed with livecurve[tensorboard]
    fast = events.fast_crc32c()
    assert fast is not None
    for data in (b"", b"123456789", bytes(range(256)) * 7):
        assert fast(data) == crc32c_python(data) == google_crc32c.value(data)
