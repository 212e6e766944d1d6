"""Focal loss: the Keras loss it builds from the estimator's loss, and what it does to a fit."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from skweight import FocalLoss, WeightedKerasClassifier

CLASSES = np.array([0, 1])


# ---------------------------------------------------------------- the loss it builds
def _focal_loss(strategy, y, default="binary_crossentropy", classes=CLASSES):
    X = np.zeros((len(y), 1))
    strategy.prepare(X, y, None, classes=classes, random_state=0)
    return strategy.make_loss(default, target_type="binary")


def test_focal_binary_uses_keras_binary_focal_loss():
    y = np.array([0] * 8 + [1] * 2)
    loss = _focal_loss(FocalLoss(gamma=3.0), y)
    assert isinstance(loss, keras.losses.BinaryFocalCrossentropy)
    config = loss.get_config()
    assert config["gamma"] == 3.0 and not config["apply_class_balancing"]
    balanced = _focal_loss(FocalLoss(alpha="balanced"), y).get_config()
    assert balanced["apply_class_balancing"] and balanced["alpha"] == pytest.approx(0.8)
    assert _focal_loss(FocalLoss(alpha=0.3), y).get_config()["alpha"] == pytest.approx(0.3)


def test_focal_multiclass_uses_categorical_focal_loss_with_class_alpha():
    y = np.array([0] * 6 + [1] * 3 + [2] * 1)
    classes = np.array([0, 1, 2])
    default = keras.losses.SparseCategoricalCrossentropy()
    loss = _focal_loss(FocalLoss(alpha="balanced"), y, default, classes)
    assert isinstance(loss, keras.losses.CategoricalFocalCrossentropy)
    np.testing.assert_allclose(loss.get_config()["alpha"], [10 / 18, 10 / 9, 10 / 3])
    plain = _focal_loss(FocalLoss(), y, default, classes)
    assert plain.get_config()["alpha"] == 1.0


def test_focal_keeps_from_logits():
    loss = _focal_loss(FocalLoss(), np.array([0, 1]), keras.losses.BinaryCrossentropy(True))
    assert loss.get_config()["from_logits"]


@pytest.mark.parametrize(
    ("strategy", "default", "match"),
    [
        (FocalLoss(gamma=-1), "binary_crossentropy", "gamma"),
        (FocalLoss(alpha="inverse"), "binary_crossentropy", "alpha"),
        (FocalLoss(alpha=[1, 2, 3]), "binary_crossentropy", "alpha"),
        (FocalLoss(), "mse", "cross-entropy"),
    ],
)
def test_focal_errors(strategy, default, match):
    with pytest.raises(ValueError, match=match):
        _focal_loss(strategy, np.array([0, 1, 1]), default)


def test_focal_warns_when_replacing_a_focal_loss():
    with pytest.warns(UserWarning, match="replaces"):
        _focal_loss(FocalLoss(), np.array([0, 1]), keras.losses.BinaryFocalCrossentropy())


# ---------------------------------------------------------------- in a fit
def test_focal_moves_probability_towards_the_minority(
    imbalanced_split, unweighted_baseline, strategy_settings, summarize
):
    (X, y), (X_test, y_test) = imbalanced_split
    model = WeightedKerasClassifier(weighting="focal", **strategy_settings).fit(X, y)
    result = summarize(model, X_test, y_test)
    # the focal term stops easy majority rows from dominating: less confident negatives
    assert result["minority_proba"] > unweighted_baseline["minority_proba"] + 0.08, (
        result,
        unweighted_baseline,
    )
    np.testing.assert_allclose(model.training_prior_, model.class_prior_)


def test_focal_works_with_integer_multiclass_labels(strategy_settings, imbalanced_rows):
    X, y = imbalanced_rows(300, 0)
    y = y + (X[:, 1] > 1.2)  # three classes, integer labels
    settings = {**strategy_settings, "epochs": 3}
    model = WeightedKerasClassifier(weighting=FocalLoss(alpha="balanced"), **settings).fit(X, y)
    assert model.predict_proba(X).shape == (300, 3)
    assert np.isfinite(model.history_["loss"]).all()
