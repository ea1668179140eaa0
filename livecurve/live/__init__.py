"""The live figure: ``LivePlot`` and what keeps it drawn while training runs (the redraw throttle,
the cell output, the guard that keeps errors out of training, following a log another process
writes, and which process of a distributed job draws).
"""
