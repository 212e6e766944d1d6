"""Stop training when the loss stops being a number, with an error that says why it may have.

A network whose loss became NaN or infinite has NaN weights from then on and predicts garbage;
Keras keeps training it silently. skweight adds ``NonFiniteLossGuard`` to every fit, which
checks the loss at the end of each epoch (one check per epoch costs nothing measurable) and
raises ``NonFiniteLossError``. The estimator is then left unfitted.
"""

from __future__ import annotations

import math

import keras

__all__ = ["NonFiniteLossError", "NonFiniteLossGuard"]


class NonFiniteLossError(ValueError):
    """The training loss became NaN or infinite."""


class NonFiniteLossGuard(keras.callbacks.Callback):
    """Raise ``NonFiniteLossError`` when an epoch ends with a NaN or infinite loss."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Check the epoch's training loss."""
        value = (logs or {}).get("loss")
        if value is None or math.isfinite(float(value)):
            return
        self.model.stop_training = True
        raise NonFiniteLossError(
            f"The training loss became {float(value)} at epoch {epoch + 1}; training stopped and "
            "the estimator is not fitted. Likely causes: a learning rate too high "
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
