"""The estimator's network: built from the ``model`` parameter, and checked against the target.

``build_network`` makes a fresh network from ``model`` (None: the built-in dense network, which
flattens rows that are images or sequences, or a subclass's ``_keras_build_fn``; a
``keras.Model``: a clone with fresh weights, compiled as the original was; a callable: a build
function called with the arguments it asks for, see ``skweight._build_args``; it may return the
network compiled). ``check_network_shape`` checks
that a network takes rows of shape ``X_shape_[1:]`` and outputs what the target needs (per
row, or per element of a dense target; input by input and output by output for several, see
``skweight._network_io``); it runs after every build and on every loaded save.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras

from ._build_args import build_arguments, build_meta
from ._keras import build_mlp
from ._multi_rows import fitted_on_inputs
from ._multi_target import several_outputs
from ._network_io import (
    check_network_inputs,
    check_network_outputs,
    describe_rows,
    probe_rows,
)
from ._routing import call_with_signature

__all__ = ["build_network", "check_network_shape", "model_facts"]


def model_facts(estimator) -> dict[str, Any]:
    """The fitted facts a build function may ask for, by name (SciKeras' ``meta``)."""
    return build_meta(estimator)


def build_network(
    estimator, routed_params: dict[str, Any], seed: int | None,
    compile_kwargs: Callable[[], dict[str, Any]] = dict,
) -> tuple[keras.Model, bool]:  # fmt: skip
    """``(a fresh network for estimator, whether its build function took compile_kwargs)``.

    The network is checked against the target; it may come compiled (by the build function,
    or as the ``keras.Model`` given was).
    """
    n_units, output_activation = estimator._output_spec()
    model_param = estimator._build_function()
    took_compile_kwargs = False
    if model_param is None:
        if fitted_on_inputs(estimator) or several_outputs(estimator):
            raise ValueError(
                "X or y holds the arrays of several inputs or outputs; the built-in network "
                "(model=None) has one of each. Pass model= a build function whose network has "
                "one keras.Input per array of X and one output per target of y."
            )
        if estimator.elementwise_:
            raise ValueError(
                f"y has one target per element of each row (shape (n, "
                f"{', '.join(map(str, estimator.target_shape_))})); the built-in network "
                "predicts one per row. Pass model= a network with one output per element, "
                "e.g. model=skweight.networks.small_unet for masks or "
                "skweight.networks.sequence_tagger for per-timestep labels."
            )
        model = build_mlp(
            estimator.n_features_in_, n_units, output_activation,
            hidden_layer_sizes=estimator.hidden_layer_sizes, activation=estimator.activation,
            dropout=estimator.dropout, seed=seed, input_shape=_row_shape(estimator),
        )  # fmt: skip
        return model, False  # made for these rows and this target: nothing to probe
    elif isinstance(model_param, keras.Model):
        model = keras.models.clone_model(model_param)
    elif callable(model_param):
        available, took_compile_kwargs = build_arguments(
            estimator, model_param, routed_params, compile_kwargs
        )
        model = call_with_signature(model_param, available)
    else:
        raise TypeError(
            "model must be None, a keras.Model or a callable returning one; got "
            f"{type(model_param).__name__}."
        )
    if not isinstance(model, keras.Model):
        raise TypeError(
            f"The model build function returned {type(model).__name__}; it must return a "
            "keras.Model."
        )
    check_network_shape(estimator, model)
    return model, took_compile_kwargs


def _row_shape(estimator) -> tuple[int, ...]:
    return tuple(getattr(estimator, "X_shape_", (None, estimator.n_features_in_))[1:])


def _expected_output(estimator, units: int) -> tuple[int, ...]:
    """The output shape per row that fits the target, with ``units`` output units."""
    return (*estimator._element_shape(), units)


def check_network_shape(estimator, model: keras.Model, where: str = "") -> None:
    """Raise ``ValueError`` unless ``model`` maps rows of ``X_shape_[1:]`` to the right output.

    Several inputs and outputs are lined up with ``X`` and ``y`` by ``skweight._network_io``.
    ``where`` prefixes the message (``"load: "`` for a loaded save).
    """
    check_network_inputs(estimator, model, where)
    try:
        raw = model(probe_rows(estimator), training=False)
    except Exception as exc:  # noqa: BLE001 - any refusal of the input becomes one clear error
        raise ValueError(
            f"{where}The network does not take rows of shape {describe_rows(estimator)}: "
            f"{type(exc).__name__}: {str(exc)[:200]}"
        ) from exc
    if check_network_outputs(estimator, model, raw, where):
        return
    if isinstance(raw, (list, tuple, dict)):
        raw = next(iter(raw.values())) if isinstance(raw, dict) else raw[0]
    shape = tuple(keras.ops.shape(raw))
    fits = [_expected_output(estimator, units) for units in estimator._allowed_output_units()]
    if tuple(shape[1:]) not in fits:
        raise ValueError(
            f"{where}The model's output has shape {tuple(shape[1:])} per row, but this target "
            f"({estimator._target_summary()}) needs {' or '.join(map(str, fits))}"
            f"{estimator._output_hint()}."
        )
