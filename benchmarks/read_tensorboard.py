"""How fast does livecurve read TensorBoard event files? Ratios measured in the same run.

Three readers of the same files, each in a fresh Python process (imports included, as a user
who runs ``livecurve plot logs/`` pays them; the time after the imports is printed too: for
tensorboard it still includes importing TensorFlow, which its loader does on first use), best of
``--repeat`` runs:

* ``tensorboard``: a loop over tensorboard's own ``EventFileLoader`` (TensorFlow imported when
  installed, as it is for TensorBoard users), touching every summary value;
* ``plain loop``: read each file, walk the record framing with ``struct``, ``Event.ParseFromString``
  per record, touch every value; no CRC check, no runs built: the floor for a Python reader;
* ``livecurve``: ``livecurve.load(path)``: runs, names, restarts, histograms, CRC checks.

Cases: one file as ``tf.summary`` writes it (2 scalar tensors a step and 100 histograms of 30
buckets), and a logdir of 50 runs × 10 tags × 10^4 steps (5·10^6 scalar tensors).
Targets (issues 18/19): livecurve ≤ 0.25× tensorboard, ≤ 1.5× the plain loop. A fresh process
pays ``import livecurve`` (numpy, the package) where the plain loop imports one protobuf module:
on a file read in about a second that fixed cost is most of the difference.

Then ``livecurve plot`` of a small TensorBoard folder (Keras's train/validation layout, 100 epochs
of 4 metrics) against a CSV of the same values (target ≤ 1.5×). Last, following a quiet logdir
of 50 runs (``show("logs/", follow=True)`` with nothing being written): CPU time per poll and as
a share of one core (target ≤ 1 %).
Run: ``.venv/bin/python benchmarks/read_tensorboard.py [--quick] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import os
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

READERS = {
    "tensorboard": """
import os, sys, time
from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
start = time.perf_counter()
n = 0
for folder, _, files in sorted(os.walk(sys.argv[1])):
    for name in sorted(files):
        for event in EventFileLoader(os.path.join(folder, name)).Load():
            for value in event.summary.value:
                n += 1
print(n, time.perf_counter() - start)
""",
    "plain loop": """
import os, struct, sys, time
from tensorboard.compat.proto import event_pb2
header = struct.Struct("<QI")
start = time.perf_counter()
n = 0
event = event_pb2.Event()
for folder, _, files in sorted(os.walk(sys.argv[1])):
    for name in sorted(files):
        with open(os.path.join(folder, name), "rb") as file:
            data = file.read()
        pos = 0
        while pos + 12 <= len(data):
            length = header.unpack_from(data, pos)[0]
            event.ParseFromString(data[pos + 12 : pos + 12 + length])
            pos += 16 + length
            for value in event.summary.value:
                n += 1
print(n, time.perf_counter() - start)
""",
    "livecurve": """
import sys, time, warnings
warnings.simplefilter("ignore")
import livecurve
from livecurve.readers import tensorboard
start = time.perf_counter()
runs = livecurve.load(sys.argv[1])
print(sum(len(r[n]) for r in runs for n in r.names), time.perf_counter() - start)
""",
}


# -- writing event files fast: protobufs serialized, CRC32C of many records at once in numpy --
def _crc_table() -> np.ndarray:
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0x82F63B78), table >> 1)
    return table.astype(np.uint32)


_TABLE = _crc_table()


def _masked(crc: np.ndarray) -> np.ndarray:
    crc = crc.astype(np.uint64)
    rotated = ((crc >> 15) | (crc << 17)) & 0xFFFFFFFF
    return ((rotated + 0xA282EAD8) & 0xFFFFFFFF).astype(np.uint32)


def _crcs(rows: np.ndarray) -> np.ndarray:
    """Masked CRC32C of each row of a ``(n, length)`` uint8 array."""
    crc = np.full(rows.shape[0], 0xFFFFFFFF, dtype=np.uint32)
    for j in range(rows.shape[1]):
        crc = _TABLE[(crc ^ rows[:, j]) & 0xFF] ^ (crc >> 8)
    return _masked(crc ^ np.uint32(0xFFFFFFFF))


def write_file(path: Path, records: list[bytes]) -> None:
    """Frame ``records`` as TensorFlow's record writer does, CRCs included."""
    by_length: dict[int, list[int]] = {}
    for i, record in enumerate(records):
        by_length.setdefault(len(record), []).append(i)
    data_crc = np.zeros(len(records), dtype=np.uint32)
    header_crc: dict[int, int] = {}
    for length, indices in by_length.items():
        rows = np.frombuffer(b"".join(records[i] for i in indices), np.uint8)
        data_crc[indices] = _crcs(rows.reshape(len(indices), length))
        header = np.frombuffer(struct.pack("<Q", length), np.uint8).reshape(1, 8)
        header_crc[length] = int(_crcs(header)[0])
    parts = []
    for record, crc in zip(records, data_crc.tolist()):
        parts.append(struct.pack("<QI", len(record), header_crc[len(record)]))
        parts.append(record)
        parts.append(struct.pack("<I", crc))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(parts))


def _events(tags: list[str], steps: int, histograms: int = 0) -> list[bytes]:
    """Records as tf.summary writes them: one event per value, metadata on a tag's first."""
    from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2

    rng = np.random.default_rng(0)
    values = rng.random((steps, len(tags)), dtype=np.float32)
    records = [event_pb2.Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString()]
    event = event_pb2.Event(wall_time=1.5)
    value = event.summary.value.add()
    value.tensor.dtype = 1
    value.tensor.tensor_shape.SetInParent()
    every = max(steps // histograms, 1) if histograms else 0
    histogram = _histogram_event()
    for step in range(steps):
        event.step = step
        event.wall_time = 2.0 + step
        for i, tag in enumerate(tags):
            value.tag = tag
            if step == 0:
                value.metadata.plugin_data.plugin_name = "scalars"
            else:
                value.ClearField("metadata")
            value.tensor.tensor_content = values[step, i].tobytes()
            records.append(event.SerializeToString())
        if every and step % every == 0:
            histogram.step = step
            records.append(histogram.SerializeToString())
    del summary_pb2, tensor_pb2
    return records


def _histogram_event():  # type: ignore[no-untyped-def]
    from tensorboard.compat.proto import event_pb2

    edges = np.linspace(-3, 3, 31)
    buckets = np.stack([edges[:-1], edges[1:], np.arange(30.0)], axis=1)
    event = event_pb2.Event(wall_time=2.0)
    value = event.summary.value.add(tag="dense/kernel")
    value.metadata.plugin_data.plugin_name = "histograms"
    value.tensor.dtype = 2
    for size in buckets.shape:
        value.tensor.tensor_shape.dim.add(size=size)
    value.tensor.tensor_content = buckets.tobytes()
    return event


def one_file(root: Path, steps: int) -> Path:
    folder = root / "one_file"
    write_file(folder / "events.out.tfevents.1.host", _events(["loss", "accuracy"], steps, 100))
    return folder


def logdir(root: Path, runs: int, tags: int, steps: int) -> Path:
    folder = root / "logdir"
    records = _events([f"metric_{i}" for i in range(tags)], steps)
    for run in range(runs):
        write_file(folder / f"run_{run:02d}" / f"events.out.tfevents.{run}.host", records)
    return folder


def timed(reader: str, path: Path) -> tuple[float, float, str]:
    """(seconds of the whole fresh process, seconds after its imports, values read)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", READERS[reader], str(path)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{reader} failed:\n{done.stderr[-2000:]}")
    values, reading = done.stdout.split()
    return elapsed, float(reading), values


def follow_idle(root: Path, runs: int, seconds: float, interval: float = 0.5) -> None:
    """CPU time of following a logdir where nothing changes, as a share of one core."""
    from livecurve.live.follow_logdir import LogdirFollower
    from livecurve.live.plot import LivePlot

    path = logdir(root / "idle", runs, 10, 10)
    follower = LogdirFollower(path, LivePlot(), interval=interval)
    follower.poll()  # the first read
    polls, wall, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - wall < seconds:
        follower.poll()
        polls += 1
        time.sleep(interval)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"\nfollowing a quiet logdir of {runs} runs, a poll every {interval} s, {polls} polls:")
    print(f"  {cpu / polls * 1e3:.2f} ms CPU a poll; ratio CPU / wall: {cpu / wall:.4f} "
          "(target <= 0.01: 1 % of one core)")  # fmt: skip


def plot_vs_csv(root: Path, epochs: int = 100, repeat: int = 3) -> None:
    """``livecurve plot`` of a small Keras-style TensorBoard folder against a CSV of its values."""
    from tensorboard.compat.proto import event_pb2

    rng = np.random.default_rng(0)
    values = rng.random((epochs, 4), dtype=np.float32)
    names = ["loss", "accuracy", "val_loss", "val_accuracy"]
    folder = root / "plot_tb"
    for split, columns in (("train", (0, 1)), ("validation", (2, 3))):
        records = [event_pb2.Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString()]
        for epoch in range(epochs):
            for j in columns:
                event = event_pb2.Event(wall_time=2.0 + epoch, step=epoch)
                value = event.summary.value.add(tag="epoch_" + names[j].removeprefix("val_"))
                value.metadata.plugin_data.plugin_name = "scalars"
                value.tensor.dtype = 1
                value.tensor.tensor_content = values[epoch, j].tobytes()
                records.append(event.SerializeToString())
        write_file(folder / split / "events.out.tfevents.1.host", records)
    csv = root / "plot.csv"
    rows = ["epoch," + ",".join(names)]
    rows += [f"{e}," + ",".join(repr(float(v)) for v in values[e]) for e in range(epochs)]
    csv.write_text("\n".join(rows) + "\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    best = {}
    for name, source in (("TensorBoard folder", folder), ("CSV", csv)):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "livecurve.cli", "plot", str(source), "-o",
                 str(root / "plot.png")],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
            times.append(time.perf_counter() - start)
        best[name] = min(times)
        print(f"  livecurve plot, {name:18s} {best[name]:6.2f} s")
    ratio = best["TensorBoard folder"] / best["CSV"]
    print(f"  ratio TensorBoard folder / CSV: {ratio:.3f} (target <= 1.5)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small files (a smoke test)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per reader (best is kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.quick:
            cases = {
                "one file, 10^3 steps": one_file(root, 1000),
                "logdir 3 runs x 10 tags x 10^3 steps": logdir(root, 3, 10, 1000),
            }
        else:
            cases = {
                "one file, 10^5 steps x 2 scalars + 100 histograms": one_file(root, 100_000),
                "logdir 50 runs x 10 tags x 10^4 steps": logdir(root, 50, 10, 10_000),
            }
        for case, path in cases.items():
            size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
            print(f"\n{case} ({size / 1e6:.1f} MB)")
            best: dict[str, float] = {}
            reading: dict[str, float] = {}
            for reader in READERS:
                times = [timed(reader, path) for _ in range(args.repeat)]
                best[reader] = min(t for t, _, _ in times)
                reading[reader] = min(r for _, r, _ in times)
                print(
                    f"  {reader:12s} {best[reader]:7.2f} s, {reading[reader]:7.2f} s after its "
                    f"imports  ({times[0][2]} values)"
                )
            for what, seconds in (("fresh process", best), ("after imports", reading)):
                ours = seconds["livecurve"]
                tb, plain = ours / seconds["tensorboard"], ours / seconds["plain loop"]
                print(f"  ratio livecurve / tensorboard, {what}: {tb:.3f} (target <= 0.25)")
                print(f"  ratio livecurve / plain loop,  {what}: {plain:.3f} (target <= 1.5)")
        print(f"\nlivecurve plot of {100} epochs x 4 metrics, fresh process, best of 3:")
        plot_vs_csv(root)
        follow_idle(root, 5 if args.quick else 50, 3 if args.quick else 20)


if __name__ == "__main__":
    main()
