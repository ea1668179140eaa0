"""Damaged logs never crash the reader (issue 18): mutated copies of the real logs give runs or
one LogReadError naming the file, quickly, and the file is never changed; files that are not
logs get one error that says what they look like."""

from __future__ import annotations

import codecs
import tempfile
import time
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livecurve.errors import LogReadError
from livecurve.model.run import Run
from livecurve.readers import read

REAL = Path(__file__).parent / "data" / "real-logs"
LOGS = sorted(
    p
    for p in REAL.iterdir()
    if p.is_file()
    and p.suffix in (".csv", ".tsv", ".log", ".json")
    and 0 < p.stat().st_size < 400_000
)
TIME_BOUND_S = 20.0  # per damaged file, on a busy CI machine (a clean read takes < 1 s)


def _truncate(data: bytes, draw: st.DrawFn) -> bytes:
    return data[: draw(st.integers(0, len(data)))]


def _flip(data: bytes, draw: st.DrawFn) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        i = draw(st.integers(0, len(out) - 1))
        out[i] ^= 1 << draw(st.integers(0, 7))
    return bytes(out)


def _insert_line(data: bytes, draw: st.DrawFn, line: bytes) -> bytes:
    lines = data.split(b"\n")
    at = draw(st.integers(0, len(lines)))
    return b"\n".join([*lines[:at], line, *lines[at:]])


def _garbage(data: bytes, draw: st.DrawFn) -> bytes:
    return _insert_line(data, draw, draw(st.binary(min_size=1, max_size=80)))


def _repeat(data: bytes, draw: st.DrawFn) -> bytes:
    lines = data.split(b"\n")
    at = draw(st.integers(0, len(lines) - 1))
    return _insert_line(data, draw, lines[at] if draw(st.booleans()) else lines[0])


def _reencode(data: bytes, draw: st.DrawFn) -> bytes:
    text = data.decode("utf-8", errors="replace")
    if draw(st.booleans()):
        encoded = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
        return encoded[: draw(st.integers(2, len(encoded)))]  # maybe cut at an odd byte
    return text.encode("latin-1", errors="replace")


def _nul(data: bytes, draw: st.DrawFn) -> bytes:
    at = draw(st.integers(0, len(data)))
    return data[:at] + b"\x00" * draw(st.integers(1, 16)) + data[at:]


def _huge_number(data: bytes, draw: st.DrawFn) -> bytes:
    digits = [i for i, b in enumerate(data) if 48 <= b <= 57]
    if not digits:
        return data + b"1e999999\n"
    at = digits[draw(st.integers(0, len(digits) - 1))]
    return data[:at] + b"1e999999" + data[at + 1 :]


def _long_line(data: bytes, draw: st.DrawFn) -> bytes:
    cell = draw(st.sampled_from([b"x", b"0.5,", b"9"]))
    return _insert_line(data, draw, cell * (2_000_000 // len(cell)))


MUTATIONS = [_truncate, _flip, _garbage, _repeat, _reencode, _nul, _huge_number, _long_line]


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    path = draw(st.sampled_from(LOGS))
    data = path.read_bytes()
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=2)):
        data = mutation(data, draw) if data else data
    return path.suffix, data


def assert_runs_or_an_error_naming(path: Path) -> None:
    """Reading ``path`` gives runs that hold values, or a LogReadError that names the file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            runs = read(path)
        except LogReadError as exc:
            assert str(path) in str(exc)
        else:
            assert runs and all(isinstance(r, Run) and len(r) for r in runs)


@settings(
    derandomize=True,
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(damaged())
def test_a_damaged_log_gives_runs_or_a_log_read_error_naming_it(case: tuple[str, bytes]) -> None:
    suffix, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"damaged{suffix}"
        path.write_bytes(data)
        stamp = path.stat().st_mtime_ns
        start = time.perf_counter()
        assert_runs_or_an_error_naming(path)
        assert time.perf_counter() - start < TIME_BOUND_S
        assert path.read_bytes() == data and path.stat().st_mtime_ns == stamp


NOT_LOGS = {
    "crash.log": (
        b'Traceback (most recent call last):\n  File "train.py", line 12, in <module>\n'
        b"    model.fit(x, y)\nValueError: Shapes (None, 10) and (None, 1) are incompatible\n",
        "Python traceback",
    ),
    "console.txt": (
        b"Epoch 1/2\n32/32 [==============================] - 2s 15ms/step - loss: 0.6931\n"
        b"Epoch 2/2\n32/32 [==============================] - 0s 5ms/step - loss: 0.6800\n",
        "console output of Keras",
    ),
    "tqdm.txt": (
        b"Epoch 0:  50%|#####     | 50/100 [00:01<00:01, 40.0it/s, loss=0.5]\n"
        b"Epoch 0: 100%|##########| 100/100 [00:02<00:00, 40.0it/s, loss=0.4]\n",
        "tqdm",
    ),
    "utf16.txt": (
        codecs.BOM_UTF16_LE + "Some words here\nand more words\n".encode("utf-16-le"),
        "UTF-16",
    ),
    "notes.txt": (b"Hello, this is a note.\nNothing numeric, at all.\n", "first line"),
    "binary.bin": (b"\x00\x01\x02\x03" * 100, "binary"),
}


@pytest.mark.parametrize("name", sorted(NOT_LOGS))
def test_a_file_that_is_not_a_log_gets_one_error_saying_what_it_looks_like(
    tmp_path: Path, name: str
) -> None:
    data, what = NOT_LOGS[name]
    path = tmp_path / name
    path.write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one error, no warnings before it
        with pytest.raises(LogReadError, match=what) as caught:
            read(path)
    assert str(path) in str(caught.value)


def test_a_utf16_log_cut_at_an_odd_byte_is_read_not_a_unicode_error(tmp_path: Path) -> None:
    text = "epoch,loss\n0,0.9\n1,0.5\n2,0.4\n"
    path = tmp_path / "u16.csv"
    path.write_bytes((codecs.BOM_UTF16_LE + text.encode("utf-16-le"))[:-1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (run,) = read(path)
    assert run["loss"].y.tolist()[:2] == [0.9, 0.5]


@pytest.mark.parametrize(
    "data",
    [
        b"9" * 5000 + b"\n",
        b'{"loss": [' + b"9" * 5000 + b"]}\n",
        b'{"loss": 1}\n{"loss": 2' + b"9" * 5000 + b"}\n{\n",
    ],
)
def test_json_with_a_number_of_thousands_of_digits_is_a_log_read_error(
    tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "huge.json"
    path.write_bytes(data)
    assert_runs_or_an_error_naming(path)
