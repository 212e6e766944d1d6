"""The built-in multi-layer perceptron used when ``model=None``."""

from __future__ import annotations

import numbers
import random
from collections.abc import Sequence

import keras
from keras.initializers import GlorotUniform


def build_mlp(
    n_features_in_: int,
    n_units: int,
    output_activation: str | None,
    hidden_layer_sizes: Sequence[int] = (100,),
    activation: str = "relu",
    dropout: float = 0.0,
    seed: int | None = None,
) -> keras.Model:
    """Build a dense network ``inputs -> hidden layers -> n_units outputs``.

    Parameters
    ----------
    n_features_in_ : int
        Number of input columns.
    n_units : int
        Number of output units (1 for binary, one per class, label or target otherwise).
    output_activation : str or None
        ``"sigmoid"``, ``"softmax"`` or ``None`` (linear, for regression).
    hidden_layer_sizes : sequence of int
        Units of each hidden layer, as in scikit-learn's ``MLPClassifier``.
    activation : str
        Activation of the hidden layers.
    dropout : float
        Dropout rate after each hidden layer (0 disables dropout).
    seed : int or None
        Seeds the weight initialisers and dropout layers from a private ``random.Random(seed)``
        in the order Keras would draw them from Python's global ``random`` after
        ``keras.utils.set_random_seed(seed)``: the same network, but immune to other threads
        that draw from the global generator meanwhile (a dask worker's own threads do).
    """
    hidden_layer_sizes = _check_hidden_layer_sizes(hidden_layer_sizes)
    if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a float in [0, 1); got {dropout!r}.")
    try:
        keras.activations.get(activation)
    except ValueError as exc:
        raise ValueError(
            f"activation={activation!r} is not a Keras activation (e.g. 'relu', 'tanh')."
        ) from exc
    draw = None if seed is None else random.Random(seed).randint

    def glorot():
        return "glorot_uniform" if draw is None else GlorotUniform(seed=draw(1, int(1e9)))

    inputs = keras.Input(shape=(n_features_in_,))
    hidden = inputs
    for units in hidden_layer_sizes:
        hidden = keras.layers.Dense(int(units), activation=activation, kernel_initializer=glorot())(
            hidden
        )
        if dropout:
            dropout_seed = None if draw is None else draw(1, int(1e9))
            hidden = keras.layers.Dropout(dropout, seed=dropout_seed)(hidden)
    outputs = keras.layers.Dense(
        n_units, activation=output_activation, kernel_initializer=glorot()
    )(hidden)
    return keras.Model(inputs, outputs)


def _check_hidden_layer_sizes(sizes) -> tuple[int, ...]:
    """Return the layer sizes as a tuple of positive ints (an int is one layer, as in sklearn)."""
    if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
        sizes = (sizes,)
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise ValueError(
            "hidden_layer_sizes must be a sequence of positive ints such as (32, 16); got "
            f"{sizes!r}."
        )
    sizes = tuple(sizes)
    for units in sizes:
        if isinstance(units, bool) or not isinstance(units, numbers.Integral) or units < 1:
            raise ValueError(
                f"hidden_layer_sizes must contain positive ints; got {units!r} in {sizes!r}."
            )
    return tuple(int(units) for units in sizes)
