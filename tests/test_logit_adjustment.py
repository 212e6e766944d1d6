"""The logit-adjusted cross-entropy: the loss it computes, the prior it reports, what a fit does."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from scipy.special import expit, log_softmax

from skweight import LogitAdjustment, WeightedKerasClassifier, WeightedKerasRegressor
from skweight.persistence import load, save
from skweight.weighting.logit_adjustment import (
    LogitAdjustedCrossentropy,
    logit_adjusted_crossentropy,
)

RNG = np.random.default_rng(0)


# ---------------------------------------------------------------- the loss
@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_loss_is_the_cross_entropy_of_shifted_logits(from_logits):
    z = RNG.normal(size=(6, 1))
    y = np.array([0, 1, 1, 0, 1, 0], dtype="float32")
    shift = 0.7
    given = z if from_logits else expit(z)
    got = keras.ops.convert_to_numpy(
        logit_adjusted_crossentropy(y, given.astype("float32"), [shift], from_logits)
    )
    s = z[:, 0] + shift
    expected = np.logaddexp(0.0, s) - y * s
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("from_logits", [False, True])
def test_categorical_loss_is_the_cross_entropy_of_shifted_logits(from_logits):
    logits = RNG.normal(size=(5, 3))
    y = np.array([0, 2, 1, 2, 0])
    offsets = np.log([0.7, 0.2, 0.1])
    given = logits if from_logits else np.exp(log_softmax(logits, axis=1))
    got = keras.ops.convert_to_numpy(
        logit_adjusted_crossentropy(y, given.astype("float32"), offsets, from_logits)
    )
    expected = -log_softmax(logits + offsets, axis=1)[np.arange(5), y]
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_loss_class_weights_rows_and_round_trips_its_config():
    loss = LogitAdjustedCrossentropy([0.5])
    y = np.array([[1.0], [0.0]], dtype="float32")
    p = np.array([[0.3], [0.6]], dtype="float32")
    per_row = keras.ops.convert_to_numpy(logit_adjusted_crossentropy(y, p, [0.5]))
    weighted = float(loss(y, p, sample_weight=np.array([2.0, 0.0])))
    assert weighted == pytest.approx(per_row[0] * 2 / 2, rel=1e-5)
    again = LogitAdjustedCrossentropy.from_config(loss.get_config())
    assert again.offsets == [0.5] and not again.from_logits


# ---------------------------------------------------------------- the strategy
def test_offsets_are_tau_log_prior_and_the_reported_prior_is_prior_to_one_minus_tau():
    y = np.array([0] * 8 + [1] * 2)
    strategy = LogitAdjustment(tau=0.5)
    strategy.prepare(np.zeros((10, 1)), y, None, classes=np.array([0, 1]), random_state=0)
    loss = strategy.make_loss("binary_crossentropy", target_type="binary")
    assert loss.offsets == pytest.approx([0.5 * np.log(0.2 / 0.8)])
    learnt = strategy.training_prior(np.array([0.8, 0.2]))
    np.testing.assert_allclose(learnt, np.sqrt([0.8, 0.2]) / np.sqrt([0.8, 0.2]).sum())
    weighted = LogitAdjustment()
    weights = np.where(y == 1, 4.0, 1.0)  # the user's weights set the prior: 8 : 8
    weighted.prepare(np.zeros((10, 1)), y, weights, classes=np.array([0, 1]), random_state=0)
    assert weighted.make_loss("binary_crossentropy", target_type="binary").offsets == [0.0]


def test_multiclass_offsets_follow_the_classes_and_the_loss_keeps_from_logits():
    y = np.array([0] * 6 + [1] * 3 + [2] * 1)
    strategy = LogitAdjustment()
    strategy.prepare(np.zeros((10, 1)), y, None, classes=np.arange(3), random_state=0)
    loss = strategy.make_loss(
        keras.losses.SparseCategoricalCrossentropy(from_logits=True), target_type="labels"
    )
    assert loss.offsets == pytest.approx(np.log([0.6, 0.3, 0.1]).tolist())
    assert loss.from_logits


@pytest.mark.parametrize(
    ("weighting", "params", "y_kind", "match"),
    [
        (LogitAdjustment(tau=-1.0), {}, "binary", "tau"),
        (LogitAdjustment(tau="1"), {}, "binary", "tau"),
        ("logit-adjusted", {"loss": "binary_focal_crossentropy"}, "binary", "cross-entropy"),
        ("logit-adjusted", {"loss": "mse"}, "binary", "cross-entropy"),
        (
            "logit-adjusted",
            {"loss": keras.losses.BinaryCrossentropy(label_smoothing=0.1)},
            "binary",
            "label_smoothing",
        ),
        ("logit-adjusted", {}, "multilabel", "multi-label"),
    ],
)
def test_bad_settings_are_refused_naming_what_is_wrong(weighting, params, y_kind, match):
    X = RNG.normal(size=(40, 3))
    y = (np.arange(40) % 4 == 0).astype(int)
    if y_kind == "multilabel":
        y = np.column_stack([y, 1 - y])
    clf = WeightedKerasClassifier(weighting=weighting, epochs=1, hidden_layer_sizes=(4,), **params)
    with pytest.raises((ValueError, TypeError), match=match):
        clf.fit(X, y)


def test_the_regressor_refuses_it(regression_data):
    with pytest.raises(ValueError, match="classifier"):
        WeightedKerasRegressor(weighting="logit-adjusted", epochs=1).fit(*regression_data)


# ---------------------------------------------------------------- what a fit does
@pytest.fixture(scope="module")
def fits(imbalanced_split, strategy_settings):
    (X, y), _ = imbalanced_split
    settings = {**strategy_settings, "weighting": "logit-adjusted"}
    return {
        "plain": WeightedKerasClassifier(**strategy_settings).fit(X, y),
        "raw": WeightedKerasClassifier(**settings).fit(X, y),
        "corrected": WeightedKerasClassifier(**settings, prior_correction=True).fit(X, y),
    }


def test_the_network_learns_the_balanced_posterior_and_correction_undoes_it(fits, imbalanced_split):
    (_, y), (X_test, y_test) = imbalanced_split
    assert fits["raw"].training_prior_ == pytest.approx([0.5, 0.5])
    rate = y.mean()
    raw = fits["raw"].predict_proba(X_test)[:, 1].mean()
    corrected = fits["corrected"].predict_proba(X_test)[:, 1].mean()
    plain = fits["plain"].predict_proba(X_test)[:, 1].mean()
    assert raw > 2 * rate  # the minority gets a larger margin: higher probabilities
    assert abs(corrected - plain) < 0.03  # back to the real mix, as the unweighted network
    assert abs(corrected - y_test.mean()) < 0.05


def test_correction_is_exactly_the_post_hoc_adjustment(fits, imbalanced_split):
    _, (X_test, _) = imbalanced_split
    raw, corrected = fits["raw"], fits["corrected"]  # same seed: the same network
    np.testing.assert_allclose(raw.model_.get_weights()[0], corrected.model_.get_weights()[0])
    p = raw.predict_proba(X_test)
    adjusted = p * corrected.class_prior_  # softmax(log p + log prior), tau = 1
    adjusted /= adjusted.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(corrected.predict_proba(X_test), adjusted, atol=1e-6)


def test_saved_and_loaded_it_predicts_the_same_and_trains_on(fits, imbalanced_split, tmp_path):
    (X, y), (X_test, _) = imbalanced_split
    restored = load(save(fits["corrected"], tmp_path / "la"))
    np.testing.assert_allclose(
        restored.predict_proba(X_test), fits["corrected"].predict_proba(X_test), atol=1e-7
    )
    restored.partial_fit(X, y)
    assert isinstance(restored.model_.loss, LogitAdjustedCrossentropy)
    assert restored.training_prior_ == pytest.approx([0.5, 0.5])


def test_multiclass_fit_with_one_hot_loss_corrects_to_the_real_mix(strategy_settings):
    rng = np.random.default_rng(1)
    y = rng.choice(3, size=600, p=[0.7, 0.2, 0.1])
    X = rng.normal(size=(600, 2)) + np.eye(3)[y, :2] * 1.5
    clf = WeightedKerasClassifier(
        **strategy_settings, weighting="balanced-softmax", prior_correction=True,
        loss="categorical_crossentropy",
    ).fit(X, y)  # fmt: skip
    assert clf.training_prior_ == pytest.approx([1 / 3] * 3)
    np.testing.assert_allclose(clf.predict_proba(X).mean(axis=0), np.bincount(y) / 600, atol=0.05)
