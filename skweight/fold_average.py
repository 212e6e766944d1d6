"""Averaging the probabilities of models already fitted, e.g. on cross-validation folds.

A comparison trains its winner once per fold (on ``(k - 1) / k`` of the rows each time). Instead
of a new fit on every row, those fold models can be the final model: their averaged
probabilities (cross-validation bagging) usually vary less than one network's, at the price of
predicting with each of them (``k`` times one network's prediction time).
``compare_weightings(final="fold-average")`` does so with ``FoldAverageClassifier``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

__all__ = ["FoldAverageClassifier"]


def _final_step(estimator):
    return estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator


class FoldAverageClassifier(ClassifierMixin, BaseEstimator):
    """Predict with the mean probabilities of classifiers that are already fitted.

    ``fit`` does not train anything: it checks that every estimator is fitted with the same
    classes and records them, as ``sklearn.frozen.FrozenEstimator`` leaves its estimator as it
    is. ``predict`` is the most probable class of the averaged probabilities; wrap it in
    ``skweight.MinimumCostClassifier`` to decide by cost.

    See also the guide page [Which strategy should I choose?](choosing-a-strategy.md).

    Parameters
    ----------
    estimators : sequence of fitted classifiers
        Classifiers with ``predict_proba`` and the same ``classes_`` (pipelines included).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    n_estimators_ : int
    class_prior_, training_prior_ : ndarray of shape (n_classes,)
        The means of the estimators' own (skweight's classifiers record them), so that a
        ``MinimumCostClassifier`` around this model can correct the prior as for one of them.
    prior_correction : bool
        Whether every estimator already corrects its own probabilities to the real class mix.
    """

    def __init__(self, estimators: Sequence = ()):
        self.estimators = estimators

    def fit(self, X=None, y=None, **fit_params) -> FoldAverageClassifier:
        """Check the estimators (nothing is trained; ``X``, ``y`` are ignored)."""
        estimators = list(self.estimators)
        if not estimators:
            raise ValueError("estimators must hold at least one fitted classifier; got none.")
        classes = []
        for i, estimator in enumerate(estimators):
            if not hasattr(estimator, "predict_proba"):
                raise TypeError(
                    f"estimators[{i}] ({type(estimator).__name__}) has no predict_proba."
                )
            check_is_fitted(estimator)
            classes.append(np.asarray(estimator.classes_))
        if any(not np.array_equal(c, classes[0]) for c in classes):
            raise ValueError(
                "estimators must have the same classes_; got " + ", ".join(str(c) for c in classes)
            )
        self.classes_ = classes[0]
        self.n_estimators_ = len(estimators)
        finals = [_final_step(e) for e in estimators]
        for name in ("class_prior_", "training_prior_"):
            values = [getattr(f, name, None) for f in finals]
            if all(v is not None for v in values):
                setattr(self, name, np.mean(values, axis=0))
        self.prior_correction = all(getattr(f, "prior_correction", False) is True for f in finals)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """The mean of the estimators' probabilities, shape (n_samples, n_classes)."""
        check_is_fitted(self, "classes_")
        return np.mean([np.asarray(e.predict_proba(X), float) for e in self.estimators], axis=0)

    def predict(self, X) -> np.ndarray:
        """The most probable class of the averaged probabilities."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
