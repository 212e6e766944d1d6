"""Scores of dense targets: every element is one scored item.

A mask ``y`` of shape (n, h, w) is scored as ``n * h * w`` labelled elements: ``flatten_scored``
turns truth, predictions and weights (per row, repeated over the row's elements, or per
element) into flat arrays, leaving out the elements whose true label is ``ignore_label``.
Scores are then the ordinary ones (accuracy, expected cost, Dice, ...) over those elements.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._target_layout import without_channel_axis

__all__ = ["flatten_scored", "is_dense"]


def is_dense(y_true) -> bool:
    """True for a target with more than one label per row that is not a multi-label matrix."""
    return np.ndim(y_true) >= 3


def flatten_scored(
    y_true, y_pred, sample_weight=None, ignore_label: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Flat truth, predictions and weights of the scored elements.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n, ...)
        Of the same shape; a trailing axis of length 1 on either is ignored.
    sample_weight : None, or array-like of shape (n,) or y_true's shape
    ignore_label : label or None
        Elements whose true label equals it are left out.
    """
    y_true, y_pred = without_channel_axis(y_true), without_channel_axis(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true has shape {y_true.shape} and y_pred {y_pred.shape}; they must match "
            "(one prediction per element)."
        )
    weights = None
    if sample_weight is not None:
        weights = np.asarray(sample_weight, dtype=np.float64)
        if weights.shape == (len(y_true),):
            weights = np.broadcast_to(
                weights.reshape((-1,) + (1,) * (y_true.ndim - 1)), y_true.shape
            )
        weights = without_channel_axis(weights)
        if weights.shape != y_true.shape:
            raise ValueError(
                f"sample_weight has shape {np.shape(sample_weight)}; it must have shape "
                f"({len(y_true)},) (per row) or {y_true.shape} (per element)."
            )
    truth, pred = y_true.ravel(), y_pred.ravel()
    flat_weights = None if weights is None else weights.ravel()
    if ignore_label is not None:
        keep = truth != ignore_label
        truth, pred = truth[keep], pred[keep]
        flat_weights = None if flat_weights is None else flat_weights[keep]
    if truth.size == 0:
        raise ValueError("Every element of y_true has the ignored label; nothing to score.")
    return truth, pred, flat_weights
