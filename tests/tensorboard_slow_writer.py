"""A training job that writes a TensorBoard run slowly (for the follow tests): one step at a time,
flushed, with a scalar and a v1 histogram per step, as PyTorch's SummaryWriter writes them.

``python -m tests.tensorboard_slow_writer RUN_FOLDER STEPS DELAY``
"""

from __future__ import annotations

import sys
import time

import numpy as np


def loss(step: int) -> float:
    return 1.0 / (step + 1)


def main(folder: str, steps: int, delay: float) -> None:
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    writer = EventFileWriter(folder)
    rng = np.random.default_rng(0)
    for step in range(steps):
        counts, edges = np.histogram(rng.normal(0, 1, 200), bins=10)
        histo = summary_pb2.HistogramProto(
            min=edges[0], max=edges[-1], num=200, bucket_limit=edges[1:], bucket=counts
        )
        values = [
            summary_pb2.Summary.Value(tag="loss", simple_value=loss(step)),
            summary_pb2.Summary.Value(tag="weights", histo=histo),
        ]
        event = event_pb2.Event(step=step, wall_time=time.time())
        event.summary.CopyFrom(summary_pb2.Summary(value=values))
        writer.add_event(event)
        writer.flush()
        time.sleep(delay)
    writer.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
