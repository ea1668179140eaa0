"""How much does LiveCurve slow down ``fit()``? Ratios against no callback, measured in one run.

Each backend runs in its own real Jupyter kernel (started with jupyter_client), so the widget is
displayed and every redraw travels as comm messages on the kernel's iopub channel, as in a
notebook. In each round every variant trains the same small model for the same epochs, in a
shuffled order, so drift on a shared machine hits them alike; the ratio of medians to the
no-callback baseline is printed.

Variants: no callback; ``LiveCurve(per_batch=False)``; ``LiveCurve(per_batch=True)``;
livelossplot's ``PlotLossesKeras`` (if installed); Keras's ``TensorBoard(update_freq="batch")``.

The model is deliberately tiny (batches of ~1 ms on a CPU), the worst case for a per-batch hook;
an epoch of 1000 batches takes about a second (people who watch curves train for longer: every
cost per ``fit()`` or per epoch shrinks with the epoch's length). ``--samples`` changes it.
Run: ``.venv/bin/python benchmarks/overhead.py [--backends tensorflow jax] [--rounds 7]``;
``--quick`` runs one short round (CI checks that the benchmark runs, not its numbers).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import textwrap

from jupyter_client.manager import start_new_kernel

SETUP = """
import os, random, tempfile, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import keras, numpy as np
from livecurve import LiveCurve
rng = np.random.default_rng(0)
X = rng.normal(size=({samples}, 64)).astype("float32")
Y = rng.integers(0, 10, size={samples})
try:
    from livelossplot import PlotLossesKeras
except ImportError:
    PlotLossesKeras = None
VARIANTS = {{
    "no callback": lambda: [],
    "LiveCurve(per_batch=False)": lambda: [LiveCurve(per_batch=False)],
    "LiveCurve(per_batch=True)": lambda: [LiveCurve(per_batch=True)],
    "TensorBoard(update_freq='batch')": lambda: [
        keras.callbacks.TensorBoard(tempfile.mkdtemp(), update_freq="batch")
    ],
}}
if PlotLossesKeras is not None:
    VARIANTS["livelossplot PlotLossesKeras"] = lambda: [PlotLossesKeras()]

def build():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(10)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model

MODELS = {{name: build() for name in VARIANTS}}
for model in MODELS.values():  # tracing and allocation happen here, not in the timings
    model.fit(X, Y, batch_size=32, epochs=1, verbose=0)

HOOKS = ("on_train_begin", "on_epoch_begin", "on_train_batch_end", "on_epoch_end",
         "on_train_end")
SPENT = {{}}

def instrument(name, callback):
    # Add the seconds spent inside LiveCurve's hooks to SPENT[name]: noise cannot fake it.
    if not isinstance(callback, LiveCurve):
        return callback
    for hook in HOOKS:
        original = getattr(callback, hook)
        def wrapper(*args, _original=original, **kwargs):
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                SPENT[name] = SPENT.get(name, 0.0) + time.perf_counter() - start
        setattr(callback, hook, wrapper)
    return callback

def timed(name, epochs):
    callbacks = [instrument(name, c) for c in VARIANTS[name]()]
    start = time.perf_counter()
    MODELS[name].fit(X, Y, batch_size=32, epochs=epochs, validation_split=0.1, verbose=0,
                     callbacks=callbacks)
    seconds = time.perf_counter() - start
    for callback in callbacks:  # the final picture is drawn after fit() returns: let it finish
        thread = getattr(getattr(callback, "plot", None), "_final_picture", None)
        if thread is not None:
            thread.join()
    return seconds
"""


def run_in_kernel(client, code: str) -> str:  # type: ignore[no-untyped-def]
    """Execute ``code``; return what it printed (raise with the traceback on an error)."""
    out: list[str] = []
    errors: list[str] = []

    def hook(msg: dict) -> None:
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream" and content["name"] == "stdout":
            out.append(content["text"])
        elif kind == "error":
            errors.append("\n".join(content["traceback"]))

    reply = client.execute_interactive(code, output_hook=hook, timeout=3600)
    if reply["content"]["status"] != "ok" or errors:
        raise RuntimeError("benchmark code failed in the kernel:\n" + "\n".join(errors))
    return "".join(out)


def result(printed: str):  # type: ignore[no-untyped-def]
    """The JSON the benchmark code printed after "@@" (callbacks print their own lines too)."""
    line = next(line for line in reversed(printed.splitlines()) if line.startswith("@@ "))
    return json.loads(line[3:])


def measure(backend: str, rounds: int, epochs: int, samples: int) -> dict[str, list[float]]:
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    manager, client = start_new_kernel(kernel_name="python3", env=env)
    try:
        run_in_kernel(client, SETUP.format(samples=samples))
        names = result(
            run_in_kernel(client, "import json; print('@@', json.dumps(list(VARIANTS)))")
        )
        times: dict[str, list[float]] = {name: [] for name in names}
        for round_index in range(rounds):
            code = textwrap.dedent(f"""
                order = list(VARIANTS)
                random.Random({round_index}).shuffle(order)
                print("@@", json.dumps({{name: timed(name, {epochs}) for name in order}}))
            """)
            for name, seconds in result(run_in_kernel(client, code)).items():
                times[name].append(seconds)
        spent = result(run_in_kernel(client, "print('@@', json.dumps(SPENT))"))
        times.update({f"hooks: {name}": [seconds] for name, seconds in spent.items()})
        return times
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "jax"])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--samples", type=int, default=35600)  # 1000 batches of 32 per epoch
    parser.add_argument("--quick", action="store_true", help="one short round (for CI)")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.epochs, args.samples = 1, 1, 640
    for backend in args.backends:
        times = measure(backend, args.rounds, args.epochs, args.samples)
        hooks = {k: v[0] for k, v in times.items() if k.startswith("hooks: ")}
        for key in hooks:
            del times[key]
        base = statistics.median(times["no callback"])
        batches = -(-int(args.samples * 0.9) // 32)
        print(
            f"{backend}: fit() of {args.epochs} epochs x {batches} batches, in a kernel with "
            f"the widget; median of {args.rounds} rounds; no callback = {base:.3f} s"
        )
        for name, values in times.items():
            ratio = statistics.median(values) / base
            print(f"  {name:34s} ratio {ratio:6.3f}")
        for key, seconds in hooks.items():
            name = key.removeprefix("hooks: ")
            share = seconds / sum(times[name])
            where = "on the training thread" if backend == "tensorflow" else "(batch hooks off it)"
            print(f"  time inside {name}'s hooks: {share:.4f} of its fit() time {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
