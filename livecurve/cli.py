"""``livecurve plot SOURCE... -o curves.png``: plot logs from a terminal or CI."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``livecurve`` command; returns the exit status."""
    args = _parser().parse_args(argv)
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


def _report(caught: list[warnings.WarningMessage]) -> None:
    seen: set[str] = set()
    for item in caught:
        text = str(item.message)
        if text not in seen:
            seen.add(text)
            print(f"warning: {text}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
