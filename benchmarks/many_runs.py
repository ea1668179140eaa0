"""Does a saved picture stay fast and readable with hundreds of runs? And with 96 series?

Two figures, timed in this run against their small baseline:

* ``show()`` + ``save("png")`` of N runs × 4 series (``loss``, ``val_loss``, ``accuracy``,
  ``val_accuracy``) × 100 epochs, for N = 5, 200 and 1000 (a search's trials): wall time, its ratio
  to N = 5, and the picture's height (pixels) and its ratio to N = 5. Targets: 200 runs ≤ 1 s,
  1000 runs ≤ 3 s, height at 200 runs ≤ 1.5× the height at 5.
* live: the kernel time of adding trial k (4 series, 2 epochs) to a displayed figure and
  redrawing it, for k = 2, 50, 200 (median of the five trials around k), and the share of it
  spent on the runs table; target: flat (trial 200 / trial 2 about 1-2, printed).
* live: the kernel time of the widget's first build at the first epoch end for a six-output
  model's 96 series, against a one-output model's 16; target ≤ 150 ms.
* ``livecurve plot file.csv -o x.png`` (in-process: ``cli.main``) of a six-output model's CSV log,
  6 outputs × 8 metrics, train + validation (96 series) against a one-output model's (16 series).
  Target ≤ 2 s.

Run: ``.venv/bin/python benchmarks/many_runs.py`` (``--quick``: 5 and 50 runs, for CI;
``--out DIR`` keeps the PNGs to look at).
"""

from __future__ import annotations

import argparse
import struct
import tempfile
import time
from pathlib import Path

import numpy as np

METRICS = ["loss", "accuracy", "auROC", "auPR", "precision", "recall", "mse", "mae"]


def histories(n_runs: int, epochs: int = 100) -> list:
    """``n_runs`` DataFrames of 4 series each: noisy learning curves, each run its own rate."""
    import pandas as pd

    rng = np.random.default_rng(0)
    frames = []
    x = np.arange(1, epochs + 1)
    for _ in range(n_runs):
        rate = rng.uniform(0.01, 0.1)
        floor = rng.uniform(0.05, 0.5)
        loss = floor + np.exp(-rate * x) + rng.normal(0, 0.01, epochs)
        val = loss + rng.uniform(0.0, 0.2) + rng.normal(0, 0.02, epochs)
        frames.append(
            pd.DataFrame(
                {"epoch": x - 1, "loss": loss, "val_loss": val, "accuracy": 1 - loss / 2,
                 "val_accuracy": 1 - val / 2}
            )
        )  # fmt: skip
    return frames


def png_height(path: Path) -> int:
    with path.open("rb") as handle:
        return struct.unpack(">II", handle.read(24)[16:24])[1]


def many_runs(n_runs: int, out: Path) -> tuple[float, int]:
    import livecurve

    frames = histories(n_runs)
    labels = [f"trial {i + 1}" for i in range(n_runs)]
    target = out / f"runs_{n_runs}.png"
    start = time.perf_counter()
    livecurve.show(frames, labels=labels).save(target)
    return time.perf_counter() - start, png_height(target)


def outputs_csv(path: Path, outputs: int, epochs: int = 30) -> None:
    """A CSVLogger-style log of a model with ``outputs`` outputs (one: plain Keras names)."""
    rng = np.random.default_rng(1)
    columns: dict[str, np.ndarray] = {"epoch": np.arange(epochs)}
    prefixes = [f"output_{k}_" for k in range(1, outputs + 1)] if outputs > 1 else [""]
    for split in ("", "val_"):
        for prefix in prefixes:
            for metric in METRICS:
                columns[f"{split}{prefix}{metric}"] = rng.random(epochs).cumsum()
    import pandas as pd

    pd.DataFrame(columns).to_csv(path, index=False)


def plot_csv(path: Path, out: Path) -> tuple[float, int]:
    from livecurve import cli

    target = out / f"{path.stem}.png"
    import contextlib
    import io

    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the CLI's summary of every series
        cli.main(["plot", str(path), "-o", str(target)])
    return time.perf_counter() - start, png_height(target)


def row(label: int, seconds: float, base_s: float, height: int, base_h: int) -> None:
    ratios = f"{seconds / base_s:>6.2f} {height:>10} {height / base_h:>6.2f}"
    print(f"{label:>6} {seconds:>8.3f} {ratios}")


def sending_widgets() -> None:
    """Make every widget serialize its changes, as in a kernel.

    Outside a kernel, a widget made after ipykernel's comm module is imported (by bqplot or
    ipywidgets, late) gets a comm with no kernel and skips serializing its changes, so the
    costs of a redraw that grow with the runs (whole lists re-sent) went unmeasured. A dummy
    comm for every widget takes the kernel's path up to the socket.
    """
    import comm
    import ipykernel.ipkernel  # noqa: F401  (it sets comm.create_comm when imported)

    comm.create_comm = lambda *args, **kwargs: comm.DummyComm(*args, **kwargs)


def live_trial_cost(counts: list[int], around: int = 2) -> dict[int, tuple[float, float]]:
    """Seconds to add trial k and redraw (median of the trials k - around … k + around), and
    the runs table's share (its full refresh, for the median trial)."""
    from livecurve import LivePlot
    from livecurve.model.run import Run

    sending_widgets()
    plot = LivePlot(redraw_interval=0.0)
    plot.log(1, loss=1.0, val_loss=1.1, accuracy=0.5, val_accuracy=0.4)
    view = plot.view
    rng = np.random.default_rng(2)
    totals: dict[int, float] = {}
    tables: dict[int, float] = {}
    for k in range(2, max(counts) + around + 1):
        run = Run(f"trial {k}")
        run.params = {"units": int(rng.integers(4, 64)), "lr": float(rng.uniform(1e-4, 1e-2))}
        for epoch in (1, 2):
            values = rng.uniform(0.1, 1.0, 4)
            run.log(epoch, dict(zip(["loss", "val_loss", "accuracy", "val_accuracy"], values)))
        start = time.perf_counter()
        plot.runs.append(run)
        plot.run = run
        plot.refresh()
        totals[k] = time.perf_counter() - start
        if k in counts:
            view.runs_table._drawn = view.runs_table._folded = ()  # forget: the full cost again
            start = time.perf_counter()
            view.runs_table.refresh(view)  # the table's share: rows, lines, legends folded
            tables[k] = time.perf_counter() - start
    results = {}
    for k in counts:
        near = [totals[i] for i in range(max(2, k - around), k + around + 1)]
        results[k] = (float(np.median(near)), tables[k])
    import gc

    import ipywidgets

    ipywidgets.Widget.close_all()  # the next search starts with no widget of this one alive
    del plot, view
    gc.collect()
    return results


def live_build(outputs: int, repeat: int = 3) -> float:
    """Kernel seconds of the widget's first build at the first epoch end: a model with
    ``outputs`` outputs × 8 metrics, train and validation (6 outputs: 96 series); best of
    ``repeat``."""
    from livecurve import LivePlot

    prefixes = [f"output_{k}_" for k in range(1, outputs + 1)] if outputs > 1 else [""]
    names = [f"{split}{p}{m}" for split in ("", "val_") for p in prefixes for m in METRICS]
    rng = np.random.default_rng(3)
    best = float("inf")
    sending_widgets()
    for _ in range(repeat):
        plot = LivePlot(redraw_interval=0.0)
        plot.log(1, **dict(zip(names, rng.random(len(names)).tolist())))
        start = time.perf_counter()
        plot.view  # noqa: B018  (built on first use, with its first redraw)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 and 50 runs only (CI)")
    parser.add_argument("--out", type=Path, default=None, help="keep the PNGs in this folder")
    parser.add_argument(
        "--live", action="store_true", help="only the live widget's trial cost (trial 2/50/200)"
    )
    args = parser.parse_args()
    if args.live:
        live_report([2, 50, 200])
        return
    out = args.out or Path(tempfile.mkdtemp(prefix="livecurve-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    many_runs(2, out)  # warm: imports, matplotlib's fonts
    sizes = [5, 50] if args.quick else [5, 200, 1000]
    base_s, base_h = many_runs(sizes[0], out)
    print(f"{'runs':>6} {'seconds':>8} {'ratio':>6} {'height px':>10} {'ratio':>6}")
    print(f"{sizes[0]:>6} {base_s:>8.3f} {1.0:>6.2f} {base_h:>10} {1.0:>6.2f}")
    for n in sizes[1:]:
        seconds, height = many_runs(n, out)
        print(
            f"{n:>6} {seconds:>8.3f} {seconds / base_s:>6.2f} {height:>10} {height / base_h:>6.2f}"
        )
    print()
    live_report([2, 20] if args.quick else [2, 50, 200])
    print()
    one = live_build(1)
    six = live_build(6)
    print(f"{'series':>6} {'first build ms':>15} {'ratio':>6}   (live widget, first epoch end)")
    print(f"{16:>6} {one * 1000:>15.1f} {1.0:>6.2f}")
    print(f"{96:>6} {six * 1000:>15.1f} {six / one:>6.2f}   (target: 96 series <= 150 ms)")
    print()
    print(f"{'series':>6} {'seconds':>8} {'ratio':>6} {'height px':>10} {'ratio':>6}")
    one_csv, six_csv = out / "one_output.csv", out / "six_outputs.csv"
    outputs_csv(one_csv, 1)
    outputs_csv(six_csv, 6)
    base_s, base_h = plot_csv(one_csv, out)
    print(f"{16:>6} {base_s:>8.3f} {1.0:>6.2f} {base_h:>10} {1.0:>6.2f}")
    seconds, height = plot_csv(six_csv, out)
    row(96, seconds, base_s, height, base_h)
    print(f"\npictures in {out}")


def live_report(counts: list[int], repeats: int = 3) -> None:
    """Print what adding trial k to the live widget costs, against adding trial 2: each figure
    the median of ``repeats`` searches (a trial costs milliseconds; one search's five trials
    around k swing by half on a shared machine)."""
    searches = [live_trial_cost(counts) for _ in range(repeats)]
    live = {
        k: (
            float(np.median([s[k][0] for s in searches])),
            float(np.median([s[k][1] for s in searches])),
        )
        for k in counts
    }
    base = live[counts[0]][0]
    print(f"{'trial':>6} {'add+redraw ms':>14} {'ratio':>6} {'runs table ms':>14}")
    for k, (total, table) in live.items():
        print(f"{k:>6} {total * 1000:>14.1f} {total / base:>6.2f} {table * 1000:>14.2f}")
    last = counts[-1]
    ratios = sorted(s[last][0] / s[counts[0]][0] for s in searches)
    print(
        f"adding trial {last} / adding trial 2: {live[last][0] / base:.2f} "
        f"(each search: {', '.join(f'{r:.2f}' for r in ratios)}; target: about 1-2)"
    )


if __name__ == "__main__":
    main()
