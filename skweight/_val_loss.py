"""Validation loss, weighted and unweighted, so that ``history_`` answers "is it weighted?".

Keras computes ``val_loss`` with the validation rows' ``sample_weight``. skweight gives those
rows the weights the strategy would give them in training (without resampling them), so that
``val_loss`` and ``loss`` estimate the same quantity, and adds ``val_loss_unweighted``: the
loss function on the validation rows with every row weighing 1.
"""

from __future__ import annotations

import keras
import numpy as np

from ._predict import predict_in_batches
from .weighting import TrainingSet, WeightingStrategy


def weighted_validation(
    strategy: WeightingStrategy,
    validation: TrainingSet | None,
    classes: np.ndarray | None,
    normalize: bool,
) -> TrainingSet | None:
    """Return ``validation`` with the strategy's weights (normalised to mean 1 if asked)."""
    if validation is None:
        return None
    weights = strategy.validation_weights(
        validation.X, validation.y, validation.sample_weight, classes=classes
    )
    if weights is not None:
        weights = np.asarray(weights, dtype=np.float64)
        if normalize and weights.sum() > 0:
            weights = weights / weights.mean()
    return TrainingSet(validation.X, validation.y, weights)


class UnweightedValidationLoss(keras.callbacks.Callback):
    """Add ``val_loss_unweighted`` to the epoch logs: the loss function, every row weighing 1.

    Regularisation penalties (``model.losses``) are not included.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray):
        super().__init__()
        self.X = X
        self.y = y

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is None:
            return
        outputs = predict_in_batches(self.model, self.X, None)
        loss_function = self.model.loss
        if hasattr(loss_function, "unweighted"):  # a loss with weights inside (multi-label)
            loss_function = loss_function.unweighted()
        loss = loss_function(self.y, outputs)
        logs["val_loss_unweighted"] = float(np.mean(keras.ops.convert_to_numpy(loss)))
