"""The comparison's scorers give scikit-learn's own metrics, though they share one computation."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    balanced_accuracy_score,
    check_scoring,
    precision_score,
    recall_score,
)

from skweight._scoring import comparison_scorers, recall_key

pytestmark = pytest.mark.core


def _reference(y, pred, classes, positive, weight) -> dict[str, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a class missing from y_true
        expected = {"balanced_accuracy": balanced_accuracy_score(y, pred, sample_weight=weight)}
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
def test_label_scores_equal_scikit_learns_on_fold_after_fold(multiclass):
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
            expected = _reference(y[rows], model.predict(X[rows]), classes, positive, weight)
            for name, value in expected.items():
                assert got[name] == pytest.approx(value, abs=1e-12), name
