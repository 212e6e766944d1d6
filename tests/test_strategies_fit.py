"""Weighting strategies in real fits: they move the model in the expected direction.

Small data (300 training rows, 1:9 imbalance), a small network and fixed seeds; the margins
asserted are several times the seed-to-seed spread measured on this problem.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from imblearn import FunctionSampler
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split

from skweight import (
    CostSensitiveWeights,
    FocalLoss,
    InverseVarianceWeights,
    RecencyWeights,
    Resampler,
    WeightedKerasClassifier,
    WeightedKerasRegressor,
)

# training prior each strategy should record: P(class 1) in the training mix
BALANCED = 0.5
CLASS_STRATEGIES = {
    "balanced": ("balanced", BALANCED),
    "dict": ({0: 1, 1: 5}, "weights 1:5"),
    "effective_number": ("effective_number", "effective"),
    "cost": (CostSensitiveWeights(fp_cost=1, fn_cost=5), "weights 1:5"),
    "over": (RandomOverSampler(), BALANCED),
    "under": (RandomUnderSampler(), BALANCED),
    "smote": (SMOTE(), BALANCED),
    "over_per_epoch": (Resampler(RandomOverSampler(), per_epoch=True), BALANCED),
    "under_per_epoch": (Resampler(RandomUnderSampler(), per_epoch=True), BALANCED),
    "focal_balanced": (FocalLoss(alpha="balanced"), "real"),
}


@pytest.mark.parametrize("name", list(CLASS_STRATEGIES))
def test_strategy_raises_minority_recall_and_prior_correction_undoes_it(
    name, imbalanced_split, unweighted_baseline, strategy_settings, summarize
):
    (X, y), (X_test, y_test) = imbalanced_split
    weighting, expected_prior = CLASS_STRATEGIES[name]
    weighting_before = copy.deepcopy(weighting)
    X_before, y_before = X.copy(), y.copy()
    model = WeightedKerasClassifier(weighting=weighting, **strategy_settings).fit(X, y)
    result = summarize(model, X_test, y_test)

    # the strategy makes the network find many more minority rows
    assert result["recall"] > unweighted_baseline["recall"] + 0.3, (result, unweighted_baseline)

    # the prior it trained under is recorded ...
    real = model.class_prior_[1]
    assert real == pytest.approx(np.mean(y))
    counts = np.bincount(y)
    expected = {
        BALANCED: 0.5,
        "weights 1:5": 5 * counts[1] / (5 * counts[1] + counts[0]),
        "effective": _effective_prior(counts),
        "real": real,
    }[expected_prior]
    assert model.training_prior_[1] == pytest.approx(expected, abs=1e-6)

    # ... and prior_correction brings the mean probability back to the real class mix
    corrected = model.set_params(prior_correction=True).predict_proba(X_test)[:, 1].mean()
    if expected_prior == "real":  # focal: no closed form, nothing to undo
        assert corrected == pytest.approx(result["mean_proba"])
    else:
        assert abs(result["mean_proba"] - real) > 0.1
        assert abs(corrected - real) < 0.04, (corrected, real)

    # the caller's imbalanced_split and strategy objects are left as they were
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    if isinstance(weighting, (dict, str)):
        assert weighting == weighting_before
    else:
        assert repr(weighting.get_params()) == repr(weighting_before.get_params())
        assert not hasattr(getattr(weighting, "sampler", weighting), "sample_indices_")


def _effective_prior(counts, beta=0.999):
    weights = (1 - beta) / (1 - beta ** counts.astype(float))
    mass = weights * counts
    return mass[1] / mass.sum()


def test_recency_weights_follow_the_recent_regime(strategy_settings):
    rng = np.random.RandomState(0)
    n = 300
    X = rng.uniform(-1, 1, size=(n, 1))
    y = X[:, 0] + np.where(np.arange(n) < n // 2, 0.0, 3.0)  # the relation shifted halfway
    settings = {**strategy_settings, "epochs": 20, "optimizer__learning_rate": 0.05}
    plain = WeightedKerasRegressor(**settings).fit(X, y)
    recent = WeightedKerasRegressor(weighting=RecencyWeights(half_life=20), **settings).fit(X, y)
    grid = np.linspace(-1, 1, 50).reshape(-1, 1)
    shift_plain = np.mean(plain.predict(grid) - grid[:, 0])
    shift_recent = np.mean(recent.predict(grid) - grid[:, 0])
    assert shift_recent > shift_plain + 0.8, (shift_recent, shift_plain)
    assert shift_recent > 2.4


def test_inverse_variance_weights_trust_precise_measurements(strategy_settings):
    rng = np.random.RandomState(0)
    n = 300
    sd = np.where(rng.rand(n) < 0.5, 10.0, 0.1)  # half the rows are very noisy measurements
    x = rng.uniform(-1, 1, n)
    y = x + rng.randn(n) * sd
    X = np.column_stack([x, sd**2])  # column 1: each row's measurement variance
    # a linear model, so that the variance column cannot explain the noise away
    settings = {
        **strategy_settings,
        "hidden_layer_sizes": (),
        "epochs": 20,
        "optimizer__learning_rate": 0.05,
    }
    plain = WeightedKerasRegressor(**settings).fit(X, y)
    weighted = WeightedKerasRegressor(weighting=InverseVarianceWeights(1), **settings).fit(X, y)
    probe = np.column_stack([np.linspace(-1, 1, 50), np.full(50, 0.01)])
    error_plain = np.sqrt(np.mean((plain.predict(probe) - probe[:, 0]) ** 2))
    error_weighted = np.sqrt(np.mean((weighted.predict(probe) - probe[:, 0]) ** 2))
    assert error_weighted < 0.5 * error_plain, (error_weighted, error_plain)


def test_grid_search_over_strategies_refits_the_winner(strategy_settings, imbalanced_rows):
    X, y = imbalanced_rows(300, 0)
    grid = [
        None, "balanced", {0: 1, 1: 5}, "effective_number", "focal",
        RandomOverSampler(), RandomUnderSampler(), SMOTE(),
    ]  # fmt: skip
    settings = {**strategy_settings, "epochs": 3}
    search = GridSearchCV(
        WeightedKerasClassifier(**settings),
        {"weighting": grid},
        scoring="balanced_accuracy",
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
    ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert len(scores) == len(grid) and np.isfinite(scores).all()
    assert search.best_params_["weighting"] is not None  # weighting wins balanced accuracy
    best = search.best_estimator_
    assert best.weighting is search.best_params_["weighting"] or (
        repr(best.weighting) == repr(search.best_params_["weighting"])
    )
    assert hasattr(best, "model_") and best.predict(X).shape == y.shape


def test_resampler_never_sees_validation_or_test_rows(strategy_settings, imbalanced_rows):
    X, y = imbalanced_rows(300, 0)
    X = np.column_stack([X, np.arange(len(y))])  # column 2: row id
    seen = []

    def oversample(X_part, y_part):
        seen.append(X_part[:, 2].copy())
        return RandomOverSampler(random_state=0).fit_resample(X_part, y_part)

    sampler = FunctionSampler(func=oversample, validate=False)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
    model = WeightedKerasClassifier(
        weighting=sampler, validation_split=0.25, **{**strategy_settings, "epochs": 2}
    ).fit(X_train, y_train)
    assert len(seen) == 1
    used = seen[0]
    fit_ids = X_train[:, 2]
    _, val_ids = train_test_split(fit_ids, test_size=0.25, stratify=y_train, random_state=0)
    assert len(used) == len(fit_ids) - len(val_ids)
    assert not np.isin(used, val_ids).any() and not np.isin(used, X_test[:, 2]).any()
    model.predict(X_test)
    model.score(X_test, y_test)
    assert len(seen) == 1  # predicting never resamples
    assert "val_loss_unweighted" in model.history_


def test_keras_weighted_loss_matches_the_formula_by_hand(strategy_settings, imbalanced_rows):
    X, y = imbalanced_rows(200, 0)
    user_weight = np.where(np.arange(len(y)) % 3 == 0, 2.0, 1.0)
    model = WeightedKerasClassifier(
        weighting={0: 1, 1: 4}, validation_split=0.3, **{**strategy_settings, "epochs": 2}
    ).fit(X, y, sample_weight=user_weight)
    _, val_rows = train_test_split(np.arange(len(y)), test_size=0.3, stratify=y, random_state=0)
    val_rows = np.sort(val_rows)
    p = model.predict_proba(X[val_rows])[:, 1].clip(1e-7, 1 - 1e-7)
    bce = -(y[val_rows] * np.log(p) + (1 - y[val_rows]) * np.log(1 - p))
    w = user_weight[val_rows] * np.where(y[val_rows] == 1, 4.0, 1.0)
    w = w / w.mean()  # normalised to mean 1
    # Keras 3 reduces a weighted loss as sum(w * L) / n_rows
    assert model.history_["val_loss"][-1] == pytest.approx(np.sum(w * bce) / len(bce), rel=1e-4)
    assert model.history_["val_loss_unweighted"][-1] == pytest.approx(bce.mean(), rel=1e-4)
    assert model.history_["val_loss"][-1] != pytest.approx(bce.mean(), rel=1e-2)
    # the same reduction on the training side, with Keras' own evaluate
    evaluated = model.model_.evaluate(
        X[val_rows], y[val_rows].reshape(-1, 1).astype("float32"), sample_weight=w, verbose=0
    )
    assert evaluated == pytest.approx(np.sum(w * bce) / len(bce), rel=1e-4)
