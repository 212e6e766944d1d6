"""Networks of one's own, fused on JAX (``jax.vmap`` over their stateless call).

Each network trained side by side with the others must end where its own fit ends (same rows,
weights, initial variables and batch order: no shuffling), with the same ``history_``; on
tables, images and token ids, for every kind of strategy. On other backends a network of its
own is compared sequentially, and says so. These tests run under the JAX backend (CI's core
run); under another backend they are skipped, except the one about that backend.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skweight import WeightedKerasClassifier
from skweight._fusable import prepare_fit, train_settings
from skweight._fused import PASS_RATIO
from skweight._fused_vmap import VmappedNetworks
from skweight._params import InvalidParameterError
from skweight.compare import compare_weightings
from tests.test_fused import STRATEGIES  # every kind of strategy, per-epoch resampling too

ON_JAX = keras.backend.backend() == "jax"
jax_only = pytest.mark.skipif(not ON_JAX, reason="networks of their own are fused on JAX only")
pytestmark = pytest.mark.core

SETTINGS = {"epochs": 3, "batch_size": 16, "shuffle": False, "random_state": 0,
            "optimizer__learning_rate": 0.01}  # fmt: skip


def table_network(n_features_in_, n_classes_, units=8):
    """A small network with an L2 penalty (its regularisation loss is part of each step)."""
    inputs = keras.Input((n_features_in_,))
    hidden = keras.layers.Dense(units, activation="relu", kernel_regularizer="l2")(inputs)
    units, activation = (1, "sigmoid") if n_classes_ == 2 else (n_classes_, "softmax")
    return keras.Model(inputs, keras.layers.Dense(units, activation=activation)(hidden))


def image_network(X_shape_, n_classes_):
    inputs = keras.Input(X_shape_[1:])
    hidden = keras.layers.Conv2D(4, 3, activation="relu")(inputs)
    hidden = keras.layers.GlobalAveragePooling2D()(hidden)
    return keras.Model(inputs, keras.layers.Dense(n_classes_, activation="softmax")(hidden))


def sequence_network(X_shape_):
    inputs = keras.Input(X_shape_[1:])
    hidden = keras.layers.Conv1D(4, 3, activation="relu")(inputs)
    hidden = keras.layers.GlobalMaxPooling1D()(hidden)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))


def token_network(n_classes_):
    inputs = keras.Input((6,), dtype="int32")
    hidden = keras.layers.Embedding(20, 4)(inputs)
    hidden = keras.layers.GlobalAveragePooling1D()(hidden)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))


def batchnorm_network(n_features_in_):
    inputs = keras.Input((n_features_in_,))
    hidden = keras.layers.BatchNormalization()(keras.layers.Dense(4)(inputs))
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))


def _variables(model) -> list[np.ndarray]:
    return [np.asarray(keras.ops.convert_to_numpy(v.value))
            for v in [*model.trainable_variables, *model.non_trainable_variables]]  # fmt: skip


def _close(a, b) -> float:
    return max(float(np.abs(x - y).max()) for x, y in zip(a, b, strict=True))


def _side_by_side(base, X, y, weightings, lanes=1) -> tuple[VmappedNetworks, list]:
    templates: dict = {}
    prepared = [prepare_fit(clone(base).set_params(weighting=w), X, y, None, templates)
                for w in weightings]  # fmt: skip
    assert len(templates) == 1  # one network built for all of them
    first = prepared[0]
    networks = VmappedNetworks(first.spec, [p.member for p in prepared],
                               train_settings(first.classifier), first.template,
                               pass_ratio=PASS_RATIO, lanes=lanes)  # fmt: skip
    return networks, prepared


def _train_together(base, X, y, weightings, lanes=1) -> tuple[VmappedNetworks, list]:
    networks, prepared = _side_by_side(base, X, y, weightings, lanes)
    return networks.fit(), prepared


@pytest.fixture(scope="module")
def table(binary_data):
    X, y = binary_data
    return StandardScaler().fit_transform(X[:200]).astype("float32"), y[:200]


@jax_only
def test_each_network_ends_where_its_own_fit_ends(table):
    X, y = table
    base = WeightedKerasClassifier(table_network, **SETTINGS, model__units=6)
    networks, _ = _train_together(base, X, y, list(STRATEGIES.values()))
    assert any(len(set(g.epoch_steps)) > 1 for g in networks.passes)  # resampled: other steps
    for i, (name, weighting) in enumerate(STRATEGIES.items()):
        if name == "undersample-per-epoch":
            continue  # next test: the estimator's own fit orders the draws differently
        own = clone(base).set_params(weighting=weighting).fit(X, y)
        assert _close(_variables(own.model_), networks.weights(i)) < 1e-5, name
        np.testing.assert_allclose(networks.history(i)["loss"], own.history_["loss"], rtol=1e-5)


@jax_only
def test_per_epoch_resampling_matches_fits_of_each_epochs_draw(table):
    X, y = table
    base = WeightedKerasClassifier(table_network, **SETTINGS)
    weighting = STRATEGIES["undersample-per-epoch"]
    networks, prepared = _train_together(base, X, y, [None, weighting])
    train = prepared[1].member.train
    model = table_network(X.shape[1], 2)
    for variable, value in zip(model.trainable_variables, prepared[1].member.initial_weights,
                               strict=False):  # fmt: skip
        variable.assign(value)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    draws = []
    for epoch in range(SETTINGS["epochs"]):
        rows = train.epoch_rows(epoch)
        draws.append(rows)
        model.fit(X[rows], y[rows].astype("float32")[:, None], batch_size=16, shuffle=False,
                  epochs=1, verbose=0)  # fmt: skip
    assert not np.array_equal(draws[0], draws[1])  # a fresh draw every epoch
    assert _close(_variables(model), networks.weights(1)) < 1e-5


@jax_only
def test_multiclass_images_sequences_and_token_ids_match_their_own_fits(multiclass_data):
    rng = np.random.default_rng(0)
    images = rng.normal(size=(60, 6, 6, 1)).astype("float32")
    labels = rng.integers(0, 3, 60)
    tokens = rng.integers(0, 20, size=(60, 6))
    sequences = rng.normal(size=(60, 10, 2)).astype("float32")
    X, y = multiclass_data
    cases = [
        (table_network, X[:90].astype("float32"), y[:90], {"loss": "categorical_crossentropy"}),
        (image_network, images, labels, {}),
        (sequence_network, sequences, (sequences[:, :, 0].mean(1) > 0).astype(int), {}),
        (token_network, tokens, (tokens[:, 0] > 9).astype(int), {}),
    ]
    for build, X, y, extra in cases:
        base = WeightedKerasClassifier(build, **SETTINGS, **extra)
        networks, _ = _train_together(base, X, y, [None, "balanced", "focal"])
        for i, weighting in enumerate([None, "balanced", "focal"]):
            own = clone(base).set_params(weighting=weighting).fit(X, y)
            assert _close(_variables(own.model_), networks.weights(i)) < 1e-5, build.__name__
            proba = networks.predict([X] * 3)[i]
            own_outputs = own.model_.predict_on_batch(X)
            np.testing.assert_allclose(proba, own_outputs, atol=1e-5)


@jax_only
def test_lanes_train_each_network_as_one_program_does(table):
    """A pass dealt into lanes trained in threads (the built-in network with ``n_jobs``):
    each network, an inactive padding column beside it in the narrower lane, ends as it does
    in one program, with the same history; resampled networks of other steps included."""
    X, y = table
    base = WeightedKerasClassifier(hidden_layer_sizes=(4,), **SETTINGS)
    weightings = [*STRATEGIES.values(), *({1: float(w)} for w in range(2, 12))]  # 19
    one, _ = _train_together(base, X, y, weightings)
    lanes, _ = _train_together(base, X, y, weightings, lanes=2)
    assert [len(r) for r in one.rounds] == [1] * len(one.passes)
    widths = [[len(lanes.passes[g].members) for g in r] for r in lanes.rounds]
    assert widths == [[9, 8], [2]]  # the under-sampled networks' shorter pass: too few to split
    steps = [max(lanes.passes[g].epoch_steps) for g in lanes.rounds[0]]
    assert steps[0] > steps[1]  # the over-sampled network's lane runs longer
    for i in range(len(weightings)):
        assert _close(one.weights(i), lanes.weights(i)) < 1e-6, i
        np.testing.assert_allclose(lanes.history(i)["loss"], one.history(i)["loss"], rtol=1e-6)


@jax_only
def test_a_comparison_in_lanes_gives_the_same_costs(binary_data, capsys):
    """``compare_weightings(n_jobs=2)`` on JAX's CPU trains the built-in network's pass in two
    lanes (20 networks here): the same fold costs and pick as one program (``n_jobs=1``)."""
    X, y = binary_data
    kwargs = {"strategies": ["none", "balanced", "focal", {1: 3.0}], "baselines": False,
              "fp_cost": 1, "fn_cost": 5, "cv": 2, "n_repeats": 2, "random_state": 0}  # fmt: skip
    base = WeightedKerasClassifier(hidden_layer_sizes=(4,), epochs=2, batch_size=32)
    lanes = compare_weightings(base, X, y, engine="fused", n_jobs=2, verbose=1, **kwargs)
    assert "each pass in up to 2 lanes" in capsys.readouterr().out
    one = compare_weightings(base, X, y, engine="fused", n_jobs=1, verbose=0, **kwargs)
    np.testing.assert_allclose(lanes.fold_costs.to_numpy(), one.fold_costs.to_numpy(),
                               atol=1e-12)  # fmt: skip
    assert lanes.best_strategy_ == one.best_strategy_


@jax_only
def test_an_error_in_a_lane_reaches_the_caller(table):
    """Lanes train in threads: what goes wrong in one (here in the progress callback, as a
    Ctrl-C would) is raised by ``fit``, not lost in its thread."""
    X, y = table
    base = WeightedKerasClassifier(hidden_layer_sizes=(4,), **SETTINGS)
    networks, _ = _side_by_side(base, X, y, [{1: float(w)} for w in range(1, 17)], lanes=2)
    assert [len(r) for r in networks.rounds] == [2]

    def advance(n_steps):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        networks.fit(advance)


@jax_only
def test_unshuffled_comparisons_are_identical(binary_data):
    """A network of its own: every fused network is its sequential fit, so the same costs,
    winner and refitted winner (whose history_ is its own fit's)."""
    X, y = binary_data
    network = WeightedKerasClassifier(table_network, **SETTINGS, model__units=6)
    estimator = make_pipeline(StandardScaler(), network)
    kwargs = {
        "strategies": ["none", "balanced", "undersample"],
        "fp_cost": 1,
        "fn_cost": 5,
        "cv": 2,
        "n_repeats": 1,
        "threshold_cv": 2,
        "verbose": 0,
        "random_state": 0,
    }
    fused = compare_weightings(estimator, X, y, engine="fused", **kwargs)
    sequential = compare_weightings(estimator, X, y, engine="sequential", **kwargs)
    np.testing.assert_allclose(fused.fold_costs.to_numpy(), sequential.fold_costs.to_numpy(),
                               atol=1e-12)  # fmt: skip
    assert fused.best_strategy_ == sequential.best_strategy_
    np.testing.assert_allclose(fused.best_estimator_.predict_proba(X),
                               sequential.best_estimator_.predict_proba(X), atol=1e-5)  # fmt: skip


@jax_only
def test_a_refitted_winner_keeps_its_history(binary_data):
    X, y = binary_data
    result = compare_weightings(
        WeightedKerasClassifier(table_network, **SETTINGS), X, y, strategies=["balanced"],
        baselines=False, cv=2, n_repeats=1, verbose=0, engine="fused",
    )  # fmt: skip
    own = WeightedKerasClassifier(table_network, **SETTINGS, weighting="balanced").fit(X, y)
    history = result.best_estimator_.history_
    np.testing.assert_allclose(history["loss"], own.history_["loss"], rtol=1e-5)


@jax_only
def test_batch_normalisation_is_compared_sequentially_and_says_why(binary_data, capsys):
    X, y = binary_data
    estimator = WeightedKerasClassifier(batchnorm_network, epochs=1, random_state=0)
    result = compare_weightings(estimator, X, y, strategies=["none"], baselines=False, cv=2,
                                n_repeats=1, verbose=1)  # fmt: skip
    out = capsys.readouterr().out
    assert "engine: sequential (the network cannot be fused: its BatchNormalization" in out
    assert list(result.table.index) == ["none"]
    with pytest.raises(InvalidParameterError, match="BatchNormalization layer mixes the rows"):
        compare_weightings(estimator, X, y, strategies=["none"], baselines=False, cv=2,
                           n_repeats=1, verbose=0, engine="fused")  # fmt: skip


@pytest.mark.skipif(ON_JAX, reason="on JAX a network of its own is fused")
def test_other_backends_compare_a_network_of_its_own_sequentially(binary_data, capsys):
    X, y = binary_data
    estimator = WeightedKerasClassifier(table_network, epochs=1, random_state=0)
    compare_weightings(estimator, X, y, strategies=["none"], baselines=False, cv=2, n_repeats=1,
                       verbose=1)  # fmt: skip
    out = capsys.readouterr().out
    assert "engine: sequential (model= is a custom network, fused on the JAX backend only" in out
    with pytest.raises(InvalidParameterError, match="engine='fused' cannot train"):
        compare_weightings(estimator, X, y, engine="fused")
