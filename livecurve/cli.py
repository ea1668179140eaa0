"""``livecurve plot SOURCE... -o curves.png``: plot logs from a terminal or CI.

``livecurve plot run.csv --follow -o curves.png`` keeps reading a log another process writes and
rewrites the picture (atomically) as its rows arrive, until Ctrl-C.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

from .export.save import FORMATS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="livecurve", description="Plot training logs with livecurve's figure."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    plot = commands.add_parser(
        "plot",
        help="plot one or more logs into a picture or a data file",
        description="Each SOURCE is a CSV/TSV/.log table (Keras CSVLogger and alike), a JSON "
        "history or a TensorBoard log directory. Several sources are drawn as compared runs.",
    )
    plot.add_argument("sources", nargs="+", metavar="SOURCE")
    plot.add_argument(
        "-o", "--output", default="curves.png",
        help=f"the file to write; its extension picks the format ({', '.join(FORMATS)})",
    )  # fmt: skip
    plot.add_argument("--labels", help="comma-separated run names, one per SOURCE")
    plot.add_argument("--title", help="a heading above the panels")
    plot.add_argument("--dpi", type=int, default=150, help="resolution of PNG output")
    plot.add_argument(
        "--follow", action="store_true",
        help="keep reading SOURCE (one .csv or .jsonl log another process writes, or a "
        "TensorBoard logdir: every run under it) and rewrite the output as values arrive, "
        "until Ctrl-C",
    )  # fmt: skip
    plot.add_argument(
        "--interval", type=float, default=0.5,
        help="with --follow: seconds between reads of the log (default 0.5)",
    )  # fmt: skip
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``livecurve`` command; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.follow:
        return _follow(args)
    from .show import show

    labels = args.labels.split(",") if args.labels else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            plot = show(args.sources, labels=labels, title=args.title)
            path = plot.save(args.output, dpi=args.dpi)
        except (OSError, ValueError, ImportError) as exc:
            _report(caught)
            print(f"livecurve: error: {exc}", file=sys.stderr)
            return 2
    _report(caught)
    for run in plot.runs:
        counts = ", ".join(f"{name} ({len(run[name])})" for name in run.names)
        print(f"{run.label}: {counts}")
    print(f"wrote {path}")
    return 0


def _follow(args: argparse.Namespace) -> int:
    """Poll the log, save the output whenever it changed, stop on Ctrl-C (exit 0)."""
    from .show import FollowedPlot

    output = Path(args.output)
    problem = None
    if len(args.sources) != 1:
        problem = f"--follow follows one SOURCE, got {len(args.sources)}"
    elif output.suffix.lower().lstrip(".") not in FORMATS:
        problem = f"cannot write {output}: accepted formats: {', '.join(FORMATS)}"
    elif not output.absolute().parent.is_dir():
        problem = f"cannot write {output}: its directory does not exist"
    if problem:
        print(f"livecurve: error: {problem}", file=sys.stderr)
        return 2
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started ignoring it
    source, written, status = args.sources[0], 0, ""
    plot: FollowedPlot | None = None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            plot = FollowedPlot(source, interval=args.interval, title=args.title)
        _report(caught)
        if args.labels and hasattr(plot.follower, "reader"):  # a TensorBoard logdir
            plot.follower.reader.label = args.labels.split(",")[0]
        elif args.labels:
            plot.run.label = args.labels.split(",")[0]
        follower = plot.follower
        while True:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                changed = follower.poll()
                if changed:
                    plot.save(output, dpi=args.dpi)
                    written += 1
            _report(caught)
            if follower.status != status and not follower.status.startswith("following"):
                print(f"livecurve: {follower.status}", file=sys.stderr)
            if changed:
                print(f"{follower.status}; wrote {output}", flush=True)
            status = follower.status
            time.sleep(follower.interval)
    except KeyboardInterrupt:
        rows = 0 if plot is None else plot.follower.rows
        what = f"{output} rewritten {written} times" if written else f"nothing written to {output}"
        print(f"stopped following {source} ({rows} rows): {what}", flush=True)
        return 0
    except (OSError, ValueError) as exc:
        print(f"livecurve: error: {exc}", file=sys.stderr)
        return 2


def _report(caught: list[warnings.WarningMessage]) -> None:
    seen: set[str] = set()
    for item in caught:
        text = str(item.message)
        if text not in seen:
            seen.add(text)
            print(f"warning: {text}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
