"""Helpers of the bad-input table (tests/test_bad_input.py): the context and odd objects."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from skweight import (
    WeightedKerasClassifier,
    WeightedKerasRegressor,
    compare_weightings,
)
from skweight.persistence import load, save

TINY = {"hidden_layer_sizes": (8,), "epochs": 1, "random_state": 0}


@dataclass
class Context:
    X: np.ndarray
    y: np.ndarray
    fitted: WeightedKerasClassifier
    folder: Path
    estimators: list = field(default_factory=list)

    def clf(self, **params):
        est = WeightedKerasClassifier(**{**TINY, **params})
        self.estimators.append(est)
        return est

    def reg(self, **params):
        est = WeightedKerasRegressor(**{**TINY, **params})
        self.estimators.append(est)
        return est

    def fit(self, X=None, y=None, sample_weight=None, **params):
        X = self.X if X is None else X
        y = self.y if y is None else y
        return self.clf(**params).fit(X, y, sample_weight=sample_weight)

    def compare(self, **kwargs):
        options = {"cv": 2, "n_repeats": 1, "verbose": 0, **kwargs}
        return compare_weightings(self.clf(), self.X, self.y, **options)


def _with(X, row, value):
    X = X.copy()
    X[row, 0] = value
    return X


def _few_minority(y):
    """Only 4 rows of class 1: fewer than SMOTE's 5 neighbours + 1."""
    y = y.copy()
    y[np.flatnonzero(y == 1)[4:]] = 0
    return y


def _case(id_, call, error, match):
    return pytest.param(call, error, match, id=id_)


class BrokenSampler(BaseEstimator):
    """A sampler whose ``fit_resample`` returns one kind of malformed output."""

    def __init__(self, mode=None):
        self.mode = mode

    def fit_resample(self, X, y):
        X, y = X.copy(), y.copy()
        if self.mode == "indices":
            self.sample_indices_ = np.arange(len(y)) + 5
        broken = {
            "columns": lambda: (X[:, :-1], y),
            "nan-row": lambda: (np.where(np.arange(len(X))[:, None] == 0, np.nan, X), y),
            "short-y": lambda: (X, y[:-1]),
            "invented-label": lambda: (X, np.r_[7, y[1:]]),
            "1d-X": lambda: (X[:, 0], y),
            "no-rows": lambda: (X[:0], y[:0]),
            "text-X": lambda: (X.astype(str), y),
            "indices": lambda: (X, y),
        }
        return broken[self.mode]()


def _linear_network(n_features_in_):
    inputs = keras.Input((n_features_in_,))
    return keras.Model(inputs, keras.layers.Dense(1)(inputs))


def _sigmoid_network(n_features_in_, width=4):
    inputs = keras.Input((n_features_in_,))
    hidden = keras.layers.Dense(width, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))


def _predict_with(c, **params):
    """Predict with the shared fitted model under other routed parameters, then restore them."""
    before = dict(c.fitted._routed_params)
    try:
        return c.fitted.set_params(**params).predict(c.X)
    finally:
        c.fitted._routed_params = before


def _frame(c, **columns):
    return pd.DataFrame(c.X, columns=list("abcd")).assign(**columns)


def _saved(c, name):
    return save(c.fitted, c.folder / name, overwrite=True)


def _load_tampered(c, name, change):
    path = _saved(c, name)
    change(path)
    return load(path)


def _folder(c, name):
    (c.folder / name).mkdir(exist_ok=True)
    return c.folder / name


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _truncate_array(path):
    array = path / "arrays" / "0.npy"
    array.write_bytes(array.read_bytes()[:-4])


def _three_outputs(path):
    inputs = keras.Input((4,))
    network = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(inputs))
    network.save(path / "model.keras")


def _bomb(path):
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("arrays/99.npy", bytes(16 << 20))


def _continue_with_other_classes(c):
    clf = c.clf().partial_fit(c.X, c.y, classes=[0, 1])
    c.estimators.remove(clf)  # fitted on purpose; the second call must fail
    clf.partial_fit(c.X, c.y, classes=[0, 1, 2])
