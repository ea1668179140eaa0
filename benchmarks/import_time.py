"""How long does ``import livecurve`` take, and what does it import? Ratio against numpy's import.

livecurve needs numpy, so ``import numpy`` in a fresh process is the baseline measured in the same
run; the ratio says what livecurve adds on top. Each import runs in its own fresh interpreter,
alternating, and the median of the rounds is compared. Also lists the heavy packages that
``import livecurve`` loaded (the goal: none of matplotlib, bqplot, ipywidgets, Keras, pandas).

Run: ``.venv/bin/python benchmarks/import_time.py [--rounds 15 | --quick] [--repo PATH]``
(``--repo`` measures another checkout, e.g. an older commit in a git worktree, in the same run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

HEAVY = ["matplotlib", "bqplot", "ipywidgets", "anywidget", "traitlets", "IPython", "keras",
         "tensorflow", "pandas", "torch", "jax"]  # fmt: skip

PROBE = (
    "import sys, time, json; t = time.perf_counter(); import {module}; "
    "d = time.perf_counter() - t; "
    "print(json.dumps([d, [m for m in {heavy!r} if m in sys.modules]]))"
)


def once(module: str, repo: str) -> tuple[float, list[str]]:
    env = dict(os.environ, PYTHONPATH=repo)
    code = PROBE.format(module=module, heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    seconds, heavy = json.loads(out.stdout.strip().splitlines()[-1])
    return seconds, heavy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="two rounds (for CI)")
    parser.add_argument("--repo", action="append", default=[], help="another checkout to compare")
    args = parser.parse_args()
    if args.quick:
        args.rounds = 2
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    repos = [here, *args.repo]
    times: dict[str, list[float]] = {"numpy": []} | {repo: [] for repo in repos}
    loaded: dict[str, list[str]] = {}
    for _ in range(args.rounds):
        times["numpy"].append(once("numpy", here)[0])
        for repo in repos:
            seconds, heavy = once("livecurve", repo)
            times[repo].append(seconds)
            loaded[repo] = heavy
    base = statistics.median(times["numpy"])
    print(f"import numpy: median {base * 1000:.0f} ms over {args.rounds} fresh processes")
    for repo in repos:
        median = statistics.median(times[repo])
        print(
            f"import livecurve ({repo}): median {median * 1000:.0f} ms, ratio to numpy "
            f"{median / base:.2f}; heavy modules loaded: {', '.join(loaded[repo]) or 'none'}"
        )


if __name__ == "__main__":
    main()
