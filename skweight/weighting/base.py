"""The weighting-strategy interface: one template method between the data and the Keras fit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator


@dataclass
class TrainingSet:
    """What a strategy hands to Keras: rows, encoded targets and per-row loss weights.

    ``sample_weight`` is None when every row weighs the same.
    """

    X: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None


def multiply_weights(first: np.ndarray | None, second: np.ndarray | None) -> np.ndarray | None:
    """Product of two optional weight vectors (None means all ones)."""
    if first is None:
        return second
    if second is None:
        return first
    return first * second


class WeightingStrategy(BaseEstimator):
    """Base class of skweight's weighting strategies.

    A strategy turns the training rows into a :class:`TrainingSet`. Most strategies only need
    per-row weights and implement :meth:`row_weights`; resamplers override :meth:`prepare`;
    strategies that change the loss override :meth:`make_loss`. Strategies are hyperparameters:
    they never store fitted state on themselves, so one object can serve many fits.
    """

    def row_weights(self, y: np.ndarray, classes: np.ndarray | None) -> np.ndarray | None:
        """Return one weight per row of ``y`` (None for all ones).

        Parameters
        ----------
        y : ndarray
            Targets; for classifiers, class indices into ``classes``.
        classes : ndarray or None
            The original class labels (None for regression).
        """
        return None

    def prepare(
        self,
        X: np.ndarray,
        y: np.ndarray,
        sample_weight: np.ndarray | None,
        *,
        classes: np.ndarray | None,
        random_state: int | None,
    ) -> TrainingSet:
        """Return the rows, targets and weights to train on.

        The user's ``sample_weight`` is multiplied with the strategy's row weights.
        """
        return TrainingSet(X, y, multiply_weights(sample_weight, self.row_weights(y, classes)))

    def make_loss(self, default_loss: Any, *, target_type: str) -> Any:
        """Return the loss to train with; the default keeps the estimator's loss."""
        return default_loss


class NoWeighting(WeightingStrategy):
    """Every row weighs the same (only the user's ``sample_weight`` applies)."""
