"""Shared fixtures: small data sets and fast estimator settings."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402

_FAST = {
    "hidden_layer_sizes": (16,),
    "epochs": 5,
    "batch_size": 32,
    "optimizer__learning_rate": 0.01,
    "random_state": 0,
}


_STRATEGY = {**_FAST, "hidden_layer_sizes": (8,), "epochs": 15}


@pytest.fixture(scope="session")
def fast_settings():
    """Settings that train a small network quickly and deterministically."""
    return dict(_FAST)


@pytest.fixture(scope="session")
def strategy_settings():
    """A smaller network trained longer, for tests that compare what strategies learn."""
    return dict(_STRATEGY)


@pytest.fixture(scope="session")
def binary_data():
    X, y = make_classification(
        n_samples=300, n_features=6, n_informative=4, weights=[0.8], random_state=0
    )
    return X.astype(np.float64), y


@pytest.fixture(scope="session")
def multiclass_data():
    X, y = make_classification(
        n_samples=300, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    return X, y


@pytest.fixture(scope="session")
def regression_data():
    X, y = make_regression(n_samples=200, n_features=5, noise=0.1, random_state=0)
    return X, (y - y.mean()) / y.std()


def _imbalanced(n: int, seed: int):
    """Two overlapping Gaussian classes, about 1 positive in 10."""
    rng = np.random.RandomState(seed)
    y = (rng.rand(n) < 0.1).astype(np.int64)
    X = np.column_stack([rng.randn(n) + 1.5 * y, rng.randn(n)])
    return X, y


def _summarize(model, X_test, y_test) -> dict[str, float]:
    proba = model.predict_proba(X_test)[:, 1]
    return {
        "recall": np.mean(proba[y_test == 1] > 0.5),
        "minority_proba": proba[y_test == 1].mean(),
        "mean_proba": proba.mean(),
    }


@pytest.fixture(scope="session")
def imbalanced_rows():
    """``imbalanced_rows(n, seed)``: two overlapping Gaussian classes, about 1 positive in 10."""
    return _imbalanced


@pytest.fixture(scope="session")
def imbalanced_split():
    """300 training rows and 2,000 test rows at about 1:9."""
    return _imbalanced(300, 0), _imbalanced(2000, 1)


@pytest.fixture(scope="session")
def summarize():
    """``summarize(model, X_test, y_test)``: minority recall, its mean probability, the mean."""
    return _summarize


@pytest.fixture(scope="session")
def unweighted_baseline(imbalanced_split, strategy_settings):
    """What the unweighted network learns on ``imbalanced_split``, summarised."""
    from skweight import WeightedKerasClassifier

    (X, y), (X_test, y_test) = imbalanced_split
    model = WeightedKerasClassifier(**strategy_settings).fit(X, y)
    return _summarize(model, X_test, y_test)
