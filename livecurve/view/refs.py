"""Widget references in synced traits, made cheaply: ``"IPY_MODEL_<id>"`` for each widget.

ipywidgets' ``widget_serialization`` reads each widget's id through two trait lookups; a
search's figure sends lists of 800 marks (a panel's marks, the runs table's lines), so that
reading cost more than the rest of a redraw. :data:`refs_serialization` gives the same JSON
(and reads it back with ipywidgets' own ``from_json``).

Example:
    >>> import ipywidgets
    >>> box = ipywidgets.Box()
    >>> refs_to_json({"a": [box]}, None) == {"a": ["IPY_MODEL_" + box.model_id]}
    True
"""

from __future__ import annotations

from typing import Any

from ipywidgets import Widget, widget_serialization


def _ref(widget: Widget) -> str:
    comm = widget._trait_values.get("comm")  # what Widget.model_id reads, without the traits
    comm_id = getattr(comm, "comm_id", None)
    return "IPY_MODEL_" + (comm_id if comm_id is not None else widget.model_id)


def refs_to_json(value: Any, _owner: Any) -> Any:
    """``value`` with every widget in it (in lists, tuples and dicts) replaced by its ref."""
    if isinstance(value, Widget):
        return _ref(value)
    if isinstance(value, dict):
        return {key: refs_to_json(item, _owner) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [
            _ref(item) if isinstance(item, Widget) else refs_to_json(item, _owner) for item in value
        ]
    return value


refs_serialization = {"from_json": widget_serialization["from_json"], "to_json": refs_to_json}
