"""Compiling a network with several outputs: a loss and metrics per output.

``loss=`` is one loss for every output (None: each output's default, from its target), or a
dict by output name or a list, one entry per output (None entries take the default).
``loss__<arg>`` configures every output's loss, ``loss__<name>__<arg>`` (a list: its index)
only that output's. The weighting strategy fitted to each output then has its say on that
output's loss (``"focal"``, per-label weights). ``metrics=`` as a dict by output name or a
list of lists goes to Keras as it is; a flat list gives every output the same metrics (Keras
itself refuses a flat list for several outputs). ``compile__loss_weights`` weighs the outputs'
losses in the total, as in Keras.

A network that the build function returned compiled is trained as compiled (unless
``recompile=True``), with the checks of ``skweight._compiled`` output by output.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import keras
from sklearn.base import is_classifier

from ._compiled import (
    _compiled_config,
    _ignored_optimizer,
    _ignored_settings,
    _loss_identity,
    _loss_name,
    compile_settings,
    loss_object,
)
from ._keras import make_loss
from ._multi_target import default_loss, mirrored
from ._network import build_network
from ._outputs import loss_from_logits, outputs_are_logits
from ._routing import routed

__all__ = ["build_and_compile_outputs", "compiled_losses"]


def _keys(estimator) -> list:
    return [spec["key"] for spec in estimator.outputs_]


def _strategies(estimator) -> list:
    fitted = estimator.weighting_
    return list(fitted.values()) if isinstance(fitted, dict) else list(fitted)


def output_losses(estimator, routed_params, units: list | None, *, weighted: bool) -> list:
    """One fresh loss per output, in ``y``'s order (``units`` None: the usual heads)."""
    specs = estimator.outputs_
    units = units or [None] * len(specs)
    given = estimator.loss
    params = routed(routed_params, "loss")
    if isinstance(given, Mapping):
        if not isinstance(_keys(estimator)[0], str) or set(given) != set(_keys(estimator)):
            raise ValueError(
                f"loss names the outputs {sorted(map(str, given))}; y's outputs are "
                f"{_described(estimator)}. Give one loss per output, by y's names (a dict) or in "
                "its order (a list), or one loss for all."
            )
        entries = [given[key] for key in _keys(estimator)]
        labels = [str(key) for key in _keys(estimator)]
    elif isinstance(given, (list, tuple)):
        if len(given) != len(specs):
            raise ValueError(
                f"loss lists {len(given)} losses; y has {len(specs)} outputs "
                f"({_described(estimator)}). Give one loss per output, or one loss for all."
            )
        entries, labels = list(given), [str(i) for i in range(len(specs))]
    else:
        entries, labels = [given] * len(specs), None
    shared, own = _split(params, labels, len(specs))
    losses = [
        make_loss(default_loss(spec, n) if entry is None else entry, {**shared, **mine})
        for spec, n, entry, mine in zip(specs, units, entries, own, strict=True)
    ]
    if not weighted:
        return losses
    return [
        strategy.make_loss(loss, target_type=spec["kind"])
        for strategy, loss, spec in zip(_strategies(estimator), losses, specs, strict=True)
    ]


def _described(estimator) -> str:
    keys = _keys(estimator)
    return f"named {sorted(keys)}" if isinstance(keys[0], str) else f"a list of {len(keys)}"


def _split(params: dict[str, Any], labels: list[str] | None, n: int) -> tuple[dict, list[dict]]:
    """``loss__*`` into the arguments of every loss and those of each entry (``labels``: the
    entries' names; None for one loss for all, which takes every parameter)."""
    if labels is None:
        return params, [{} for _ in range(n)]
    shared = {k: v for k, v in params.items() if "__" not in k}
    own: list[dict[str, Any]] = [{} for _ in labels]
    for key, value in params.items():
        head, sep, rest = key.partition("__")
        if not sep:
            continue
        if head not in labels:
            raise ValueError(
                f"loss__{key} would be ignored: loss has no entry {head!r} (its entries are "
                f"{labels})."
            )
        own[labels.index(head)][rest] = value
    return shared, own


def _structured(estimator, values: list) -> Any:
    """Per-output values as Keras' ``compile`` takes them: a dict by name, or a list."""
    return mirrored(estimator, values)


def _metrics(estimator, metrics: Any) -> Any:
    """The metrics per output: as given when given per output, else every output's copy."""
    if metrics is None:
        return None
    n_outputs = len(estimator.outputs_)
    per_output = isinstance(metrics, Mapping) or (
        isinstance(metrics, (list, tuple))
        and len(metrics) == n_outputs
        and all(m is None or isinstance(m, (list, tuple, Mapping)) for m in metrics)
    )
    if per_output:
        return metrics
    flat = list(metrics) if isinstance(metrics, (list, tuple)) else [metrics]
    return _structured(estimator, [[_copy(m) for m in flat] for _ in range(n_outputs)])


def _copy(metric: Any) -> Any:
    """A fresh copy of a metric object (each output needs its own state); names as they are."""
    if isinstance(metric, keras.metrics.Metric):
        return type(metric).from_config(metric.get_config())
    return metric


def _settings(estimator, settings, units: list | None) -> dict[str, Any]:
    losses = output_losses(estimator, settings.routed, units, weighted=True)
    kwargs = compile_settings(estimator, settings, _structured(estimator, losses))
    kwargs["metrics"] = _metrics(estimator, kwargs["metrics"])
    return kwargs


def build_and_compile_outputs(estimator, settings) -> None:
    """A fresh network (unless continuing), compiled with one loss per output if it needs it."""
    planned: dict[tuple | None, dict[str, Any]] = {}

    def compile_kwargs(units: list | None = None) -> dict[str, Any]:
        key = None if units is None else tuple(units)
        if key not in planned:
            planned[key] = _settings(estimator, settings, units)
        return planned[key]

    if not settings.warm:
        model, took_compile_kwargs = build_network(
            estimator, settings.routed, settings.seed, compile_kwargs
        )
        estimator.model_ = model
        if model.compiled and not estimator.recompile:
            given = planned.get(None, {}).get("loss") if took_compile_kwargs else None
            _keep_compiled(estimator, model, settings, took_compile_kwargs, given)
    model = estimator.model_
    if not model.compiled or (not settings.warm and estimator.recompile):
        units = estimator.network_outputs_["units"]
        usual = [default_loss(s, None) for s in estimator.outputs_]
        actual = [default_loss(s, n) for s, n in zip(estimator.outputs_, units, strict=True)]
        model.compile(**compile_kwargs(None if actual == usual and None in planned else units))
    if is_classifier(estimator):
        _record_logits(estimator, model)


def compiled_losses(estimator, loss: Any) -> list:
    """The network's compiled loss for each output, in ``y``'s order, as loss objects."""
    keys = _keys(estimator)
    if isinstance(loss, Mapping):
        names = keys if isinstance(keys[0], str) else estimator.output_names_
        missing = [name for name in names if name not in loss]
        if missing:
            raise ValueError(
                f"The network was compiled with losses for {sorted(loss)}; its outputs "
                f"{missing} have none. Compile it with one loss per output."
            )
        return [loss_object(loss[name]) for name in names]
    if isinstance(loss, (list, tuple)):
        positions = estimator.network_outputs_["positions"]
        return [loss_object(loss[p]) for p in positions]
    return [loss_object(loss)] * len(keys)


def _keep_compiled(estimator, model, settings, took_compile_kwargs: bool, given=None) -> None:
    """Train ``model`` as compiled; raise where a setting would be ignored. A loss other than
    the one ``compile_kwargs`` gave (``given``) is weighted by the output's strategy."""
    if model.loss is None:
        raise ValueError(
            "The build function compiled the network without a loss; compile it with one "
            "(model.compile(**compile_kwargs) gives it skweight's), or return it uncompiled."
        )
    compiled = compiled_losses(estimator, model.loss)
    if estimator.loss is not None:
        asked = output_losses(estimator, settings.routed, None, weighted=False)
        for spec, mine, theirs in zip(estimator.outputs_, asked, compiled, strict=True):
            if _loss_identity(mine) != _loss_identity(theirs):
                raise ValueError(
                    f"loss for {spec['label']} is {_loss_name(mine)!r}, but the build function "
                    f"compiled that output with {_loss_name(theirs)!r}: one of them would be "
                    "ignored. Compile with compile_kwargs['loss'], leave loss=None, or set "
                    "recompile=True."
                )
    if not took_compile_kwargs:
        ignored, how = _ignored_settings(estimator, model, settings), "compiled itself"
    elif model.optimizer is not settings.optimizer:
        ignored, how = (
            _ignored_optimizer(estimator, model, settings),
            "compiled with another optimizer",
        )
    else:
        ignored = None
    if ignored:
        raise ValueError(
            f"{ignored} would be ignored: the build function returned a network it {how}. "
            "Compile with compile_kwargs (model.compile(**compile_kwargs)), return the network "
            "uncompiled, or set recompile=True."
        )
    ready = [] if given is None else compiled_losses(estimator, given)
    weighted = [
        loss
        if any(loss is mine for mine in ready)
        else strategy.make_loss(loss, target_type=spec["kind"])
        for strategy, loss, spec in zip(
            _strategies(estimator), compiled, estimator.outputs_, strict=True
        )
    ]
    if any(new is not old for new, old in zip(weighted, compiled, strict=True)):
        model.compile(**{**_compiled_config(model), "loss": _structured(estimator, weighted)})


def _record_logits(estimator, model) -> None:
    """``from_logits_``: whether each output is logits, from its loss and its last layer."""
    losses = compiled_losses(estimator, model.loss)
    layers = _output_layers(estimator, model)
    estimator.from_logits_ = mirrored(
        estimator,
        [
            outputs_are_logits(model, loss, layer)
            if layer is not None
            else bool(loss_from_logits(loss))
            for loss, layer in zip(losses, layers, strict=True)
        ],
    )


def _output_layers(estimator, model) -> list:
    """The layer that makes each output (None where the network does not say)."""
    try:
        structure = model.output
    except (AttributeError, ValueError):
        return [None] * len(estimator.outputs_)
    layout = estimator.network_outputs_
    if layout["structure"] == "dict":
        tensors = [structure[spec["key"]] for spec in estimator.outputs_]
    elif layout["structure"] == "list":
        tensors = [structure[p] for p in layout["positions"]]
    else:
        tensors = [structure]
    history = [getattr(t, "_keras_history", None) for t in tensors]
    return [None if h is None else h[0] for h in history]
