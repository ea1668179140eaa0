"""Panels: which series share a set of axes, and in which order (a run's metric families).

A panel is a metric family (``loss``) with its series (``loss`` and ``val_loss``); grouped
statistics (``layer1/mean``, ``layer1/std``) share their group's panel, and a multi-output model's
``{output}_{metric}`` series share one panel per metric (one colour per output).

Example:
    >>> [(p.family, p.names) for p in group(["loss", "val_loss", "accuracy"])]
    [('loss', ['loss', 'val_loss']), ('accuracy', ['accuracy'])]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from .names import MetricName, goal, is_learning_rate, outputs, parse


class HasPanels(Protocol):
    """What :func:`families` reads of a run (a :class:`~livecurve.model.run.Run`)."""

    def panels(self) -> list[Panel]: ...


@dataclass
class Panel:
    """One set of axes: a metric family and the series drawn on it (train first, then val)."""

    family: str
    names: list[str] = field(default_factory=list)
    # A multi-output model's metric panel: each name's output ("" for Keras's total loss); the
    # output decides the colour (:func:`livecurve.model.names.outputs`). Empty otherwise.
    output_of: dict[str, str] = field(default_factory=dict)
    outputs: tuple[str, ...] = ()  # every output of the run, in one order for all panels

    @property
    def by_output(self) -> bool:
        """True for a panel comparing a multi-output model's outputs on one metric."""
        return bool(self.output_of)

    @property
    def goal(self) -> str | None:
        return goal(self.family)

    def member_index(self, name: str) -> int:
        """The place of ``name``'s group member among the panel's members (0 when ungrouped).

        ``layer1/mean`` and ``val_layer1/mean`` share a place (and a colour); ``layer1/std`` has
        the next one, as ``val_epoch_perplexity`` has beside ``val_perplexity``.
        """
        if self.output_of:  # one colour per output in every panel; 0: the total ("")
            output = self.output_of[name]
            return 0 if not output else self.outputs.index(output) + 1
        members = list(dict.fromkeys(self.member_of(n) for n in self.names))
        return members.index(self.member_of(name))

    def member_of(self, name: str) -> tuple[str, str]:
        """``name``'s group member and variant in this panel (``("std", "")`` for ``layer1/std``
        and for its validation ``val_layer1/std`` in panel ``layer1``)."""
        metric = parse(name)
        if (
            metric.is_validation
            and not metric.member
            and metric.family.startswith(self.family + "/")
        ):
            return metric.family[len(self.family) + 1 :], metric.variant
        return metric.member, metric.variant


def _validation_joins_its_member(metrics: dict[str, MetricName]) -> dict[str, MetricName]:
    """``val_layer1/std`` goes in panel ``layer1`` beside ``layer1/std`` (a split word names the
    split, the slash after it a group only where the training series is grouped that way;
    ``train_metrics/mse`` and ``val_metrics/mse`` keep a ``metrics/mse`` panel)."""
    grouped = {(m.family, m.member) for m in metrics.values() if m.member and not m.is_validation}
    if not grouped:
        return metrics
    joined = dict(metrics)
    for name, metric in metrics.items():
        if metric.is_validation and not metric.member:
            group, _, member = metric.family.rpartition("/")
            if (group, member) in grouped:
                joined[name] = MetricName(
                    metric.raw, group, metric.split, member=member, variant=metric.variant
                )
    return joined


def families(
    runs: Sequence[HasPanels], visible: Mapping[tuple[int, str], bool] | None = None
) -> list[str]:
    """Metric families of several runs in panel order (each run's :meth:`Run.panels` order).

    With ``visible``, only families that still have a series to draw. The live widget and the
    saved pictures both place and colour their panels by this order.
    """
    order: list[str] = []
    for run_index, run in enumerate(runs):
        for panel in run.panels():
            shown = visible is None or any(visible.get((run_index, n), True) for n in panel.names)
            if shown and panel.family not in order:
                order.append(panel.family)
    return order


def _by_output(panels: dict[str, Panel], metrics: Mapping[str, MetricName]) -> dict[str, Panel]:
    """A multi-output model's panels regrouped: one per metric, its outputs' series in it."""
    found = outputs(list(panels))
    if not found:
        return panels
    grouped: dict[str, Panel] = {}
    every = tuple(dict.fromkeys(output for _, output in found.values() if output))
    for family, panel in panels.items():
        metric, output = found.get(family, (family, None))
        target = grouped.setdefault(metric, Panel(metric, outputs=every))
        target.names.extend(panel.names)
        if output is not None:
            target.output_of.update(dict.fromkeys(panel.names, output))
    for panel in grouped.values():  # a metric no output shares: an ordinary panel
        if len(set(panel.output_of.values()) - {""}) < 2:
            panel.output_of.clear()
            panel.outputs = ()
    return grouped


def _name_order(panel: Panel, metric: MetricName, name: str) -> tuple[int, bool]:
    """Train before validation; in a multi-output panel, output by output."""
    return (panel.member_index(name) if panel.output_of else 0, metric.is_validation)


def group(names: Iterable[str], metrics: Mapping[str, MetricName] | None = None) -> list[Panel]:
    """The panels of series ``names`` (parsed by :func:`~livecurve.model.names.parse` unless
    ``metrics`` gives them): ``loss`` first, then first-seen order, learning rate last; train
    before validation."""
    parsed = {name: (metrics or {}).get(name) or parse(name) for name in names}
    joined = _validation_joins_its_member(parsed)
    panels: dict[str, Panel] = {}
    for name, metric in joined.items():
        panels.setdefault(metric.family, Panel(metric.family)).names.append(name)
    panels = _by_output(panels, joined)
    for panel in panels.values():
        panel.names.sort(key=lambda n, p=panel: _name_order(p, joined[n], n))  # type: ignore[misc]
    # Keras sorts its log keys, which would put "accuracy" before "loss": loss leads.
    return sorted(panels.values(), key=lambda p: (is_learning_rate(p.family), p.family != "loss"))
