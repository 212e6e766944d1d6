"""How sample weights reach the Keras loss: exact equivalences under full-batch training."""

from __future__ import annotations

import numpy as np
import pytest

from skweight import WeightedKerasClassifier

pytestmark = pytest.mark.core

#: Full-batch training, where weights are exactly equivalent to leaving out or repeating rows
#: (also used by tests/test_zero_weight.py).
FULL_BATCH = {
    "hidden_layer_sizes": (8,),
    "epochs": 15,
    "batch_size": 4096,
    "optimizer": "sgd",
    "optimizer__learning_rate": 0.1,
    "shuffle": False,
    "random_state": 0,
}


def test_integer_weights_match_repeated_rows(binary_data):
    X, y = binary_data
    counts = np.arange(len(y)) % 3 + 1  # every row weighs 1, 2 or 3
    weighted = WeightedKerasClassifier(**FULL_BATCH).fit(X, y, sample_weight=counts)
    repeated = WeightedKerasClassifier(**FULL_BATCH).fit(
        np.repeat(X, counts, axis=0), np.repeat(y, counts)
    )
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-4, atol=1e-5
    )


def test_weights_change_the_fit(binary_data):
    X, y = binary_data
    plain = WeightedKerasClassifier(**FULL_BATCH).fit(X, y)
    weighted = WeightedKerasClassifier(**FULL_BATCH).fit(
        X, y, sample_weight=np.where(y == 1, 5.0, 1.0)
    )
    assert weighted.predict_proba(X)[:, 1].mean() > plain.predict_proba(X)[:, 1].mean() + 0.05


def test_balanced_equals_the_same_sample_weights(binary_data):
    X, y = binary_data
    counts = np.bincount(y)
    balanced_weights = (len(y) / (2 * counts))[y]
    by_strategy = WeightedKerasClassifier(**FULL_BATCH, weighting="balanced").fit(X, y)
    by_weights = WeightedKerasClassifier(**FULL_BATCH).fit(X, y, sample_weight=balanced_weights)
    np.testing.assert_allclose(
        by_strategy.predict_proba(X), by_weights.predict_proba(X), rtol=1e-6, atol=1e-6
    )


def test_strategy_and_sample_weights_multiply(binary_data):
    X, y = binary_data
    user = np.linspace(0.5, 1.5, len(y))
    combined = WeightedKerasClassifier(**FULL_BATCH, weighting={1: 3.0}).fit(
        X, y, sample_weight=user
    )
    by_hand = WeightedKerasClassifier(**FULL_BATCH).fit(
        X, y, sample_weight=user * np.where(y == 1, 3.0, 1.0)
    )
    np.testing.assert_allclose(
        combined.predict_proba(X), by_hand.predict_proba(X), rtol=1e-6, atol=1e-6
    )


def test_normalisation_keeps_the_learning_rate(binary_data):
    X, y = binary_data
    ones = WeightedKerasClassifier(**FULL_BATCH).fit(X, y, sample_weight=np.full(len(y), 10.0))
    plain = WeightedKerasClassifier(**FULL_BATCH).fit(X, y)
    np.testing.assert_array_equal(ones.predict_proba(X), plain.predict_proba(X))
    raw = WeightedKerasClassifier(**FULL_BATCH, normalize_weights=False).fit(
        X, y, sample_weight=np.full(len(y), 10.0)
    )
    assert not np.allclose(raw.predict_proba(X), plain.predict_proba(X))
