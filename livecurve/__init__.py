"""livecurve: live training curves for Keras and custom loops in Jupyter.

Keras::

    from livecurve import LiveCurve

    curve = LiveCurve()
    model.fit(x, y, validation_split=0.2, epochs=30, callbacks=[curve])
    curve.save("training.png")          # .svg .pdf .html .csv .json too

A custom training loop::

    from livecurve import LivePlot

    plot = LivePlot()
    plot.display()                      # in a notebook: the live widget
    for epoch in range(30):
        ...
        plot.log(loss=train_loss, val_loss=val_loss)
    plot.finish()
    plot.save("training.svg")

Extra statistics and distributions in a custom loop (any framework)::

    plot = LivePlot(axis="step")
    plot.log(step, loss=loss, **{"layer1/mean": act.mean(), "layer1/std": act.std()})  # one panel
    plot.log_distribution(step, kernel=layer.kernel, grad=grads[0])   # percentile bands
    plot.log(step, val_loss=val_loss)

A KerasTuner search in one figure, one run per trial::

    curve = LiveCurve()
    tuner.search(x, y, epochs=20, validation_split=0.2, callbacks=[curve])
    curve.runs                          # one Run per trial, labelled by its hyperparameters

In a multi-process job only the primary process draws and writes (``is_primary_process``).

Follow a log that another process writes::

    fig = livecurve.show("run.jsonl", follow=True)      # fig.stop() ends it

Logs you already have (a Keras ``History``, a ``CSVLogger`` file, JSON, TensorBoard)::

    import livecurve

    livecurve.show("training.log")                      # or show(history), show([a, b])
    livecurve.show(["a.csv", "b.csv"], labels=["a", "b"]).save("compare.png")

``LiveCurve`` needs Keras 3 (``pip install livecurve[tensorflow]``); everything else does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import LiveCurveWarning, LogFileError, LogReadError, SaveError
from .export.save import FORMATS
from .live.distributed import is_primary_process
from .live.plot import LivePlot
from .model.distribution import Distribution, Distributions
from .model.panels import Panel
from .model.run import Run
from .model.series import Series
from .show import load, show

if TYPE_CHECKING:
    from .keras.callback import LiveCurve

__all__ = [
    "FORMATS",
    "Distribution",
    "Distributions",
    "LiveCurve",
    "LiveCurveWarning",
    "LivePlot",
    "LogFileError",
    "LogReadError",
    "Panel",
    "Run",
    "SaveError",
    "Series",
    "is_primary_process",
    "load",
    "show",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # LiveCurve subclasses keras.callbacks.Callback: import Keras only when it is asked for.
    if name == "LiveCurve":
        try:
            from .keras.callback import LiveCurve
        except ImportError as exc:
            raise ImportError(
                f"livecurve.LiveCurve needs Keras 3: pip install 'livecurve[tensorflow]' ({exc})"
            ) from exc
        return LiveCurve
    raise AttributeError(f"module 'livecurve' has no attribute {name!r}")
