"""Recency weights: recent rows count more, with exponential decay."""

from __future__ import annotations

import numbers

import numpy as np

from .._params import Interval
from .base import WeightingStrategy
from .registry import register_strategy


def feature_column(X: np.ndarray, column, name: str) -> np.ndarray:
    """Return column ``column`` of ``X``, or raise an error naming the parameter ``name``."""
    if isinstance(column, bool) or not isinstance(column, numbers.Integral):
        raise ValueError(f"{name} must be the integer index of a column of X; got {column!r}.")
    if X.ndim != 2:
        raise ValueError(
            f"{name}={column} names a column of a 2-D X; X has shape {X.shape}. Pass a function "
            "of X that returns one value per row instead."
        )
    if not -X.shape[1] <= column < X.shape[1]:
        raise ValueError(f"{name}={column} is out of range: X has {X.shape[1]} column(s).")
    values = np.asarray(X[:, column], dtype=np.float64)
    if not np.isfinite(values).all():
        raise ValueError(f"{name}={column}: the column contains NaN or infinite values.")
    return values


@register_strategy(
    examples=lambda: [RecencyWeights(half_life=40), RecencyWeights(half_life=2.0, time_column=0)]
)
class RecencyWeights(WeightingStrategy):
    """Weight rows by ``0.5 ** ((t_latest - t) / half_life)``: a row ``half_life`` older weighs
    half as much.

    Works with classifiers and regressors, and multiplies the user's ``sample_weight``.

    See also the guide page [How do I weight multi-label targets and single
    rows?](multilabel-and-row-weights.md).

    Parameters
    ----------
    half_life : float > 0
        In the units of the time column, or in rows when ``time_column`` is None.
    time_column : int or None, default=None
        Index of the column of ``X`` holding each row's time (e.g. a timestamp in days). The
        column stays a feature of the network. None uses the order of the rows: the last row
        given to ``fit`` is the most recent. The estimator keeps the order of the training rows
        when it holds out a validation split; the weighted ``val_loss`` uses the validation
        rows' own order (or times).
    """

    supports_dense_targets = True

    _parameter_constraints = {
        "half_life": [Interval(numbers.Real, 0, None, closed="neither")],
        "time_column": [None, Interval(numbers.Integral)],
    }

    def __init__(self, half_life: float, time_column: int | None = None):
        self.half_life = half_life
        self.time_column = time_column

    def row_weights(self, X, y) -> np.ndarray:
        if self.time_column is None:
            time = np.arange(X.shape[0], dtype=np.float64)
        else:
            time = feature_column(X, self.time_column, "RecencyWeights: time_column")
        if time.size == 0:
            return np.ones(0)
        age = time.max() - time
        return np.exp2(-age / float(self.half_life))
