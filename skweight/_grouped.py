"""K independent copies of the built-in network, stacked side by side in one Keras model.

A grouped dense layer holds one kernel per network, shape ``(K, fan_in, units)``, and maps an
input of shape ``(K, batch, fan_in)`` to ``(K, batch, units)`` with one batched ``matmul``:
network ``k`` sees only slice ``k`` of the input and owns only slice ``k`` of every kernel and
bias, so the K networks share nothing but the call. Inside the model the networks come first
(the layout a batched product takes as it is: ``einsum("bki,kiu->bku")`` moves the axes of
every operand in every product of the step and of its gradient, about a fifth of a TensorFlow
step on CPU); the model's input and output keep the batch first.

``build_grouped_mlp`` stacks such layers like ``skweight._keras.build_mlp`` stacks ``Dense``
layers; ``mlp_initial_weights`` draws the weights ``build_mlp`` would start from (the same seeds,
in the same order), and ``network_of`` reads network ``k`` back from the grouped variables in
the order of ``keras.Model.get_weights`` of a ``build_mlp`` model.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from dataclasses import dataclass

import keras
import numpy as np

from ._keras import check_hidden_layer_sizes
from ._seeded_init import glorot_uniform


class GroupedDense(keras.layers.Layer):
    """Up to ``n_networks`` independent dense layers applied to ``(k, batch, fan_in)``.

    An input of ``k <= n_networks`` networks uses the first ``k`` kernels and biases, so one
    layer serves groups of any size without being rebuilt; the others get no gradient.

    Parameters
    ----------
    n_networks : int
        K, the number of networks (each bias has shape ``(K, 1, units)``).
    units : int
        Output units of each network's layer.
    activation : str or None
        Applied element-wise (``"softmax"`` over the units of each network).
    """

    def __init__(self, n_networks: int, units: int, activation: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.n_networks = int(n_networks)
        self.units = int(units)
        self.activation = keras.activations.get(activation)

    def build(self, input_shape) -> None:
        fan_in = int(input_shape[-1])
        self.kernel = self.add_weight(
            shape=(self.n_networks, fan_in, self.units), initializer="zeros", name="kernel"
        )
        self.bias = self.add_weight(
            shape=(self.n_networks, 1, self.units), initializer="zeros", name="bias"
        )

    def call(self, inputs):
        kernel, bias = self.kernel, self.bias
        if inputs.shape[0] != self.n_networks:  # a narrower pass, or a width known at run time
            k = keras.ops.shape(inputs)[0]
            kernel, bias = kernel[:k], bias[:k]
        return self.activation(keras.ops.matmul(inputs, kernel) + bias)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)


class SwapLeadingAxes(keras.layers.Layer):
    """``(k, batch, ...)`` to ``(batch, k, ...)``, and back."""

    def call(self, inputs):
        return keras.ops.swapaxes(inputs, 0, 1)

    def compute_output_shape(self, input_shape):
        return (input_shape[1], input_shape[0], *input_shape[2:])


@dataclass(frozen=True)
class NetworkSpec:
    """The built-in network of one estimator: what ``build_mlp`` is called with."""

    n_features: int
    n_units: int
    output_activation: str | None
    hidden_layer_sizes: tuple[int, ...]
    activation: str = "relu"
    dropout: float = 0.0

    @property
    def layer_sizes(self) -> list[tuple[int, int]]:
        """``(fan_in, units)`` of every dense layer, input to output."""
        sizes = [self.n_features, *self.hidden_layer_sizes, self.n_units]
        return list(zip(sizes[:-1], sizes[1:], strict=True))


def build_grouped_mlp(spec: NetworkSpec, n_networks: int) -> keras.Model:
    """The fused network, networks first: input ``(k, batch, n_features)``, output
    ``(k, batch, n_units)``, for any ``k <= n_networks`` (the first ``k`` networks)."""
    inputs = keras.Input(shape=(None, spec.n_features))  # Keras' "batch" axis holds k
    hidden = inputs
    for units in check_hidden_layer_sizes(spec.hidden_layer_sizes):
        hidden = GroupedDense(n_networks, units, spec.activation)(hidden)
        if spec.dropout:
            hidden = keras.layers.Dropout(spec.dropout)(hidden)
    outputs = GroupedDense(n_networks, spec.n_units, spec.output_activation)(hidden)
    return keras.Model(inputs, outputs)


def mlp_initial_weights(spec: NetworkSpec, seed: int | None) -> list[np.ndarray]:
    """The weights ``build_mlp(..., seed=seed)`` starts from, as ``get_weights`` lists them.

    With a seed, the Glorot seeds are drawn from ``random.Random(seed)`` in ``build_mlp``'s
    order (a dropout layer draws one too); without one, every call draws new weights. The
    arrays are shared between calls with the same seed: read them, do not modify them.
    """
    if seed is None:
        return _draw_weights(spec, None)
    return list(_seeded_weights(spec, int(seed)))


@functools.lru_cache(maxsize=16)
def _seeded_weights(spec: NetworkSpec, seed: int) -> tuple[np.ndarray, ...]:
    return tuple(_draw_weights(spec, seed))


def _draw_weights(spec: NetworkSpec, seed: int | None) -> list[np.ndarray]:
    draw = random.Random(seed).randint if seed is not None else None
    weights = []
    for i, (fan_in, units) in enumerate(spec.layer_sizes):
        layer_seed = draw(1, int(1e9)) if draw is not None else None  # None: fresh entropy
        weights += [glorot_uniform((fan_in, units), layer_seed), np.zeros(units, dtype="float32")]
        if spec.dropout and draw is not None and i < len(spec.layer_sizes) - 1:
            draw(1, int(1e9))  # build_mlp seeds the dropout layer here
    return weights


def set_network_weights(model: keras.Model, networks: Sequence[list[np.ndarray]]) -> None:
    """Give network ``k`` of a grouped model the weights ``networks[k]`` (``get_weights`` order)."""
    layers = _grouped_layers(model)
    for i, layer in enumerate(layers):
        layer.kernel.assign(np.stack([w[2 * i] for w in networks]).astype("float32"))
        layer.bias.assign(np.stack([w[2 * i + 1][None] for w in networks]).astype("float32"))


def network_of(values: Sequence[np.ndarray], k: int) -> list[np.ndarray]:
    """Network ``k`` of the values of ``grouped_variables``, in ``get_weights`` order."""
    return [value[k] if i % 2 == 0 else value[k, 0] for i, value in enumerate(values)]


def grouped_variables(model: keras.Model) -> list:
    """Kernel and bias of every grouped layer, input to output."""
    return [v for layer in _grouped_layers(model) for v in (layer.kernel, layer.bias)]


def _grouped_layers(model: keras.Model) -> list[GroupedDense]:
    return [layer for layer in model.layers if isinstance(layer, GroupedDense)]
