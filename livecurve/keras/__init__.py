"""The Keras adapter: the ``LiveCurve`` callback, its per-batch reading and KerasTuner trials.

Imported only when ``livecurve.LiveCurve`` is asked for (it imports Keras).
"""
