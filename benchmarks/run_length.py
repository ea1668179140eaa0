"""Does the cost of a redraw grow with the run? Kernel time and bytes per redraw, and per log().

A ``LivePlot(axis="step")`` with its widget view holds runs of 10^3 … 10^6 steps of 8 series.
For each length it measures, with the same code in the same run:

* one redraw after 100 new steps (what a redraw four times a second sees at 400 steps/s): kernel
  time (the least of three medians of 20, taken a moment apart), and the bytes of the binary x/y
  buffers bqplot sends for the marks that changed (it sends a mark's whole arrays on a change; the
  JSON around them is a few hundred bytes);
* ``log()`` of one step with 8 values, amortised over many calls (throttled redraws included);
* memory: the bytes the run's buffers hold for 10^6 steps, against float64 x/y series
  (16 bytes per point), the baseline of a plain implementation.

Ratios against the shortest run show whether the cost is flat. Run:
``.venv/bin/python benchmarks/run_length.py`` (``--quick`` stops at 10^4 steps, for CI).
"""

from __future__ import annotations

import argparse
import sys
import time
import timeit

import numpy as np

from livecurve import LivePlot

NAMES = [f"metric_{i}" for i in range(8)]


def arrays(plot: LivePlot) -> dict[int, tuple[object, object]]:
    """The x and y arrays every mark holds now (bqplot resends both when either changes)."""
    held = {}
    for panel in plot.view.panels.values():
        for marks in panel.series.values():
            for mark in marks.marks:
                held[id(mark)] = (mark.x, mark.y)
    return held


def sent_bytes(before: dict, after: dict) -> int:
    """Bytes of the binary buffers bqplot sends for the marks whose arrays changed."""
    return sum(
        x.nbytes + y.nbytes  # type: ignore[attr-defined]
        for key, (x, y) in after.items()
        if before.get(key, (None, None))[0] is not x or before.get(key, (None, None))[1] is not y
    )


def filled(n: int) -> LivePlot:
    plot = LivePlot(axis="step", redraw_interval=0.25)
    rng = np.random.default_rng(0)
    steps = np.arange(1, n + 1, dtype=np.float64)
    plot.run.extend_steps(steps, {name: rng.normal(size=n).cumsum() for name in NAMES})
    plot.refresh()  # the view folds the whole run in once
    _ = plot.view
    return plot


def per_redraw(plot: LivePlot, n: int, repeats: int, blocks: int = 3) -> tuple[float, float]:
    """Seconds and mean bytes of a redraw after 100 new steps.

    The seconds are the least of ``blocks`` medians of ``repeats`` redraws, a moment apart: a
    noisy spell of a shared machine (it lasts seconds) inflates a whole block, never all.
    """
    medians, sizes = [], []
    step = n
    for block in range(blocks):
        if block:
            time.sleep(0.5)
        times = []
        for _ in range(repeats):
            for _ in range(100):
                step += 1
                plot.run.log_steps(step, dict.fromkeys(NAMES, 0.5))
            _ = plot.run.steps.names  # queued rows move into the columns: log()'s cost
            before = arrays(plot)
            start = time.perf_counter()
            plot.refresh()
            times.append(time.perf_counter() - start)
            sizes.append(sent_bytes(before, arrays(plot)))
        medians.append(float(np.median(times)))
    return min(medians), float(np.mean(sizes))


def per_log(plot: LivePlot, n: int, calls: int) -> float:
    values = dict.fromkeys(NAMES, 0.5)
    counter = iter(range(n + 10_000, n + 10_000 + 10 * calls))

    def one() -> None:
        plot.log(next(counter), **values)

    return min(timeit.repeat(one, number=calls, repeat=3)) / calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10^3 and 10^4 steps only")
    args = parser.parse_args(argv)
    lengths = [10**3, 10**4] if args.quick else [10**3, 10**4, 10**5, 10**6]
    rows = []
    for n in lengths:
        plot = filled(n)
        seconds, size = per_redraw(plot, n, 5 if args.quick else 20, 1 if args.quick else 3)
        log_s = per_log(plot, n, calls=2_000 if args.quick else 20_000)
        rows.append((n, seconds, size, log_s, plot.run.steps.nbytes))
        plot.redraws.throttle.cancel()
    base = rows[0]
    print("8 series; a redraw after 100 new steps; ratios against the 10^3-step run")
    print(f"  {'steps':>9s} {'redraw µs':>10s} {'ratio':>6s} {'bytes/redraw':>13s} {'ratio':>6s}"
          f" {'log() µs':>9s} {'ratio':>6s}")  # fmt: skip
    for n, seconds, size, log_s, _ in rows:
        print(
            f"  {n:>9,d} {seconds * 1e6:10.0f} {seconds / base[1]:6.2f} {size:13,.0f} "
            f"{size / base[2]:6.2f} {log_s * 1e6:9.2f} {log_s / base[3]:6.2f}"
        )
    n, *_, held = rows[-1]
    plain = n * len(NAMES) * 16
    print(
        f"memory for {n:,d} steps x {len(NAMES)} series: {held / 1e6:.1f} MB held "
        f"(ratio {held / plain:.2f} against float64 x/y series, {plain / 1e6:.0f} MB; "
        f"{held / (n * len(NAMES)):.1f} bytes per point)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
