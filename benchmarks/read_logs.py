"""How fast does livecurve read logs? Ratios against a plain reader, measured in the same run.

* A CSVLogger file, against ``pandas.read_csv``. livecurve's reader does more than pandas
  (sniffing, torn rows, appended runs, per-column sparse series), so the ratio says what that care
  costs. Files of 1k to 100k epochs with 8 metric columns. Target (issue 18): <= 2 at 100k.
* A PyTorch Lightning ``metrics.csv`` (``CSVLogger``): step rows (``train_loss_step``,
  ``train_acc_step``) with sparse epoch rows (``train_loss_epoch``) and validation rows
  (``val_loss``, ``val_acc``), 2k to 200k rows, against ``pandas.read_csv``. Target: <= 2 at 200k.
* The careful path alone (``read_table`` + ``to_runs``, what every file went through before the
  fast path) on the same files, for the record.
* A TensorBoard event file of scalar tensors as ``tf.summary.scalar`` writes them (2 tags per
  step, 1k to 100k steps), against iterating the events with tensorboard's own
  ``EventFileLoader`` (which livecurve uses): the ratio is what turning events into runs adds.

The files are written to a temporary folder. load() and pandas.read_csv are timed in turns, 15
pairs: the ratio of the best times, and the median of the pairs' ratios (steadier on a busy
machine); elsewhere the best of 3 reads is compared.
Run: ``.venv/bin/python benchmarks/read_logs.py [--quick] [--tables]``.
"""

from __future__ import annotations

import sys
import tempfile
import timeit
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from livecurve import load
from livecurve.readers import read

METRICS = ["loss", "accuracy", "auc", "precision", "val_loss", "val_accuracy", "val_auc", "lr"]


def write_log(path: Path, rows: int) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.random((rows, len(METRICS))), columns=METRICS)
    frame.insert(0, "epoch", np.arange(rows))
    frame.to_csv(path, index=False)


def write_lightning(path: Path, rows: int, steps_per_epoch: int = 100) -> None:
    """A Lightning ``metrics.csv``: a step row every 50 steps; at each epoch's end a validation
    row and an epoch row at the epoch's last step."""
    rng = np.random.default_rng(0)
    lines = ["epoch,step,train_loss_step,train_acc_step,val_loss,val_acc,train_loss_epoch"]
    step = 0
    while len(lines) <= rows:
        step += 49
        epoch = step // (steps_per_epoch * 50)
        a, b = (float(v) for v in rng.random(2))
        lines.append(f"{epoch},{step},{a!r},{b!r},,,")
        step += 1
        if step % (steps_per_epoch * 50) == 0:
            c, d, e = (float(v) for v in rng.random(3))
            lines.append(f"{epoch},{step - 1},,,{c!r},{d!r},")
            lines.append(f"{epoch},{step - 1},,,,,{e!r}")
    path.write_text("\n".join(lines[: rows + 1]) + "\n")


def careful(path: Path) -> list:  # type: ignore[type-arg]
    """The careful path alone (every file went through it before the fast path)."""
    from livecurve.readers.delimited import read_table
    from livecurve.readers.runs import to_runs

    return to_runs(read_table(path.read_text(), str(path)), path.stem)


def write_events(folder: Path, steps: int) -> Path:
    """An event file of float32 scalar tensors (packed bytes, as tf.summary.scalar writes)."""
    from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    folder.mkdir()
    writer = EventFileWriter(str(folder))
    metadata = summary_pb2.SummaryMetadata(
        plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars")
    )
    values = np.random.default_rng(0).random((steps, 2), dtype=np.float32)
    for step in range(steps):
        summary = summary_pb2.Summary(
            value=[
                summary_pb2.Summary.Value(
                    tag=tag,
                    metadata=metadata,
                    tensor=tensor_pb2.TensorProto(
                        dtype=1, tensor_content=values[step, i].tobytes()
                    ),
                )
                for i, tag in enumerate(("loss", "accuracy"))
            ]
        )
        writer.add_event(event_pb2.Event(step=step, wall_time=1.0 + step, summary=summary))
    writer.close()
    return folder


def iterate_events(folder: Path) -> int:
    """What tensorboard's loader alone does: every event of every file, nothing kept."""
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

    return sum(1 for f in folder.iterdir() for _ in EventFileLoader(str(f)).Load())


def best_of(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def ratios_in_turns(ours, baseline, repeat: int = 15) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Our time over the baseline's, measured in turns (a busy machine slows both alike).

    Returns ``(best, median)``: the best time of each, divided; and the median of the ratios of
    the pairs measured one right after the other (robust where other processes come and go).
    """
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        times[0].append(timeit.timeit(ours, number=1))
        times[1].append(timeit.timeit(baseline, number=1))
    pairs = sorted(a / b for a, b in zip(*times))
    return min(times[0]) / min(times[1]), pairs[len(pairs) // 2]


def main(quick: bool = False, tables_only: bool = False) -> None:
    """Print the table; ``quick`` (``--quick``, for CI) leaves out the largest size;
    ``tables_only`` (``--tables``) the TensorBoard files."""
    print(
        "   file              rows   load/pandas.read_csv (best, median of pairs)   "
        "careful path/pandas.read_csv"
    )
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases = [("CSVLogger", write_log, n) for n in (1_000, 10_000, 100_000)]
        cases += [("Lightning", write_lightning, n) for n in (2_000, 20_000, 200_000)]
        for kind, write, rows in cases:
            if quick and rows > 20_000:
                continue
            path = Path(folder) / f"{kind}{rows}.csv"
            write(path, rows)
            runs = load(path)
            assert len(runs) == 1 and len(runs[0].names) >= 4
            best, median = ratios_in_turns(
                lambda path=path: load(path), lambda path=path: pd.read_csv(path)
            )
            slow = best_of(lambda path=path: careful(path), repeat=1)
            baseline = best_of(lambda path=path: pd.read_csv(path))
            print(f"   {kind:<10} {rows:>10,} {best:16.2f} {median:8.2f} {slow / baseline:30.2f}")
        if tables_only:
            return
        print("  steps   livecurve.read / tensorboard EventFileLoader time ratio (2 tags a step)")
        for steps in (1_000, 10_000) if quick else (1_000, 10_000, 100_000):
            events = write_events(Path(folder) / f"tb{steps}", steps)
            (run,) = read(events)
            assert len(run["loss"]) == steps and iterate_events(events) == steps + 1
            ours = best_of(lambda events=events: read(events))
            ratio = ours / best_of(lambda events=events: iterate_events(events))
            print(f"{steps:>7,} {ratio:12.2f}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:], tables_only="--tables" in sys.argv[1:])
