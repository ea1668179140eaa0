"""Write notebooks/02_custom_loop.ipynb and 03_search.ipynb (scripts keep notebooks reviewable)."""

from pathlib import Path

import nbformat as nbf

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
QUIET_IMPORTS = (
    "import os\n\n"
    "# keep TensorFlow's start-up messages out of the cell\n"
    'os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")\n'
    'os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")\n\n'
)
DIGITS = (
    "digits = load_digits()\n"
    'x = (digits.data / 16.0).astype("float32")\n'
    "y = digits.target\n"
    "order = np.random.default_rng(0).permutation(len(x))\n"
    "x, y = x[order], y[order]\n"
    "x_train, y_train, x_val, y_val = x[:1400], y[:1400], x[1400:], y[1400:]"
)

CUSTOM_LOOP = [
    nbf.v4.new_markdown_cell(
        "# A custom training loop with extra statistics and distributions\n\n"
        "A `tf.GradientTape` loop on scikit-learn's bundled digits. Every step logs the loss, the "
        "mean and standard deviation of the hidden layer's activations (`hidden/mean`, "
        "`hidden/std`: one panel, because they share the group before the `/`) and the gradient "
        "norm; every few steps the distribution of the kernel and of its gradient, drawn as "
        "nested percentile bands around the median; once per epoch the validation loss."
    ),
    nbf.v4.new_code_cell(
        QUIET_IMPORTS + "import keras\n"
        "import numpy as np\n"
        "import tensorflow as tf\n"
        "from sklearn.datasets import load_digits\n\n"
        "from livecurve import LivePlot"
    ),
    nbf.v4.new_code_cell(DIGITS),
    nbf.v4.new_code_cell(
        "keras.utils.set_random_seed(0)\n"
        'hidden = keras.layers.Dense(32, activation="relu")\n'
        "output = keras.layers.Dense(10)\n"
        "model = keras.Sequential([keras.Input((64,)), hidden, output])\n"
        "optimizer = keras.optimizers.Adam(1e-3)\n"
        "loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)\n\n\n"
        "@tf.function\n"
        "def train_step(xb, yb):\n"
        "    with tf.GradientTape() as tape:\n"
        "        act = hidden(xb)\n"
        "        loss = loss_fn(yb, output(act))\n"
        "    grads = tape.gradient(loss, model.trainable_variables)\n"
        "    optimizer.apply_gradients(zip(grads, model.trainable_variables))\n"
        "    return loss, act, grads[0]"
    ),
    nbf.v4.new_code_cell(
        'plot = LivePlot(axis="step", title="Digits: a GradientTape loop")\n'
        "plot.display()\n"
        "epochs, batch = 8, 64\n"
        "plot.start(total=epochs * (len(x_train) // batch))\n"
        "step = 0\n"
        "for _ in range(epochs):\n"
        "    for start in range(0, len(x_train) - batch + 1, batch):\n"
        "        step += 1\n"
        "        xb, yb = x_train[start : start + batch], y_train[start : start + batch]\n"
        "        loss, act, kernel_grad = train_step(xb, yb)\n"
        "        plot.log(\n"
        "            step,\n"
        "            loss=loss,\n"
        "            grad_norm=tf.norm(kernel_grad),\n"
        "            **{\n"
        '                "hidden/mean": tf.reduce_mean(act),\n'
        '                "hidden/std": tf.math.reduce_std(act),\n'
        "            },\n"
        "        )\n"
        "        if step % 5 == 0:\n"
        "            plot.log_distribution(step, kernel=hidden.kernel, kernel_grad=kernel_grad)\n"
        "    plot.log(step, val_loss=loss_fn(y_val, model(x_val)))\n"
        "plot.finish()"
    ),
    nbf.v4.new_markdown_cell("The panels, and the same figure saved as a picture and as data:"),
    nbf.v4.new_code_cell(
        'plot.save("custom_loop.png")\n'
        'plot.save("custom_loop.csv")\n'
        "[panel.family for panel in plot.run.panels()], plot.run.distributions.names"
    ),
]

SEARCH = [
    nbf.v4.new_markdown_cell(
        "# A hyperparameter search in one figure\n\n"
        "KerasTuner copies the callbacks for every trial; each copy of `LiveCurve` draws its "
        "trial as a run of the same figure, labelled with the trial's hyperparameters. A "
        "checkbox per run hides or shows a trial, and the best trial so far carries a ★."
    ),
    nbf.v4.new_code_cell(
        QUIET_IMPORTS + "import keras\n"
        "import keras_tuner\n"
        "import numpy as np\n"
        "from sklearn.datasets import load_digits\n\n"
        "from livecurve import LiveCurve"
    ),
    nbf.v4.new_code_cell(DIGITS),
    nbf.v4.new_code_cell(
        "def build(hp):\n"
        "    model = keras.Sequential(\n"
        "        [\n"
        "            keras.Input((64,)),\n"
        '            keras.layers.Dense(hp.Choice("units", [8, 32, 64]), activation="relu"),\n'
        '            keras.layers.Dense(10, activation="softmax"),\n'
        "        ]\n"
        "    )\n"
        "    model.compile(\n"
        '        optimizer=keras.optimizers.Adam(hp.Choice("learning_rate", [1e-3, 1e-2])),\n'
        '        loss="sparse_categorical_crossentropy",\n'
        '        metrics=["accuracy"],\n'
        "    )\n"
        "    return model\n\n\n"
        "keras.utils.set_random_seed(0)\n"
        "tuner = keras_tuner.RandomSearch(\n"
        '    build, objective="val_loss", max_trials=3, seed=0, overwrite=True,\n'
        '    directory="search", project_name="digits",\n'
        ")"
    ),
    nbf.v4.new_code_cell(
        'curve = LiveCurve(title="Digits: three trials")\n'
        "tuner.search(\n"
        "    x_train, y_train, validation_data=(x_val, y_val), epochs=6, batch_size=64,\n"
        "    verbose=0, callbacks=[curve],\n"
        ")"
    ),
    nbf.v4.new_markdown_cell(
        "Under the figure, the **runs table** lists the trials: their hyperparameters (from "
        "`Run.params`), the best and last `val_loss` and `val_accuracy`, epochs done and state "
        "(running, done, stopped early), and a line with the search's progress (trial *k* of "
        "`max_trials`, the best so far, the time left). It works while the search trains: click "
        "a column header to sort, type in the filter box (a regular expression, or plain text, "
        "over labels and hyperparameters) to pick out runs, hover or click a row to thicken its "
        "curves. With many trials the legends name the best few and the running trial and count "
        "the rest.\n\n"
        '`save("search.csv")` writes the curves and, beside them, the table as '
        '`search.runs.csv`; `save("search.html")` a page with the picture and the sortable table.'
    ),
    nbf.v4.new_code_cell(
        'curve.save("search.csv")\ncurve.save("search.html")\n'
        'print(curve.save("search.runs.csv").read_text())'
    ),
    nbf.v4.new_markdown_cell("One run per trial, in trial order; the best one is starred:"),
    nbf.v4.new_code_cell('curve.save("search.png")\n[run.label for run in curve.runs]'),
]


def write(name: str, cells: list) -> Path:
    for number, cell in enumerate(cells):
        cell.id = f"{name[:2]}-{number}"  # stable ids: regenerating changes nothing
    notebook = nbf.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    target = NOTEBOOKS / name
    nbf.write(notebook, target)
    return target


if __name__ == "__main__":
    print(write("02_custom_loop.ipynb", CUSTOM_LOOP))
    print(write("03_search.ipynb", SEARCH))
