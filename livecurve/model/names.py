"""Metric names: which panel a series belongs to, whether it is validation, which way is better.

Keras names validation metrics ``val_<name>``; other tools write ``valid_``, ``validation_``,
``val/``, ``validation/`` or ``train/``/``train_`` prefixes, and some put the split at the end
(``loss_val``, ``loss/train``).  :func:`parse` maps all of them to a *family* (the panel) and a
*split* (``"train"`` or ``"val"``), so ``loss`` and ``val_loss`` share one set of axes.

**Groups.** A name with no split word whose stem holds a ``/`` is a *member* of the group before
its last ``/``: ``layer1/mean_activation`` and ``layer1/std_activation`` share the panel
``layer1`` (one colour per member), ``encoder/block2/grad_norm`` goes to ``encoder/block2``, and
Ultralytics' ``lr/pg0``, ``lr/pg1`` share the learning-rate panel. A split word decides first, so
``train/loss``, ``val/loss`` and ``loss/val`` stay in ``loss``, and ``val_metrics/mse`` in
``metrics/mse`` beside ``train_metrics/mse`` (training and validation of one quantity together,
never several quantities of different scales). Validation values of a group member are logged
under a split word the same way: ``val_layer1/mean_activation`` is the validation line of the
``layer1/mean_activation`` panel. Names are split on their last ``/`` only; a leading or trailing
``/`` does not make a group.

**Outputs.** A Keras model with several outputs names its metrics ``{output}_{metric}``
(``output_3_auROC``, ``val_output_3_auROC``, ``age_loss``). :func:`outputs` finds them from the
names alone: families that split at an ``_`` into a prefix and a metric, where at least two
prefixes (the outputs) share at least two metrics, and no prefix is a word Keras's own metric
names start with (``sparse_categorical_accuracy`` and ``categorical_accuracy`` stay apart). The
panel is then the metric (``auROC``), one line per output and split; a plain family of the same
name (Keras's total ``loss``) joins its panel. Names that do not match the rule keep a panel
each, so a single-output model is drawn exactly as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

Split = Literal["train", "val"]
Goal = Literal["min", "max"]

_SEP = r"[_/\-. ]"
_VAL_WORDS = r"(?:val|valid|validation|validate|eval|evaluation|dev)"
_TRAIN_WORDS = r"(?:train|training|trn)"
_PREFIX_VAL = re.compile(rf"^{_VAL_WORDS}{_SEP}+(.+)$", re.IGNORECASE)
_PREFIX_TRAIN = re.compile(rf"^{_TRAIN_WORDS}{_SEP}+(.+)$", re.IGNORECASE)
_SUFFIX_VAL = re.compile(rf"^(.+?){_SEP}+{_VAL_WORDS}$", re.IGNORECASE)
_SUFFIX_TRAIN = re.compile(rf"^(.+?){_SEP}+{_TRAIN_WORDS}$", re.IGNORECASE)
# A held-out test set (PyTorch's ``Loss/test``, ``test_accuracy``): drawn dashed like validation,
# in a colour of its own beside a validation line of the same metric.
_TEST_WORDS = r"(?:test|testing)"
_PREFIX_TEST = re.compile(rf"^{_TEST_WORDS}{_SEP}+(.+)$", re.IGNORECASE)
_SUFFIX_TEST = re.compile(rf"^(.+?){_SEP}+{_TEST_WORDS}$", re.IGNORECASE)
# Keras's TensorBoard callback writes ``epoch_loss`` in ``train/`` and ``validation/`` runs.
_EPOCH_PREFIX = re.compile(r"^epoch[_/]", re.IGNORECASE)

_MAX_WORDS = re.compile(
    r"acc|accuracy|auc|precision|recall|f1|fbeta|iou|io_u|dice|map|psnr|ssim|r2|bleu|rouge|"
    r"top_?\d|hit|ndcg|score|jaccard|specificity|sensitivity|kappa|mcc|correlation|"
    r"cosine_similarity",
    re.IGNORECASE,
)
_MIN_WORDS = re.compile(
    r"loss|error|err|mse|mae|mape|msle|rmse|crossentropy|hinge|perplexity|ppl|kld|"
    r"divergence|cosine_similarity_loss|wer|cer|distance|logcosh|poisson",
    re.IGNORECASE,
)
_LEARNING_RATE = re.compile(r"^(lr|learning[_ ]?rate)$", re.IGNORECASE)
_TOKEN_SEP = re.compile(r"[^a-z0-9]+")
UNNAMED = "(unnamed)"


@dataclass(frozen=True)
class MetricName:
    """A parsed metric name.

    Attributes:
        raw: the name exactly as logged (``"val_loss"``).
        family: the panel it belongs to (``"loss"``; ``"layer1"`` for ``"layer1/std"``).
        split: ``"train"`` or ``"val"``.
        member: for a grouped name, the part after the group (``"std"``); else ``""``.
        variant: ``"epoch"`` for a name whose ``epoch_`` after its split word was dropped from
            the family (``val_epoch_perplexity`` beside ``val_perplexity``), ``"test"`` for a
            held-out test set (``Loss/test``, ``test_accuracy``: drawn dashed, as validation):
            another line of the panel, with its own colour; else ``""``.
    """

    raw: str
    family: str
    split: Split
    member: str = field(default="", repr=False)
    variant: str = field(default="", repr=False)

    @property
    def is_validation(self) -> bool:
        return self.split == "val"


@lru_cache(maxsize=4096)  # names repeat at every redraw; MetricName is immutable
def parse(name: str) -> MetricName:
    """Split a metric name into its family and split.

    >>> parse("val_loss")
    MetricName(raw='val_loss', family='loss', split='val')
    >>> parse("train/box_loss").family
    'box_loss'
    >>> parse("accuracy").split
    'train'
    >>> parse("layer1/mean_activation").family, parse("layer1/mean_activation").member
    ('layer1', 'mean_activation')
    """
    stripped = name.strip()
    if not stripped:
        # A blank name still needs a panel with a visible title.
        return MetricName(raw=name, family=UNNAMED, split="train")
    stem = _EPOCH_PREFIX.sub("", stripped) or stripped
    for pattern, split, kind in (
        (_PREFIX_VAL, "val", ""),
        (_PREFIX_TRAIN, "train", ""),
        (_PREFIX_TEST, "val", "test"),
        (_SUFFIX_VAL, "val", ""),
        (_SUFFIX_TRAIN, "train", ""),
        (_SUFFIX_TEST, "val", "test"),
    ):
        match = pattern.match(stem)
        if match and match.group(1).strip(" _/-."):
            family = _EPOCH_PREFIX.sub("", match.group(1)) or match.group(1)
            variant = kind or ("epoch" if family != match.group(1) else "")
            return MetricName(raw=name, family=family, split=split, variant=variant)  # type: ignore[arg-type]
    group, _, member = stem.rpartition("/")
    if group.strip(" /") and member.strip():
        return MetricName(raw=name, family=group, split="train", member=member)
    return MetricName(raw=name, family=stem, split="train")


# First words of Keras's (and common) metric names: never an output's name.
_METRIC_PREFIXES = frozenset(
    [
        "sparse",
        "categorical",
        "binary",
        "mean",
        "root",
        "top",
        "sparse_categorical",
        "sparse_top",
        "sparse_top_k",
        "top_k",
        "kl",
        "log",
        "cosine",
        "squared",
        "absolute",
        "weighted",
        "macro",
        "micro",
        "false",
        "true",
        "f1",
        "f_beta",
        "r2",
        "iou",
        "one_hot",
        "mean_absolute",
        "mean_squared",
        "root_mean",
        "root_mean_squared",
        "mean_squared_logarithmic",
        "mean_absolute_percentage",
        "binary_focal",
        "categorical_focal",
    ]
)


def _prefixes(family: str) -> list[tuple[str, str]]:
    """Every ``(prefix, rest)`` split of ``family`` at an ``_``, shortest prefix first."""
    return [
        (family[:i], family[i + 1 :])
        for i, char in enumerate(family)
        if char == "_" and 0 < i < len(family) - 1
    ]


def outputs(families: list[str]) -> dict[str, tuple[str, str]]:
    """Families of a multi-output model: ``{family: (metric, output)}`` (see the module's doc).

    Families that are no output's metric are left out; a plain family that names one of the
    shared metrics maps to ``(metric, "")``.

    >>> found = outputs(["loss", "out_a_loss", "out_a_acc", "out_b_loss", "out_b_acc", "lr"])
    >>> found["out_b_acc"], found["loss"], "lr" in found
    (('acc', 'out_b'), ('loss', ''), False)
    >>> outputs(["loss", "sparse_categorical_accuracy", "categorical_accuracy", "top_5_accuracy"])
    {}
    """
    metrics_of: dict[str, set[str]] = {}
    for family in families:
        for prefix, rest in _prefixes(family):
            if prefix.lower() not in _METRIC_PREFIXES:
                metrics_of.setdefault(prefix, set()).add(rest)
    candidates = [p for p, metrics in metrics_of.items() if len(metrics) >= 2]
    shared = {
        p
        for p in candidates
        for q in candidates
        if p != q
        and len(metrics_of[p] & metrics_of[q]) >= 2
        and not p.startswith(q + "_")
        and not q.startswith(p + "_")
    }
    if len(shared) < 2:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for family in families:
        for prefix, rest in _prefixes(family):  # the shortest output prefix wins
            if prefix in shared:
                found[family] = (rest, prefix)
                break
    metrics = {metric for metric, _ in found.values()}
    for family in families:
        if family in metrics and family not in found:
            found[family] = (family, "")
    return found


def series_goal(name: str) -> Goal | None:
    """Which direction is better for one series: its family's goal, else its member's.

    >>> series_goal("val_loss"), series_goal("metrics/precision(B)"), series_goal("layer1/std")
    ('min', 'max', None)
    """
    metric = parse(name)
    return goal(metric.family) or (goal(metric.member) if metric.member else None)


def is_learning_rate(family: str) -> bool:
    """True for the learning-rate family (``lr``, ``learning_rate``)."""
    return bool(_LEARNING_RATE.match(family.strip()))


def goal(family: str) -> Goal | None:
    """Which direction is better for a metric family: ``"min"``, ``"max"`` or ``None``.

    Losses and errors are minimised, accuracy-like scores maximised; unknown names and the
    learning rate have no goal (so no "best" value is claimed for them). A word that is a whole
    part of the name (``answer_accuracy``: ``accuracy``) decides before a word found inside another
    (``wer`` inside ``answer``); abbreviations inside a part (``miou``, ``mAP50``) still count.

    >>> goal("loss"), goal("sparse_categorical_accuracy"), goal("learning_rate")
    ('min', 'max', None)
    """
    if is_learning_rate(family):
        return None
    tokens = [t for t in _TOKEN_SEP.split(family.lower()) if t]
    if any(_MIN_WORDS.fullmatch(t) for t in tokens):
        return "min"
    if any(_MAX_WORDS.fullmatch(t) for t in tokens):
        return "max"
    if _MIN_WORDS.search(family):
        return "min"
    if _MAX_WORDS.search(family):
        return "max"
    return None
