"""livecurve: live training curves for Keras and custom loops in Jupyter."""

from .run import LiveCurveWarning, Panel, Run
from .series import Series

__all__ = ["LiveCurveWarning", "Panel", "Run", "Series"]
__version__ = "0.1.0"
