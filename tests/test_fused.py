"""The fused network: each of its networks trains exactly as its own separate fit would, and
logs the loss its own fit logs.

Every strategy's network is trained together with the others in one fused model, then compared
with a separate fit given the same rows, weights, initial weights and batch order (no shuffling):
``WeightedKerasClassifier(shuffle=False)`` itself, or, for per-epoch resampling, plain Keras fits
of one epoch's rows at a time.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from imblearn.over_sampling import RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from sklearn.base import clone

from skweight import WeightedKerasClassifier
from skweight._fusable import network_spec, prepare_fit, train_settings
from skweight._fused import FusedNetworks, Member
from skweight._keras import build_mlp
from skweight.weighting import CostSensitiveWeights, Resampler, TrainingSet

pytestmark = pytest.mark.core  # the grouped model is claimed on every backend

STRATEGIES = {
    "none": None,
    "balanced": "balanced",
    "dict": {0: 1.0, 1: 3.0},
    "cost-weights": CostSensitiveWeights(fp_cost=1.0, fn_cost=4.0),
    "focal": "focal",
    "logit-adjusted": "logit-adjusted",
    "oversample": RandomOverSampler(random_state=0),
    "undersample": RandomUnderSampler(random_state=0),
    "undersample-per-epoch": Resampler(RandomUnderSampler(random_state=0), per_epoch=True),
}
SETTINGS = {"hidden_layer_sizes": (8,), "epochs": 3, "batch_size": 16, "shuffle": False,
            "random_state": 0, "optimizer__learning_rate": 0.01}  # fmt: skip


def _close(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    return max(float(np.abs(x - y).max()) for x, y in zip(a, b, strict=True))


@pytest.fixture(scope="module")
def data(binary_data):
    X, y = binary_data
    return X[:200].astype("float32"), y[:200]


@pytest.fixture(scope="module")
def fused(data):
    """Every strategy's network, trained in one fused model (passes mixing step counts)."""
    X, y = data
    base = WeightedKerasClassifier(**SETTINGS)
    prepared = [prepare_fit(clone(base).set_params(weighting=w), X, y)
                for w in STRATEGIES.values()]  # fmt: skip
    clf = prepared[0].classifier
    networks = FusedNetworks(network_spec(clf), [p.member for p in prepared], train_settings(clf))
    assert any(len(set(g.epoch_steps)) > 1 for g in networks.passes)  # resampled: other steps
    return networks.fit(), prepared


def test_initial_weights_are_those_of_build_mlp(fused, data):
    networks, prepared = fused
    separate = build_mlp(data[0].shape[1], 1, "sigmoid", hidden_layer_sizes=(8,), seed=0)
    for p in prepared:
        assert _close(separate.get_weights(), p.member.initial_weights) == 0


@pytest.mark.parametrize("name", [n for n in STRATEGIES if n != "undersample-per-epoch"])
def test_each_network_ends_where_its_own_fit_ends(fused, data, name):
    networks, _ = fused
    i = list(STRATEGIES).index(name)
    own = WeightedKerasClassifier(**SETTINGS, weighting=STRATEGIES[name]).fit(*data)
    assert _close(own.model_.get_weights(), networks.weights(i)) < 1e-5
    np.testing.assert_allclose(networks.history(i)["loss"], own.history_["loss"], rtol=1e-5)


def test_per_epoch_resampling_matches_fits_of_each_epochs_draw(fused, data):
    networks, prepared = fused
    i = list(STRATEGIES).index("undersample-per-epoch")
    train = prepared[i].member.train
    model = build_mlp(data[0].shape[1], 1, "sigmoid", hidden_layer_sizes=(8,), seed=0)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    draws = []
    for epoch in range(SETTINGS["epochs"]):
        rows = train.epoch_rows(epoch)
        draws.append(rows)
        model.fit(train.X[rows], train.y[rows].astype("float32")[:, None], batch_size=16,
                  shuffle=False, epochs=1, verbose=0)  # fmt: skip
    assert not np.array_equal(draws[0], draws[1])  # a fresh draw every epoch
    assert _close(model.get_weights(), networks.weights(i)) < 1e-5


def test_multiclass_networks_match_their_own_fits(multiclass_data):
    X, y = multiclass_data
    X = X[:150].astype("float32")
    y = y[:150]
    base = WeightedKerasClassifier(**SETTINGS)
    strategies = [None, "balanced", "focal", "logit-adjusted"]
    prepared = [prepare_fit(clone(base).set_params(weighting=w), X, y) for w in strategies]
    clf = prepared[0].classifier
    networks = FusedNetworks(network_spec(clf), [p.member for p in prepared], train_settings(clf))
    networks.fit()
    for i, weighting in enumerate(strategies):
        own = clone(base).set_params(weighting=weighting).fit(X, y)
        assert _close(own.model_.get_weights(), networks.weights(i)) < 1e-5


def test_predictions_are_each_networks_own(fused, data):
    """The grouped model's outputs, row chunk by row chunk, are what each network's own Keras
    model predicts, the networks of a narrower pass included."""
    networks, _ = fused
    X = data[0]
    outputs = networks.predict([X] * len(STRATEGIES), chunk_rows=64)
    assert len(networks.passes) > 1
    for i in range(len(STRATEGIES)):
        model = build_mlp(X.shape[1], 1, "sigmoid", hidden_layer_sizes=(8,))
        model.set_weights(networks.weights(i))
        np.testing.assert_allclose(outputs[i], model.predict_on_batch(X), atol=1e-5)


def _member(X, y, weights, seed=0):
    spec_weights = build_mlp(X.shape[1], 1, "sigmoid", hidden_layer_sizes=(8,), seed=seed)
    return Member(TrainingSet(X, y, weights), keras.losses.BinaryCrossentropy(),
                  spec_weights.get_weights(), seed=seed)  # fmt: skip


def _train(members, X):
    from skweight._fused import TrainSettings
    from skweight._grouped import NetworkSpec

    spec = NetworkSpec(X.shape[1], 1, "sigmoid", (8,))
    settings = TrainSettings(batch_size=16, epochs=3, optimizer_params={"learning_rate": 0.01})
    return FusedNetworks(spec, members, settings).fit()


def test_a_row_weighted_zero_for_one_network_has_no_influence_on_it(data):
    X, y = data
    X = X.copy()
    zero = np.ones(len(y))
    zero[7] = 0.0  # network 0 ignores row 7; network 1 counts it
    before = _train([_member(X, y, zero), _member(X, y, None)], X)
    X[7] += 100.0  # the same array: both networks read row 7 from one shared pool
    y_changed = y.copy()
    y_changed[7] = 1 - y_changed[7]
    after = _train([_member(X, y_changed, zero), _member(X, y_changed, None)], X)
    assert _close(before.weights(0), after.weights(0)) == 0
    assert _close(before.weights(1), after.weights(1)) > 1e-3


def test_networks_do_not_influence_each_other(data):
    X, y = data
    alone = _train([_member(X, y, None)], X)
    weights = np.random.default_rng(0).uniform(0, 3, len(y))
    half = _train([_member(X[::2], y[::2], None, seed=2)], X)
    few = _train([_member(X[:40], y[:40], None, seed=3)], X)
    together = _train([_member(X, y, None), _member(X, y, weights, seed=1),
                       _member(X[::2], y[::2], None, seed=2),
                       _member(X[:40], y[:40], None, seed=3)], X)  # fmt: skip
    # 13 and 7 steps an epoch share a pass (the shorter one kept at its last step); 3 do not
    assert [g.epoch_steps for g in together.passes] == [[13, 13, 7], [3]]
    assert _close(alone.weights(0), together.weights(0)) < 1e-6
    assert _close(half.weights(0), together.weights(2)) < 1e-6
    assert _close(few.weights(0), together.weights(3)) < 1e-6


def test_passes_hold_networks_of_similar_steps():
    """Networks share a pass when their epochs take at least ``ratio`` of its longest one's
    steps; at 1, only networks of equal steps (those whose arithmetic outweighs the dispatch)."""
    from skweight._fused_feed import split_passes

    assert split_passes([13, 7, 13, 3], 0.5) == [[0, 1, 2], [3]]
    assert split_passes([13, 7, 13, 3], 1.0) == [[0, 2], [1], [3]]


def test_lanes_share_a_pass_evenly():
    """A pass dealt into lanes: longest first, in turn, so that lanes take as many steps and
    networks as they can; never more lanes than networks."""
    from skweight._fused_feed import split_lanes

    steps = [13, 7, 13, 10, 7]
    assert split_lanes([0, 1, 2, 3, 4], steps, 2) == [[0, 3, 4], [1, 2]]  # 13 steps each
    assert split_lanes([1, 3], steps, 1) == [[1, 3]]
    assert split_lanes([1, 3], steps, 4) == [[3], [1]]
