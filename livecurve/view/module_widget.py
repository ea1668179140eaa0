"""Widgets drawn by an ES module through anywidget's front end, at a plain widget's cost.

``anywidget.AnyWidget.__init__`` adds its ``_esm``/``_css`` traits to every *instance*, which makes
a new class per widget (about 2 ms each). The live figure builds its legends inside ``fit()``, so
:class:`ModuleWidget` declares the same synced traits once, on the class, and skips that step; the
browser sees the same model (``AnyModel`` with ``_esm``, ``_css`` and ``_anywidget_id``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets
import traitlets

PRELUDE = Path(__file__).with_name("prelude.js")


def module_source(path: Path) -> str:
    """The text of ``path`` as the browser gets it: an ES module gets the text of
    ``prelude.js`` in front of it, the helpers every front end uses (resolving widget
    references, local changes, collections sent in blocks, detached renders), written once."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".js":
        text = PRELUDE.read_text(encoding="utf-8") + "\n" + text
    return text


def module_text(path: Path) -> traitlets.Unicode:
    """A synced trait holding :func:`module_source` of ``path`` (an ES module or a style
    sheet)."""
    return traitlets.Unicode(module_source(path)).tag(sync=True)


class ModuleWidget(anywidget.AnyWidget):
    """An anywidget whose ``_esm`` and ``_css`` are class traits; subclasses set them.

    Example:
        >>> class Hello(ModuleWidget):
        ...     _esm = traitlets.Unicode("export default { render() {} }").tag(sync=True)
        >>> Hello().get_state()["_model_name"]
        'AnyModel'
    """

    _esm = traitlets.Unicode("export default {}").tag(sync=True)
    _css = traitlets.Unicode("").tag(sync=True)
    _anywidget_id = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        with contextlib.suppress(Exception):  # what AnyWidget does first: Colab's widget manager
            from anywidget._util import enable_custom_widget_manager_once, in_colab

            if in_colab():
                enable_custom_widget_manager_once()
        kwargs.setdefault("_anywidget_id", f"{type(self).__module__}.{type(self).__name__}")
        ipywidgets.DOMWidget.__init__(self, **kwargs)
