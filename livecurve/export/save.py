"""``save(path)``: pick the format from the extension and write the file atomically.

The file is written to a temporary name in the same directory and renamed into place, so a failure
(a full disk, a bad value, an interrupted process) never leaves a half-written file behind.
"""

from __future__ import annotations

import base64
import os
import tempfile
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import Any

from ..errors import SaveError
from ..model.run import Run
from . import data

__all__ = ["FORMATS", "SaveError", "render", "save"]

SeriesKey = tuple[int, str]
PICTURE_FORMATS = ("png", "svg", "pdf")
FORMATS = (*PICTURE_FORMATS, "html", "csv", "json")


def render(
    runs: list[Run],
    fmt: str,
    visible: Mapping[SeriesKey, bool] | None = None,
    *,
    title: str | None = None,
    dpi: int = 150,
    columns: int = 2,
    smoothing: float = 0.0,
    **look: Any,
) -> bytes:
    """The file's content in ``fmt`` (one of :data:`FORMATS`); ``columns``: panels per row.

    ``look``: ``log_panels`` and ``ignore_outliers`` for pictures (see :func:`static.figure`).
    """
    if fmt in PICTURE_FORMATS:
        from . import static  # matplotlib: imported when a picture is drawn

        return static.render(
            runs, fmt, visible, title=title, dpi=dpi, columns=columns, smoothing=smoothing, **look
        )
    if fmt == "csv":
        return data.to_csv(runs, visible).encode()
    if fmt == "json":
        return data.to_json(runs, visible).encode()
    if fmt == "html":
        return _html(runs, visible, title, columns, smoothing, **look).encode()
    raise ValueError(f"unknown format {fmt!r}; accepted formats: {', '.join(FORMATS)}")


def _html(
    runs: list[Run],
    visible: Mapping[SeriesKey, bool] | None,
    title: str | None,
    columns: int = 2,
    smoothing: float = 0.0,
    **look: Any,
) -> str:
    """A self-contained page: the picture inline (works offline) and the data as a CSV download."""
    from . import static

    svg = static.render(
        runs, "svg", visible, title=title, columns=columns, smoothing=smoothing, **look
    ).decode()
    svg = svg[svg.index("<svg") :]
    csv_b64 = base64.b64encode(data.to_csv(runs, visible).encode()).decode()
    heading = escape(title or "Training curves")
    table = ""
    if len(runs) > 1:  # the runs table: sortable, filterable, hover picks out a run's curves
        from ..model.runs_table import runs_table
        from .runs_page import table_html

        table = table_html(runs_table(runs, running=None))
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>{heading}</title></head>\n<body style='font-family:sans-serif'>\n{svg}\n"
        f"<p><a download='training.csv' href='data:text/csv;base64,{csv_b64}'>data (CSV)</a></p>"
        f"\n{table}</body></html>\n"
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save(
    runs: list[Run],
    path: str | os.PathLike[str],
    visible: Mapping[SeriesKey, bool] | None = None,
    *,
    title: str | None = None,
    dpi: int = 150,
    columns: int = 2,
    smoothing: float = 0.0,
    **look: Any,
) -> Path:
    """Write the runs to ``path``; the extension picks the format. Returns the path written.

    ``columns`` is the number of panels per row in a picture (as in the live widget), and
    ``smoothing`` the weight of the smoothed line drawn over per-step values. A ``.csv`` of
    epoch runs that hold per-batch values also writes those to ``<name>.steps.csv`` beside it
    (see :mod:`livecurve.export.data`). A ``.csv`` of two runs or more also writes the runs
    table (:mod:`livecurve.model.runs_table`: one row per run, its hyperparameters, best and
    last values, epochs, state) to ``<name>.runs.csv``; a path that ends in ``.runs.csv``
    writes only the runs table.
    """
    target = Path(path).expanduser()
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(
            f"cannot save to {str(target)!r}: unknown extension {target.suffix or '(none)'!r}; "
            f"accepted formats: {', '.join('.' + f for f in FORMATS)}"
        )
    directory = target.parent
    if not directory.is_dir():
        raise SaveError(
            f"cannot save to {str(target)!r}: directory {str(directory)!r} does not exist"
        )
    if target.name.lower().endswith(".runs.csv"):
        from ..model.runs_table import runs_table

        _write(target, runs_table(runs, running=None).to_csv().encode())
        return target
    content = render(
        runs, fmt, visible, title=title, dpi=dpi, columns=columns, smoothing=smoothing, **look
    )
    if fmt == "csv" and len(runs) > 1:
        from ..model.runs_table import runs_table

        table = runs_table(runs, running=None).to_csv().encode()
        _write(target.with_name(f"{target.stem}.runs.csv"), table)
    if fmt == "csv" and data.has_epoch_steps(runs, visible):
        _write(target.with_name(f"{target.stem}.steps.csv"), data.steps_csv(runs, visible).encode())
    _write(target, content)
    return target


def _write(target: Path, content: bytes) -> None:
    """Write ``content`` to ``target`` atomically (a temporary file renamed into place)."""
    directory = target.parent
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=directory)
    except OSError as exc:
        raise SaveError(f"cannot save to {str(target)!r}: {exc.strerror or exc}") from exc
    try:
        os.chmod(temp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise SaveError(f"cannot save to {str(target)!r}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
