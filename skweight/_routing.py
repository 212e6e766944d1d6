"""Routed parameters (``model__*``, ``loss__*``, ``optimizer__*``, ...) and build-function calls.

The convention follows SciKeras: a constructor keyword ``prefix__name`` is stored on the
estimator as an ordinary parameter and handed to whatever the prefix names.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

#: Prefixes of the keyword parameters that the estimators accept and route.
ROUTED_PREFIXES = ("model", "loss", "optimizer", "compile", "fit", "predict")

#: ``fit`` arguments that skweight owns; passing them as ``fit__*`` is an error.
RESERVED_FIT_KWARGS = {
    "x", "y", "sample_weight", "class_weight", "epochs", "batch_size", "validation_split",
    "validation_data", "callbacks", "verbose", "shuffle",
}  # fmt: skip


def is_routed(name: str) -> bool:
    """Return True if ``name`` is a routed parameter such as ``optimizer__learning_rate``."""
    prefix, sep, rest = name.partition("__")
    return bool(sep) and bool(rest) and prefix in ROUTED_PREFIXES


def routed(params: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """Return the parameters routed to ``prefix``, with the prefix removed."""
    head = prefix + "__"
    return {key[len(head) :]: value for key, value in params.items() if key.startswith(head)}


def check_routed_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``params`` if every key is routed and none sets what skweight owns, else raise."""
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
            "parameter (weighting= instead of class_weight, sample_weight in fit)."
        )
    return dict(params)


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
