"""Build functions, model instances, losses, optimizers, routed parameters and training options."""

from __future__ import annotations

import random

import keras
import numpy as np
import pytest

from skweight import WeightedKerasClassifier, WeightedKerasRegressor
from skweight._keras import build_mlp
from skweight._seeded_init import SeededGlorotUniform

pytestmark = pytest.mark.core


def test_build_function_receives_fitted_facts_and_model_params(multiclass_data, fast_settings):
    X, y = multiclass_data
    seen = {}

    def build(n_features_in_, n_classes_, target_type_, meta, width):
        seen.update(
            n_features_in_=n_features_in_, n_classes_=n_classes_, target_type_=target_type_,
            meta=meta, width=width,
        )  # fmt: skip
        inputs = keras.Input((n_features_in_,))
        hidden = keras.layers.Dense(width, activation="relu")(inputs)
        return keras.Model(inputs, keras.layers.Dense(n_classes_, activation="softmax")(hidden))

    clf = WeightedKerasClassifier(build, **fast_settings, model__width=7).fit(X, y)
    assert seen["n_features_in_"] == X.shape[1]
    assert seen["n_classes_"] == 3
    assert seen["target_type_"] == "multiclass"
    assert seen["width"] == 7
    assert seen["meta"]["classes_"].tolist() == [0, 1, 2]
    assert clf.model_.layers[1].units == 7
    clf.set_params(model__width=5).fit(X, y)
    assert clf.model_.layers[1].units == 5


def test_binary_model_with_two_softmax_units(binary_data, fast_settings):
    X, y = binary_data

    def build(n_features_in_):
        inputs = keras.Input((n_features_in_,))
        return keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(inputs))

    clf = WeightedKerasClassifier(build, **fast_settings).fit(X, y)
    assert isinstance(clf.model_.loss, keras.losses.SparseCategoricalCrossentropy)
    assert clf.predict_proba(X).shape == (len(y), 2)


def test_model_instance_is_cloned_fresh_at_each_fit(regression_data, fast_settings):
    X, y = regression_data
    inputs = keras.Input((X.shape[1],))
    template = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    before = [w.copy() for w in template.get_weights()]
    reg = WeightedKerasRegressor(template, **fast_settings).fit(X, y)
    assert reg.model_ is not template
    for after, original in zip(template.get_weights(), before, strict=True):
        np.testing.assert_array_equal(after, original)


@pytest.mark.parametrize(
    "loss",
    ["binary_focal_crossentropy", keras.losses.BinaryFocalCrossentropy,
     keras.losses.BinaryFocalCrossentropy(gamma=1.0)],
)  # fmt: skip
def test_loss_as_string_class_or_instance_with_routed_params(binary_data, loss, fast_settings):
    X, y = binary_data
    clf = WeightedKerasClassifier(**fast_settings, loss=loss, loss__gamma=3.0).fit(X, y)
    assert isinstance(clf.model_.loss, keras.losses.BinaryFocalCrossentropy)
    assert clf.model_.loss.gamma == 3.0
    if isinstance(loss, keras.losses.Loss):
        assert loss.gamma == 1.0  # the user's object is untouched


def test_categorical_loss_gets_one_hot_targets(multiclass_data, fast_settings):
    X, y = multiclass_data
    clf = WeightedKerasClassifier(**fast_settings, loss="categorical_crossentropy").fit(X, y)
    assert clf.score(X, y) > 0.6


@pytest.mark.parametrize("optimizer", ["sgd", keras.optimizers.SGD, keras.optimizers.SGD()])
def test_optimizer_as_string_class_or_instance(binary_data, optimizer, fast_settings):
    X, y = binary_data
    clf = WeightedKerasClassifier(
        **{**fast_settings, "optimizer__learning_rate": 0.05}, optimizer=optimizer
    )
    clf.fit(X, y)
    assert isinstance(clf.model_.optimizer, keras.optimizers.SGD)
    assert np.isclose(float(clf.model_.optimizer.learning_rate), 0.05)
    if isinstance(optimizer, keras.optimizers.Optimizer):
        assert clf.model_.optimizer is not optimizer


def test_routed_params_in_get_and_set_params():
    clf = WeightedKerasClassifier(optimizer__learning_rate=0.1, fit__initial_epoch=0)
    assert clf.get_params()["optimizer__learning_rate"] == 0.1
    clf.set_params(optimizer__learning_rate=0.2, epochs=3)
    assert clf.get_params()["optimizer__learning_rate"] == 0.2
    assert clf.epochs == 3


def test_history_validation_split_and_warm_start(binary_data, fast_settings):
    X, y = binary_data
    clf = WeightedKerasClassifier(**{**fast_settings, "epochs": 3}, validation_split=0.25).fit(X, y)
    assert len(clf.history_["loss"]) == 3
    assert len(clf.history_["val_loss"]) == 3
    first_weights = [w.copy() for w in clf.model_.get_weights()]
    clf.set_params(warm_start=True).fit(X, y)
    assert len(clf.history_["loss"]) == 6
    assert not np.allclose(first_weights[0], clf.model_.get_weights()[0])
    clf.set_params(warm_start=False).fit(X, y)
    assert len(clf.history_["loss"]) == 3


def test_partial_fit_continues_and_needs_all_classes(multiclass_data, fast_settings):
    X, y = multiclass_data
    clf = WeightedKerasClassifier(**fast_settings)
    clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
    assert clf.n_classes_ == 3
    losses = [clf.partial_fit(X, y).history_["loss"][-1] for _ in range(4)]
    assert len(clf.history_["loss"]) == 5
    assert losses[-1] < losses[0]
    with pytest.raises(ValueError, match="not among classes_"):
        WeightedKerasClassifier(**fast_settings).partial_fit(X[y < 2], y[y < 2]).partial_fit(X, y)


def test_callbacks_are_used(binary_data, fast_settings):
    X, y = binary_data
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10.0)
    clf = WeightedKerasClassifier(**{**fast_settings, "epochs": 10}, callbacks=[stop]).fit(X, y)
    assert len(clf.history_["loss"]) < 10


def test_predict_in_large_batches_matches_small(binary_data, fast_settings):
    X, y = binary_data
    clf = WeightedKerasClassifier(**fast_settings).fit(X, y)
    big = np.tile(X, (40, 1))  # 12,000 rows: two chunks of 8192
    np.testing.assert_allclose(clf.predict_proba(big)[: len(X)], clf.predict_proba(X), atol=1e-6)
    small_chunks = clf.set_params(predict__batch_size=64).predict_proba(X)
    np.testing.assert_allclose(small_chunks, clf.predict_proba(X), atol=1e-6)
    # 19 chunks of 16 rows: enough for the JAX backend to dispatch them through model.predict;
    # every row must still get exactly what a one-chunk request gives it.
    clf.set_params(predict__batch_size=16)
    pieces = [clf.predict_proba(X[start : start + 16]) for start in range(0, len(X), 16)]
    np.testing.assert_array_equal(clf.predict_proba(X), np.concatenate(pieces))


def test_seeded_network_kernels_are_numpy_glorot_draws_on_every_backend():
    """With a seed, each kernel is a NumPy Glorot-uniform draw from a seed that
    ``random.Random(seed)`` gives layer by layer: backend-free, so the same network on every
    backend (this core test runs on each)."""
    weights = build_mlp(5, 3, "softmax", hidden_layer_sizes=(7, 4), seed=11).get_weights()
    layer_seed = random.Random(11).randint
    for kernel, bias in zip(weights[::2], weights[1::2], strict=True):
        limit = np.sqrt(6.0 / sum(kernel.shape))
        rng = np.random.default_rng(layer_seed(1, int(1e9)))
        np.testing.assert_array_equal(kernel, rng.uniform(-limit, limit, kernel.shape).astype("f4"))
        assert not bias.any()
    again = build_mlp(5, 3, "softmax", hidden_layer_sizes=(7, 4), seed=11).get_weights()
    other = build_mlp(5, 3, "softmax", hidden_layer_sizes=(7, 4), seed=12).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(weights, again, strict=True))
    assert not np.array_equal(weights[0], other[0])


def test_seeded_kernels_follow_keras_glorot_distribution():
    """The same bounds and spread as Keras' own ``GlorotUniform``, in any float dtype."""
    shape, limit = (120, 80), np.sqrt(6.0 / 200)
    ours = keras.ops.convert_to_numpy(SeededGlorotUniform(3)(shape, dtype="float32"))
    keras_own = keras.ops.convert_to_numpy(keras.initializers.GlorotUniform(seed=3)(shape))
    for draw in (ours, keras_own):
        assert np.abs(draw).max() <= limit and np.abs(draw).max() > 0.99 * limit
        assert abs(draw.mean()) < 0.01 and abs(draw.std() / (limit / np.sqrt(3)) - 1) < 0.02
    half = SeededGlorotUniform(3)(shape, dtype="float16")
    assert keras.backend.standardize_dtype(half.dtype) == "float16"
    np.testing.assert_allclose(keras.ops.convert_to_numpy(half), ours, atol=1e-3)
    assert SeededGlorotUniform.from_config(SeededGlorotUniform(3).get_config()).seed == 3


@pytest.mark.parametrize(
    "params, match",
    [
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 1.5}, "batch_size"),
        ({"validation_split": 1.0}, "validation_split"),
        ({"random_state": "x"}, "random_state"),
        ({"weighting": "nonsense"}, "valid names"),
        ({"weighting": {7: 2.0}}, "class 7"),
        ({"weighting": {1: -1.0}}, "non-negative"),
        ({"fit__class_weight": {0: 1}}, "fit__class_weight"),
        ({"loss": "no_such_loss"}, "loss="),
        ({"optimizer": "no_such_optimizer"}, "optimizer="),
        ({"model": "not a model"}, "model must be"),
        ({"model": lambda: 42}, "must return a keras.Model"),
        ({"model": lambda n_features_in_: keras.Sequential([keras.layers.Dense(5)])}, "output"),
        ({"model": lambda unknown_arg: None}, "unknown_arg"),
    ],
)
def test_bad_parameters_get_clear_errors(binary_data, params, match, fast_settings):
    X, y = binary_data
    with pytest.raises((ValueError, TypeError), match=match):
        WeightedKerasClassifier(**{**fast_settings, "epochs": 1, **params}).fit(X, y)


@pytest.mark.parametrize(
    "sample_weight, match",
    [
        (np.full(300, -1.0), "Negative"),
        (np.full(300, np.nan), "NaN"),
        (np.ones(10), "sample_weight"),
        (np.zeros(300), "non-zero|zero for every row"),
    ],
)
def test_bad_sample_weight_gets_clear_errors(binary_data, sample_weight, match, fast_settings):
    X, y = binary_data
    with pytest.raises(ValueError, match=match):
        WeightedKerasClassifier(**fast_settings).fit(X, y, sample_weight=sample_weight)


def test_bad_targets_get_clear_errors(binary_data, fast_settings):
    X, y = binary_data
    with pytest.raises(ValueError, match="one class"):
        WeightedKerasClassifier(**fast_settings).fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match="Unknown label type"):
        WeightedKerasClassifier(**fast_settings).fit(X, np.linspace(0, 1, len(y)))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        WeightedKerasClassifier(**fast_settings).fit(X, y[:-1])
