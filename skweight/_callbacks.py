"""The Keras callbacks every fit adds: a finiteness guard and the unweighted validation loss.

``NonFiniteLossGuard``
    A network whose loss became NaN or infinite has NaN weights from then on and predicts
    garbage; Keras keeps training it silently. The guard checks the loss at the end of each
    epoch (one check per epoch costs nothing measurable) and raises ``NonFiniteLossError``;
    the estimator then returns to the state it had before the fit. An epoch's loss is computed
    before its updates, so the last update of a fit would go unchecked (a NaN learning rate
    with one batch per epoch): at the end of training the guard also checks the weights.
``UnweightedValidationLoss``
    Keras computes ``val_loss`` with the validation rows' ``sample_weight``. skweight gives
    those rows the weights the strategy would give them in training (without resampling them),
    so that ``val_loss`` and ``loss`` estimate the same quantity, and this callback adds
    ``val_loss_unweighted``: the loss function on the validation rows with every row weighing 1.
"""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np

from ._predict import predict_in_batches

__all__ = ["NonFiniteLossError", "NonFiniteLossGuard", "UnweightedValidationLoss"]


class NonFiniteLossError(ValueError):
    """The training loss became NaN or infinite."""


class NonFiniteLossGuard(keras.callbacks.Callback):
    """Raise ``NonFiniteLossError`` when an epoch ends with a NaN or infinite loss, or the
    training ends with NaN or infinite weights."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Check the epoch's training loss."""
        value = (logs or {}).get("loss")
        if value is None or math.isfinite(float(value)):
            return
        self.model.stop_training = True
        raise NonFiniteLossError(
            f"The training loss became {float(value)} at epoch {epoch + 1}; training stopped and "
            f"the estimator is left as it was before this fit. {self._causes()}"
        )

    def on_train_end(self, logs: dict | None = None) -> None:
        """Check the weights after the last update, which no epoch loss has seen."""
        for weights in self.model.get_weights():
            if not np.isfinite(weights).all():
                raise NonFiniteLossError(
                    "The network's weights became NaN or infinite in the last update of the fit "
                    "(after the last loss was computed); the estimator is left as it was before "
                    f"this fit. {self._causes()}"
                )

    def _causes(self) -> str:
        return (
            "Likely causes: a learning rate too high "
            f"(optimizer__learning_rate, now {_learning_rate(self.model)}); very large or "
            "unscaled values in X or y (scale them, e.g. with StandardScaler); extreme "
            "sample_weight or class weights (keep normalize_weights=True); or a custom loss or "
            "model that takes the log of 0 or divides by 0."
        )


def _learning_rate(model) -> str:
    try:
        return f"{float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)):g}"
    except (AttributeError, TypeError, ValueError):
        return "unknown"


class UnweightedValidationLoss(keras.callbacks.Callback):
    """Add ``val_loss_unweighted`` to the epoch logs: the loss function, every row weighing 1.

    Regularisation penalties (``model.losses``) are not included. For a dense target, ``mask``
    (0 for elements of the ignored label) leaves those elements out: the loss is the mean over
    the others. For a network with several outputs, ``y`` and ``loss`` are a list (or a dict)
    with one entry per output (one loss is every output's) and the loss is the sum of the
    outputs' mean losses, as Keras adds up the outputs' losses.
    """

    def __init__(
        self, X: np.ndarray, y: np.ndarray, mask: np.ndarray | None = None, loss: Any = None
    ):
        super().__init__()
        self.X = X
        self.y = y
        self.mask = mask
        self.loss = loss  # None: the model's compiled loss

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is None:
            return
        outputs = predict_in_batches(self.model, self.X, None)
        loss_function = self.model.loss if self.loss is None else self.loss
        if isinstance(self.y, (list, dict)):
            logs["val_loss_unweighted"] = _sum_of_output_losses(loss_function, self.y, outputs)
            return
        if hasattr(loss_function, "unweighted"):  # a loss with weights inside (multi-label)
            loss_function = loss_function.unweighted()
        if self.mask is None:
            loss = loss_function(self.y, outputs)
            logs["val_loss_unweighted"] = float(np.mean(keras.ops.convert_to_numpy(loss)))
            return
        # the mean over the elements that count: the masked sum, over their number
        loss = loss_function(self.y, outputs, sample_weight=self.mask)
        share = self.mask.size / max(float(self.mask.sum()), 1.0)
        logs["val_loss_unweighted"] = float(np.mean(keras.ops.convert_to_numpy(loss))) * share


def _sum_of_output_losses(losses: Any, targets: list | dict, outputs: list | dict) -> float:
    """The sum over the outputs of each output's mean loss (every row weighing 1)."""
    keys = list(targets) if isinstance(targets, dict) else range(len(targets))
    total = 0.0
    for key in keys:
        loss = losses[key] if isinstance(losses, (list, tuple, dict)) else losses
        if isinstance(loss, str):
            loss = keras.losses.get(loss)
        if hasattr(loss, "unweighted"):
            loss = loss.unweighted()
        value = loss(targets[key], outputs[key])
        total += float(np.mean(keras.ops.convert_to_numpy(value)))
    return total
