"""A row with ``sample_weight`` 0 is as if it were absent: from the fit and everything in it.

Per strategy, on the rows each one makes, the contract test checks the same
(``tests/test_strategy_contract.py::test_a_zero_weight_row_is_as_if_absent``, over every
registered strategy); here, whole fits.
"""

from __future__ import annotations

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE
from imblearn.under_sampling import RandomUnderSampler

from skweight import Resampler, WeightedKerasClassifier, WeightedKerasRegressor

from .test_weights import FULL_BATCH

pytestmark = pytest.mark.core


@pytest.mark.parametrize("estimator", [WeightedKerasClassifier, WeightedKerasRegressor])
def test_zero_weight_equals_leaving_the_row_out(estimator, binary_data):
    X, y = binary_data
    weights = np.ones(len(y))
    weights[::7] = 0.0
    weighted = estimator(**FULL_BATCH).fit(X, y, sample_weight=weights)
    kept = weights > 0
    left_out = estimator(**FULL_BATCH).fit(X[kept], y[kept])
    np.testing.assert_allclose(weighted.predict(X), left_out.predict(X), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    "weighting",
    [SMOTE(), Resampler(RandomUnderSampler(), per_epoch=True)],
    ids=["smote", "under_per_epoch"],
)
def test_zero_weight_row_never_influences_the_fit(weighting, strategy_settings, imbalanced_rows):
    X, y = imbalanced_rows(200, 0)
    outlier = np.flatnonzero(y == 1)[0]
    X_bad = X.copy()
    X_bad[outlier] = [50.0, -50.0]
    weights = np.ones(len(y))
    weights[outlier] = 0.0
    keep = weights > 0
    settings = {**strategy_settings, "epochs": 3}
    weights_before = weights.copy()
    with_zero = WeightedKerasClassifier(weighting=weighting, **settings)
    with_zero.fit(X_bad, y, sample_weight=weights)
    without = WeightedKerasClassifier(weighting=weighting, **settings).fit(X[keep], y[keep])
    np.testing.assert_allclose(with_zero.predict_proba(X), without.predict_proba(X), atol=1e-6)
    np.testing.assert_array_equal(weights, weights_before)
