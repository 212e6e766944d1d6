"""The options of one fit: from the estimator's parameters, ``fit__*`` and ``fit(**kwargs)``.

``epochs``, ``batch_size``, ``verbose``, ``shuffle`` and ``validation_split`` come from, in
order of precedence, a keyword argument of the ``fit`` call, the routed ``fit__<name>``
parameter, and the estimator parameter ``<name>`` (SciKeras' order). ``partial_fit`` always
trains one epoch. Callbacks add up: ``callbacks``, then ``fit__callbacks``, then the call's
``callbacks``; each may hold classes given uninstantiated, configured by ``callbacks__*`` or
``fit__callbacks__*`` (see ``skweight._nested``), made afresh at every fit. Every other
``fit__*`` parameter or keyword argument goes to ``keras.Model.fit`` unchanged (the call's
over the parameter's). ``predict_options`` does the same for ``predict(X, **kwargs)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import keras

from ._nested import configure
from ._params import check_params
from ._routing import (
    FIT_OVERRIDES,
    ROUTED_CONSTRAINTS,
    check_fit_kwargs,
    check_predict_kwargs,
    routed,
)

__all__ = ["FitOptions", "FitSettings", "fit_options", "predict_batch_size"]


@dataclass(frozen=True)
class FitSettings:
    """What the parameter check decided for one fit (``batch_size`` -1: all rows at once)."""

    epochs: int
    warm: bool
    seed: int | None
    strategy_seed: int | None
    strategy: Any
    callbacks: list
    routed: dict[str, Any]
    optimizer: keras.optimizers.Optimizer
    partial: bool
    batch_size: int = 32
    verbose: Any = 0
    shuffle: bool = True
    validation_split: float = 0.0
    keras_fit: dict[str, Any] = field(default_factory=dict)
    metrics: Any = None
    initial_epoch: int = 0


@dataclass(frozen=True)
class FitOptions:
    """What one fit trains with (``batch_size`` -1: every training row in one batch)."""

    epochs: int
    batch_size: int
    verbose: Any
    shuffle: bool
    validation_split: float
    callbacks: list
    keras_fit: dict[str, Any] = field(default_factory=dict)


def fit_options(
    estimator, routed_params: Mapping[str, Any], call_kwargs: Mapping[str, Any], *,
    partial: bool, epochs: int | None = None,
) -> FitOptions:  # fmt: skip
    """The options of one fit of ``estimator`` (``epochs`` given: that many, whatever else says)."""
    call_kwargs = dict(call_kwargs)
    check_fit_kwargs(call_kwargs, "")
    if partial and "epochs" in call_kwargs:
        raise TypeError("partial_fit always trains one epoch; it takes no epochs= argument.")
    fit_params = routed(routed_params, "fit")
    values, sources = {}, {}
    for name in FIT_OVERRIDES[:-1]:
        if name in call_kwargs:
            values[name], sources[name] = call_kwargs[name], name
        elif f"{name}" in fit_params:
            values[name], sources[name] = fit_params[name], f"fit__{name}"
        else:
            values[name], sources[name] = getattr(estimator, name), name
    if epochs is not None:
        values["epochs"], sources["epochs"] = epochs, "epochs"
    constraints = estimator._parameter_constraints
    for name, source in sources.items():
        rules = ROUTED_CONSTRAINTS[f"fit__{name}"] if name == "batch_size" else constraints[name]
        check_params({source: values[name]}, {source: rules})
    callbacks = [
        *make_callbacks(estimator.callbacks, routed(routed_params, "callbacks"), "callbacks"),
        *make_callbacks(
            fit_params.get("callbacks"), routed(fit_params, "callbacks"), "fit__callbacks"
        ),
        *make_callbacks(call_kwargs.get("callbacks"), {}, "callbacks (the fit argument)"),
    ]
    keras_fit = {
        **{k: v for k, v in fit_params.items() if k.partition("__")[0] not in FIT_OVERRIDES},
        **{k: v for k, v in call_kwargs.items() if k not in FIT_OVERRIDES},
    }
    return FitOptions(
        epochs=int(values["epochs"]), batch_size=int(values["batch_size"]),
        verbose=values["verbose"], shuffle=bool(values["shuffle"]),
        validation_split=float(values["validation_split"]), callbacks=callbacks,
        keras_fit=keras_fit,
    )  # fmt: skip


def make_callbacks(value: Any, params: Mapping[str, Any], name: str) -> list:
    """Callbacks as a flat list of fresh or given ``keras.callbacks.Callback`` objects.

    ``value`` is None, a callback (an object or a class), or a list, tuple or dict of them
    (lists may nest); ``params`` are the routed parameters below ``name``.
    """
    if value is None:
        if params:
            raise ValueError(
                f"{name}__{sorted(params)[0]} would be ignored: {name} is None. Give the "
                f"callback classes in {name}= (e.g. {name}=[keras.callbacks.EarlyStopping])."
            )
        return []
    made = configure(value, params, name)
    flat = _flatten(made)
    wrong = [c for c in flat if not isinstance(c, keras.callbacks.Callback)]
    if wrong:
        raise TypeError(
            f"{name} must be None, a keras.callbacks.Callback (an object, or a class to be made "
            "at fit), or a list or dict of them; it holds "
            f"{type(wrong[0]).__name__} {wrong[0]!r}."
        )
    return flat


def _flatten(value: Any) -> list:
    if isinstance(value, Mapping):
        return [c for item in value.values() for c in _flatten(item)]
    if isinstance(value, (list, tuple)):
        return [c for item in value for c in _flatten(item)]
    return [value]


def predict_batch_size(routed_params: Mapping[str, Any], call_kwargs: Mapping[str, Any]) -> Any:
    """The rows per predicted chunk: ``predict(batch_size=)``, else ``predict__batch_size``
    (-1: every row at once; None: skweight's default)."""
    check_predict_kwargs(call_kwargs, "")
    rules = ROUTED_CONSTRAINTS["predict__batch_size"]
    if "batch_size" in call_kwargs:
        check_params(call_kwargs, {"batch_size": rules})
        return call_kwargs["batch_size"]
    check_params(routed_params, {"predict__batch_size": rules})
    return routed_params.get("predict__batch_size")
