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

from ..run import Run
from . import data, static

SeriesKey = tuple[int, str]
PICTURE_FORMATS = ("png", "svg", "pdf")
FORMATS = (*PICTURE_FORMATS, "html", "csv", "json")


class SaveError(OSError):
    """The figure or data could not be written; the message names the path and the reason."""


def render(
    runs: list[Run],
    fmt: str,
    visible: Mapping[SeriesKey, bool] | None = None,
    *,
    title: str | None = None,
    dpi: int = 150,
    columns: int = 2,
) -> bytes:
    """The file's content in ``fmt`` (one of :data:`FORMATS`); ``columns``: panels per row."""
    if fmt in PICTURE_FORMATS:
        return static.render(runs, fmt, visible, title=title, dpi=dpi, columns=columns)
    if fmt == "csv":
        return data.to_csv(runs, visible).encode()
    if fmt == "json":
        return data.to_json(runs, visible).encode()
    if fmt == "html":
        return _html(runs, visible, title, columns).encode()
    raise ValueError(f"unknown format {fmt!r}; accepted formats: {', '.join(FORMATS)}")


def _html(
    runs: list[Run],
    visible: Mapping[SeriesKey, bool] | None,
    title: str | None,
    columns: int = 2,
) -> str:
    """A self-contained page: the picture inline (works offline) and the data as a CSV download."""
    svg = static.render(runs, "svg", visible, title=title, columns=columns).decode()
    svg = svg[svg.index("<svg") :]
    csv_b64 = base64.b64encode(data.to_csv(runs, visible).encode()).decode()
    heading = escape(title or "Training curves")
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        f"<title>{heading}</title></head>\n<body style='font-family:sans-serif'>\n{svg}\n"
        f"<p><a download='training.csv' href='data:text/csv;base64,{csv_b64}'>data (CSV)</a></p>"
        "\n</body></html>\n"
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
) -> Path:
    """Write the runs to ``path``; the extension picks the format. Returns the path written.

    ``columns`` is the number of panels per row in a picture (as in the live widget).
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
    content = render(runs, fmt, visible, title=title, dpi=dpi, columns=columns)
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
    return target
