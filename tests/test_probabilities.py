"""predict_proba returns probabilities for every form of network, logits included.

Each form trains a tiny network, then checks that every row is in [0, 1] and sums to 1 (each
label in [0, 1] for multi-label targets), and that the probabilities rank as the network's raw
outputs do: across rows for one output unit, within each row for one unit per class.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from scipy.stats import rankdata
from sklearn.datasets import make_classification, make_multilabel_classification

from skweight import WeightedKerasClassifier
from skweight._predict import predict_in_batches

pytestmark = pytest.mark.core

TINY = {"epochs": 2, "random_state": 0, "optimizer__learning_rate": 0.05}


def _network(n_units: int, activation: str | None):
    def build(n_features_in_):
        inputs = keras.Input((n_features_in_,))
        hidden = keras.layers.Dense(8, activation="relu")(inputs)
        return keras.Model(inputs, keras.layers.Dense(n_units, activation=activation)(hidden))

    return build


def _data(n_classes: int):
    X, y = make_classification(
        n_samples=120, n_features=5, n_informative=4, n_redundant=0, n_classes=n_classes,
        weights=[0.7] if n_classes == 2 else None, random_state=0,
    )  # fmt: skip
    return X * 4, y  # wide inputs: logits well outside [0, 1]


L = keras.losses
FORMS = [
    # id, classes, output units, last activation, loss, weighting, outputs are logits
    ("binary-sigmoid", 2, 1, "sigmoid", None, None, False),
    ("binary-logits", 2, 1, None, L.BinaryCrossentropy(from_logits=True), None, True),
    ("binary-softmax-2", 2, 2, "softmax", None, None, False),
    ("binary-logits-2-sparse", 2, 2, None, L.SparseCategoricalCrossentropy(from_logits=True),
     None, True),
    ("binary-focal-logits", 2, 1, None, L.BinaryCrossentropy(from_logits=True), "focal", True),
    ("binary-focal-loss-logits", 2, 1, None, L.BinaryFocalCrossentropy(from_logits=True), None,
     True),
    ("multiclass-softmax", 3, 3, "softmax", None, None, False),
    ("multiclass-logits-categorical", 3, 3, None, L.CategoricalCrossentropy(from_logits=True),
     None, True),
    ("multiclass-logits-sparse", 3, 3, None, L.SparseCategoricalCrossentropy(from_logits=True),
     None, True),
    ("multiclass-focal-logits", 3, 3, None, L.SparseCategoricalCrossentropy(from_logits=True),
     "focal", True),
    ("multiclass-categorical-focal-logits", 3, 3, None,
     L.CategoricalFocalCrossentropy(from_logits=True), None, True),
    ("binary-custom-loss-linear", 2, 1, None,
     lambda y_true, y_pred: keras.ops.mean(keras.ops.softplus(y_pred) - y_true * y_pred, axis=-1),
     None, True),
]  # fmt: skip


@pytest.mark.parametrize(
    "n_classes, n_units, activation, loss, weighting, logits",
    [pytest.param(*form[1:], id=form[0]) for form in FORMS],
)
def test_probabilities_for_every_form_of_network(
    n_classes, n_units, activation, loss, weighting, logits
):
    X, y = _data(n_classes)
    clf = WeightedKerasClassifier(
        _network(n_units, activation), loss=loss, weighting=weighting, **TINY
    ).fit(X, y)
    assert clf.from_logits_ is logits
    proba = clf.predict_proba(X)
    raw = predict_in_batches(clf.model_, X.astype("float32"), None).astype(np.float64)
    assert proba.shape == (len(y), n_classes)
    assert (proba >= 0).all() and (proba <= 1).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)  # float32 softmax
    if n_units == 1:
        np.testing.assert_array_equal(rankdata(proba[:, 1]), rankdata(raw[:, 0]))
    else:
        np.testing.assert_array_equal(np.argsort(proba, axis=1), np.argsort(raw, axis=1))
    if logits:
        assert raw.min() < 0 or raw.max() > 1  # the raw outputs are no probabilities...
        assert ((proba > 0) & (proba < 1)).mean() > 0.99  # ...and nothing was clipped
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[np.argmax(proba, axis=1)])


def test_multilabel_logits_are_per_label_probabilities():
    X, Y = make_multilabel_classification(n_samples=100, n_features=5, n_classes=3, random_state=0)
    clf = WeightedKerasClassifier(
        _network(3, None), loss=L.BinaryCrossentropy(from_logits=True), **TINY
    ).fit(X, Y)
    assert clf.from_logits_ is True
    proba = clf.predict_proba(X)
    raw = predict_in_batches(clf.model_, X.astype("float32"), None)
    assert ((proba > 0) & (proba < 1)).all()
    for k in range(3):
        np.testing.assert_array_equal(rankdata(proba[:, k]), rankdata(raw[:, k]))
    np.testing.assert_array_equal(clf.predict(X), (proba >= 0.5).astype(Y.dtype))


def test_logit_probabilities_survive_save_and_load_and_prior_correction(tmp_path):
    X, y = _data(2)
    clf = WeightedKerasClassifier(
        _network(1, None), loss=L.BinaryCrossentropy(from_logits=True), weighting="balanced",
        prior_correction=True, **TINY,
    ).fit(X, y)  # fmt: skip
    proba = clf.predict_proba(X)
    assert (proba >= 0).all() and (proba <= 1).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # the loss and the build function are code, not data: left out, not needed to predict
    saved = clf.save(tmp_path / "logits.zip", exclude=["loss", "model"])
    restored = WeightedKerasClassifier.load(saved)
    assert restored.from_logits_ is True and restored.loss is None
    np.testing.assert_allclose(restored.predict_proba(X), proba, rtol=1e-6)
