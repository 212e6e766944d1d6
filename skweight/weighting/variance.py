"""Inverse-variance weights for rows measured with known uncertainty."""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

from .._params import Bool, Interval, Satisfies
from .base import WeightingStrategy
from .recency import feature_column
from .registry import register_strategy


@register_strategy(examples=lambda: [InverseVarianceWeights(variance=0, std=True)])
class InverseVarianceWeights(WeightingStrategy):
    """Weight each row by ``1 / variance`` of its measurement (the weighted least-squares rule).

    For a regression target measured with noise of variance ``s_i ** 2``, weighting the squared
    error by ``1 / s_i ** 2`` gives the minimum-variance estimate. Works with classifiers and
    regressors, and multiplies the user's ``sample_weight``. The weights are normalised with
    the others (see ``normalize_weights``), so only relative variances matter.

    See also the guide page [How do I weight multi-label targets and single
    rows?](multilabel-and-row-weights.md).

    Parameters
    ----------
    variance : int or callable
        Where each row's variance comes from: the index of a column of ``X`` (it stays a
        feature of the network), or a function ``variance(X) -> array of shape (n_rows,)``.
        Because it is read from ``X``, it follows the rows through validation splits and
        cross-validation. (Per-row variances known outside ``X`` can be passed directly as
        ``sample_weight=1 / variance``.)
    std : bool, default=False
        The column or function gives standard deviations rather than variances.
    min_variance : float, default=1e-12
        Variances below it are raised to it, so that an exact measurement does not take all the
        weight; variances must not be negative.
    """

    supports_dense_targets = True

    _parameter_constraints = {
        "variance": [Interval(numbers.Integral), Satisfies(callable, "a callable")],
        "std": [Bool],
        "min_variance": [Interval(numbers.Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        variance: int | Callable[[np.ndarray], np.ndarray],
        *,
        std: bool = False,
        min_variance: float = 1e-12,
    ):
        self.variance = variance
        self.std = std
        self.min_variance = min_variance

    def row_weights(self, X, y) -> np.ndarray:
        if callable(self.variance):
            values = np.asarray(self.variance(X), dtype=np.float64).reshape(-1)
            if values.shape != (X.shape[0],):
                raise ValueError(
                    f"InverseVarianceWeights: variance(X) returned {values.shape[0]} values for "
                    f"{X.shape[0]} rows; it must return one per row."
                )
            if not np.isfinite(values).all():
                raise ValueError("InverseVarianceWeights: variance(X) returned NaN or infinity.")
        else:
            values = feature_column(X, self.variance, "InverseVarianceWeights: variance")
        if (values < 0).any():
            raise ValueError(
                f"InverseVarianceWeights: variance must not be negative; got {values.min()!r}."
            )
        variance = values**2 if self.std else values
        return 1.0 / np.maximum(variance, float(self.min_variance))
