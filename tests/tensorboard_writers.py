"""Real TensorBoard writers for the tests: each function writes a logdir as its library does.

Run in a subprocess (``python -m tests.tensorboard_writers ROOT KIND...``) so TensorFlow and
torch are imported there, not in the test process.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def keras_two_fits(root: Path) -> None:
    """``fit()`` twice into one folder, with a learning-rate schedule and ``histogram_freq=1``."""
    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")
    for fit in range(2):
        keras.utils.set_random_seed(fit)
        model = keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)]
        )
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
        callbacks = [
            keras.callbacks.TensorBoard(str(root), histogram_freq=1),
            keras.callbacks.LearningRateScheduler(lambda epoch: 0.1 * 0.9**epoch),
        ]
        model.fit(x, y, epochs=4 + fit, validation_split=0.25, verbose=0, callbacks=callbacks)


def tf_custom_loop(root: Path) -> None:
    """A ``tf.summary`` custom loop: ``train/`` and ``validation/`` writers, a histogram."""
    import numpy as np
    import tensorflow as tf

    train = tf.summary.create_file_writer(str(root / "train"))
    validation = tf.summary.create_file_writer(str(root / "validation"))
    rng = np.random.default_rng(1)
    for step in range(6):
        with train.as_default(step=step):
            tf.summary.scalar("loss", 1.0 / (step + 1))
            tf.summary.scalar("accuracy", step / 10)
            tf.summary.histogram("weights", rng.normal(step * 0.1, 1.0, size=500))
        if step % 2 == 1:
            with validation.as_default(step=step):
                tf.summary.scalar("loss", 1.2 / (step + 1))
    train.close()
    validation.close()


def torch_writer(root: Path) -> None:
    """PyTorch's ``SummaryWriter``: ``add_scalar`` and ``add_histogram`` (v1 histograms)."""
    import numpy as np
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(root))
    rng = np.random.default_rng(2)
    for step in range(0, 50, 5):
        writer.add_scalar("Loss/train", 2.0 / (step + 1), step)
        writer.add_scalar("Loss/test", 2.5 / (step + 1), step)
        writer.add_histogram("fc1.weight", rng.normal(0, 1 + step / 50, size=1000), step)
        writer.add_histogram("fc1.bias", rng.uniform(-1, 1, size=100) * (step + 1), step)
    writer.add_text("notes", "a text summary", 0)
    writer.add_image("sample", np.zeros((3, 4, 4)), 0)
    writer.close()


def hparams_trials(root: Path) -> None:
    """Three trials with ``hp.hparams`` inside ``tf.summary`` writers (TensorBoard's guide)."""
    import tensorflow as tf
    from tensorboard.plugins.hparams import api as hp

    trials = [(16, 0.1, "adam"), (32, 0.01, "sgd"), (64, 0.001, "adam")]
    for number, (units, rate, optimizer) in enumerate(trials):
        with tf.summary.create_file_writer(str(root / f"run-{number}")).as_default():
            hp.hparams({"units": units, "learning_rate": rate, "optimizer": optimizer})
            for step in range(5):
                loss = rate * 10 / (step + 1) + 1 / units
                tf.summary.scalar("loss", loss, step=step)
                tf.summary.scalar("accuracy", 1 - loss, step=step)


WRITERS = {
    "keras": keras_two_fits,
    "tf": tf_custom_loop,
    "torch": torch_writer,
    "hparams": hparams_trials,
}

if __name__ == "__main__":
    base = Path(sys.argv[1])
    for kind in sys.argv[2:]:
        WRITERS[kind](base / kind)
