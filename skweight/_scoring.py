"""The scorers ``skweight.compare.compare_weightings`` reports for every fold.

Besides the cost, balanced accuracy, per-class recall and average precision, the precision at a
grid of recall levels is recorded as scalar scores, so that a precision-recall curve per strategy
(averaged over folds) comes out of the same search, without refitting anything.

A search calls its scorers one after the other on the same (cached) predictions of one fold, so
what several of them read is computed once: the confusion matrix whose per-class precision and
recall the recall, precision and balanced-accuracy scorers read, and the precision-recall curve
of the recall grid and of the average precision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    make_scorer,
    precision_recall_curve,
)
from sklearn.preprocessing import label_binarize

from .cost import make_cost_scorer

#: Recall levels at which the (interpolated) precision is recorded; denser near 1, where the
#: cost-sensitive operating points usually lie.
RECALL_GRID = np.unique(np.concatenate([np.linspace(0.0, 0.8, 9), np.linspace(0.8, 1.0, 21)]))


def _pr_key(recall: float) -> str:
    return f"pr_at_{round(recall * 1000):04d}"


def pr_keys() -> list[str]:
    """Scorer names of the precision-at-recall grid, in the order of ``RECALL_GRID``."""
    return [_pr_key(r) for r in RECALL_GRID]


def _binarize(y_true, y_score, classes):
    """Flatten a multiclass problem into one-vs-rest pairs (micro-averaging)."""
    y_score = np.asarray(y_score)
    if y_score.ndim == 1:
        return y_true, y_score
    truth = label_binarize(y_true, classes=classes)
    return truth.ravel(), y_score.ravel()


class _LastResult:
    """``compute(*inputs)``, kept for the next call with the very same input objects."""

    def __init__(self, compute):
        self.compute = compute
        self.last: tuple = ()  # (inputs, value), replaced in one assignment

    def __call__(self, *inputs):
        last = self.last
        if last and all(a is b for a, b in zip(last[0], inputs, strict=True)):
            return last[1]
        value = self.compute(*inputs)
        self.last = (inputs, value)
        return value


def _compute_curve(y_true, y_score, classes, pos_label, sample_weight):
    if np.ndim(y_score) == 2:
        if sample_weight is not None:
            sample_weight = np.repeat(sample_weight, len(classes))
        y_true, y_score = _binarize(y_true, y_score, classes)
        pos_label = 1
    precision, achieved, _ = precision_recall_curve(
        y_true, y_score, pos_label=pos_label, sample_weight=sample_weight
    )
    return precision, achieved


def _compute_by_class(y_true, y_pred, classes, sample_weight):
    matrix = confusion_matrix(y_true, y_pred, labels=classes, sample_weight=sample_weight)
    hits, support, predicted = np.diag(matrix), matrix.sum(axis=1), matrix.sum(axis=0)
    recall = np.divide(hits, support, out=np.zeros(len(hits)), where=support > 0)
    precision = np.divide(hits, predicted, out=np.zeros(len(hits)), where=predicted > 0)
    return precision, recall, support


_curve = _LastResult(_compute_curve)
_by_class = _LastResult(_compute_by_class)


def class_recall(y_true, y_pred, *, label, classes, sample_weight=None) -> float:
    """Recall of class ``label`` (0 when it has no rows)."""
    _, recall, _ = _by_class(y_true, y_pred, classes, sample_weight)
    return float(recall[list(classes).index(label)])


def class_precision(y_true, y_pred, *, label, classes, sample_weight=None) -> float:
    """Precision of class ``label`` (0 when nothing is predicted as it)."""
    precision, _, _ = _by_class(y_true, y_pred, classes, sample_weight)
    return float(precision[list(classes).index(label)])


def balanced_accuracy(y_true, y_pred, *, classes, sample_weight=None) -> float:
    """Balanced accuracy: the recall of each class present in ``y_true``, averaged (as
    scikit-learn's ``balanced_accuracy_score``)."""
    _, recall, support = _by_class(y_true, y_pred, classes, sample_weight)
    return float(np.mean(recall[support > 0]))


def precision_at_recall(
    y_true, y_score, *, recall: float, classes=None, pos_label=None, sample_weight=None
) -> float:
    """Best precision among thresholds whose recall is at least ``recall``.

    ``y_score`` of shape (n_samples, n_classes) is micro-averaged over the classes.
    """
    precision, achieved = _curve(y_true, y_score, classes, pos_label, sample_weight)
    reachable = precision[achieved >= recall - 1e-12]
    return float(reachable.max()) if reachable.size else 0.0


def macro_average_precision(y_true, y_score, *, classes=None, pos_label=None, sample_weight=None):
    """Average precision of the positive class, or the mean over classes present (multiclass)."""
    if np.ndim(y_score) == 1:  # from the curve the recall grid reads, as scikit-learn sums it
        precision, recall = _curve(y_true, y_score, classes, pos_label, sample_weight)
        if np.isfinite(recall).all():
            return float(max(0.0, -np.sum(np.diff(recall) * precision[:-1])))
        return average_precision_score(  # no positive row: scikit-learn's warning and value
            y_true, y_score, pos_label=pos_label, sample_weight=sample_weight
        )
    truth = label_binarize(y_true, classes=classes)
    present = truth.any(axis=0)
    values = [
        average_precision_score(truth[:, k], y_score[:, k], sample_weight=sample_weight)
        for k in np.flatnonzero(present)
    ]
    return float(np.mean(values))


def recall_key(label: Any) -> str:
    """Scorer name of the recall of class ``label``."""
    return f"recall_{label}"


def comparison_scorers(
    cost_matrix: np.ndarray, classes: np.ndarray, positive: Any, scoring: Any = None
) -> dict[str, Any]:
    """Return the multi-metric ``scoring`` dict of a comparison.

    Parameters
    ----------
    cost_matrix : ndarray
        Costs in the order of ``classes``.
    classes : ndarray
        The sorted class labels.
    positive : label or None
        The positive class of a binary problem (None for multiclass).
    scoring : None, str or scorer
        An extra scorer stored as ``"score"``.
    """
    scorers: dict[str, Any] = {
        "cost": make_cost_scorer(cost_matrix, labels=classes),
        "balanced_accuracy": make_scorer(balanced_accuracy, classes=classes),
    }
    for label in classes:
        scorers[recall_key(label)] = make_scorer(class_recall, label=label, classes=classes)
    if positive is not None:
        by_class: dict[str, Any] = {"pos_label": positive}
        scorers["precision"] = make_scorer(class_precision, label=positive, classes=classes)
    else:
        by_class = {"classes": classes}
    scorers["average_precision"] = make_scorer(
        macro_average_precision, response_method="predict_proba", **by_class
    )
    for recall in RECALL_GRID:
        scorers[_pr_key(recall)] = make_scorer(
            precision_at_recall, response_method="predict_proba", recall=float(recall),
            **by_class,
        )  # fmt: skip
    if scoring is not None:
        scorers["score"] = scoring
    return scorers


def fold_scores(cv_results: Mapping[str, Any], metric: str) -> np.ndarray:
    """Test scores of every candidate on every fold, shape (n_candidates, n_folds)."""
    keys = sorted(
        (k for k in cv_results if k.startswith("split") and k.endswith(f"_test_{metric}")),
        key=lambda k: int(k[5 : k.index("_")]),
    )
    return np.column_stack([np.asarray(cv_results[k], dtype=float) for k in keys])


def standard_error(values: np.ndarray) -> float:
    """Standard error of the mean of fold scores (sample standard deviation / sqrt(n))."""
    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return 0.0
    return float(np.std(values, ddof=1) / np.sqrt(len(values)))
