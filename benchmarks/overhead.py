"""How much does LiveCurve slow down ``fit()``? Prints ratios against a baseline in the same run.

Each round trains the same small model with no callback (baseline), with ``LiveCurve`` recording
only (no frontend: a plain process), and with ``LiveCurve`` driving its widget (the bqplot view is
built and redrawn every epoch). Rounds alternate the variants so drift hits all of them alike;
the ratio of medians is printed. Because whole-``fit()`` ratios on a shared machine carry a few
per cent of noise, it also times livecurve's own hooks inside each ``fit()`` and prints their share
of the ``fit()`` time, which noise cannot fake.
Run: ``.venv/bin/python benchmarks/overhead.py [--epochs 20 --rounds 7]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np

from livecurve import LiveCurve


def build(seed: int = 0) -> keras.Model:
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [keras.Input((64,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)]
    )
    model.compile(
        "adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
    )
    return model


def timed_fit(x, y, epochs: int, callbacks: list) -> float:  # type: ignore[no-untyped-def]
    model = build()
    start = time.perf_counter()
    model.fit(x, y, validation_split=0.2, epochs=epochs, batch_size=256, verbose=0,
              callbacks=callbacks)  # fmt: skip
    return time.perf_counter() - start


HOOKS = ("on_train_begin", "on_epoch_begin", "on_epoch_end", "on_train_end")


def timed_hooks(curve: LiveCurve, spent: list[float]) -> LiveCurve:
    """Wrap the callback's hooks so the time spent inside them is added to ``spent[0]``."""
    for hook in HOOKS:
        original = getattr(curve, hook)

        def wrapper(*args, _original=original, **kwargs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start

        setattr(curve, hook, wrapper)
    return curve


def with_widget() -> LiveCurve:
    curve = LiveCurve(display=False)
    _ = curve.plot.view  # build the bqplot view so every epoch redraws it
    return curve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--samples", type=int, default=4000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.samples, 64)).astype("float32")
    y = rng.integers(0, 10, size=args.samples)
    variants = {
        "baseline (no callback)": lambda: [],
        "LiveCurve, no frontend": lambda: [LiveCurve(display=False)],
        "LiveCurve + widget redraw": lambda: [with_widget()],
    }
    timed_fit(x, y, 2, [])  # warm-up: graph tracing, allocator
    times: dict[str, list[float]] = {name: [] for name in variants}
    shares: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, make in variants.items():
            spent = [0.0]
            callbacks = [timed_hooks(c, spent) for c in make()]
            total = timed_fit(x, y, args.epochs, callbacks)
            times[name].append(total)
            shares[name].append(spent[0] / total)
    base = statistics.median(times["baseline (no callback)"])
    print(f"fit() of {args.epochs} epochs, {args.samples} samples, median of {args.rounds} rounds")
    print(f"  {'variant':28s} {'fit() time ratio':>17s} {'share of fit() in livecurve':>28s}")
    for name, values in times.items():
        share = statistics.median(shares[name])
        print(f"  {name:28s} {statistics.median(values) / base:17.3f} {share:28.4f}")


if __name__ == "__main__":
    main()
