"""Each network's loss per epoch, recorded while the grouped model trains them all.

The grouped model minimises the sum of its networks' losses, so Keras logs one number per step.
``NetworkLossHistory`` is a Keras metric that keeps each network's own: at every step it adds
the network's loss on its batch times the rows of that batch to the row of the current epoch,
and the batch's rows to a count, as Keras' loss tracker does for one network (the epoch loss of
a fit is its batch losses averaged, weighted by the rows in each batch). Each network counts its
own epochs (a pass trains networks whose epochs take different numbers of steps). Keras resets
metrics at every ``fit`` call, and a pass calls ``fit`` several times, so it keeps its sums
until ``clear`` (before each pass).
"""

from __future__ import annotations

import keras
import numpy as np


class NetworkLossHistory(keras.metrics.Metric):
    """Per-network, per-epoch loss of a ``FusedLoss``-trained grouped model.

    Parameters
    ----------
    loss : FusedLoss
        The model's loss (its ``step_values`` give each network's weighted row losses).
    width : int
        The most networks the model trains at once.
    epochs : int
        Epochs of each network.
    """

    def __init__(self, loss, width: int, epochs: int, **kwargs):
        super().__init__(name="network_losses", **kwargs)
        self.loss, self.width, self.epochs = loss, int(width), int(epochs)
        self.totals = self.add_variable((self.epochs, self.width), initializer="zeros",
                                        name="totals")  # fmt: skip
        self.rows = self.add_variable((self.epochs, self.width), initializer="zeros", name="rows")
        self.step = self.add_variable((), initializer="zeros", name="step")
        self.steps_per_epoch = self.add_variable((self.width,), initializer="ones",
                                                 name="steps_per_epoch")  # fmt: skip

    def update_state(self, y_true, y_pred, sample_weight=None):
        ops = keras.ops
        losses = ops.sum(self.loss.step_values(y_true, y_pred), axis=0)  # (k,) this batch
        rows = ops.sum(ops.cast(ops.greater(y_true[..., 1], 0.0), "float32"), axis=0)
        short = self.width - ops.shape(losses)[0]  # the pass may be narrower than the model
        losses, rows = ops.pad(losses * rows, [[0, short]]), ops.pad(rows, [[0, short]])
        epoch = ops.floor_divide(self.step, self.steps_per_epoch)  # (width,); after its last
        epoch = ops.cast(ops.minimum(epoch, self.epochs - 1), "int32")  # step a network adds 0
        at = ops.transpose(ops.one_hot(epoch, self.epochs))  # (epochs, width)
        self.totals.assign(self.totals + at * losses)
        self.rows.assign(self.rows + at * rows)
        self.step.assign(self.step + 1.0)

    def result(self):
        return keras.ops.sum(self.totals)

    def reset_state(self):
        """Kept across ``fit`` calls: see ``clear``."""

    def clear(self, epoch_steps) -> None:
        """Start a pass whose networks take ``epoch_steps[k]`` steps an epoch."""
        for variable in (self.totals, self.rows, self.step):
            variable.assign(np.zeros(variable.shape, dtype="float32"))
        steps = np.ones(self.width, dtype="float32")
        steps[: len(epoch_steps)] = epoch_steps
        self.steps_per_epoch.assign(steps)

    def epoch_losses(self, n_networks: int) -> np.ndarray:
        """Each of the first ``n_networks`` networks' loss per epoch, shape (epochs, n)."""
        totals = keras.ops.convert_to_numpy(self.totals)[:, :n_networks]
        rows = keras.ops.convert_to_numpy(self.rows)[:, :n_networks]
        return totals / np.maximum(rows, 1.0)
