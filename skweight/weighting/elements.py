"""Weights of dense targets: one class label (or value) per element of a row.

A mask ``y`` of shape (n, h, w) or per-timestep labels (n, T) give every element (pixel,
timestep) its own label. Encoded labels are class indices, and ``IGNORED`` (-1) marks an element
whose label is the estimator's ``ignore_label``: it weighs 0 and counts nowhere.

An element's training weight is the product of

- its row's ``sample_weight`` (shape (n,)), or its own (``sample_weight`` of ``y``'s shape);
- ``class_weight[label]``, the strategy's per-class factor (``"balanced"``, a dict, ...).

The class factor is never expanded into a float array the size of ``y``: ``batch_weights``
builds the weights of one batch from its labels, and ``class_totals`` adds up per-class
counts and weights a block of rows at a time (the class factor multiplies the per-class
totals), so a weighted fit needs little more memory than an
unweighted one.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "IGNORED",
    "batch_weights",
    "class_totals",
    "row_labels_rarest",
]

#: The encoded label of an ignored element.
IGNORED = -1

#: Rows per block when adding up class totals.
_BLOCK_ROWS = 256


def _row_weights_as_elements(weights: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per-row weights broadcast over the elements of their rows."""
    if weights.ndim == labels.ndim:
        return weights
    return np.broadcast_to(weights.reshape((-1,) + (1,) * (labels.ndim - 1)), labels.shape)


def batch_weights(
    labels: np.ndarray,
    sample_weight: np.ndarray | None,
    class_weight: np.ndarray | None,
) -> np.ndarray | None:
    """Element weights of a batch of rows, shape ``labels.shape`` (None: all equal to 1).

    Parameters
    ----------
    labels : ndarray of int, shape (b, ...)
        Encoded labels of the batch's rows; ``IGNORED`` elements weigh 0. Regression targets
        pass an empty class factor and no ignored element.
    sample_weight : ndarray of shape (b,) or labels.shape, or None
    class_weight : ndarray of shape (n_classes,), or None
    """
    ignored = labels < 0 if labels.dtype.kind in "iu" else None
    has_ignored = ignored is not None and ignored.any()
    if sample_weight is None and class_weight is None and not has_ignored:
        return None
    weights = np.ones(labels.shape, dtype=np.float64)
    if class_weight is not None:
        weights = class_weight[np.where(ignored, 0, labels) if has_ignored else labels]
    if sample_weight is not None:
        weights = weights * _row_weights_as_elements(sample_weight, labels)
    if has_ignored:
        weights = np.where(ignored, 0.0, weights)
    return np.asarray(weights, dtype=np.float32)


def class_totals(
    y: np.ndarray,
    sample_weight: np.ndarray | None,
    class_weight: np.ndarray | None,
    n_classes: int,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per class: the number of elements with positive weight, and their total weight.

    Parameters
    ----------
    y : ndarray of int, shape (n, ...)
        Encoded labels; ``IGNORED`` elements are left out.
    sample_weight, class_weight
        As for ``batch_weights``.
    n_classes : int
    rows : ndarray of int or None
        The rows to add up (repeats count again); None: every row.

    Returns
    -------
    counts : ndarray of int64, shape (n_classes,)
    mass : ndarray of float64, shape (n_classes,)

    Notes
    -----
    An element's weight is its ``sample_weight`` times its class's factor, so the totals are
    added up over ``sample_weight`` alone and the class factor multiplies them per class: no
    weight is built per element.
    """
    counts, mass = _row_weight_totals(y, sample_weight, n_classes, rows)
    if class_weight is None:
        return counts, mass
    factor = np.asarray(class_weight, dtype=np.float64)
    return np.where(factor > 0, counts, 0), np.where(factor > 0, mass * factor, 0.0)


def _row_weight_totals(
    y: np.ndarray, sample_weight: np.ndarray | None, n_classes: int, rows: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """``class_totals`` without a class factor, a block of rows at a time."""
    rows = None if rows is None else np.asarray(rows)
    n_rows = len(y) if rows is None else len(rows)
    counts = np.zeros(n_classes, dtype=np.int64)
    mass = np.zeros(n_classes, dtype=np.float64)
    signed = y.dtype.kind == "i"
    for start in range(0, n_rows, _BLOCK_ROWS):
        stop = start + _BLOCK_ROWS
        block = slice(start, stop) if rows is None else rows[start:stop]
        labels = y[block]
        weights = _take(sample_weight, block)
        if weights is None:
            block_counts = _label_counts(labels, n_classes, signed)
            counts += block_counts
            mass += block_counts
            continue
        weights = _row_weights_as_elements(weights, labels)
        keep = weights > 0
        if signed:
            keep &= labels >= 0
        flat = labels[keep]
        counts += np.bincount(flat, minlength=n_classes)
        mass += np.bincount(flat, weights=weights[keep].astype(np.float64), minlength=n_classes)
    return counts, mass


def row_labels_rarest(
    y: np.ndarray, sample_weight: np.ndarray | None, n_classes: int
) -> np.ndarray:
    """One label per row for resampling: the rarest class among the row's counted elements.

    Rarity is the class's element count pooled over all rows; a row whose elements are all of
    the most common class (an empty mask) gets that class, so such rows can be under-sampled.
    A row with no counted element gets the most common class.
    """
    counts, _ = class_totals(y, sample_weight, None, n_classes)
    by_rarity = np.argsort(counts, kind="stable")  # rarest first
    rank = np.empty(n_classes, dtype=np.int64)
    rank[by_rarity] = np.arange(n_classes)
    common = int(by_rarity[-1])
    labels = np.full(len(y), common, dtype=np.int64)
    for start in range(0, len(y), _BLOCK_ROWS):
        block = slice(start, start + _BLOCK_ROWS)
        block_labels = y[block].reshape(len(y[block]), -1)
        weights = batch_weights(y[block], _take(sample_weight, block), None)
        counted = block_labels >= 0
        if weights is not None:
            counted &= weights.reshape(counted.shape) > 0
        ranks = np.where(counted, rank[np.where(counted, block_labels, 0)], n_classes)
        best = ranks.min(axis=1)
        found = best < n_classes
        labels[block][found] = by_rarity[best[found]]
    return labels


#: Up to this many classes, counting compares the labels with each class (faster than bincount).
_COMPARED_CLASSES = 16


def _label_counts(labels: np.ndarray, n_classes: int, signed: bool) -> np.ndarray:
    """How many elements of ``labels`` hold each class (``IGNORED`` ones left out)."""
    if n_classes <= _COMPARED_CLASSES:
        return np.array([np.count_nonzero(labels == c) for c in range(n_classes)])
    flat = labels.ravel()
    return np.bincount(flat[flat >= 0] if signed else flat, minlength=n_classes)


def _take(weights: np.ndarray | None, rows) -> np.ndarray | None:
    return None if weights is None else weights[rows]
