"""The weighting-strategy interface: one template method between the data and the Keras fit."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator


@dataclass
class TrainingSet:
    """What a strategy hands to Keras: rows, encoded targets and per-row loss weights.

    ``sample_weight`` is None when every row weighs the same. ``epoch_rows`` is None unless the
    strategy resamples at every epoch: then ``X``, ``y`` and ``sample_weight`` are the candidate
    rows and ``epoch_rows(epoch)`` returns the indices (into them, repeats allowed) that epoch
    trains on, so that no resampled copy of ``X`` is ever made.
    """

    X: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None
    epoch_rows: Callable[[int], np.ndarray] | None = None

    def epoch_targets(self, epoch: int = 0) -> tuple[np.ndarray, np.ndarray | None]:
        """Return the targets and weights of the rows one epoch trains on."""
        if self.epoch_rows is None:
            return self.y, self.sample_weight
        index = self.epoch_rows(epoch)
        weights = None if self.sample_weight is None else self.sample_weight[index]
        return self.y[index], weights

    def mean_weight(self) -> float:
        """Mean training weight over the rows an epoch sees (1 when unweighted)."""
        _, weights = self.epoch_targets(0)
        return 1.0 if weights is None else float(weights.mean())


def multiply_weights(first: np.ndarray | None, second: np.ndarray | None) -> np.ndarray | None:
    """Product of two optional weight vectors (None means all ones)."""
    if first is None:
        return second
    if second is None:
        return first
    return first * second


def drop_zero_weight_rows(
    X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None
) -> TrainingSet:
    """Remove rows whose ``sample_weight`` is 0, so that they cannot influence anything."""
    if sample_weight is None or sample_weight.all():
        return TrainingSet(X, y, sample_weight)
    keep = sample_weight > 0
    return TrainingSet(X[keep], y[keep], sample_weight[keep])


def single_label(y: np.ndarray, strategy: str) -> None:
    """Raise a clear error if ``y`` is a multi-label indicator matrix."""
    if y.ndim != 1:
        raise ValueError(
            f"weighting={strategy} weights classes of single-label targets; for a multi-label y "
            "use 'balanced' (per label), 'focal', None or a per-row strategy."
        )


def loss_balances_classes(loss: Any) -> bool:
    """Return True if ``loss`` already weights classes (a focal loss with class balancing)."""
    import keras

    if isinstance(loss, keras.losses.BinaryFocalCrossentropy):
        return bool(loss.get_config().get("apply_class_balancing"))
    if isinstance(loss, keras.losses.CategoricalFocalCrossentropy):
        return np.ndim(loss.get_config().get("alpha")) > 0
    return False


class WeightingStrategy(BaseEstimator):
    """Base class of skweight's weighting strategies.

    A strategy turns the training rows into a ``TrainingSet``. Most strategies only need
    per-row weights and implement ``row_weights`` (or ``weigh`` when the weights depend
    on ``X``); resamplers override ``prepare``; strategies that change the loss override
    ``make_loss``. Strategies are hyperparameters: the estimator works on a clone (its
    ``weighting_``), so the object the user passed is never modified. ``prepare`` may record
    what it learnt from the training rows on that clone (attributes ending in ``_``) for
    ``make_loss`` and ``validation_weights``.

    Rows with ``sample_weight`` 0 are removed before the strategy sees them, so they influence
    neither counts (``"balanced"``), nor neighbours (SMOTE), nor the fit.

    See also the guide page [How do weights enter the loss?](weights-in-the-loss.md).
    """

    #: True for strategies that re-weight classes; combining them with a ``loss=`` that already
    #: balances classes warns about double weighting.
    balances_classes = False

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

    def weigh(
        self,
        X: np.ndarray,
        y: np.ndarray,
        sample_weight: np.ndarray | None,
        classes: np.ndarray | None,
    ) -> np.ndarray | None:
        """Return the user's ``sample_weight`` times the strategy's weight of each row."""
        return multiply_weights(sample_weight, self.row_weights(y, classes))

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

        Zero-weight rows are dropped first; the user's ``sample_weight`` is then multiplied
        with the strategy's row weights.
        """
        rows = drop_zero_weight_rows(X, y, sample_weight)
        weights = self.weigh(rows.X, rows.y, rows.sample_weight, classes)
        return TrainingSet(rows.X, rows.y, weights)

    def validation_weights(
        self,
        X: np.ndarray,
        y: np.ndarray,
        sample_weight: np.ndarray | None,
        *,
        classes: np.ndarray | None,
    ) -> np.ndarray | None:
        """Return the weights of validation rows for the weighted validation loss.

        They are the weights these rows would have in training (without resampling them),
        so that ``val_loss`` estimates the same quantity as the training ``loss``.
        """
        return self.weigh(X, y, sample_weight, classes)

    def make_loss(self, default_loss: Any, *, target_type: str) -> Any:
        """Return the loss to train with; the default keeps the estimator's loss.

        Class-balancing strategies warn when the loss already balances classes.
        """
        if self.balances_classes and loss_balances_classes(default_loss):
            warnings.warn(
                f"weighting={self!r} re-weights classes and loss={type(default_loss).__name__} "
                "already balances them (alpha with class balancing): the classes are weighted "
                "twice. Use one of the two, or weighting=None.",
                UserWarning,
                stacklevel=4,
            )
        return default_loss


class PerClassWeights(WeightingStrategy):
    """Base of strategies that give every row of class ``c`` the weight ``w_c``.

    Subclasses implement ``class_weight_vector``. ``prepare`` computes the class weights
    from the training rows and keeps them as ``class_weights_`` (on the estimator's
    ``weighting_``), so validation rows are weighted with the training rows' class weights.
    """

    balances_classes = True

    def class_weight_vector(self, y: np.ndarray, classes: np.ndarray | None) -> np.ndarray:
        """Return the weight of each class, in the order of ``classes``."""
        raise NotImplementedError

    def row_weights(self, y: np.ndarray, classes: np.ndarray | None) -> np.ndarray:
        weights = getattr(self, "class_weights_", None)
        if weights is None:
            weights = self.class_weight_vector(y, classes)
        return weights[y]

    def prepare(self, X, y, sample_weight, *, classes, random_state) -> TrainingSet:
        rows = drop_zero_weight_rows(X, y, sample_weight)
        self.class_weights_ = self.class_weight_vector(rows.y, classes)
        weights = self.weigh(rows.X, rows.y, rows.sample_weight, classes)
        return TrainingSet(rows.X, rows.y, weights)


class NoWeighting(WeightingStrategy):
    """Every row weighs the same (only the user's ``sample_weight`` applies).

    See also the guide page [How do weights enter the loss?](weights-in-the-loss.md).
    """
