"""The browser's copy of the steps stays right in a real ``fit()`` whose batches are moved.

A generator without a known length: Keras's batches are placed by a guessed count, redrawn (sent
to the browser's store) mid-epoch, and moved to their exact places when the epoch ends; the store
sends the moved rows again, so the browser ends with the table's x, in order.
"""

from __future__ import annotations

import math
import os

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from livecurve import LiveCurve  # noqa: E402

from .test_steps_store import Recorder, _held  # noqa: E402

pytestmark = [pytest.mark.keras]

N, BATCH = 200, 8
STEPS = math.ceil(N / BATCH)


def test_batches_moved_at_the_epoch_end_reach_the_browser_at_their_exact_places() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")

    def batches():  # type: ignore[no-untyped-def]
        while True:
            for start in range(0, N, BATCH):
                yield x[start : start + BATCH], y[start : start + BATCH]

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=keras.losses.BinaryCrossentropy(from_logits=True))
    curve = LiveCurve(display=False, per_batch=True)
    curve.batches.budget = 1e9  # every batch read
    curve.set_params = lambda params: LiveCurve.set_params(curve, {**params, "steps": None})
    recorder = Recorder(curve.plot.view.steps_store)

    class Redraw(keras.callbacks.Callback):  # a redraw after every batch, as a busy page sees
        def on_train_batch_end(self, batch, logs=None):  # type: ignore[no-untyped-def]
            curve.plot.view.refresh()

    model.fit(batches(), steps_per_epoch=STEPS, epochs=3, verbose=0, callbacks=[curve, Redraw()])
    curve.plot.view.refresh()
    messages = recorder.take()
    assert any(c["event"] == "truncate" for c, _ in messages)  # rows were moved after sending
    held = _held(messages)
    table_x, _ = curve.run.steps.rows(0, [])
    np.testing.assert_array_equal(held[0][0], table_x)
    assert np.all(np.diff(held[0][0]) > 0)
    np.testing.assert_allclose(
        held[0][0], [e + k / STEPS for e in range(3) for k in range(1, STEPS + 1)]
    )
