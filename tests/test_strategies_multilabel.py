"""Multi-label targets: one sigmoid per label, "balanced" weighting each label's two terms."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from skweight import EffectiveNumberWeights, WeightedKerasClassifier
from skweight.weighting.multilabel import (
    PerLabelBinaryCrossentropy,
    balanced_label_weights,
    label_training_prior,
)


def multilabel(n=300, seed=0):
    """Three labels: two rare ones (about 12% and 7% positive) and a common one (84%)."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 3)
    Y = np.column_stack(
        [
            X[:, 0] + rng.randn(n) * 0.5 > 1.3,
            X[:, 1] + rng.randn(n) * 0.5 > 1.6,
            X[:, 2] > -1,
        ]
    ).astype(np.int64)
    return X, Y


def test_balanced_label_weights_by_hand():
    Y = np.array([[1, 0], [0, 0], [0, 1], [0, 1]])
    positive, negative = balanced_label_weights(Y)
    np.testing.assert_allclose(positive, [4 / 2, 4 / 4])
    np.testing.assert_allclose(negative, [4 / 6, 4 / 4])
    weights = np.where(Y == 1, positive, negative)
    assert weights.mean() == pytest.approx(1.0)
    np.testing.assert_allclose(label_training_prior(Y, None, (positive, negative)), 0.5)


def test_per_label_loss_matches_the_formula_by_hand():
    y_true = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype="float32")
    y_pred = np.array([[0.8, 0.3], [0.4, 0.9], [0.6, 0.2]], dtype="float32")
    positive, negative = np.array([2.0, 0.5]), np.array([1.0, 3.0])
    loss = PerLabelBinaryCrossentropy(positive, negative)
    terms = -(positive * y_true * np.log(y_pred) + negative * (1 - y_true) * np.log(1 - y_pred))
    expected = terms.mean(axis=1).mean()
    assert float(loss(y_true, y_pred)) == pytest.approx(expected, rel=1e-5)
    row_weight = np.array([1.0, 2.0, 0.0])
    weighted = float(loss(y_true, y_pred, sample_weight=row_weight))
    assert weighted == pytest.approx((terms.mean(axis=1) * row_weight).sum() / 3, rel=1e-5)
    # with unit weights it is Keras' own binary cross-entropy
    unit = PerLabelBinaryCrossentropy([1, 1], [1, 1])
    plain = keras.losses.BinaryCrossentropy()(y_true, y_pred)
    assert float(unit(y_true, y_pred)) == pytest.approx(float(plain), rel=1e-5)
    logits = np.log(y_pred / (1 - y_pred))
    from_logits = PerLabelBinaryCrossentropy(positive, negative, from_logits=True)
    assert float(from_logits(y_true, logits)) == pytest.approx(expected, rel=1e-4)
    restored = PerLabelBinaryCrossentropy.from_config(loss.get_config())
    assert restored.positive_weights == loss.positive_weights


def test_balanced_per_label_raises_rare_label_recall(strategy_settings):
    X, Y = multilabel()
    X_test, Y_test = multilabel(2000, 1)
    Y_before = Y.copy()
    plain = WeightedKerasClassifier(**strategy_settings).fit(X, Y)
    balanced = WeightedKerasClassifier(
        weighting="balanced", validation_split=0.2, **strategy_settings
    )
    balanced.fit(X, Y)
    np.testing.assert_array_equal(Y, Y_before)

    assert balanced.target_type_ == "multilabel-indicator"
    assert balanced.predict(X_test).shape == Y_test.shape
    assert balanced.predict(X_test).dtype == Y.dtype
    assert balanced.predict_proba(X_test).shape == Y_test.shape

    def recall(model):
        pred = model.predict(X_test)
        return ((pred == 1) & (Y_test == 1)).sum(axis=0) / Y_test.sum(axis=0)

    def specificity(model):
        pred = model.predict(X_test)
        return ((pred == 0) & (Y_test == 0)).sum(axis=0) / (Y_test == 0).sum(axis=0)

    # rare labels: more positives found; common label: more of its rare negatives found
    assert (recall(balanced)[:2] > recall(plain)[:2] + 0.2).all()
    assert specificity(balanced)[2] > specificity(plain)[2] + 0.05

    # every label trains at a balanced mix, and prior correction undoes it per label
    np.testing.assert_allclose(balanced.training_prior_, 0.5)
    np.testing.assert_allclose(balanced.class_prior_, Y[np.sort(_train_rows(Y))].mean(axis=0))
    raw = balanced.predict_proba(X_test).mean(axis=0)
    corrected = balanced.set_params(prior_correction=True).predict_proba(X_test).mean(axis=0)
    real = Y_test.mean(axis=0)
    assert (np.abs(corrected - real) < 0.05).all(), (corrected, real)
    assert (np.abs(raw - real) > 0.1).any()

    # validation loss: weighted by the strategy (labels inside the loss) and unweighted
    history = balanced.history_
    assert {"val_loss", "val_loss_unweighted"} <= set(history)
    assert history["val_loss"][-1] != pytest.approx(history["val_loss_unweighted"][-1])


def _train_rows(Y, fraction=0.2):
    from sklearn.model_selection import train_test_split

    train, _ = train_test_split(np.arange(len(Y)), test_size=fraction, random_state=0)
    return train


def test_focal_and_row_weights_work_with_multilabel(strategy_settings):
    X, Y = multilabel(200)
    settings = {**strategy_settings, "epochs": 2}
    focal = WeightedKerasClassifier(weighting="focal", **settings).fit(X, Y)
    assert isinstance(focal.model_.loss, keras.losses.BinaryFocalCrossentropy)
    np.testing.assert_allclose(focal.training_prior_, focal.class_prior_)
    weights = np.linspace(0.1, 1, len(Y))
    weighted = WeightedKerasClassifier(**settings).fit(X, Y, sample_weight=weights)
    np.testing.assert_allclose(weighted.class_prior_, weights @ Y / weights.sum())


@pytest.mark.parametrize("weighting", [{0: 2}, EffectiveNumberWeights()])
def test_class_strategies_without_multilabel_meaning_are_refused(weighting, strategy_settings):
    X, Y = multilabel(60)
    with pytest.raises(ValueError, match="multi-label"):
        WeightedKerasClassifier(weighting=weighting, **strategy_settings).fit(X, Y)


def test_multilabel_model_refuses_single_label_partial_fit(strategy_settings):
    X, Y = multilabel(60)
    model = WeightedKerasClassifier(**{**strategy_settings, "epochs": 1}).fit(X, Y)
    with pytest.raises(ValueError, match="3 labels"):
        model.partial_fit(X, Y[:, 0])
    refit = model.fit(X, Y[:, 0])  # a new fit may change the target type
    assert refit.target_type_ == "binary"
