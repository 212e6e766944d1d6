"""What a classifier network outputs: probabilities, or logits that still need a link function.

A network may end in a sigmoid or softmax layer (its outputs are probabilities), or end in a
linear layer and be trained with a ``from_logits=True`` loss (its outputs are logits, a common
Keras idiom). ``outputs_are_logits`` decides which from the compiled loss and the last
activation, at fit time; ``predict_proba`` then applies the sigmoid (one unit, or one per
label) or the softmax (one unit per class), so that probabilities are probabilities for every
form of network: each row in [0, 1], summing to 1, ranked as the raw outputs are.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from scipy.special import expit, softmax

__all__ = [
    "last_activation",
    "layer_activation",
    "loss_from_logits",
    "outputs_are_logits",
    "outputs_to_proba",
]

_PROBABILITY_ACTIVATIONS = {"sigmoid", "softmax", "hard_sigmoid", "log_softmax"}


def loss_from_logits(loss: Any) -> bool | None:
    """``from_logits`` of a Keras loss (also skweight's own losses); None if it does not say."""
    if isinstance(loss, keras.losses.Loss):
        try:
            config = loss.get_config()
        except (NotImplementedError, TypeError):
            config = {}
        if "from_logits" in config:
            return bool(config["from_logits"])
    value = getattr(loss, "from_logits", None)
    return None if value is None else bool(value)


def last_activation(model: keras.Model) -> str | None:
    """Name of the activation the network's output layer applies (None if it cannot tell)."""
    layers = getattr(model, "layers", [])
    if not layers:
        return None
    return layer_activation(layers[-1])


def layer_activation(layer: Any) -> str | None:
    """Name of the activation ``layer`` applies (None if it cannot tell)."""
    if isinstance(layer, keras.layers.Softmax):
        return "softmax"
    activation = getattr(layer, "activation", None)
    if activation is None:
        return None
    name = getattr(activation, "__name__", None)
    return name if isinstance(name, str) else None


def outputs_are_logits(model: keras.Model, loss: Any, layer: Any = None) -> bool:
    """True if ``model``'s outputs are logits, from its loss and its last activation.

    ``layer``: the layer of one output of a network with several (None: the last layer).

    A loss that says ``from_logits`` decides. Otherwise (a plain function or a custom loss) a
    linear last layer means logits, and anything else probabilities.

    Raises
    ------
    ValueError
        If the loss and the last activation contradict each other: a ``from_logits=True``
        loss after a sigmoid or softmax layer (the link would be applied twice), or a
        probability loss after a linear layer (the outputs are not probabilities).
    """
    from_logits = loss_from_logits(loss)
    activation = last_activation(model) if layer is None else layer_activation(layer)
    name = getattr(loss, "name", None) or getattr(loss, "__name__", type(loss).__name__)
    if from_logits is True and activation in _PROBABILITY_ACTIVATIONS:
        raise ValueError(
            f"loss={name!r} has from_logits=True, but the model's last layer already applies "
            f"{activation!r}: its outputs are probabilities, not logits. Use from_logits=False, "
            "or end the model in a linear layer."
        )
    if from_logits is False and activation == "linear":
        raise ValueError(
            f"The model's last layer is linear (no activation), but loss={name!r} expects "
            "probabilities (from_logits=False). Pass the loss with from_logits=True (e.g. "
            "loss=keras.losses.BinaryCrossentropy(from_logits=True)), or end the model in a "
            "sigmoid or softmax layer."
        )
    if from_logits is not None:
        return from_logits
    return activation == "linear"


def outputs_to_proba(outputs: np.ndarray, *, logits: bool, multilabel: bool) -> np.ndarray:
    """Class (or label) probabilities from the network's outputs, in float64.

    The units are the last axis (rows, or every element of a dense target): one output unit
    gives two columns ``[P(class 0), P(class 1)]``; a multi-label network one column per label;
    otherwise one column per class.
    """
    outputs = np.asarray(outputs, dtype=np.float64)
    if multilabel:
        return expit(outputs) if logits else np.clip(outputs, 0.0, 1.0)
    if outputs.shape[-1] == 1:  # one sigmoid unit: columns P(class 0), P(class 1)
        positive = expit(outputs[..., 0]) if logits else np.clip(outputs[..., 0], 0.0, 1.0)
        return np.stack([1.0 - positive, positive], axis=-1)
    if logits:
        return softmax(outputs, axis=-1)
    return outputs
