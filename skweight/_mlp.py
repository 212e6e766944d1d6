"""The built-in multi-layer perceptron used when ``model=None``."""

from __future__ import annotations

from collections.abc import Sequence

import keras


def build_mlp(
    n_features_in_: int,
    n_units: int,
    output_activation: str | None,
    hidden_layer_sizes: Sequence[int] = (100,),
    activation: str = "relu",
    dropout: float = 0.0,
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
    """
    inputs = keras.Input(shape=(n_features_in_,))
    hidden = inputs
    for units in hidden_layer_sizes:
        hidden = keras.layers.Dense(int(units), activation=activation)(hidden)
        if dropout:
            hidden = keras.layers.Dropout(dropout)(hidden)
    outputs = keras.layers.Dense(n_units, activation=output_activation)(hidden)
    return keras.Model(inputs, outputs)
