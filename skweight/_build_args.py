"""The arguments a build function (``model=`` a callable) may take, by name.

* Every fact known when the network is built: ``n_features_in_``, ``X_shape_``, ``X_dtype_``,
  ``classes_``, ``n_classes_``, ``n_outputs_``, ``target_type_``, ``target_shape_``, ... (the
  estimator's fitted attributes so far), and ``n_outputs_expected_`` (the number of outputs
  the network must have: 1, or one per target of a multi-output ``y``), ``y_dtype_`` and
  ``y_ndim_`` (of ``y`` as given to ``fit``, when it is one array). For several inputs
  ``X_shape_`` and ``X_dtype_`` hold one entry per input (a dict by name, or a list); for
  several outputs ``classes_``, ``n_classes_`` and ``outputs_`` one per output.
* ``meta``: a dict of all of those, SciKeras' ``meta``.
* ``compile_kwargs``: the ``keras.Model.compile`` arguments the estimator's settings make
  (``optimizer``, ``loss`` as the weighting trains it, ``metrics``, ``compile__*``), as
  objects; see ``skweight._compiled``.
* ``params``: the estimator's ``get_params()``.
* Its own parameters: ``model__<name>``, or (as SciKeras allows) ``<name>`` when that is not a
  parameter of the estimator.
* ``hidden_layer_sizes``, ``activation`` and ``dropout``: the estimator's values, unless the
  estimator's value is its default and the function has a default of its own.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from ._fitted_state import fitted_attributes
from ._routing import is_routed, routed

__all__ = ["build_arguments", "build_meta"]

#: Fitted attributes that describe a trained network rather than the data (not in ``meta``).
_NOT_META = ("model_", "history_", "from_logits_", "network_outputs_", "output_blocks_")

#: Estimator parameters of the built-in network that a build function may also take.
NETWORK_PARAMS = ("hidden_layer_sizes", "activation", "dropout")


def build_meta(estimator) -> dict[str, Any]:
    """SciKeras' ``meta``: the facts known when the network is built, by name."""
    meta = {
        name: value
        for name, value in fitted_attributes(estimator).items()
        if name not in _NOT_META and not name.endswith("__")
    }
    y_dtype, y_ndim = getattr(estimator, "_y_given", (None, None))
    outputs = getattr(estimator, "outputs_", None)
    meta["n_outputs_expected_"] = 1 if outputs is None else len(outputs)
    if y_dtype is not None:
        meta["y_dtype_"], meta["y_ndim_"] = y_dtype, y_ndim
    return meta


def build_arguments(
    estimator, function: Callable, routed_params: Mapping[str, Any],
    compile_kwargs: Callable[[], dict[str, Any]],
) -> tuple[dict[str, Any], bool]:  # fmt: skip
    """``(arguments available to function, whether it takes compile_kwargs)``.

    ``compile_kwargs`` is called only when ``function`` takes it (by name or ``**kwargs``).
    """
    parameters = _parameters(function)
    takes_all = parameters is None
    meta = build_meta(estimator)
    available: dict[str, Any] = {**meta, "meta": meta}
    if takes_all or "params" in parameters:
        available["params"] = estimator.get_params()
    for name in NETWORK_PARAMS:
        if takes_all or name not in parameters:
            continue
        own_default = parameters[name].default is not inspect.Parameter.empty
        if not (own_default and _is_default(estimator, name)):
            available[name] = getattr(estimator, name)
    available.update({k: v for k, v in routed_params.items() if not is_routed(k)})
    available.update(routed(routed_params, "model"))
    takes_compile = takes_all or "compile_kwargs" in parameters
    if takes_compile:
        available["compile_kwargs"] = compile_kwargs()
    return available, takes_compile


def _parameters(function: Callable) -> Mapping[str, inspect.Parameter] | None:
    """The keyword parameters of ``function`` (None when it takes ``**kwargs``)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values()):
        return None
    return {
        name: p for name, p in signature.parameters.items()
        if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    }  # fmt: skip


def _is_default(estimator, name: str) -> bool:
    parameter = inspect.signature(type(estimator)).parameters.get(name)
    if parameter is None:
        return True
    value = getattr(estimator, name)
    try:
        return bool(value == parameter.default)
    except Exception:  # noqa: BLE001 - an odd value is not the default
        return False
