"""What a redraw sends to the browser for a long run, downsampled vs raw. Prints ratios.

bqplot serialises a mark's whole x and y arrays on each change. This measures, for runs of 10^4 to
10^6 points, the bytes one redraw of one series sends, with livecurve's min/max decimation
(``max_points=2000``) against sending every point (the baseline), and the time to decimate relative
to copying the raw buffers once (which sending them costs at the least).
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


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
