"""The contract every registered weighting strategy keeps, run on each one's registered examples.

The cases come from ``skweight.weighting.registered_strategies()``: a strategy added to the
registry is covered here without editing this file.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification

from skweight import WeightedKerasClassifier, WeightedKerasRegressor
from skweight._params import InvalidParameterError
from skweight.weighting import TrainingSet, WeightingStrategy, registered_strategies
from skweight.weighting.elements import batch_weights

pytestmark = pytest.mark.core

TINY = {"hidden_layer_sizes": (8,), "epochs": 2, "batch_size": 16, "random_state": 0}

EXAMPLES = [
    pytest.param(entry.cls, example, id=f"{entry.cls.__name__}-{i}")
    for entry in registered_strategies()
    for i, example in enumerate(entry.examples())
]
CLASSES = [pytest.param(entry.cls, id=entry.cls.__name__) for entry in registered_strategies()]


@pytest.fixture(scope="module")
def data():
    """Binary rows (column 0 is non-negative, usable as a variance) and per-row weights."""
    X, y = make_classification(
        n_samples=90, n_features=4, n_informative=3, n_redundant=0, weights=[0.75],
        random_state=0,
    )  # fmt: skip
    X[:, 0] = np.abs(X[:, 0]) + 0.1
    weights = np.linspace(0.5, 2.0, len(y))
    return X, y, weights


def _quietly(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # e.g. SMOTE's synthetic-row weights
        return call()


BINARY = np.arange(2)


def _prepare(strategy, X, y, w, classes=BINARY):
    return _quietly(lambda: strategy.prepare(X, y, w, classes=classes, random_state=3))


def _same_training_set(a, b):
    for epoch in (0, 1):
        ya, wa = a.epoch_targets(epoch)
        yb, wb = b.epoch_targets(epoch)
        np.testing.assert_array_equal(ya, yb)
        assert (wa is None) == (wb is None)
        if wa is not None:
            np.testing.assert_allclose(wa, wb)
    np.testing.assert_array_equal(a.X, b.X)


def test_registry_has_every_strategy_and_unique_names():
    classes = [entry.cls for entry in registered_strategies()]
    assert len(set(classes)) == len(classes) >= 8
    assert all(issubclass(cls, WeightingStrategy) for cls in classes)
    names = [name for entry in registered_strategies() for name in entry.names]
    assert len(set(names)) == len(names)
    assert all(entry.examples() for entry in registered_strategies())


@pytest.mark.parametrize("cls", CLASSES)
def test_every_parameter_has_a_constraint(cls):
    params = list(cls._get_param_names())  # scikit-learn's list of constructor parameters
    assert sorted(params) == sorted(cls._parameter_constraints)


@pytest.mark.parametrize("cls", [c for c in CLASSES if c.values[0]._parameter_constraints])
def test_a_bad_parameter_fails_before_training_naming_it(cls, data):
    X, y, _ = data
    name = next(iter(cls._parameter_constraints))
    example = next(e for entry in registered_strategies() if entry.cls is cls
                   for e in entry.examples())  # fmt: skip
    bad = example.set_params(**{name: object()})
    clf = WeightedKerasClassifier(**TINY, weighting=bad)
    with pytest.raises(InvalidParameterError, match=rf"{cls.__name__}: {name} must be"):
        clf.fit(X, y)
    assert not hasattr(clf, "model_") and not hasattr(clf, "classes_")


@pytest.mark.parametrize(("cls", "strategy"), EXAMPLES)
def test_a_zero_weight_row_is_as_if_absent(cls, strategy, data):
    X, y, w = data
    w = w.copy()
    w[::7] = 0.0
    garbage_X, garbage_y = X.copy(), y.copy()
    garbage_X[::7] = 1e6  # what a zero-weight row holds must not matter
    garbage_y[::7] = 1 - garbage_y[::7]
    keep = w > 0
    with_zero = _prepare(strategy, garbage_X, garbage_y, w)
    without = _prepare(strategy, X[keep], y[keep], w[keep])
    _same_training_set(with_zero, without)


@pytest.mark.parametrize(("cls", "strategy"), EXAMPLES)
def test_no_input_is_modified(cls, strategy, data):
    X, y, w = data
    copies = X.copy(), y.copy(), w.copy()
    given = repr(strategy)
    train = _prepare(strategy, X, y, w)
    for before, after in zip(copies, (X, y, w), strict=True):
        np.testing.assert_array_equal(before, after)
    assert repr(strategy) == given
    final_y, final_w = train.epoch_targets(0)
    assert len(final_y) > 0 and (final_w is None or (np.isfinite(final_w) & (final_w > 0)).all())


@pytest.mark.parametrize(("cls", "strategy"), EXAMPLES)
def test_capabilities_are_what_the_class_declares(cls, strategy, data):
    X, y, _ = data
    continuous = y.astype(float) + X[:, 1]
    if cls.needs_classes:
        with pytest.raises(ValueError, match="needs a classifier"):
            _prepare(strategy, X, continuous, None, classes=None)
    else:
        assert len(_prepare(strategy, X, continuous, None, classes=None).y) == len(y)
    labels = np.column_stack([y, 1 - y, (X[:, 1] > 0).astype(int)])
    if not cls.supports_multilabel:
        with pytest.raises(ValueError, match="not a multi-label y"):
            _prepare(strategy, X, labels, None, classes=np.arange(3))
    if not cls.resamples_rows:
        assert len(_prepare(strategy, X, y, None).y) == len(y)


def _dense(data):
    """The rows with a 4x4 mask each: pixels of class 1 where a row's features say so."""
    X, y, w = data
    grid = np.linspace(-1.5, 1.5, 16).reshape(4, 4)
    masks = ((X[:, 1, None, None] + grid) > 1.0).astype(np.int64)
    masks[y == 0] = 0  # the class-0 rows have empty masks, as most images in segmentation
    return X, masks, np.repeat(w[:, None, None], 16, axis=1).reshape(masks.shape)


@pytest.mark.parametrize(("cls", "strategy"), EXAMPLES)
def test_dense_targets_are_weighted_per_element_or_refused(cls, strategy, data):
    X, masks, pixel_w = _dense(data)

    def prepare():
        return _quietly(
            lambda: strategy.prepare(X, masks, pixel_w, classes=BINARY, random_state=3, dense=True)
        )

    if not cls.supports_dense_targets:
        with pytest.raises(ValueError, match="not a y with one per element"):
            prepare()
        return
    try:
        train = prepare()
    except ValueError as exc:  # a resampler whose sampler invents rows cannot take masks
        assert cls.resamples_rows and "a sampler that selects rows" in str(exc)
        return
    assert train.dense and train.y.shape[1:] == (4, 4)
    rows = np.arange(len(train.y)) if train.epoch_rows is None else train.epoch_rows(0)
    weights = batch_weights(train.y[rows], _take(train.sample_weight, rows), train.class_weight)
    if weights is not None:
        assert weights.shape == (len(rows), 4, 4)
        assert np.isfinite(weights).all() and (weights >= 0).all()
        assert weights[weights > 0].mean() == pytest.approx(1.0, rel=1e-5)  # normalised
    val = strategy.validation_set(TrainingSet(X, masks, pixel_w, dense=True))
    assert val.dense and len(val.y) == len(masks)


def _take(weights, rows):
    return None if weights is None else weights[rows]


@pytest.mark.parametrize(("cls", "strategy"), EXAMPLES)
def test_validation_weights_are_one_per_row_and_positive(cls, strategy, data):
    X, y, w = data
    _prepare(strategy, X[:60], y[:60], w[:60])
    weights = strategy.validation_weights(X[60:], y[60:], w[60:])
    assert weights is None or (weights.shape == (30,) and (weights > 0).all())
    if weights is not None:
        assert weights.mean() == pytest.approx(1.0)  # normalised like the training weights


@pytest.mark.parametrize(("cls", "strategy"), EXAMPLES)
def test_fit_validation_loss_and_save_load_round_trip(cls, strategy, data, tmp_path):
    X, y, w = data
    Estimator = WeightedKerasClassifier if cls.needs_classes else WeightedKerasRegressor
    target = y if cls.needs_classes else y + 0.1 * X[:, 1]
    model = Estimator(**TINY, weighting=strategy, validation_split=0.25)
    _quietly(lambda: model.fit(X, target, sample_weight=w))
    assert {"val_loss", "val_loss_unweighted"} <= set(model.history_)
    assert np.isfinite(model.history_["val_loss"]).all()
    loaded = Estimator.load(model.save(tmp_path / "saved"))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert repr(loaded.weighting_) == repr(model.weighting_)


def test_a_strategy_cannot_replace_the_template():
    with pytest.raises(TypeError, match=r"overrides \['prepare'\].*implement the hooks"):

        class Sloppy(WeightingStrategy):
            def prepare(self, X, y, sample_weight, *, classes, random_state, normalize=True):
                return None
