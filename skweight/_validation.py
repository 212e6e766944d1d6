"""Checks of user input that scikit-learn's validators do not cover."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils.validation import _check_sample_weight


def check_sample_weight(sample_weight, X: np.ndarray) -> np.ndarray | None:
    """Return a validated float64 copy of ``sample_weight`` (None stays None).

    Weights must be finite, non-negative, one per row of ``X``, and not all zero.
    """
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Number):
        raise ValueError(
            "sample_weight must be an array with one weight per row of X; got the scalar "
            f"{sample_weight!r}."
        )
    weights = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True, copy=True
    )
    if not weights.any():
        raise ValueError(
            "sample_weight is zero for every row; at least one row must have a positive weight."
        )
    return weights


def check_callbacks(callbacks) -> list:
    """Return ``callbacks`` as a new list of Keras callbacks, or raise naming the parameter."""
    import keras

    if callbacks is None:
        return []
    if isinstance(callbacks, keras.callbacks.Callback):
        callbacks = [callbacks]
    if not isinstance(callbacks, (list, tuple)) or not all(
        isinstance(c, keras.callbacks.Callback) for c in callbacks
    ):
        raise TypeError(
            f"callbacks must be None or a list of keras.callbacks.Callback; got {callbacks!r}."
        )
    return list(callbacks)


def seed_from(random_state) -> int | None:
    """Turn ``random_state`` (None, int or RandomState) into an integer seed or None."""
    if random_state is None:
        return None
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if not 0 <= random_state < 2**32:
            raise ValueError(f"random_state must be in [0, 2**32); got {random_state!r}.")
        return int(random_state)
    raise ValueError(
        f"random_state must be None, an int or a numpy RandomState; got {random_state!r}."
    )
