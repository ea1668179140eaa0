"""How fast does livecurve read a CSVLogger file? Ratio against pandas.read_csv, same run.

livecurve's reader does more than pandas (sniffing, torn rows, appended runs, per-column sparse
series), so the ratio says what that care costs. Files of 1k to 100k epochs with 8 metric columns
are written to a temporary folder; the best of 3 reads is compared.
Run: ``.venv/bin/python benchmarks/read_logs.py``.
"""

from __future__ import annotations

import sys
import tempfile
import timeit
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from livecurve.readers import read

METRICS = ["loss", "accuracy", "auc", "precision", "val_loss", "val_accuracy", "val_auc", "lr"]


def write_log(path: Path, rows: int) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.random((rows, len(METRICS))), columns=METRICS)
    frame.insert(0, "epoch", np.arange(rows))
    frame.to_csv(path, index=False)


def best_of(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def main(quick: bool = False) -> None:
    """Print the table; ``quick`` (``--quick``, for CI) leaves out the largest size."""
    print("   rows   livecurve.read / pandas.read_csv time ratio")
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for rows in (1_000, 10_000) if quick else (1_000, 10_000, 100_000):
            path = Path(folder) / f"log{rows}.csv"
            write_log(path, rows)
            runs = read(path)
            assert len(runs) == 1 and len(runs[0]["val_loss"]) == rows
            ours = best_of(lambda path=path: read(path))
            ratio = ours / best_of(lambda path=path: pd.read_csv(path))
            print(f"{rows:>7,} {ratio:12.2f}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
