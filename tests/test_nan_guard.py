"""A loss that becomes NaN or infinite stops the fit with an error naming the epoch."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from skweight import WeightedKerasClassifier, WeightedKerasRegressor
from skweight._callbacks import NonFiniteLossError

pytestmark = pytest.mark.core

SMALL = {"hidden_layer_sizes": (8,), "epochs": 3, "random_state": 0}


def test_huge_learning_rate_stops_at_the_first_bad_epoch(regression_data):
    X, y = regression_data
    reg = WeightedKerasRegressor(**SMALL, optimizer="sgd", optimizer__learning_rate=1e12)
    with pytest.raises(NonFiniteLossError, match=r"at epoch 1;.*learning rate too high") as info:
        reg.fit(X, y * 1e3)
    assert "optimizer__learning_rate, now 1e+12" in str(info.value)
    assert "StandardScaler" in str(info.value)
    with pytest.raises(NotFittedError):  # no diverged network is left to predict with
        reg.predict(X)


def test_inf_producing_data_is_caught(regression_data):
    X, y = regression_data
    huge = y * 1e30  # finite float32 targets whose squared error overflows to inf
    reg = WeightedKerasRegressor(**SMALL)
    with pytest.raises(NonFiniteLossError, match=r"loss became (nan|inf) at epoch 1"):
        reg.fit(X, huge)
    assert not hasattr(reg, "model_")


def test_warm_fit_keeps_the_previous_network_and_healthy_fits_are_untouched(
    binary_data, regression_data
):
    X, y = binary_data
    clf = WeightedKerasClassifier(**SMALL).fit(X, y)
    assert len(clf.history_["loss"]) == 3 and np.isfinite(clf.history_["loss"]).all()
    X, y = regression_data
    reg = WeightedKerasRegressor(**SMALL).fit(X, y)
    with pytest.raises(NonFiniteLossError, match="at epoch 4"):  # the 4th epoch trained
        reg.partial_fit(X, y * 1e30)
    assert hasattr(reg, "model_")  # partial_fit keeps the network it continued
