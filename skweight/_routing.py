"""Routed parameters (``model__*``, ``loss__*``, ``optimizer__*``, ...) and build-function calls.

The convention follows SciKeras: a constructor keyword ``prefix__name`` is stored on the
estimator as an ordinary parameter and handed to whatever the prefix names.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Mapping
from typing import Any

from ._params import Bool, Interval, Options, Satisfies, check_params

#: Prefixes of the keyword parameters that the estimators accept and route.
ROUTED_PREFIXES = ("model", "loss", "optimizer", "compile", "fit", "predict")

#: ``fit`` arguments that skweight owns; passing them as ``fit__*`` is an error.
RESERVED_FIT_KWARGS = {
    "x", "y", "sample_weight", "class_weight", "epochs", "batch_size", "validation_split",
    "validation_data", "callbacks", "verbose", "shuffle", "initial_epoch",
}  # fmt: skip

#: ``compile`` arguments that skweight owns (``loss=``, ``optimizer=`` and ``weighting=``).
RESERVED_COMPILE_KWARGS = {"optimizer", "loss", "loss_weights"}

#: The ``predict__*`` parameters skweight uses.
PREDICT_KWARGS = {"batch_size"}

#: What the routed parameters skweight knows may be, checked before any Keras work.
ROUTED_CONSTRAINTS = {
    "predict__batch_size": [None, Interval(numbers.Integral, 1, None)],
    "compile__steps_per_execution": [Interval(numbers.Integral, 1, None)],
    "compile__jit_compile": [Bool, Options(("auto",))],
    "compile__run_eagerly": [Bool],
    "compile__auto_scale_loss": [Bool],
    "fit__steps_per_epoch": [None, Interval(numbers.Integral, 1, None)],
    "fit__validation_steps": [None, Interval(numbers.Integral, 1, None)],
    "fit__validation_batch_size": [None, Interval(numbers.Integral, 1, None)],
    "fit__validation_freq": [Interval(numbers.Integral, 1, None)],
    "optimizer__learning_rate": [
        Interval(numbers.Real, 0, None, closed="neither"),
        Satisfies(lambda v: _is_schedule(v), "a keras LearningRateSchedule"),
    ],
}


def _is_schedule(value: Any) -> bool:
    import keras

    return isinstance(value, keras.optimizers.schedules.LearningRateSchedule) or (
        callable(value) and not isinstance(value, type)
    )


def is_routed(name: str) -> bool:
    """Return True if ``name`` is a routed parameter such as ``optimizer__learning_rate``."""
    prefix, sep, rest = name.partition("__")
    return bool(sep) and bool(rest) and prefix in ROUTED_PREFIXES


def routed(params: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """Return the parameters routed to ``prefix``, with the prefix removed."""
    head = prefix + "__"
    return {key[len(head) :]: value for key, value in params.items() if key.startswith(head)}


def _keras_arguments(method: str) -> set[str]:
    import keras

    signature = inspect.signature(getattr(keras.Model, method))
    return {name for name in signature.parameters if name != "self"}


def check_routed_params(params: Mapping[str, Any], model: Any = None) -> dict[str, Any]:
    """Return ``params`` if every key is routed to something that takes it, else raise.

    Refused: keys without a known prefix, ``fit__*``/``compile__*`` that skweight sets itself
    or that Keras does not take, ``predict__*`` other than ``batch_size``, ``model__*`` that
    ``model`` (the estimator's ``model`` parameter) would not receive, and values outside
    ``ROUTED_CONSTRAINTS``. ``optimizer__*`` and ``loss__*`` are checked when the optimizer and
    the loss are made.
    """
    unknown = [key for key in params if not is_routed(key)]
    if unknown:
        raise ValueError(
            f"Unknown parameter(s) {unknown}; keyword parameters must be routed, starting "
            f"with one of {[p + '__' for p in ROUTED_PREFIXES]}."
        )
    reserved = RESERVED_FIT_KWARGS.intersection(routed(params, "fit"))
    if reserved:
        raise ValueError(
            f"fit__{sorted(reserved)[0]} is set by skweight itself; use the estimator's own "
            "parameter (weighting= instead of class_weight, sample_weight in fit, warm_start=True "
            "or partial_fit to continue training instead of initial_epoch)."
        )
    _check_known(params, "fit", _keras_arguments("fit") - RESERVED_FIT_KWARGS, "keras.Model.fit")
    reserved = RESERVED_COMPILE_KWARGS.intersection(routed(params, "compile"))
    if reserved:
        raise ValueError(
            f"compile__{sorted(reserved)[0]} is set by skweight itself; use the estimator's "
            "loss=, optimizer= and weighting= parameters."
        )
    _check_known(
        params, "compile", _keras_arguments("compile") - RESERVED_COMPILE_KWARGS,
        "keras.Model.compile",
    )  # fmt: skip
    _check_known(params, "predict", PREDICT_KWARGS, "skweight's predict")
    _check_model_params(routed(params, "model"), model)
    check_params(params, ROUTED_CONSTRAINTS)
    return dict(params)


def _check_known(params: Mapping[str, Any], prefix: str, known: set[str], owner: str) -> None:
    unknown = sorted(set(routed(params, prefix)) - known)
    if unknown:
        raise ValueError(
            f"{prefix}__{unknown[0]} is not an argument of {owner}, so it would be ignored; "
            f"{prefix}__ takes {', '.join(sorted(known))}."
        )


def _check_model_params(model_params: Mapping[str, Any], model: Any) -> None:
    """``model__*`` parameters go to a build function, which must be able to receive them."""
    if not model_params:
        return
    import keras

    first = sorted(model_params)[0]
    if model is None or isinstance(model, keras.Model) or not callable(model):
        what = (
            "model=None builds skweight's own network"
            if model is None
            else "model is a keras.Model, not a build function"
        )
        raise ValueError(
            f"model__{first} would be ignored: {what}, which takes no model__ parameters "
            "(the built-in network is set by hidden_layer_sizes=, activation= and dropout=)."
        )
    try:
        signature = inspect.signature(model)
    except (TypeError, ValueError):
        return
    parameters = signature.parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return
    accepted = {
        p.name for p in parameters
        if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    }  # fmt: skip
    unknown = sorted(set(model_params) - accepted)
    if unknown:
        raise ValueError(
            f"model__{unknown[0]} would be ignored: the build function "
            f"{getattr(model, '__name__', model)!r} has no argument {unknown[0]!r} (it takes "
            f"{sorted(accepted)})."
        )


def call_with_signature(func: Callable, available: Mapping[str, Any]) -> Any:
    """Call ``func`` with the entries of ``available`` that its signature asks for.

    A function with ``**kwargs`` receives everything.
    """
    signature = inspect.signature(func)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values()):
        return func(**available)
    kwargs = {
        name: available[name]
        for name, p in signature.parameters.items()
        if name in available
        and p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    }
    missing = [
        name
        for name, p in signature.parameters.items()
        if name not in kwargs
        and p.default is inspect.Parameter.empty
        and p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    ]
    if missing:
        raise TypeError(
            f"The model build function {getattr(func, '__name__', func)!r} needs argument(s) "
            f"{missing} that skweight cannot supply. It can ask for any of "
            f"{sorted(available)}; pass its own arguments as model__<name>=..."
        )
    return func(**kwargs)
