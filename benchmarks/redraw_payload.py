"""What a redraw sends to the browser for a long run, downsampled vs raw. Prints ratios.

bqplot serialises a mark's whole x and y arrays on each change. This measures, for runs of 10^4 to
10^6 points, the bytes one redraw of one series sends, with livecurve's min/max decimation
(``max_points=2000``) against sending every point (the baseline), and the time to decimate relative
to copying the raw buffers once (which sending them costs at the least).

Then, with full-resolution zoom (``view/steps_store.py``: the browser holds every step), the bytes
of one redraw of a live ``LivePlot(axis="step")`` of 8 series at 4 redraws a second: the new rows
sent to the browser's store plus the kernel's whole-run lines, against the 100 KB budget, for
1,000 to 20,000 steps a second, capped (the throttled redraws) against uncapped (the baseline),
and that the final redraw leaves the browser holding every step.
Run: ``.venv/bin/python benchmarks/redraw_payload.py``.
"""

from __future__ import annotations

import sys
import timeit

import numpy as np
from bqplot.traits import array_to_json

from livecurve.model.downsample import minmax


def payload(x: np.ndarray, y: np.ndarray) -> int:
    return sum(array_to_json(a, None)["value"].nbytes for a in (x, y))


def best_of(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def zoom_store(quick: bool) -> None:
    """Bytes per redraw with the step store, on a run of 10^6 steps (10^5 when quick).

    Each rate runs 3 s of training (12 redraws at 4 a second) through the live figure's
    throttled redraw, which caps a redraw at ``REDRAW_BYTES`` (the oldest unsent rows first),
    against the same redraws uncapped (the baseline: every new row at once). Then the final
    redraw (``refresh()``) sends the rows still behind, in messages of at most 1 MiB.
    """
    from livecurve import LivePlot

    names = [f"m{i}" for i in range(8)]
    n = 100_000 if quick else 1_000_000
    rng = np.random.default_rng(0)
    redraws = 12
    print(f"\nstep store, 8 series, run of {n:,} steps, 4 redraws/s, {redraws} redraws")
    print(
        " steps/s  uncapped max B  capped max B  capped / 100 KB  rows behind  final: msgs"
        "  largest B  all steps held"
    )
    for rate in (1_000, 4_000, 10_000, 20_000):
        row = {}
        for capped in (False, True):
            plot = LivePlot(axis="step", smoothing=0.6)
            plot.run.extend_steps(
                np.arange(1.0, n + 1), {k: rng.normal(size=n).cumsum() for k in names}
            )
            plot.refresh()
            store = plot.view.steps_store
            sent: list[int] = []
            rows_sent: list[int] = []

            def record(
                msg: dict, buffers: list | None = None, sent=sent, rows_sent=rows_sent
            ) -> None:  # type: ignore[no-untyped-def]
                sent.append(sum(memoryview(b).nbytes for b in buffers or []))
                content = msg.get("content") or {}
                if content.get("event") == "rows":
                    rows_sent.append(int(content["n"]))

            store._send = record  # type: ignore[method-assign]
            marks = [
                m for view in plot.view.panels.values() for s in view.series.values()
                for m in (s.raw, s.smooth)
            ]  # fmt: skip
            rows, step, sizes = rate // 4, n, []
            for _ in range(redraws):
                before = [(m.x, m.y) for m in marks]
                block = rng.normal(size=(rows, 8))
                plot.run.extend_steps(
                    np.arange(step + 1.0, step + 1 + rows), dict(zip(names, block.T))
                )
                step += rows
                sent.clear()
                if capped:
                    plot.redraws.run()  # the throttle's redraw: capped
                else:
                    plot.refresh()  # every new row at once
                lines = sum(
                    m.x.nbytes + m.y.nbytes
                    for m, (x, y) in zip(marks, before)
                    if m.x is not x or m.y is not y
                )
                sizes.append(sum(sent) + lines)
            behind = store.backlog
            sent.clear()
            plot.refresh()  # the final redraw
            final = (len(sent), max(sent, default=0))
            row[capped] = (
                max(sizes),
                behind,
                final,
                store.backlog == 0 and sum(rows_sent) == step - n,
            )
        (free, _, _, _), (cap, behind, (msgs, largest), whole) = row[False], row[True]
        print(
            f"{rate:>8,} {free:>15,} {cap:>13,} {cap / 100_000:16.3f} {behind:>12,}"
            f" {msgs:>12,} {largest:>10,}  {whole}"
        )


def main(quick: bool = False) -> None:
    """Print the table; ``quick`` (``--quick``, for CI) leaves out the largest size."""
    rng = np.random.default_rng(0)
    print("   points    bytes raw   bytes sent  size ratio  decimate / copy-raw time ratio")
    for n in (10_000, 100_000) if quick else (10_000, 100_000, 1_000_000):
        x = np.arange(n, dtype=np.float64)
        y = np.cumsum(rng.normal(size=n))
        raw = payload(x, y)
        xs, ys = minmax(x, y, 2000)
        sent = payload(xs, ys)
        t_raw = best_of(lambda x=x, y=y: (x.copy(), y.copy()))
        t_down = best_of(lambda x=x, y=y: payload(*minmax(x, y, 2000)))
        print(f"{n:>9,} {raw:>12,} {sent:>12,} {sent / raw:10.4f} {t_down / t_raw:10.3f}")
    zoom_store(quick)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
