"""The data model: runs, series, steps, distributions, names and the numbers drawn from them.

Pure Python and numpy: nothing here imports Keras, widgets, matplotlib or the readers.
"""
