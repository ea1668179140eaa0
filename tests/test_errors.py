"""One family of errors for a log that cannot be read, whatever the entry point."""

from __future__ import annotations

from pathlib import Path

import pytest

import livecurve
from livecurve import LivePlot, LogFileError, LogReadError


def _not_a_log(tmp_path: Path) -> Path:
    path = tmp_path / "notes.csv"
    path.write_text("Traceback (most recent call last):\n  File 'train.py'\nKeyError: 'x'\n")
    return path


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(lambda p: livecurve.load(p), id="load"),
        pytest.param(lambda p: livecurve.show(p), id="show"),
        pytest.param(lambda p: LivePlot(log=p), id="LivePlot(log=)"),
    ],
)
def test_a_file_that_is_not_a_log_raises_a_log_read_error_naming_it(tmp_path, entry) -> None:  # type: ignore[no-untyped-def]
    path = _not_a_log(tmp_path)
    before = path.read_bytes()
    with pytest.raises(LogReadError, match=r"notes\.csv"):
        entry(path)
    assert path.read_bytes() == before, "the file is left as it was"


def test_log_file_errors_are_log_read_errors_and_value_errors() -> None:
    assert issubclass(LogFileError, LogReadError)
    assert issubclass(LogReadError, ValueError)
    assert livecurve.LogReadError is livecurve.errors.LogReadError
    assert livecurve.LiveCurveWarning is livecurve.errors.LiveCurveWarning
