"""Routed parameters (``model__*``, ``loss__*``, ``optimizer__*``, ...) and build-function calls.

The convention follows SciKeras: a constructor keyword ``prefix__name`` is stored on the
estimator as an ordinary parameter and handed to whatever the prefix names. A keyword without
a prefix is an argument of the build function (``model=``) when it takes one of that name.
Every routed parameter must reach something: one that would be ignored is an error naming it.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Mapping
from typing import Any

from ._params import Bool, Interval, Options, Satisfies, check_params

#: Prefixes of the keyword parameters that the estimators accept and route.
ROUTED_PREFIXES = (
    "model", "loss", "optimizer", "compile", "fit", "predict", "callbacks", "metrics",
)  # fmt: skip

#: ``fit`` arguments that stand for an estimator parameter of the same name: ``fit__<name>``
#: and ``fit(X, y, <name>=...)`` override that parameter for the fits they reach
#: (``fit__callbacks`` and ``fit(callbacks=...)`` add to ``callbacks``).
FIT_OVERRIDES = ("epochs", "batch_size", "verbose", "shuffle", "validation_split", "callbacks")

#: ``fit`` arguments that skweight sets itself, with what to use instead.
REFUSED_FIT_KWARGS = {
    "x": "pass X to fit",
    "y": "pass y to fit",
    "sample_weight": "pass sample_weight to fit",
    "class_weight": "use weighting= (e.g. weighting='balanced' or a {class: weight} dict)",
    "validation_data": "use validation_split=, which holds out (stratified) validation rows",
    "initial_epoch": "use warm_start=True or partial_fit to continue training; current_epoch "
    "counts the epochs trained so far",
}

#: ``compile`` arguments that skweight owns (``loss=``, ``optimizer=``, ``metrics=`` and
#: ``weighting=``). ``compile__loss_weights`` weighs a multi-output network's outputs.
RESERVED_COMPILE_KWARGS = {"optimizer", "loss"}

#: The ``predict__*`` parameters (and ``predict(X, **kwargs)`` arguments) skweight takes.
#: ``verbose`` has no effect: skweight's predict prints nothing.
PREDICT_KWARGS = {"batch_size", "verbose"}

#: SciKeras parameters that skweight spells differently.
SCIKERAS_NAMES = {
    "class_weight": "weighting=",
    "build_fn": "model=",
    "run_eagerly": "compile__run_eagerly=",
    "validation_batch_size": "fit__validation_batch_size=",
    "weighted_metrics": "compile__weighted_metrics=",
}

#: ``batch_size=-1``: one batch of all rows (SciKeras' spelling).
ALL_ROWS = Satisfies(
    lambda v: isinstance(v, numbers.Integral) and not isinstance(v, bool) and v == -1,
    "-1 (all rows in one batch)",
)


def _is_schedule(value: Any) -> bool:
    import keras

    schedule = keras.optimizers.schedules.LearningRateSchedule
    if isinstance(value, type):  # a class, made from optimizer__learning_rate__* parameters
        return issubclass(value, schedule)
    return isinstance(value, schedule) or callable(value)


#: What the routed parameters skweight knows may be, checked before any Keras work.
ROUTED_CONSTRAINTS = {
    "predict__batch_size": [None, Interval(numbers.Integral, 1, None), ALL_ROWS],
    "compile__steps_per_execution": [Interval(numbers.Integral, 1, None)],
    "compile__jit_compile": [Bool, Options(("auto",))],
    "compile__run_eagerly": [Bool],
    "compile__auto_scale_loss": [Bool],
    "fit__epochs": [Interval(numbers.Integral, 1, None)],
    "fit__batch_size": [Interval(numbers.Integral, 1, None), ALL_ROWS],
    "fit__shuffle": [Bool],
    "fit__verbose": [Options(("auto",)), Interval(numbers.Integral, 0, 2)],
    "fit__validation_split": [Interval(numbers.Real, 0, 1, closed="left")],
    "fit__steps_per_epoch": [None, Interval(numbers.Integral, 1, None)],
    "fit__validation_steps": [None, Interval(numbers.Integral, 1, None)],
    "fit__validation_batch_size": [None, Interval(numbers.Integral, 1, None)],
    "fit__validation_freq": [Interval(numbers.Integral, 1, None)],
    "optimizer__learning_rate": [
        Interval(numbers.Real, 0, None, closed="neither"),
        Satisfies(_is_schedule, "a keras LearningRateSchedule"),
    ],
}


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

    Refused: keys without a known prefix that the build function ``model`` does not take by
    name, ``fit__*``/``compile__*`` that skweight sets itself or that Keras does not take,
    ``predict__*`` other than ``batch_size`` and ``verbose``, ``model__*`` that ``model`` (the
    estimator's ``model`` parameter, or a subclass's ``_keras_build_fn``) would not receive,
    and values outside ``ROUTED_CONSTRAINTS``. ``optimizer__*``, ``loss__*``, ``metrics__*``
    and ``callbacks__*`` are checked when their objects are made.
    """
    _check_bare_params([key for key in params if not is_routed(key)], model)
    check_fit_kwargs(routed(params, "fit"), "fit__")
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
    check_predict_kwargs(routed(params, "predict"), "predict__")
    _check_model_params(routed(params, "model"), model)
    check_params(params, ROUTED_CONSTRAINTS)
    return dict(params)


def _label(prefix: str, name: str, method: str) -> str:
    """How an error names a routed parameter (``fit__epochs``) or a call's argument."""
    return f"{prefix}{name}" if prefix else f"{method}(..., {name}=)"


def check_fit_kwargs(kwargs: Mapping[str, Any], prefix: str) -> None:
    """Raise unless every key (of ``fit__`` parameters, or of ``fit(**kwargs)`` with prefix
    ``""``) is a Keras ``fit`` argument that skweight passes on or reads as an override
    (``FIT_OVERRIDES``)."""
    heads = {}
    for key in kwargs:
        heads.setdefault(key.partition("__")[0], key)
    for head, key in heads.items():
        if head in REFUSED_FIT_KWARGS:
            raise ValueError(
                f"{_label(prefix, head, 'fit')} is set by skweight itself: "
                f"{REFUSED_FIT_KWARGS[head]}."
            )
        if "__" in key and (head != "callbacks" or not prefix):
            raise ValueError(
                f"{_label(prefix, key, 'fit')} would be ignored: of the fit arguments only "
                "callbacks takes routed parameters (fit__callbacks__0__monitor=...)."
            )
    known = _keras_arguments("fit") - set(REFUSED_FIT_KWARGS)
    unknown = sorted(set(heads) - known)
    if unknown:
        raise ValueError(
            f"{_label(prefix, unknown[0], 'fit')} is not an argument of keras.Model.fit, so it "
            f"would be ignored; fit takes {', '.join(sorted(known))}."
        )


def check_predict_kwargs(kwargs: Mapping[str, Any], prefix: str) -> None:
    """Raise unless every key is one that skweight's ``predict`` takes (``PREDICT_KWARGS``)."""
    unknown = sorted(set(kwargs) - PREDICT_KWARGS)
    if not unknown:
        return
    why = {
        "callbacks": "skweight predicts batch by batch without keras.Model.predict, so no "
        "callback would run",
        "steps": "skweight always predicts every row of X",
    }.get(unknown[0].partition("__")[0], "skweight's predict takes no such argument")
    raise ValueError(
        f"{_label(prefix, unknown[0], 'predict')} would be ignored: {why}; predict takes "
        f"{', '.join(sorted(PREDICT_KWARGS))}."
    )


def build_function_arguments(model: Any) -> set[str] | None:
    """The keyword arguments a build function takes (``{"*"}`` when it has ``**kwargs``);
    None when ``model`` is not a build function (None, a ``keras.Model``, not callable)."""
    import keras

    if model is None or isinstance(model, keras.Model) or not callable(model):
        return None
    try:
        signature = inspect.signature(model)
    except (TypeError, ValueError):
        return {"*"}
    parameters = signature.parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return {"*"}
    return {
        p.name for p in parameters
        if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    }  # fmt: skip


def _check_bare_params(names: list[str], model: Any) -> None:
    """Keyword parameters without a prefix: the build function's own arguments, or errors."""
    for name in names:
        if name in SCIKERAS_NAMES:
            raise ValueError(
                f"Unknown parameter {name!r}: SciKeras' {name}= is {SCIKERAS_NAMES[name]} in "
                "skweight."
            )
    takes = build_function_arguments(model)
    refused = [n for n in names if takes is None or not ("*" in takes or n in takes)]
    if refused:
        taken = "model= is not a build function" if takes is None else f"it takes {sorted(takes)}"
        raise ValueError(
            f"Unknown parameter {refused[0]!r}: keyword parameters must be routed, starting "
            f"with one of {[p + '__' for p in ROUTED_PREFIXES]}, or be arguments of the build "
            f"function model= ({taken})."
        )


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
    first = sorted(model_params)[0]
    accepted = build_function_arguments(model)
    if accepted is None:
        what = (
            "model=None builds skweight's own network"
            if model is None
            else "model is a keras.Model, not a build function"
            if callable(model)
            else "model is not a build function"
        )
        raise ValueError(
            f"model__{first} would be ignored: {what}, which takes no model__ parameters "
            "(the built-in network is set by hidden_layer_sizes=, activation= and dropout=)."
        )
    if "*" in accepted:
        return
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
