"""The estimator's network: built from the ``model`` parameter, and checked against the target.

``build_network`` makes a fresh network from ``model`` (None: the built-in dense network, which
flattens rows that are images or sequences; a ``keras.Model``: a clone with fresh weights; a
callable: a build function called with the facts it asks for). ``check_network_shape`` checks
that a network takes rows of shape ``X_shape_[1:]`` and outputs what the target needs (per
row, or per element of a dense target); it runs after every build and on every loaded save.
"""

from __future__ import annotations

import warnings
from typing import Any

import keras
import numpy as np

from ._keras import build_mlp
from ._routing import call_with_signature, routed

__all__ = ["build_network", "check_network_shape", "model_facts"]


def model_facts(estimator) -> dict[str, Any]:
    """The fitted facts a build function may ask for, by name."""
    names = (
        "n_features_in_", "X_shape_", "X_dtype_", "n_classes_", "n_outputs_", "target_type_",
        "classes_", "target_shape_",
    )  # fmt: skip
    return {name: getattr(estimator, name) for name in names if hasattr(estimator, name)}


def build_network(estimator, routed_params: dict[str, Any], seed: int | None) -> keras.Model:
    """A fresh, uncompiled-by-skweight network for ``estimator``, checked against its target."""
    n_units, output_activation = estimator._output_spec()
    model_param = estimator.model
    if model_param is None:
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
    elif isinstance(model_param, keras.Model):
        model = keras.models.clone_model(model_param)
    elif callable(model_param):
        meta = model_facts(estimator)
        available = {**meta, "meta": meta, **routed(routed_params, "model")}
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
    if model.compiled:
        warnings.warn(
            "The model passed or built is already compiled; skweight compiles it again with "
            "its own loss=, optimizer= and weighting= settings.",
            UserWarning,
            stacklevel=4,
        )
    check_network_shape(estimator, model)
    return model


def _row_shape(estimator) -> tuple[int, ...]:
    return tuple(getattr(estimator, "X_shape_", (None, estimator.n_features_in_))[1:])


def _expected_output(estimator, units: int) -> tuple[int, ...]:
    """The output shape per row that fits the target, with ``units`` output units."""
    return (*estimator._element_shape(), units)


def check_network_shape(estimator, model: keras.Model, where: str = "") -> None:
    """Raise ``ValueError`` unless ``model`` maps rows of ``X_shape_[1:]`` to the right output.

    ``where`` prefixes the message (``"load: "`` for a loaded save).
    """
    row = _row_shape(estimator)
    dtype = getattr(estimator, "X_dtype_", np.dtype("float32"))
    probe = np.zeros((1, *row), dtype=dtype if np.dtype(dtype).kind in "iu" else "float32")
    try:
        shape = tuple(keras.ops.shape(model(probe, training=False)))
    except Exception as exc:  # noqa: BLE001 - any refusal of the input becomes one clear error
        raise ValueError(
            f"{where}The network does not take rows of shape {row} (X_shape_[1:]): "
            f"{type(exc).__name__}: {str(exc)[:200]}"
        ) from exc
    fits = [_expected_output(estimator, units) for units in estimator._allowed_output_units()]
    if tuple(shape[1:]) not in fits:
        raise ValueError(
            f"{where}The model's output has shape {tuple(shape[1:])} per row, but this target "
            f"({estimator._target_summary()}) needs {' or '.join(map(str, fits))}"
            f"{estimator._output_hint()}."
        )
