"""Minimum-expected-cost decisions from predicted probabilities.

Given probabilities ``p(c|x)`` and a cost matrix ``C`` (rows: true class, columns: predicted
class), predicting class ``j`` costs ``sum_c p(c|x) C[c, j]`` in expectation; the Bayes decision
picks the ``j`` with the least expected cost (Elkan, 2001). For two classes with zero cost on the
diagonal this is the threshold rule ``p(positive|x) >= FP / (FP + FN)``.

The probabilities must refer to the class mix the model will meet. A model trained with class
weights or resampling has a shifted prior; its probabilities already lean towards the up-weighted
class, and deciding by cost on top of that counts the costs twice. ``MinimumCostClassifier``
therefore undoes the shift first (see ``skweight.prior``) when the wrapped model reports
``class_prior_`` and ``training_prior_``, as skweight's classifiers do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.metrics import accuracy_score
from sklearn.utils import get_tags
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.validation import check_is_fitted

from ._flatten import flatten_scored
from .cost import align_cost_matrix, check_cost_matrix
from .prior import correct_prior

__all__ = [
    "MinimumCostClassifier",
    "align_cost_matrix",
    "cost_threshold",
    "expected_decision_costs",
    "minimum_cost_predict",
]


def expected_decision_costs(proba, cost_matrix) -> np.ndarray:
    """Return the expected cost of predicting each class, proba's shape.

    ``proba[..., c]`` is ``p(c|x)`` (of a row, or of one element of a dense target) and
    ``cost_matrix[c, j]`` the cost of predicting ``j`` when the truth is ``c``, both in the
    same class order.
    """
    proba = check_proba(proba)
    matrix = np.asarray(cost_matrix, dtype=np.float64)
    if proba.ndim < 2 or matrix.shape != (proba.shape[-1], proba.shape[-1]):
        raise ValueError(
            f"proba has shape {proba.shape} but cost_matrix has shape {matrix.shape}; the cost "
            "matrix needs one row and one column per column of proba."
        )
    return proba @ matrix


#: How far outside [0, 1] a probability may be (rounding) before it is refused.
PROBA_TOLERANCE = 1e-6


def check_proba(proba) -> np.ndarray:
    """Return ``proba`` as float64, or raise unless every entry is a probability in [0, 1].

    NaN, infinite or negative "probabilities" (a network's logits, say) would make every
    decision wrong without any error.
    """
    try:
        values = np.asarray(proba, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"proba must be an array of probabilities: {exc}") from exc
    if not np.isfinite(values).all():
        raise ValueError("proba has NaN or infinite entries; it must hold probabilities in [0, 1].")
    if values.size and (values.min() < -PROBA_TOLERANCE or values.max() > 1 + PROBA_TOLERANCE):
        raise ValueError(
            f"proba has entries from {values.min():g} to {values.max():g}; it must hold "
            "probabilities in [0, 1] (logits or scores need a sigmoid or softmax first)."
        )
    return values


def minimum_cost_predict(
    proba,
    cost_matrix: Any = None,
    *,
    classes: Sequence | None = None,
    labels: Sequence | None = None,
    fp_cost: float | None = None,
    fn_cost: float | None = None,
) -> np.ndarray:
    """Return the decision of least expected cost for each row of ``proba``.

    See also the guide page [How do I decide by cost?](cost-decisions.md).

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes) or (n_samples, ..., n_classes)
        Class probabilities, columns in the order of ``classes``; for a dense target (a
        mask's pixels, a sequence's timesteps) the classes are the last axis and every element
        gets its own decision.
    cost_matrix : array-like of shape (n_classes, n_classes), pandas DataFrame, or None
        ``cost_matrix[i, j]`` is the cost of predicting ``labels[j]`` when the truth is
        ``labels[i]``.
    labels : sequence or None
        Order of the rows and columns of the cost matrix (default: ``classes``).
    fp_cost : float or None
        Binary shorthand for ``[[0, fp_cost], [fn_cost, 0]]``: the cost of a false alarm.
    fn_cost : float or None
        The cost of a missed positive (with ``fp_cost``).
    classes : sequence or None
        The class of each column of ``proba``. None returns column indices (and then
        ``labels``, if given, must be ``range(n_classes)``).

    Returns
    -------
    ndarray of shape (n_samples,) or (n_samples, ...)
        Class labels (or column indices), proba's shape without the class axis. Ties go to
        the earlier column.
    """
    proba = check_proba(proba)
    if proba.ndim < 2 or proba.shape[-1] < 2:
        raise ValueError(
            f"proba must have shape (n_samples, [...,] n_classes >= 2); got {proba.shape}."
        )
    index_only = classes is None
    classes = np.arange(proba.shape[-1]) if index_only else np.asarray(classes)
    if len(classes) != proba.shape[-1]:
        raise ValueError(
            f"classes has {len(classes)} entries but proba has {proba.shape[-1]} columns."
        )
    matrix = align_cost_matrix(classes, cost_matrix, labels, fp_cost=fp_cost, fn_cost=fn_cost)
    best = np.argmin(expected_decision_costs(proba, matrix), axis=-1)
    return best if index_only else classes[best]


def cost_threshold(
    cost_matrix: Any = None, *, fp_cost: float | None = None, fn_cost: float | None = None
) -> float:
    """Return the probability of the positive class above which predicting it costs less.

    For the binary cost matrix ``[[c00, c01], [c10, c11]]`` (negative first) the threshold is
    ``(c01 - c00) / ((c01 - c00) + (c10 - c11))``, i.e. ``FP / (FP + FN)`` when correct
    decisions cost nothing. Predict positive when ``p(positive|x) >= threshold``.

    See also the guide page [How do I decide by cost?](cost-decisions.md).

    Parameters
    ----------
    cost_matrix : None or array-like of shape (2, 2)
        ``C[i, j]``: the cost of predicting ``j`` for a row of class ``i``, negative first.
    fp_cost : float or None
        The cost of a false alarm, shorthand for ``[[0, fp_cost], [fn_cost, 0]]``.
    fn_cost : float or None
        The cost of a missed positive.

    Returns
    -------
    float
    """
    if cost_matrix is not None and np.shape(cost_matrix) != (2, 2):
        raise ValueError(
            f"cost_threshold needs a 2 x 2 cost_matrix; got shape {np.shape(cost_matrix)}."
        )
    matrix, _ = check_cost_matrix(cost_matrix, [0, 1], fp_cost=fp_cost, fn_cost=fn_cost)
    false_alarm = matrix[0, 1] - matrix[0, 0]
    miss = matrix[1, 0] - matrix[1, 1]
    if false_alarm + miss <= 0:
        raise ValueError(
            "The cost matrix does not make errors cost more than correct decisions "
            f"({matrix.tolist()}); no threshold separates the classes."
        )
    return float(false_alarm / (false_alarm + miss))


def _final_step(estimator):
    """The last step of a pipeline (or the estimator itself); sees through FrozenEstimator."""
    while True:
        if hasattr(estimator, "steps"):
            estimator = estimator.steps[-1][1]
        elif type(estimator).__name__ == "FrozenEstimator":
            estimator = estimator.estimator
        else:
            return estimator


class MinimumCostClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Predict the class of least expected cost from any probabilistic classifier.

    See also the guide page [How do I decide by cost?](cost-decisions.md).

    Parameters
    ----------
    estimator : classifier with ``predict_proba``
        Fitted anew (cloned) by ``fit``. Wrap a fitted model in
        ``sklearn.frozen.FrozenEstimator`` to use it as it is.
    cost_matrix : array-like of shape (n_classes, n_classes) or None
        Rows: true class, columns: predicted class, in the order of ``labels``. With no cost
        at all every error costs 1: the most probable class under the real class mix.
    labels : sequence or None
        The class of each row/column of ``cost_matrix``; None means the estimator's
        ``classes_``. With ``fp_cost``/``fn_cost``: ``[negative, positive]``.
    fp_cost, fn_cost : float or None
        Binary shorthand for ``[[0, fp_cost], [fn_cost, 0]]``; the positive class defaults to
        ``classes_[1]``.
    prior_correction : "auto" or bool
        Re-weight the probabilities from the class mix the estimator was trained on
        (``training_prior_``) to the real one (``class_prior_``) before deciding, so that weights
        or resampling and costs are not counted twice. ``"auto"`` does so when the (final step
        of the) estimator reports both attributes, they differ, and the estimator does not
        already correct its own probabilities. True requires the attributes.
    calibrator : object with ``transform(proba)`` or None
        A calibration map already fitted on probabilities of rows the estimator did not train
        on (``skweight.calibration.TemperatureScaling`` or ``PlattScaling``; in
        ``compare_weightings``: fitted on its out-of-fold predictions). It is applied, as it
        is, after the prior correction and before the decision; ``fit`` does not refit it.

    Attributes
    ----------
    estimator_ : classifier
        The fitted estimator.
    classes_ : ndarray of shape (n_classes,)
    cost_matrix_ : ndarray of shape (n_classes, n_classes)
        The costs, rows and columns in the order of ``classes_``.
    prior_correction_ : bool
        Whether the probabilities are prior-corrected.
    class_prior_, training_prior_ : ndarray of shape (n_classes,)
        Only when ``prior_correction_`` is True: the priors the correction maps between.
    """

    def __init__(
        self,
        estimator,
        *,
        cost_matrix=None,
        labels=None,
        fp_cost=None,
        fn_cost=None,
        prior_correction="auto",
        calibrator=None,
    ):
        self.estimator = estimator
        self.cost_matrix = cost_matrix
        self.labels = labels
        self.fp_cost = fp_cost
        self.fn_cost = fn_cost
        self.prior_correction = prior_correction
        self.calibrator = calibrator

    def fit(self, X, y, **fit_params):
        """Fit a clone of ``estimator`` and fix the cost matrix and prior correction.

        ``fit_params`` (e.g. ``sample_weight``) go to the estimator's ``fit``; with metadata
        routing enabled they are routed as the estimator requests.
        """
        if self.prior_correction not in ("auto", True, False):
            raise ValueError(
                f"prior_correction must be 'auto', True or False; got {self.prior_correction!r}."
            )
        transform = getattr(self.calibrator, "transform", None)
        if self.calibrator is not None and not callable(transform):
            raise TypeError(
                "calibrator must be a fitted calibration map with transform(proba), such as "
                f"skweight.calibration.TemperatureScaling; got {type(self.calibrator).__name__}."
            )
        if _routing_enabled():
            fit_params = process_routing(self, "fit", **fit_params).estimator.fit
        self._check_costs_before_fit(y)
        estimator = clone(self.estimator).fit(X, y, **fit_params)
        if not hasattr(estimator, "predict_proba"):
            raise TypeError(
                f"{type(estimator).__name__} has no predict_proba; MinimumCostClassifier needs "
                "class probabilities."
            )
        self.estimator_ = estimator
        self.cost_matrix_ = align_cost_matrix(
            self.classes_, self.cost_matrix, self.labels, fp_cost=self.fp_cost,
            fn_cost=self.fn_cost, zero_one_default=True,
        )  # fmt: skip
        self._set_prior_correction(_final_step(estimator))
        return self

    def _check_costs_before_fit(self, y) -> None:
        """Check the costs against the labels of ``y`` before the estimator is trained."""
        labels = np.asarray(y)
        try:
            classes = np.unique(labels)
        except TypeError:  # labels NumPy cannot sort: the estimator reports them
            return
        if labels.ndim == 1 and len(classes) >= 2:
            align_cost_matrix(
                classes, self.cost_matrix, self.labels, fp_cost=self.fp_cost,
                fn_cost=self.fn_cost, zero_one_default=True,
            )  # fmt: skip

    def _set_prior_correction(self, model) -> None:
        class_prior = getattr(model, "class_prior_", None)
        training_prior = getattr(model, "training_prior_", None)
        known = class_prior is not None and training_prior is not None
        if self.prior_correction is True and not known:
            raise ValueError(
                f"prior_correction=True needs class_prior_ and training_prior_ on "
                f"{type(model).__name__}; only skweight's classifiers record them."
            )
        already = getattr(model, "prior_correction", False) is True
        shifted = known and not np.allclose(class_prior, training_prior)
        if self.prior_correction == "auto":
            self.prior_correction_ = bool(shifted and not already)
        else:
            self.prior_correction_ = bool(self.prior_correction and known and not already)
        if self.prior_correction_:
            self.class_prior_ = np.asarray(class_prior, dtype=np.float64)
            self.training_prior_ = np.asarray(training_prior, dtype=np.float64)

    @property
    def classes_(self) -> np.ndarray:
        """The classes of the fitted estimator."""
        return self.estimator_.classes_

    @property
    def n_features_in_(self) -> int:
        """Number of features seen in ``fit``."""
        return self.estimator_.n_features_in_

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities under the real class mix (prior-corrected if applicable), then
        calibrated by ``calibrator`` when one is given."""
        check_is_fitted(self, "estimator_")
        proba = np.asarray(self.estimator_.predict_proba(X), dtype=np.float64)
        if self.prior_correction_:
            proba = correct_prior(proba, self.class_prior_, self.training_prior_)
        return proba if self.calibrator is None else self.calibrator.transform(proba)

    def decision_costs(self, X) -> np.ndarray:
        """Expected cost of predicting each class, shape (n_samples, [...,] n_classes)."""
        return expected_decision_costs(self.predict_proba(X), self.cost_matrix_)

    def predict(self, X) -> np.ndarray:
        """The class of least expected cost for each row (or each element of a dense target)."""
        costs = self.decision_costs(X)
        return self.classes_[np.argmin(costs, axis=-1)]

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy of ``predict``: over rows, or over the elements of a dense target (the
        estimator's ``ignore_label`` left out)."""
        model = _final_step(self.estimator_)
        if not getattr(model, "elementwise_", False):
            return super().score(X, y, sample_weight)
        truth, pred, weights = flatten_scored(
            y, self.predict(X), sample_weight, getattr(model, "ignore_label", None)
        )
        return float(accuracy_score(truth, pred, sample_weight=weights))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        return tags

    def get_metadata_routing(self) -> MetadataRouter:
        """Route ``fit`` metadata (e.g. ``sample_weight``) to the estimator's ``fit``."""
        return MetadataRouter(owner=self).add(
            estimator=self.estimator,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )
