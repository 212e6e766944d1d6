"""The cheapest constant decision under a cost matrix, as a fitted classifier.

Predicting the same class for every row costs, per row, ``sum_c prior(c) C[c, j]`` for the
constant class ``j`` (``prior``: the class mix of the training rows, weighted by
``sample_weight``). ``ConstantCostClassifier`` predicts the ``j`` for which that is least. It is
the floor a model must beat to be worth deploying under those costs: ``compare_weightings``
scores it out-of-fold beside the networks (the ``"constant"`` baseline), and picks it when no
network beats it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import _check_sample_weight, _num_samples, check_is_fitted

from .cost import align_cost_matrix

__all__ = ["ConstantCostClassifier"]


class ConstantCostClassifier(ClassifierMixin, BaseEstimator):
    """Predict, for every row, the one class that costs least on the training rows.

    It ignores the features: ``fit`` counts the classes of ``y`` (weighted by ``sample_weight``)
    and keeps the class of least expected cost under the cost matrix; ``predict`` returns it for
    every row, and ``predict_proba`` the training class mix, whose minimum-cost decision is that
    same class. Under costs ``FN`` per missed positive and ``FP`` per false alarm it predicts
    positive for every row when ``FN * prior(positive) < FP * prior(negative)``, else negative.

    See also the guide page [Which strategy should I choose?](choosing-a-strategy.md).

    Parameters
    ----------
    cost_matrix : array-like of shape (n_classes, n_classes) or None
        Rows: true class, columns: predicted class, in the order of ``labels``. With no cost at
        all every error costs 1 (the constant is the most frequent class).
    labels : sequence or None
        The class of each row/column of ``cost_matrix``; None means the sorted classes of
        ``y``. With ``fp_cost``/``fn_cost``: ``[negative, positive]``.
    fp_cost, fn_cost : float or None
        Binary shorthand for ``[[0, fp_cost], [fn_cost, 0]]``; the positive class defaults to
        the greater of the two classes.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The sorted classes of ``y``.
    class_prior_ : ndarray of shape (n_classes,)
        The (weighted) share of each class among the training rows.
    cost_matrix_ : ndarray of shape (n_classes, n_classes)
        The costs, rows and columns in the order of ``classes_``.
    decision_costs_ : ndarray of shape (n_classes,)
        The mean cost per training row of predicting each class for every row.
    constant_ : label
        The class predicted for every row (ties: the earlier class).
    n_samples_fit_ : int
        The number of rows ``fit`` saw.
    """

    def __init__(self, cost_matrix=None, labels=None, fp_cost=None, fn_cost=None):
        self.cost_matrix = cost_matrix
        self.labels = labels
        self.fp_cost = fp_cost
        self.fn_cost = fn_cost

    def fit(self, X, y, sample_weight=None) -> ConstantCostClassifier:
        """Count the classes of ``y`` and keep the constant decision of least cost.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Only its number of rows is read (any rows: tables, images, ``LazyRows``).
        y : array-like of shape (n_samples,)
            Class labels, one per row.
        sample_weight : array-like of shape (n_samples,) or None
            Row weights of the class counts.

        Returns
        -------
        self
        """
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(
                f"ConstantCostClassifier needs one label per row (y of shape (n_samples,)); "
                f"got y of shape {y.shape}."
            )
        n_rows = _num_samples(X)
        if n_rows != len(y):
            raise ValueError(f"X has {n_rows} rows but y has {len(y)} labels.")
        self.classes_ = np.unique(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, y, dtype=np.float64)
            if not sample_weight.sum() > 0:
                raise ValueError("sample_weight must have a positive sum.")
        self.cost_matrix_ = align_cost_matrix(
            self.classes_, self.cost_matrix, self.labels, fp_cost=self.fp_cost,
            fn_cost=self.fn_cost, zero_one_default=True,
        )  # fmt: skip
        weights = np.ones(len(y)) if sample_weight is None else sample_weight
        self.class_prior_ = np.array([weights[y == c].sum() for c in self.classes_])
        self.class_prior_ /= self.class_prior_.sum()
        self.decision_costs_ = self.class_prior_ @ self.cost_matrix_
        self.constant_ = self.classes_[int(np.argmin(self.decision_costs_))]
        self.n_samples_fit_ = n_rows
        return self

    def predict(self, X) -> np.ndarray:
        """``constant_`` for every row of ``X``."""
        check_is_fitted(self, "constant_")
        return np.full(_num_samples(X), self.constant_, dtype=self.classes_.dtype)

    def predict_proba(self, X) -> np.ndarray:
        """The training class mix for every row, shape (n_samples, n_classes)."""
        check_is_fitted(self, "class_prior_")
        return np.tile(self.class_prior_, (_num_samples(X), 1))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # the features are never read
        tags.input_tags.sparse = True
        return tags
