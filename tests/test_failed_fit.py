"""A fit that fails leaves the estimator exactly as it was before the call.

First fits leave no fitted attribute; refits and continued fits (``partial_fit``,
``warm_start``) keep the earlier fitted state and the earlier network's weights, never a NaN
network.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from skweight import WeightedKerasClassifier, WeightedKerasRegressor
from skweight._callbacks import NonFiniteLossError

pytestmark = pytest.mark.core

SMALL = {"hidden_layer_sizes": (8,), "epochs": 3, "random_state": 0}


def _fitted_names(estimator) -> set[str]:
    return {k for k in vars(estimator) if k.endswith("_") and not k.startswith("_")}


def test_a_failed_first_fit_leaves_no_fitted_attribute(regression_data):
    X, y = regression_data
    reg = WeightedKerasRegressor(**SMALL, weighting="none")
    with pytest.raises(NonFiniteLossError):
        reg.fit(X, y * 1e30)
    assert _fitted_names(reg) == set()


def test_a_failed_refit_keeps_the_earlier_fit(binary_data):
    X, y = binary_data
    clf = WeightedKerasClassifier(**SMALL).fit(X, y)
    before = {name: getattr(clf, name) for name in _fitted_names(clf)}
    proba = clf.predict_proba(X)
    labels = np.where(y == 1, "b", "a")
    labels[:3] = "c"  # a refit on other classes, which fails once they are encoded
    with pytest.raises(ValueError, match="Only one class has rows with positive weight"):
        clf.fit(X, labels, sample_weight=(labels == "a").astype(float))
    assert _fitted_names(clf) == set(before)
    for name, value in before.items():
        assert getattr(clf, name) is value or np.array_equal(getattr(clf, name), value), name
    np.testing.assert_array_equal(clf.predict_proba(X), proba)


@pytest.mark.parametrize("how", ["partial_fit", "warm_start"])
def test_a_failed_continued_fit_restores_the_network(regression_data, how):
    X, y = regression_data
    reg = WeightedKerasRegressor(**SMALL).fit(X, y)
    prediction = reg.predict(X)
    history = {k: list(v) for k, v in reg.history_.items()}
    with pytest.raises(NonFiniteLossError):
        if how == "partial_fit":
            reg.partial_fit(X, y * 1e30)
        else:
            reg.set_params(warm_start=True).fit(X, y * 1e30)
    np.testing.assert_array_equal(reg.predict(X), prediction)  # the same network, no NaN
    assert reg.history_ == history
    reg.partial_fit(X, y)  # and it can still be trained on
    assert np.isfinite(reg.predict(X)).all() and len(reg.history_["loss"]) == 4


def test_the_last_update_is_checked_too(regression_data):
    """One batch per epoch: the epoch's loss is computed before the update that ruins the net."""
    X, y = regression_data
    reg = WeightedKerasRegressor(
        **{**SMALL, "epochs": 1}, batch_size=len(y), optimizer="sgd",
        optimizer__learning_rate=3e38,
    )  # fmt: skip
    with pytest.raises(NonFiniteLossError, match="weights became NaN or infinite in the last"):
        reg.fit(X, y * 10)
    assert _fitted_names(reg) == set()  # no "fitted" estimator with NaN weights


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="these inputs diverge on TensorFlow only: on JAX and PyTorch the loss and the weights "
    "stay finite (the guard checks both), so the continued fit succeeds and nothing is undone",
)
@pytest.mark.parametrize("how", ["partial_fit", "warm_start"])
def test_a_diverging_continued_classifier_fit_keeps_its_predictions(binary_data, how):
    X, y = binary_data
    clf = WeightedKerasClassifier(**SMALL).fit(X, y)
    proba = clf.predict_proba(X)
    huge = X / np.abs(X).max() * 3e38  # finite float32 inputs whose weighted sums overflow
    with pytest.raises(NonFiniteLossError):
        if how == "partial_fit":
            clf.partial_fit(huge, y)
        else:
            clf.set_params(warm_start=True).fit(huge, y)
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    assert np.isfinite(clf.predict_proba(X)).all()


def test_partial_fit_with_classes_accepts_one_class_batches(binary_data):
    """scikit-learn's partial_fit contract: classes= on the first call, then any batch."""
    X, y = binary_data
    clf = WeightedKerasClassifier(**SMALL)
    clf.partial_fit(X[y == 0], y[y == 0], classes=[0, 1])
    clf.partial_fit(X[y == 1], y[y == 1])
    assert clf.classes_.tolist() == [0, 1] and len(clf.history_["loss"]) == 2
    assert clf.predict_proba(X).shape == (len(y), 2)
    with pytest.raises(ValueError, match="Only one class has rows with positive weight"):
        WeightedKerasClassifier(**SMALL).fit(X[:20], np.r_[y[:19] * 0, 1], np.r_[np.ones(19), 0])
