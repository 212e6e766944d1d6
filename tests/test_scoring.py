"""The comparison's scorers give scikit-learn's own metrics, though they share one computation."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    balanced_accuracy_score,
    check_scoring,
    precision_score,
    recall_score,
)
from sklearn.preprocessing import label_binarize

from skweight._scoring import comparison_scorers, recall_key

pytestmark = pytest.mark.core


def _reference(y, pred, proba, classes, positive, weight) -> dict[str, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a class missing from y_true
        expected = {"balanced_accuracy": balanced_accuracy_score(y, pred, sample_weight=weight)}
    if positive is not None:
        expected["average_precision"] = average_precision_score(
            y, proba[:, 1], pos_label=positive, sample_weight=weight
        )
    else:  # the mean over the classes present
        truth = label_binarize(y, classes=classes)
        expected["average_precision"] = np.mean([
            average_precision_score(truth[:, k], proba[:, k], sample_weight=weight)
            for k in np.flatnonzero(truth.any(axis=0))
        ])  # fmt: skip
    for label in classes:
        expected[recall_key(label)] = recall_score(
            y, pred, labels=[label], average="macro", zero_division=0.0, sample_weight=weight
        )
    if positive is not None:
        expected["precision"] = precision_score(
            y, pred, pos_label=positive, zero_division=0.0, sample_weight=weight
        )
    return expected


@pytest.mark.parametrize("multiclass", [False, True])
def test_scores_equal_scikit_learns_on_fold_after_fold(multiclass):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    if multiclass:
        classes = np.array(["ant", "bee", "cat"])
        y = classes[np.digitize(X[:, 0] + 0.5 * rng.normal(size=300), [-0.3, 0.6])]
        positive = None
    else:
        classes = np.array([0, 1])
        y = (X[:, 0] + rng.normal(size=300) > 1.0).astype(int)
        positive = 1
    model = LogisticRegression().fit(X, y)
    scorer = check_scoring(model, scoring=comparison_scorers(np.ones((len(classes),) * 2)
                                                             - np.eye(len(classes)), classes,
                                                             positive))  # fmt: skip
    folds = [np.arange(0, 100), np.arange(100, 300), np.flatnonzero(y != classes[-1])[:80]]
    for rows in folds:  # the last fold lacks a class: its recall is 0, left out of the balance
        for weight in (None, rng.uniform(0.1, 2.0, len(rows))):
            got = scorer(model, X[rows], y[rows], **({} if weight is None else
                                                     {"sample_weight": weight}))  # fmt: skip
            expected = _reference(y[rows], model.predict(X[rows]), model.predict_proba(X[rows]),
                                  classes, positive, weight)  # fmt: skip
            for name, value in expected.items():
                assert got[name] == pytest.approx(value, abs=1e-12), name
