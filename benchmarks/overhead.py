"""How much does LiveCurve slow down ``fit()``? Its own work, and wall-time ratios, in one run.

Each backend runs in its own real Jupyter kernel (started with jupyter_client), so the widget is
displayed and every redraw travels as comm messages on the kernel's iopub channel, as in a
notebook. Variants: no callback; ``LiveCurve(per_batch=False)``; ``LiveCurve(per_batch=True)``;
livelossplot's ``PlotLossesKeras`` (if installed); Keras's ``TensorBoard(update_freq="batch")``.

What is trained. The model is deliberately tiny (batches of a millisecond or less on a CPU),
the worst case for a per-batch hook, whose cost must stay small however short the batches. The
epochs, on the other hand, have a realistic length: people who watch curves train for minutes
per epoch, and LiveCurve has costs that do not grow with it (showing the widget and building its
panels, ~30-60 ms per ``fit()``; a redraw per epoch end, ~5 ms), which on sub-second epochs would
be several percent and say nothing about real use. So after the warm-up (one epoch per variant,
with its callbacks: tracing and first imports stay out of the timings), each backend times an
epoch without callbacks and scales the samples so that one takes about ``--epoch-seconds``
(default 5; capped so that the data stays under ~160 MB); ``--samples`` sets them instead. A
tenth of the samples is the validation data; batches are whole, so none has an untraced shape.

What is measured. In each round every variant trains its own model for ``--epochs`` epochs, in a
shuffled order, so drift on a shared machine hits them alike; rounds are interleaved.

* The wall-time ratio to no callback: the ratio of the fastest fits (``timeit``'s rule: the
  machine only ever adds time, so the fastest run is the least disturbed one), the ratio of
  medians, and each round's paired ratio (median, quartiles, range). Nothing is timed inside the
  hooks in these rounds: the timers below cost each batch hook a few tenths of a microsecond,
  which would count against LiveCurve. A second variant without callbacks ("no callback,
  again", the same fit on its own model) shows how far identical runs differ on this machine: on
  a small shared VM the CPU itself runs 5-10 % faster or slower from one second to the next, and
  a few fits take up to twice as long as the others.
* LiveCurve's own work, which noise cannot fake, from ``--counted-rounds`` more fits per variant
  with its hooks timed: the time spent inside its Keras hooks (less the timer's own cost, measured
  on a hook that does nothing), plus the CPU time of its redraws that run off the hooks (on the
  throttle's waiting thread, see :mod:`livecurve.live.throttle`). Their wall time is shown too, and
  a second share that counts it: the bound if every wait of such a redraw for the interpreter lock
  delayed training (while a redraw waits for the lock, training runs). A thread-local flag marks
  the threads inside a hook, so a redraw run by a hook is counted once, in the hook. It is
  reported as a share of ``fit()`` time and split into: per ``fit()`` (``on_train_begin`` +
  ``on_train_end``), the first epoch's hooks (they build the panels), each later epoch's, each
  batch hook, and the off-hook redraws. The share errs high, not low: the hooks count wall time,
  waits for the interpreter lock included (the batch hooks' median is shown beside their mean),
  and a hook's wait for a redraw in progress on the waiting thread; on JAX the batch hooks run on
  Keras's worker threads, beside training. Not counted: the static picture of the final figure,
  drawn when the cell's code has finished, after the timed ``fit()`` calls.

The verdict per LiveCurve variant compares its own work and its wall-time ratio with the targets
(issue #7): at most 1 % of ``fit()`` time (ratio 1.01) with ``per_batch=False``, 2 % (1.02) with
``per_batch=True``, beside the noise floor.

Run: ``.venv/bin/python benchmarks/overhead.py [--backends tensorflow jax] [--rounds 5] [--epochs
3] [--epoch-seconds 5 | --samples N] [--variants per-batch ...] [--counted-rounds 1]`` (about 7
minutes per backend with the defaults); ``--quick`` runs one short round without calibration (CI
checks that the benchmark runs, not its numbers).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import textwrap
from typing import Any

from jupyter_client.manager import start_new_kernel

WARM_UP_SAMPLES = 35600  # 1001 batches of 32 per epoch, 111 validation batches
MOST_SAMPLES = 600_000  # 156 MB of data
AGAIN = "no callback, again"  # the baseline's twin: how far identical runs differ
TARGETS = {"LiveCurve(per_batch=False)": 0.01, "LiveCurve(per_batch=True)": 0.02}
VARIANT_NAMES = {  # --variants: the short names of what is compared with no callback
    "epoch-only": "LiveCurve(per_batch=False)",
    "per-batch": "LiveCurve(per_batch=True)",
    "tensorboard": "TensorBoard(update_freq='batch')",
    "livelossplot": "livelossplot PlotLossesKeras",
}

SETUP = """
import json, os, random, tempfile, threading, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import keras, numpy as np
from livecurve import LiveCurve
try:
    from livelossplot import PlotLossesKeras
except ImportError:
    PlotLossesKeras = None
BATCH = 32
VARIANTS = {
    "no callback": lambda: [],
    AGAIN: lambda: [],  # the same fit again, on its own model: how far identical runs differ
    "LiveCurve(per_batch=False)": lambda: [LiveCurve(per_batch=False)],
    "LiveCurve(per_batch=True)": lambda: [LiveCurve(per_batch=True)],
    "TensorBoard(update_freq='batch')": lambda: [
        keras.callbacks.TensorBoard(tempfile.mkdtemp(), update_freq="batch")
    ],
}
if PlotLossesKeras is not None:
    VARIANTS["livelossplot PlotLossesKeras"] = lambda: [PlotLossesKeras()]
if KEEP:  # --variants: the baseline and the variants asked for
    VARIANTS = {n: f for n, f in VARIANTS.items() if n in ("no callback", AGAIN) or n in KEEP}
DATA, INFO = {}, {}

def set_data(samples):
    # A tenth for validation; whole batches only, so every batch has the warmed-up shape.
    train = max(1, int(samples * 0.9) // BATCH) * BATCH
    validation = max(1, (samples - train) // BATCH) * BATCH
    DATA.clear()  # let the old arrays go before making the new ones
    rng = np.random.default_rng(0)
    x = rng.standard_normal((train + validation, 64), dtype=np.float32)
    y = rng.integers(0, 10, size=train + validation, dtype=np.int32)
    DATA.update(x=x[:train], y=y[:train], validation_data=(x[train:], y[train:]))
    INFO.clear()
    INFO.update(samples=train + validation, batches=train // BATCH,
                validation_batches=validation // BATCH)
    return INFO

def build():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(10)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model

def fit(name, epochs, callbacks=()):
    MODELS[name].fit(DATA["x"], DATA["y"], batch_size=BATCH, epochs=epochs, verbose=0,
                     validation_data=DATA["validation_data"], callbacks=list(callbacks))

def epoch_seconds(tries):
    # One epoch without callbacks: the fastest of a few.
    times = []
    for _ in range(tries):
        start = time.perf_counter()
        fit("no callback", 1)
        times.append(time.perf_counter() - start)
    return min(times)

def calibrate(seconds, least, most):
    # Scale the samples so that an epoch without callbacks takes about `seconds`.
    probe, probe_batches = epoch_seconds(3), INFO["batches"]
    samples = min(max(round(INFO["samples"] * seconds / probe), least), most)
    info = set_data(samples)
    info.update(probe_seconds=probe, probe_batches=probe_batches, capped=samples == most)
    return info

HOOKS = ("on_train_begin", "on_epoch_begin", "on_train_batch_end", "on_epoch_end",
         "on_train_end")
WORK = {}  # variant: {part: [wall seconds, calls, CPU seconds of the thread (redraws only)]}
BATCH_HOOKS = {}  # variant: the wall seconds of every batch hook, for their median
LOCK = threading.Lock()
INSIDE = threading.local()  # .depth > 0 while this thread runs one of LiveCurve's hooks

def add(name, part, seconds, cpu=0.0):
    with LOCK:
        entry = WORK.setdefault(name, {}).setdefault(part, [0.0, 0, 0.0])
        entry[0] += seconds
        entry[1] += 1
        entry[2] += cpu
        if part == "batch":
            BATCH_HOOKS.setdefault(name, []).append(seconds)

def summary():
    for name, seconds in BATCH_HOOKS.items():
        WORK[name]["batch median"] = [float(np.median(seconds)), len(seconds), 0.0]
    return WORK

def part_of(hook, args):
    if hook in ("on_train_begin", "on_train_end"):
        return "fit"
    if hook == "on_train_batch_end":
        return "batch"
    return "first epoch" if args and args[0] == 0 else "later epochs"

def counted_hook(name, hook, original):
    def wrapper(*args, **kwargs):
        if getattr(INSIDE, "depth", 0):  # a hook called by a hook: the outer one counts it
            return original(*args, **kwargs)
        INSIDE.depth = 1
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            seconds = time.perf_counter() - start
            INSIDE.depth = 0
            add(name, part_of(hook, args), seconds)
    return wrapper

def counted_redraw(name, action):
    def redraw():
        cpu = time.thread_time()  # a thread waiting for the GIL takes wall time, not CPU time
        start = time.perf_counter()
        try:
            return action()
        finally:
            seconds = time.perf_counter() - start
            cpu = time.thread_time() - cpu
            inside = getattr(INSIDE, "depth", 0)
            add(name, "redraws in hooks" if inside else "redraws off hooks", seconds, cpu)
    return redraw

def instrument(name, callback):
    # Time LiveCurve's hooks, and its redraws on whatever thread they run.
    if not isinstance(callback, LiveCurve):
        return callback
    for hook in HOOKS:
        setattr(callback, hook, counted_hook(name, hook, getattr(callback, hook)))
    throttle = callback.plot.redraws.throttle
    throttle._action = counted_redraw(name, throttle._action)
    return callback

def timed(name, epochs, counted=False):
    callbacks = VARIANTS[name]()
    if counted:  # the timers cost the hooks time: never in the fits whose wall time is compared
        callbacks = [instrument(name, c) for c in callbacks]
    start = time.perf_counter()
    fit(name, epochs, callbacks)
    return time.perf_counter() - start  # the final picture is drawn when the cell ends

def timer_floor(calls=200_000):
    # What counted_hook reads for a hook that does nothing (the clock's own cost), in seconds.
    class Idle:
        def on_train_batch_end(self, batch, logs=None):
            return None
    hook = counted_hook("timer floor", "on_train_batch_end", Idle().on_train_batch_end)
    for batch in range(calls):
        hook(batch, {})
    seconds = WORK.pop("timer floor")["batch"][0]
    BATCH_HOOKS.pop("timer floor")
    return seconds / calls

set_data(SAMPLES)
MODELS = {name: build() for name in VARIANTS}
for name in VARIANTS:  # tracing, allocation and first imports happen here, not in the timings
    fit(name, 1, VARIANTS[name]())
"""


def run_in_kernel(client: Any, code: str) -> str:
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


def result(printed: str) -> Any:
    """The JSON the benchmark code printed after "@@" (callbacks print their own lines too)."""
    line = next(line for line in reversed(printed.splitlines()) if line.startswith("@@ "))
    return json.loads(line[3:])


def ask(client: Any, expression: str) -> Any:
    """Evaluate ``expression`` in the kernel; its value, through JSON."""
    return result(run_in_kernel(client, f"print('@@', json.dumps({expression}))"))


def measure(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    """Run the rounds in a fresh kernel: data info, fit() seconds per variant, LiveCurve's work."""
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    manager, client = start_new_kernel(kernel_name="python3", env=env)
    try:
        samples = WARM_UP_SAMPLES if args.samples is None else args.samples
        keep = [VARIANT_NAMES[v] for v in args.variants or []]
        run_in_kernel(client, f"SAMPLES = {samples}\nKEEP = {keep!r}\nAGAIN = {AGAIN!r}\n{SETUP}")
        if args.samples is None:
            data = ask(client, f"calibrate({args.epoch_seconds!r}, 640, {MOST_SAMPLES})")
        else:
            data = ask(client, "INFO")
        names = ask(client, "list(VARIANTS)")
        times: dict[str, list[float]] = {name: [] for name in names}
        for round_index in range(args.rounds):  # wall times, nothing timed inside the hooks
            code = textwrap.dedent(f"""
                order = list(VARIANTS)
                random.Random({round_index}).shuffle(order)
                print("@@", json.dumps({{name: timed(name, {args.epochs}) for name in order}}))
            """)
            for name, seconds in result(run_in_kernel(client, code)).items():
                times[name].append(seconds)
        counted: dict[str, list[float]] = {name: [] for name in names if name in TARGETS}
        for _ in range(args.counted_rounds):  # LiveCurve's own work, hooks timed
            code = (
                f"print('@@', json.dumps({{n: timed(n, {args.epochs}, True) "
                f"for n in {list(counted)!r}}}))"
            )
            for name, seconds in result(run_in_kernel(client, code)).items():
                counted[name].append(seconds)
        return {
            "data": data,
            "times": times,
            "counted": counted,
            "work": ask(client, "summary()"),
            "floor": ask(client, "timer_floor()"),
        }
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def spread(values: list[float]) -> str:
    """``median [min-max]``."""
    return f"{statistics.median(values):.3f} [{min(values):.3f}-{max(values):.3f}]"


PARTS = ("fit", "first epoch", "later epochs", "batch", "redraws off hooks")
HOOK_PARTS = PARTS[:4]


def own_work(
    name: str, parts: dict[str, list[float]], fit_times: list[float], epochs: int, floor: float
) -> tuple[float, float]:
    """Print the decomposition of one LiveCurve variant's own work.

    Returns its share of ``fit()`` time, and the same share with the redraws off the hooks
    counted at their wall time instead of their CPU time (the bound if a redraw's every wait
    for the interpreter lock delayed training). ``floor`` is what the timer reads for a hook that
    does nothing; it is taken off every timed hook call.
    """
    fits, total = len(fit_times), sum(fit_times)

    def seconds(part: str, column: int = 0) -> float:
        value = parts.get(part, [0.0, 0, 0.0])[column]
        if column == 0 and part in HOOK_PARTS:
            value = max(0.0, value - floor * calls(part))
        return value

    def calls(part: str) -> int:
        return int(parts.get(part, [0.0, 0, 0.0])[1])

    def counted(part: str) -> float:  # a redraw off the hooks counts its CPU time
        return seconds(part, 2 if part == "redraws off hooks" else 0)

    share = sum(counted(part) for part in PARTS) / total
    bound = share + (seconds("redraws off hooks") - counted("redraws off hooks")) / total
    print(
        f"    {name}: {100 * share:.3f} % of fit() time "
        f"({1e3 * share * total / fits:.1f} ms per fit() of {total / fits:.2f} s); "
        f"{100 * bound:.3f} % with the redraws' wall time"
    )
    later, batches, off = fits * (epochs - 1), calls("batch"), calls("redraws off hooks")
    median = parts.get("batch median", [0.0])[0] - floor
    rows = [
        ("per fit(): train begin + end", f"{1e3 * seconds('fit') / fits:.2f} ms", "fit", ""),
        ("first epoch (builds the panels)", f"{1e3 * seconds('first epoch') / fits:.2f} ms",
         "first epoch", ""),
        ("each later epoch", f"{1e3 * seconds('later epochs') / max(later, 1):.2f} ms"
         f" x {epochs - 1}", "later epochs", ""),
        ("each batch hook (mean)", f"{1e6 * seconds('batch') / max(batches, 1):.2f} µs"
         f" x {batches // max(fits, 1)}", "batch", f"median {1e6 * median:.2f} µs"),
        ("redraws off the hooks, per fit()",
         f"{1e3 * seconds('redraws off hooks', 2) / fits:.2f} ms CPU", "redraws off hooks",
         f"{off / fits:.1f} redraws; wall {1e3 * seconds('redraws off hooks') / fits:.2f} ms"),
    ]  # fmt: skip
    if epochs == 1:
        del rows[2]
    for label, amount, part, note in rows:
        share_of_part = f"{100 * counted(part) / total:7.3f} %"
        print(f"      {label:34s} {amount:20s} {share_of_part}" + (f"  ({note})" if note else ""))
    inside = calls("redraws in hooks")
    print(
        f"      (redraws inside the hooks, counted there: {inside / fits:.1f} per fit(), "
        f"{1e3 * seconds('redraws in hooks') / max(inside, 1):.2f} ms each, CPU "
        f"{1e3 * seconds('redraws in hooks', 2) / max(inside, 1):.2f} ms)"
    )
    return share, bound


def ratios(values: list[float], base: list[float]) -> tuple[float, list[float]]:
    """The ratio of medians, and each round's paired ratio."""
    paired = [v / b for v, b in zip(values, base)]
    return statistics.median(values) / statistics.median(base), paired


def quartiles(values: list[float]) -> str:
    """``median (quartiles q1-q3; min-max)``."""
    if len(values) < 4:
        return spread(values)
    q1, _, q3 = statistics.quantiles(values, n=4)
    return (
        f"{statistics.median(values):.3f} (quartiles {q1:.3f}-{q3:.3f}; "
        f"{min(values):.3f}-{max(values):.3f})"
    )


def report(backend: str, args: argparse.Namespace, measured: dict[str, Any]) -> None:
    """Print one backend's results: the data used, wall-time ratios, own work, verdicts."""
    data, times, work = measured["data"], measured["times"], measured["work"]
    base = times["no callback"]
    if "probe_seconds" in data:
        how = (
            f"calibrated for --epoch-seconds {args.epoch_seconds:g} from "
            f"{data['probe_seconds']:.2f} s per epoch of {data['probe_batches']} batches"
            + (f", capped at {MOST_SAMPLES}" if data["capped"] else "")
        )
    else:
        how = "--quick" if args.quick else "--samples"
    print(
        f"{backend}: fit() of {args.epochs} epochs x {data['batches']} batches of 32 "
        f"(+ {data['validation_batches']} validation batches; {data['samples']} samples, {how})"
    )
    print(
        f"  epoch without callback {statistics.median(base) / args.epochs:.2f} s; fit() "
        f"{spread(base)} s; {args.rounds} rounds, in a Jupyter kernel with the widget displayed"
    )
    print(
        "  wall-time ratio to no callback, nothing timed inside the hooks: of medians, of the "
        "fastest, and paired per round"
    )
    for name, values in times.items():
        if name != "no callback":
            ratio, paired = ratios(values, base)
            print(
                f"    {name:34s} ratio {ratio:6.3f}   fastest {min(values) / min(base):6.3f}"
                f"   paired {quartiles(paired)}"
            )
    print("  fit() seconds, fastest first:")
    for name, values in times.items():
        print(f"    {name:34s} " + " ".join(f"{v:.2f}" for v in sorted(values)))
    print(f"  ('{AGAIN}' is the same fit on a second model: its spread is this machine's noise)")
    where = " (on JAX the batch hooks run beside training)" if backend == "jax" else ""
    print(
        f"  LiveCurve's own work ({args.counted_rounds} more fit() per variant, hooks timed): "
        f"time in its hooks + CPU of its redraws off the hooks{where}; the timer's own "
        f"{1e6 * measured['floor']:.2f} µs per hook call taken off"
    )
    verdicts = []
    for name, target in TARGETS.items():
        if name not in times or not measured["counted"].get(name):
            continue
        share, bound = own_work(
            name, work.get(name, {}), measured["counted"][name], args.epochs, measured["floor"]
        )
        ratio, paired = ratios(times[name], base)
        fastest = min(times[name]) / min(base)

        def meets(value: float, target: float = target) -> str:
            return "meets" if value <= 1 + target else "MISSES"

        verdicts.append(
            f"    {name}: {'meets' if share <= target else 'MISSES'} the <= {100 * target:g} % "
            f"target by own work: {100 * share:.2f} % of fit() time ({100 * bound:.2f} % "
            f"with the redraws' wall time)\n      wall-time ratio (<= {1 + target:g}): of the "
            f"fastest fit()s {fastest:.3f} {meets(fastest)}; of medians {ratio:.3f} "
            f"{meets(ratio)}; paired {quartiles(paired)}"
        )
    if AGAIN in times:
        ratio, again = ratios(times[AGAIN], base)
        verdicts.append(
            f"    noise floor, the same fit twice: fastest {min(times[AGAIN]) / min(base):.3f}; "
            f"of medians {ratio:.3f}; paired {quartiles(again)}"
        )
    print("  verdict" + (" (quick run: epochs too short to mean anything)" if args.quick else ""))
    print("\n".join(verdicts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "jax"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument(
        "--epoch-seconds",
        type=float,
        default=5.0,
        help="calibrate the samples so that an epoch without callbacks takes about this long",
    )
    parser.add_argument(
        "--samples", type=int, default=None, help="use this many samples (no calibration)"
    )
    parser.add_argument(
        "--variants",
        nargs="+",
        choices=list(VARIANT_NAMES),
        help="compare only these with no callback (default: all); fewer variants, more rounds",
    )
    parser.add_argument(
        "--counted-rounds",
        type=int,
        default=1,
        help="fit()s per LiveCurve variant with its hooks timed, after the rounds (own work)",
    )
    parser.add_argument("--quick", action="store_true", help="one short round (for CI)")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.counted_rounds, args.epochs, args.samples = 1, 1, 1, 640
    for backend in args.backends:
        report(backend, args, measure(backend, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
