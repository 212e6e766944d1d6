"""Overlap scores for segmentation: Dice and Jaccard over every element of every row.

A segmentation assigns one class label to each element (pixel, voxel, time step) of each row;
``y_true`` and ``y_pred`` are arrays of shape (n, ...) of such labels. The scores here pool
the elements of all rows and compute scikit-learn's own metrics on the flattened elements:
the Dice score is ``sklearn.metrics.f1_score`` and the Jaccard score (intersection over union)
is ``sklearn.metrics.jaccard_score``, with the same ``labels``, ``pos_label`` and ``average``.
For the positive class of a binary mask, with ``A`` the true and ``B`` the predicted
elements::

    dice = 2 |A & B| / (|A| + |B|)        jaccard = |A & B| / |A | B| = dice / (2 - dice)

Pooled over the data set, a large object weighs more than a small one, and an image with no
object adds only its false positives; this is not the mean of per-image scores. A class absent
from both the truth and the prediction scores 1.0 (``zero_division=1.0``): an empty mask
predicted empty is a perfect match.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.metrics import f1_score, make_scorer
from sklearn.metrics import jaccard_score as _sklearn_jaccard_score

from ._params import Options, check_params

__all__ = ["dice_score", "jaccard_score", "make_overlap_scorer"]

_METRICS = {"dice": ("dice_score", f1_score), "jaccard": ("jaccard_score", _sklearn_jaccard_score)}
_AVERAGES = Options(("binary", "macro", "micro", "weighted", None))


def dice_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    labels: Sequence | None = None,
    pos_label: Any = 1,
    average: str | None = "binary",
    sample_weight: ArrayLike | None = None,
    ignore_label: Any = None,
) -> float | np.ndarray:
    """Return the Dice score, pooled over all elements of all rows (F1 of the elements).

    See also the guide page [How do I weight pixels for segmentation?](pixel-weights.md).

    The Dice score of a class is ``2 |A & B| / (|A| + |B|)`` for the elements ``A`` that are
    truly of the class and ``B`` that are predicted to be. Computed over every element of
    every row together (a data-set-level Dice, not a mean over images), it equals
    ``sklearn.metrics.f1_score`` on the flattened elements, which is what computes it here. A
    class absent from both the truth and the prediction scores 1.0 (``zero_division=1.0``).

    Parameters
    ----------
    y_true : array-like of shape (n, ...)
        True labels of each element (for instance masks of shape (n, height, width)).
    y_pred : array-like of the shape of y_true
        Predicted labels (thresholded, not probabilities).
    labels : sequence or None
        The classes to average over (``"macro"``, ``"micro"``, ``"weighted"``) or to score
        (``average=None``, in this order). None means the sorted classes present in
        ``y_true`` and ``y_pred``. Unused with ``average="binary"``.
    pos_label : label
        The class scored with ``average="binary"``.
    average : str or None
        As in scikit-learn: the score of ``pos_label`` (``"binary"``), the mean of the
        per-class scores (``"macro"``), the score of the pooled counts (``"micro"``), the mean
        weighted by each class's true elements (``"weighted"``), or None for one score per
        class.
    sample_weight : array-like of shape (n,) or of the shape of y_true, or None
        One weight per row, given to each of its elements, or one weight per element. Weights
        must be finite and >= 0, and not all zero on the elements scored.
    ignore_label : label or None
        Elements whose true label is this (a "void" label such as 255) are left out, whatever
        is predicted there.

    Returns
    -------
    float or ndarray of shape (n_classes,)
        The score in [0, 1] (greater is better); an array with ``average=None``.
    """
    return _overlap("dice", y_true, y_pred, labels, pos_label, average, sample_weight, ignore_label)


def jaccard_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    labels: Sequence | None = None,
    pos_label: Any = 1,
    average: str | None = "binary",
    sample_weight: ArrayLike | None = None,
    ignore_label: Any = None,
) -> float | np.ndarray:
    """Return the Jaccard score (intersection over union), pooled over all elements of all rows.

    See also the guide page [How do I weight pixels for segmentation?](pixel-weights.md).

    The Jaccard score of a class is ``|A & B| / |A | B|`` for the elements ``A`` that are
    truly of the class and ``B`` that are predicted to be; for one class it is
    ``dice / (2 - dice)``. Computed over every element of every row together (a data-set-level
    score, not a mean over images), it equals ``sklearn.metrics.jaccard_score`` on the
    flattened elements, which is what computes it here. A class absent from both the truth and
    the prediction scores 1.0 (``zero_division=1.0``).

    Parameters
    ----------
    y_true : array-like of shape (n, ...)
        True labels of each element (for instance masks of shape (n, height, width)).
    y_pred : array-like of the shape of y_true
        Predicted labels (thresholded, not probabilities).
    labels : sequence or None
        The classes to average over (``"macro"``, ``"micro"``, ``"weighted"``) or to score
        (``average=None``, in this order). None means the sorted classes present in
        ``y_true`` and ``y_pred``. Unused with ``average="binary"``.
    pos_label : label
        The class scored with ``average="binary"``.
    average : str or None
        As in ``dice_score``.
    sample_weight : array-like of shape (n,) or of the shape of y_true, or None
        One weight per row, given to each of its elements, or one weight per element. Weights
        must be finite and >= 0, and not all zero on the elements scored.
    ignore_label : label or None
        Elements whose true label is this are left out, whatever is predicted there.

    Returns
    -------
    float or ndarray of shape (n_classes,)
        The score in [0, 1] (greater is better); an array with ``average=None``.
    """
    return _overlap(
        "jaccard", y_true, y_pred, labels, pos_label, average, sample_weight, ignore_label
    )


def make_overlap_scorer(
    metric: str = "dice",
    *,
    labels: Sequence | None = None,
    pos_label: Any = 1,
    average: str | None = "binary",
    ignore_label: Any = None,
) -> Callable:
    """Return a scikit-learn scorer of the pooled Dice or Jaccard score (greater is better).

    See also the guide page [How do I weight pixels for segmentation?](pixel-weights.md).

    Use it as ``scoring=`` in ``GridSearchCV`` or ``cross_validate`` with an estimator whose
    ``predict`` returns labels of the shape of ``y`` (masks of shape (n, height, width), say).
    A ``sample_weight`` given to the scorer reaches ``dice_score``/``jaccard_score``; to have a
    search pass it on, enable metadata routing and request it::

        with sklearn.config_context(enable_metadata_routing=True):
            scorer = make_overlap_scorer().set_score_request(sample_weight=True)
            search = GridSearchCV(model, grid, scoring=scorer).fit(X, y, sample_weight=w)

    Each scorer is a new object, so requesting metadata on one changes no other.

    Parameters
    ----------
    metric : "dice" or "jaccard"
        The score: ``dice_score`` or ``jaccard_score``.
    labels : sequence or None
        As in ``dice_score``.
    pos_label : label
        As in ``dice_score``.
    average : str or None
        As in ``dice_score``; None (one score per class) is no single score to search on and
        is refused here.
    ignore_label : label or None
        As in ``dice_score``.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y, sample_weight=None)``, scoring ``estimator.predict(X)``.
    """
    check_params(
        {"metric": metric, "average": average},
        {
            "metric": [Options(("dice", "jaccard"))],
            "average": [Options(("binary", "macro", "micro", "weighted"))],
        },
        owner="make_overlap_scorer",
    )
    score = dice_score if metric == "dice" else jaccard_score
    return make_scorer(
        score,
        greater_is_better=True,
        response_method="predict",
        labels=labels,
        pos_label=pos_label,
        average=average,
        ignore_label=ignore_label,
    )


# ---------------------------------------------------------------------------- helpers
def _overlap(
    metric: str, y_true, y_pred, labels, pos_label, average, sample_weight, ignore_label
) -> float | np.ndarray:
    """Validate, flatten and leave out the ignored elements, then score with scikit-learn."""
    name, score_elements = _METRICS[metric]
    check_params({"average": average}, {"average": [_AVERAGES]}, owner=name)
    y_true = _labels_array(y_true, "y_true", name)
    y_pred = _labels_array(y_pred, "y_pred", name)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{name}: y_true and y_pred must have the same shape (one label per element); got "
            f"{y_true.shape} and {y_pred.shape}."
        )
    weights = _element_weights(sample_weight, y_true.shape, name)
    y_true, y_pred = y_true.ravel(), y_pred.ravel()
    if ignore_label is not None:
        kept = y_true != ignore_label
        if not kept.any():
            raise ValueError(
                f"{name}: every element of y_true is ignore_label={ignore_label!r}; nothing is "
                "left to score."
            )
        y_true, y_pred = y_true[kept], y_pred[kept]
        weights = None if weights is None else weights[kept]
    if weights is not None and not weights.any():
        raise ValueError(f"{name}: sample_weight is zero on every element scored.")
    score = score_elements(
        y_true,
        y_pred,
        labels=labels,
        pos_label=pos_label,
        average=average,
        sample_weight=weights,
        zero_division=1.0,
    )
    return score if average is None else float(score)


def _labels_array(values, what: str, name: str) -> np.ndarray:
    """``values`` as an array of at least one dimension and one element, holding labels."""
    array = np.asarray(values)
    if array.ndim == 0 or array.size == 0:
        raise ValueError(
            f"{name}: {what} must be an array of shape (n, ...) with at least one element; got "
            f"shape {array.shape}."
        )
    if array.dtype.kind == "f" and not (
        np.isfinite(array).all() and (array == np.round(array)).all()
    ):
        raise ValueError(
            f"{name}: {what} must hold class labels, but has values that are not whole numbers "
            "(probabilities?); threshold them into labels first."
        )
    return array


def _element_weights(sample_weight, shape: tuple, name: str) -> np.ndarray | None:
    """One float64 weight per element, flattened (a new array), or None."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, (numbers.Number, str, bytes)):
        raise TypeError(
            f"{name}: sample_weight must be an array of shape {shape[:1]} or {shape}; got "
            f"{sample_weight!r}."
        )
    try:
        weights = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: sample_weight must hold numbers: {exc}") from exc
    if weights.shape == shape:
        flat = weights.ravel()
    elif weights.shape == shape[:1]:
        flat = np.repeat(weights, int(np.prod(shape[1:], dtype=np.int64)))
    else:
        raise ValueError(
            f"{name}: sample_weight must have shape {shape[:1]} (one weight per row) or y_true's "
            f"shape {shape} (one per element); got {weights.shape}."
        )
    if not np.isfinite(flat).all():
        raise ValueError(f"{name}: sample_weight must be finite; it has NaN or infinite values.")
    if (flat < 0).any():
        raise ValueError(f"{name}: sample_weight must be >= 0; its smallest is {flat.min():g}.")
    return flat
