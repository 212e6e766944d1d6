"""The core estimators in scikit-learn's machinery: searches, pipelines, calibration, routing."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.calibration import CalibratedClassifierCV
from sklearn.metrics import get_scorer
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    TunedThresholdClassifierCV,
    check_cv,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skweight import WeightedKerasClassifier, WeightedKerasRegressor

pytestmark = pytest.mark.core


def test_recognised_by_scikit_learn():
    assert is_classifier(WeightedKerasClassifier())
    assert is_regressor(WeightedKerasRegressor())
    assert not is_classifier(WeightedKerasRegressor())


def test_grid_search_over_weighting_and_learning_rate_with_roc_auc(binary_data, fast_settings):
    X, y = binary_data
    search = GridSearchCV(
        WeightedKerasClassifier(**{**fast_settings, "epochs": 10}),
        {"weighting": [None, {0: 1, 1: 4}], "optimizer__learning_rate": [1e-3, 1e-2]},
        scoring="roc_auc",
        cv=2,
    )
    search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(np.isfinite(scores))
    assert scores.max() > 0.8
    assert search.best_estimator_.get_params()["optimizer__learning_rate"] in (1e-3, 1e-2)


def test_cross_validation_is_stratified_for_the_classifier(binary_data):
    X, y = binary_data
    cv = check_cv(3, y, classifier=is_classifier(WeightedKerasClassifier()))
    assert isinstance(cv, StratifiedKFold)


@pytest.mark.parametrize("routing", [True, False])
def test_pipeline_routes_sample_weight(binary_data, routing, fast_settings):
    X, y = binary_data
    weights = np.where(y == 1, 4.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=routing):
        clf = WeightedKerasClassifier(**fast_settings)
        if routing:
            clf.set_fit_request(sample_weight=True)
            scaler = StandardScaler().set_fit_request(sample_weight=False)
            pipe = make_pipeline(scaler, clf)
            pipe.fit(X, y, sample_weight=weights)
        else:
            pipe = make_pipeline(StandardScaler(), clf)
            pipe.fit(X, y, weightedkerasclassifier__sample_weight=weights)
    unweighted = make_pipeline(StandardScaler(), WeightedKerasClassifier(**fast_settings)).fit(X, y)
    # Weighting the minority class 4x must raise its predicted probability on average.
    fitted = pipe[-1]
    assert fitted.training_prior_[1] > fitted.class_prior_[1]
    assert pipe.predict_proba(X)[:, 1].mean() > unweighted.predict_proba(X)[:, 1].mean()


def test_cross_validate_routes_weights_to_fit_and_score(binary_data, fast_settings):
    X, y = binary_data
    weights = np.where(y == 1, 3.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = WeightedKerasClassifier(**fast_settings).set_fit_request(sample_weight=True)
        clf.set_score_request(sample_weight=True)
        result = cross_validate(clf, X, y, cv=3, params={"sample_weight": weights})
    assert np.all(np.isfinite(result["test_score"]))


def test_grid_search_routes_weights_to_fit(binary_data, fast_settings):
    X, y = binary_data
    weights = np.where(y == 1, 3.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = WeightedKerasClassifier(**{**fast_settings, "epochs": 2}).set_fit_request(
            sample_weight=True
        )
        scorer = get_scorer("roc_auc").set_score_request(sample_weight=True)
        search = GridSearchCV(clf, {"weighting": [None, "balanced"]}, cv=2, scoring=scorer)
        search.fit(X, y, sample_weight=weights)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_tuned_threshold_and_calibration(binary_data, fast_settings):
    X, y = binary_data
    tuned = TunedThresholdClassifierCV(
        WeightedKerasClassifier(**fast_settings), scoring="balanced_accuracy", cv=3
    ).fit(X, y)
    assert 0.0 < tuned.best_threshold_ < 1.0
    calibrated = CalibratedClassifierCV(WeightedKerasClassifier(**fast_settings), cv=3).fit(X, y)
    proba = calibrated.predict_proba(X)
    assert proba.shape == (len(y), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("scoring", ["roc_auc", "average_precision", "neg_log_loss"])
def test_probability_scorers_are_finite(binary_data, scoring, fast_settings):
    X, y = binary_data
    result = cross_validate(WeightedKerasClassifier(**fast_settings), X, y, cv=2, scoring=scoring)
    assert np.all(np.isfinite(result["test_score"]))


def test_string_labels_and_pandas_input(multiclass_data, fast_settings):
    X, y = multiclass_data
    labels = np.array(["cat", "dog", "eel"])[y]
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = WeightedKerasClassifier(**fast_settings).fit(frame, labels)
    assert clf.classes_.tolist() == ["cat", "dog", "eel"]
    assert clf.feature_names_in_.tolist() == list(frame.columns)
    assert clf.n_features_in_ == X.shape[1]
    assert set(clf.predict(frame)) <= set(clf.classes_)
    assert clf.predict_proba(frame).shape == (len(labels), 3)
    assert clf.score(frame, labels) > 0.6


def test_binary_predict_proba_has_two_columns(binary_data, fast_settings):
    X, y = binary_data
    clf = WeightedKerasClassifier(**fast_settings).fit(X, np.where(y == 1, "yes", "no"))
    proba = clf.predict_proba(X)
    assert proba.shape == (len(y), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])


def _pred(est, X):
    return est.predict_proba(X) if is_classifier(est) else est.predict(X)


@pytest.mark.parametrize(
    "estimator, data",
    [(WeightedKerasClassifier, "binary_data"), (WeightedKerasRegressor, "regression_data")],
)
def test_round_trips_give_identical_predictions(estimator, data, request, fast_settings):
    X, y = request.getfixturevalue(data)
    fitted = estimator(**fast_settings).fit(X, y)
    expected = _pred(fitted, X)
    for restored in (pickle.loads(pickle.dumps(fitted)), copy.deepcopy(fitted)):
        np.testing.assert_array_equal(_pred(restored, X), expected)
    refit = clone(fitted).fit(X, y)
    np.testing.assert_array_equal(_pred(refit, X), expected)
    assert clone(fitted).get_params() == fitted.get_params()


def test_equal_random_state_gives_identical_predictions(binary_data, fast_settings):
    X, y = binary_data
    params = {**fast_settings, "dropout": 0.2, "validation_split": 0.2}
    first = WeightedKerasClassifier(**params).fit(X, y).predict_proba(X)
    second = WeightedKerasClassifier(**params).fit(X, y).predict_proba(X)
    other = WeightedKerasClassifier(**{**params, "random_state": 1}).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


_SEEDED_ON_JAX = """
import sys
import keras
import numpy as np
from skweight import WeightedKerasClassifier

def build(n_features_in_):  # Keras' default initialisers: drawn from the global seed
    return keras.Sequential([keras.Input((n_features_in_,)), keras.layers.Dense(4),
                             keras.layers.Dense(1, activation="sigmoid")])

X = np.random.default_rng(0).normal(size=(40, 3)).astype("float32")
y = (X[:, 0] > 0.5).astype(int)
fits = [WeightedKerasClassifier(build, epochs=1, random_state=seed).fit(X, y)
        for seed in (0, 0, 1)]
weights = [np.concatenate([w.ravel() for w in f.model_.get_weights()]) for f in fits]
print(keras.backend.backend(), "tensorflow" in sys.modules,
      np.array_equal(weights[0], weights[1]), np.array_equal(weights[0], weights[2]))
"""


def test_random_state_seeds_other_backends_without_importing_tensorflow():
    """Keras' own seeding imports TensorFlow whenever it is installed (seconds per process);
    a seeded fit on JAX does not, and still makes the same network from the same seed."""
    import os
    import subprocess
    import sys

    pytest.importorskip("jax")
    env = {**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, "-c", _SEEDED_ON_JAX], env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-4:] == ["jax", "False", "True", "False"]


def test_callers_arrays_are_not_modified(binary_data, fast_settings):
    X, y = binary_data
    X = X.copy()
    y = y.copy()
    weights = np.linspace(0.0, 2.0, len(y))
    frozen = (X.copy(), y.copy(), weights.copy())
    WeightedKerasClassifier(**fast_settings, weighting="balanced", validation_split=0.2).fit(
        X, y, sample_weight=weights
    )
    for after, before in zip((X, y, weights), frozen, strict=True):
        np.testing.assert_array_equal(after, before)


def test_regressor_single_and_multi_output(regression_data, fast_settings):
    X, y = regression_data
    single = WeightedKerasRegressor(**{**fast_settings, "epochs": 20}).fit(X, y)
    assert single.predict(X).shape == (len(y),)
    assert single.score(X, y) > 0.8
    Y = np.column_stack([y, -y])
    multi = WeightedKerasRegressor(**fast_settings).fit(X, Y)
    assert multi.n_outputs_ == 2
    assert multi.predict(X).shape == (len(y), 2)
