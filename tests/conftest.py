"""Shared fixtures: small data sets and fast estimator settings."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import make_classification, make_regression  # noqa: E402

#: Settings that train a small network quickly and deterministically.
FAST = {
    "hidden_layer_sizes": (16,),
    "epochs": 5,
    "batch_size": 32,
    "optimizer__learning_rate": 0.01,
    "random_state": 0,
}


#: A smaller network trained longer, for tests that compare what strategies learn.
SETTINGS = {**FAST, "hidden_layer_sizes": (8,), "epochs": 15}


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
