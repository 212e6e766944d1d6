"""Multi-label targets: per-label weights for the positive and the negative terms of the loss.

A multi-label network has one sigmoid output per label and a binary cross-entropy term per
label and row. A row weight (``sample_weight``) scales all of a row's labels alike, so it
cannot balance each label on its own; Keras' ``sample_weight`` weights the row loss after the
labels are averaged. ``PerLabelBinaryCrossentropy`` therefore weights each element inside
the loss: label ``k``'s positive term by ``positive_weights[k]`` and its negative term by
``negative_weights[k]``.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import ops

from ..prior import correct_prior


@keras.saving.register_keras_serializable(package="skweight")
class PerLabelBinaryCrossentropy(keras.losses.Loss):
    """Binary cross-entropy with a weight per label for its positive and its negative term.

    ``loss = mean_k -(p_k * y_k * log(q_k) + n_k * (1 - y_k) * log(1 - q_k))`` per row, with
    ``q`` clipped to ``[eps, 1 - eps]`` like Keras' own binary cross-entropy, then reduced over
    the batch by ``reduction`` (``sample_weight`` still applies per row).

    See also the guide page [How do I weight multi-label targets and single
    rows?](multilabel-and-row-weights.md).

    Parameters
    ----------
    positive_weights : sequence of float
        One weight per label for the term of its positive rows.
    negative_weights : sequence of float
        One weight per label for the term of its negative rows.
    from_logits : bool
        Whether ``y_pred`` holds logits rather than probabilities.
    reduction : str
        Keras' reduction over the batch.
    name : str
        The loss's name in Keras.
    dtype : None or str
        Keras' dtype policy of the loss computation.
    """

    def __init__(
        self,
        positive_weights: Sequence[float],
        negative_weights: Sequence[float],
        from_logits: bool = False,
        reduction: str = "sum_over_batch_size",
        name: str = "per_label_binary_crossentropy",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.positive_weights = [float(w) for w in positive_weights]
        self.negative_weights = [float(w) for w in negative_weights]
        self.from_logits = bool(from_logits)

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(y_true, y_pred.dtype)
        positive = ops.convert_to_tensor(self.positive_weights, dtype=y_pred.dtype)
        negative = ops.convert_to_tensor(self.negative_weights, dtype=y_pred.dtype)
        if self.from_logits:
            log_p = -ops.softplus(-y_pred)
            log_not_p = -ops.softplus(y_pred)
        else:
            eps = keras.config.epsilon()
            clipped = ops.clip(y_pred, eps, 1.0 - eps)
            log_p = ops.log(clipped)
            log_not_p = ops.log(1.0 - clipped)
        terms = positive * y_true * log_p + negative * (1.0 - y_true) * log_not_p
        return -ops.mean(terms, axis=-1)

    def unweighted(self) -> keras.losses.Loss:
        """The same loss with every weight 1 (for ``val_loss_unweighted``)."""
        return keras.losses.BinaryCrossentropy(from_logits=self.from_logits)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            positive_weights=self.positive_weights,
            negative_weights=self.negative_weights,
            from_logits=self.from_logits,
        )
        return config


def balanced_label_weights(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return per-label ``(positive, negative)`` weights, scikit-learn's "balanced" per label.

    Label ``k`` with ``P_k`` positive and ``N_k`` negative rows (``n`` in all) weighs its
    positives ``n / (2 P_k)`` and its negatives ``n / (2 N_k)``, so that both terms carry the
    same total weight; a label with no positive (or no negative) row keeps weights 1. Over all
    elements the weights average 1.
    """
    y = np.asarray(y, dtype=np.float64)
    n = y.shape[0]
    positives = y.sum(axis=0)
    negatives = n - positives
    both = (positives > 0) & (negatives > 0)
    positive_weights = np.ones(y.shape[1])
    negative_weights = np.ones(y.shape[1])
    positive_weights[both] = n / (2 * positives[both])
    negative_weights[both] = n / (2 * negatives[both])
    return positive_weights, negative_weights


def label_training_prior(
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    label_weights: tuple[np.ndarray, np.ndarray] | None,
) -> np.ndarray:
    """Return each label's positive rate as the loss sees it (rows and label terms weighted)."""
    y = np.asarray(y, dtype=np.float64)
    rows = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight)
    positive = rows @ y
    negative = rows @ (1.0 - y)
    if label_weights is not None:
        positive = positive * label_weights[0]
        negative = negative * label_weights[1]
    total = positive + negative
    return np.divide(positive, total, out=np.full_like(total, 0.5), where=total > 0)


def correct_label_prior(proba: np.ndarray, prior: np.ndarray, trained: np.ndarray) -> np.ndarray:
    """Prior correction of each label's probability, as a binary problem of its own.

    ``proba`` has one column per label; ``prior`` and ``trained`` are each label's positive
    rate in the data and in training.
    """
    corrected = np.empty_like(proba)
    for k in range(proba.shape[1]):
        both = np.column_stack([1.0 - proba[:, k], proba[:, k]])
        corrected[:, k] = correct_prior(
            both, [1 - prior[k], prior[k]], [1 - trained[k], trained[k]]
        )[:, 1]
    return corrected
