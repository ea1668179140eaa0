"""A griffe extension for the docs: an ``Example:`` section is read as ``Examples:``.

livecurve's docstrings follow Keras's, which title the section ``Example:``. griffe's Google
parser reads only ``Examples:`` as code (``>>>`` lines become a Python console block) and turns
``Example:`` into an admonition of Markdown, where ``runs[0]["loss"]`` reads as a broken link.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_EXAMPLE = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)


class ExampleSections(griffe.Extension):
    """Rename ``Example:`` section titles to ``Examples:`` before docstrings are parsed."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _EXAMPLE.sub(r"\1Examples:", obj.docstring.value)
