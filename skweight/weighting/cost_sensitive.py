"""Cost-sensitive class weights from a misclassification cost matrix."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._params import Interval, Satisfies
from .base import PerClassWeights
from .registry import Candidate, register_strategy


def _cost_weights(cost_matrix, random_state):
    return CostSensitiveWeights(np.asarray(cost_matrix).tolist())


@register_strategy(
    candidates=[Candidate("cost-weights", simplicity=4, make=_cost_weights, needs_cost=True)],
    examples=lambda: [CostSensitiveWeights(fp_cost=1.0, fn_cost=4.0)],
)
class CostSensitiveWeights(PerClassWeights):
    """Weight each class by the cost of misclassifying it (the rescaling approach).

    See also the guide page [How do I decide by cost?](cost-decisions.md).

    Parameters
    ----------
    cost_matrix : array-like of shape (n_classes, n_classes), DataFrame or None
        ``cost_matrix[i, j]`` is the cost of predicting ``labels[j]`` for a row of class
        ``labels[i]``; the conventions of ``skweight.cost.check_cost_matrix``.
    labels : sequence or None, default=None
        The class of each row and column of ``cost_matrix``; None means the estimator's
        ``classes_`` (sorted labels), or the index of a DataFrame.
    fp_cost, fn_cost : float or None
        Binary shorthand for ``[[0, fp_cost], [fn_cost, 0]]``: the cost of a false positive (a
        row of ``classes_[0]`` predicted as ``classes_[1]``) and of a false negative.

    Notes
    -----
    Class ``i`` weighs the mean extra cost of misclassifying one of its rows,
    ``w_i = sum_{j != i} (C[i, j] - C[i, i]) / (n_classes - 1)``.

    For two classes the positives weigh ``fn_cost`` and the negatives ``fp_cost``, and a model
    that fits the weighted problem makes the minimum-expected-cost decision when it predicts
    its most probable class (Elkan, 2001): the rescaling is exact. For more classes it is exact
    when each row of the matrix has a single off-diagonal cost (``C[i, j] = c_i`` for all
    ``j != i``). Otherwise no per-class weights reproduce the minimum-cost decision in general
    (Zhou & Liu, 2010) and the mean off-diagonal cost is an approximation; for exact decisions
    train without weighting (or undo it with ``prior_correction=True``) and decide with the
    full matrix, e.g. with ``skweight.decision.MinimumCostClassifier``.
    """

    _parameter_constraints = {
        "cost_matrix": [None, Satisfies(lambda v: np.ndim(v) == 2, "a 2-D array of costs")],
        "labels": [None, Satisfies(lambda v: np.ndim(v) == 1, "a sequence of class labels")],
        "fp_cost": [None, Interval(numbers.Real, 0, None, closed="left")],
        "fn_cost": [None, Interval(numbers.Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        cost_matrix: Any = None,
        *,
        labels: Sequence | None = None,
        fp_cost: float | None = None,
        fn_cost: float | None = None,
    ):
        self.cost_matrix = cost_matrix
        self.labels = labels
        self.fp_cost = fp_cost
        self.fn_cost = fn_cost

    def class_weight_from_counts(self, counts: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """The weights (the counts are not needed)."""
        return self.class_weight_vector(np.empty(0, dtype=np.int64), classes)

    def class_weight_vector(self, y: np.ndarray, classes: np.ndarray | None) -> np.ndarray:
        """Return the weight of each class, in the order of ``classes`` (``y`` is not used)."""
        from ..cost import align_cost_matrix

        matrix = align_cost_matrix(
            classes, self.cost_matrix, self.labels, fp_cost=self.fp_cost, fn_cost=self.fn_cost
        )
        n_classes = len(classes)
        excess = matrix - np.diag(matrix)[:, None]
        off_diagonal = ~np.eye(n_classes, dtype=bool)
        if (excess[off_diagonal] < 0).any():
            raise ValueError(
                "cost_matrix: a misclassification must not cost less than the correct "
                "prediction (cost[i, j] >= cost[i, i])."
            )
        weights = np.where(off_diagonal, excess, 0.0).sum(axis=1) / (n_classes - 1)
        if not (weights > 0).any():
            raise ValueError("cost_matrix gives every misclassification zero cost.")
        return weights
