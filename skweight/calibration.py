"""Calibrating predicted probabilities before a decision by cost.

The minimum-expected-cost rule (``skweight.decision``) is only as good as the probabilities it
reads, and a network trained to a low training loss is often over-confident on new rows. Two
calibration maps, each fitted on probabilities of rows the model did not train on (in
``compare_weightings``: the out-of-fold predictions it already has), fix much of that:

* ``TemperatureScaling`` (Guo et al., 2017): ``softmax(log p / T)``, one number ``T`` for any
  number of classes; ``T > 1`` softens over-confident probabilities. It never changes which class
  is most probable.
* ``PlattScaling`` (Platt, 1999), binary: ``sigmoid(a * logit(p) + b)``. The intercept ``b`` also
  moves probabilities that are biased towards one class.

Both are fitted by minimising the (weighted) log loss, and ``transform`` maps any array of
probabilities in the same class order.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize, minimize_scalar
from scipy.special import expit, log_softmax

from .decision import check_proba

__all__ = ["CALIBRATIONS", "PlattScaling", "TemperatureScaling", "make_calibrator"]

#: The names ``compare_weightings(calibration=...)`` accepts.
CALIBRATIONS = ("temperature", "platt")

#: Probabilities are clipped to [EPS, 1] before their logarithm is taken.
EPS = 1e-12


def _logits(proba: np.ndarray) -> np.ndarray:
    """Log-probabilities, a logit vector whose softmax is ``proba``."""
    return np.log(np.clip(proba, EPS, 1.0))


def _check_fit_input(proba, y, sample_weight) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    proba = check_proba(proba)
    if proba.ndim != 2 or proba.shape[1] < 2:
        raise ValueError(f"proba must have shape (n_samples, n_classes >= 2); got {proba.shape}.")
    y = np.asarray(y)
    if y.shape != (len(proba),) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"y must hold one column index of proba per row (integers, shape ({len(proba)},)); "
            f"got shape {y.shape} and dtype {y.dtype}."
        )
    if y.size and (y.min() < 0 or y.max() >= proba.shape[1]):
        raise ValueError(f"y has column indices outside 0..{proba.shape[1] - 1}.")
    weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    if weights.shape != y.shape or not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("sample_weight must be finite, non-negative and one per row of proba.")
    if not weights.sum() > 0:
        raise ValueError("calibration needs rows of positive weight; sample_weight sums to 0.")
    return proba, y, weights


class TemperatureScaling:
    """``softmax(log p / T)`` with the temperature ``T`` of least log loss.

    See also the guide page [Which strategy should I choose?](choosing-a-strategy.md).

    Parameters
    ----------
    bounds : tuple of float, default=(0.05, 20.0)
        The range searched for ``T``.

    Attributes
    ----------
    temperature_ : float
        The fitted temperature (1: the probabilities are left as they are).
    """

    def __init__(self, bounds: tuple[float, float] = (0.05, 20.0)):
        self.bounds = bounds

    def fit(self, proba, y, sample_weight=None) -> TemperatureScaling:
        """Fit ``T`` on probabilities ``proba`` of rows whose classes are the columns ``y``.

        Parameters
        ----------
        proba : array-like of shape (n_samples, n_classes)
            Probabilities of rows the model did not train on.
        y : array-like of int of shape (n_samples,)
            The column of ``proba`` of each row's true class.
        sample_weight : array-like of shape (n_samples,) or None
            Row weights of the log loss.

        Returns
        -------
        self
        """
        low, high = self.bounds
        if not 0 < low < 1 < high:
            raise ValueError(f"bounds must satisfy 0 < low < 1 < high; got {self.bounds!r}.")
        proba, y, weights = _check_fit_input(proba, y, sample_weight)
        logits = _logits(proba)
        rows = np.arange(len(y))

        def loss(log_t: float) -> float:
            return -float(weights @ log_softmax(logits / np.exp(log_t), axis=1)[rows, y])

        found = minimize_scalar(loss, bounds=(np.log(low), np.log(high)), method="bounded")
        self.temperature_ = float(np.exp(found.x)) if loss(found.x) < loss(0.0) else 1.0
        return self

    def transform(self, proba) -> np.ndarray:
        """The calibrated probabilities, proba's shape and class order."""
        proba = check_proba(proba)
        return np.exp(log_softmax(_logits(proba) / self.temperature_, axis=-1))

    def __repr__(self) -> str:
        if not hasattr(self, "temperature_"):
            return "TemperatureScaling()"
        return f"TemperatureScaling(temperature_={self.temperature_:.4g})"


class PlattScaling:
    """Binary: ``p(positive) = sigmoid(a * logit(p) + b)`` with the ``a, b`` of least log loss.

    See also the guide page [Which strategy should I choose?](choosing-a-strategy.md).

    The targets are smoothed as Platt proposed (``(n+ + 1) / (n+ + 2)`` for a positive row,
    ``1 / (n- + 2)`` for a negative one), which keeps a few rows from producing certainties.

    Attributes
    ----------
    coef_ : float
        ``a``, the slope on the logit of the positive column (the second).
    intercept_ : float
        ``b``.
    """

    def fit(self, proba, y, sample_weight=None) -> PlattScaling:
        """Fit ``a`` and ``b`` on binary probabilities ``proba`` (columns: negative, positive).

        Parameters
        ----------
        proba : array-like of shape (n_samples, 2)
            Probabilities of rows the model did not train on.
        y : array-like of int of shape (n_samples,)
            1 for a positive row (the second column), 0 for a negative one.
        sample_weight : array-like of shape (n_samples,) or None
            Row weights of the log loss.

        Returns
        -------
        self
        """
        proba, y, weights = _check_fit_input(proba, y, sample_weight)
        if proba.shape[1] != 2:
            raise ValueError(f"PlattScaling is binary; proba has {proba.shape[1]} columns.")
        z = _logits(proba[:, 1]) - _logits(proba[:, 0])
        positives = weights[y == 1].sum()
        negatives = weights[y == 0].sum()
        target = np.where(y == 1, (positives + 1) / (positives + 2), 1 / (negatives + 2))

        def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
            a, b = params
            s = a * z + b
            # log loss of sigmoid(s) against the smoothed targets, and its gradient
            value = weights @ (np.logaddexp(0.0, s) - target * s)
            residual = weights * (expit(s) - target)
            return float(value), np.array([residual @ z, residual.sum()])

        found = minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
        self.coef_, self.intercept_ = (float(v) for v in found.x)
        return self

    def transform(self, proba) -> np.ndarray:
        """The calibrated probabilities, shape (n_samples, 2)."""
        proba = check_proba(proba)
        z = _logits(proba[..., 1]) - _logits(proba[..., 0])
        positive = expit(self.coef_ * z + self.intercept_)
        return np.stack([1.0 - positive, positive], axis=-1)

    def __repr__(self) -> str:
        if not hasattr(self, "coef_"):
            return "PlattScaling()"
        return f"PlattScaling(coef_={self.coef_:.4g}, intercept_={self.intercept_:.4g})"


def make_calibrator(name: str, n_classes: int) -> TemperatureScaling | PlattScaling:
    """A fresh calibrator for ``compare_weightings(calibration=name)``.

    Parameters
    ----------
    name : {"temperature", "platt"}
        ``"platt"`` needs two classes.
    n_classes : int
        The number of columns of the probabilities it will calibrate.
    """
    if name not in CALIBRATIONS:
        raise ValueError(f"calibration must be one of {list(CALIBRATIONS)} or None; got {name!r}.")
    if name == "platt":
        if n_classes != 2:
            raise ValueError(f"calibration='platt' is binary; y has {n_classes} classes.")
        return PlattScaling()
    return TemperatureScaling()
