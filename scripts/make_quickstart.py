"""Write notebooks/01_quickstart.ipynb (kept as a script so the notebook stays reviewable)."""

from pathlib import Path

import nbformat as nbf

cells = [
    nbf.v4.new_markdown_cell(
        "# livecurve quickstart\n\n"
        "Train a small network on scikit-learn's bundled handwritten digits (no download) and "
        "watch "
        "the curves draw live. Tick a checkbox under a panel to hide or show a series, even while "
        "`fit()` is running. The figure is saved at the end."
    ),
    nbf.v4.new_code_cell(
        "import os\n\n"
        "import numpy as np\n"
        "from sklearn.datasets import load_digits\n\n"
        "# TensorFlow writes C++ start-up lines (oneDNN, CPU features) straight to the process's\n"
        "# stderr while it loads, whatever TF_CPP_MIN_LOG_LEVEL says: they go to /dev/null for\n"
        "# the import only (errors still show; TensorFlow's numerics are unchanged).\n"
        'os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")\n'
        "stderr_fd = os.dup(2)\n"
        'with open(os.devnull, "w") as devnull:\n'
        "    os.dup2(devnull.fileno(), 2)\n"
        "    try:\n"
        "        import keras\n\n"
        "        from livecurve import LiveCurve\n"
        "    finally:\n"
        "        os.dup2(stderr_fd, 2)\n"
        "        os.close(stderr_fd)"
    ),
    nbf.v4.new_code_cell(
        "digits = load_digits()\n"
        'x = (digits.data / 16.0).astype("float32")\n'
        "y = digits.target\n"
        "rng = np.random.default_rng(0)\n"
        "order = rng.permutation(len(x))\n"
        "x, y = x[order], y[order]\n"
        "x.shape, y.shape"
    ),
    nbf.v4.new_code_cell(
        "keras.utils.set_random_seed(0)\n"
        "model = keras.Sequential(\n"
        "    [\n"
        "        keras.Input((64,)),\n"
        '        keras.layers.Dense(64, activation="relu"),\n'
        "        keras.layers.Dropout(0.2),\n"
        '        keras.layers.Dense(10, activation="softmax"),\n'
        "    ]\n"
        ")\n"
        "model.compile(\n"
        "    optimizer=keras.optimizers.Adam(1e-3),\n"
        '    loss="sparse_categorical_crossentropy",\n'
        '    metrics=["accuracy"],\n'
        ")"
    ),
    nbf.v4.new_code_cell(
        "halve_every_10_epochs = keras.callbacks.LearningRateScheduler(\n"
        "    lambda epoch, lr: lr / 2 if epoch and epoch % 10 == 0 else lr\n"
        ")\n"
        'curve = LiveCurve(title="Digits: a small dense network")\n'
        "history = model.fit(\n"
        "    x,\n"
        "    y,\n"
        "    validation_split=0.2,\n"
        "    epochs=30,\n"
        "    batch_size=64,\n"
        "    verbose=0,\n"
        "    callbacks=[curve, halve_every_10_epochs],\n"
        ")"
    ),
    nbf.v4.new_markdown_cell(
        "Save the final figure (`.png`, `.svg`, `.pdf`, `.html`) or the numbers (`.csv`, `.json`):"
    ),
    nbf.v4.new_code_cell('curve.save("digits_training.png")\ncurve.save("digits_training.csv")'),
]
for number, cell in enumerate(cells):
    cell.id = f"quickstart-{number}"  # stable ids: regenerating changes nothing
notebook = nbf.v4.new_notebook(cells=cells)
notebook.metadata["kernelspec"] = {
    "name": "python3",
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
}
notebook.metadata["language_info"] = {"name": "python"}
target = Path(__file__).resolve().parents[1] / "notebooks" / "01_quickstart.ipynb"
nbf.write(notebook, target)
print(target)
