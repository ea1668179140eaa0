"""Keep TensorFlow's start-up lines off the user's screen while a TensorBoard log is read.

Reading event files may import TensorFlow (tensorboard's reader uses it when it is installed),
and TensorFlow's C++ start-up writes straight to file descriptor 2 (absl's "All log messages
before absl::InitializeLog()", oneDNN, CPU features, CUDA probing), past ``sys.stderr``, so
Python cannot catch it. :func:`quiet_stderr` points descriptor 2 at a temporary file for the
block, and ``sys.stderr`` and Python warnings too; what was written is dropped, unless the block
raises: then it is written back, since it may explain the error.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator

_STDERR = 2


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Silence everything written to standard error inside the block (see the module docstring).

    Example:
        >>> with quiet_stderr():
        ...     _ = os.write(2, b"oneDNN custom operations are on\\n")
    """
    with contextlib.ExitStack() as stack:
        python_side = stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
        stack.enter_context(warnings.catch_warnings())
        warnings.simplefilter("ignore")
        sink = stack.enter_context(tempfile.TemporaryFile())
        try:
            saved = os.dup(_STDERR)
        except OSError:  # no descriptor 2 (a closed stderr, some embedded interpreters)
            yield
            return
        with contextlib.suppress(Exception):
            sys.__stderr__.flush()  # type: ignore[union-attr]
        os.dup2(sink.fileno(), _STDERR)
        try:
            yield
        except BaseException:
            _restore(saved)
            sink.seek(0)
            os.write(_STDERR, sink.read() + python_side.getvalue().encode())
            raise
        else:
            _restore(saved)


def _restore(saved: int) -> None:
    os.dup2(saved, _STDERR)
    os.close(saved)
