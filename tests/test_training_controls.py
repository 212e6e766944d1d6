"""Training controls as SciKeras has them: initialize, current_epoch, batch_size=-1, keyword
arguments of fit and predict, fit__ overrides, and callbacks__/metrics__ routing."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from imblearn.over_sampling import RandomOverSampler

from skweight import Resampler, WeightedKerasClassifier, WeightedKerasRegressor

pytestmark = pytest.mark.core

TINY = {"epochs": 1, "batch_size": 16, "hidden_layer_sizes": (3,), "random_state": 0}
#: One batch per Keras step, so that a callback counts batches
STEPWISE = {**TINY, "compile__steps_per_execution": 1}


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    return X, (X[:, 0] > 0.3).astype(np.int64)


class _Steps(keras.callbacks.Callback):
    """Counts batches and records the epoch numbers Keras reports."""

    def __init__(self, tag="steps"):
        super().__init__()
        self.tag, self.batches, self.epochs = tag, 0, []

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append(epoch)


def test_initialize_builds_without_training_and_training_continues(data):
    X, y = data
    clf = WeightedKerasClassifier(**TINY).initialize(X, y)
    assert clf.current_epoch == 0 and clf.history_ == {}
    assert clf.predict_proba(X).shape == (40, 2)
    weights = [w.copy() for w in clf.model_.get_weights()]
    steps = _Steps()
    clf.partial_fit(X, y, callbacks=[steps])
    assert clf.current_epoch == 1 and steps.epochs == [0]
    assert not np.allclose(weights[0], clf.model_.get_weights()[0])
    clf.partial_fit(X, y, callbacks=[steps])  # Keras sees the epoch it is at
    assert clf.current_epoch == 2 and steps.epochs == [0, 1]
    assert WeightedKerasClassifier().current_epoch == 0


def test_batch_size_minus_one_trains_one_batch_of_all_rows(data):
    X, y = data
    steps = _Steps()
    WeightedKerasClassifier(**{**STEPWISE, "batch_size": -1, "epochs": 2}, callbacks=[steps]).fit(
        X, y
    )
    assert steps.batches == 2
    steps = _Steps()  # batch by batch, resampled at every epoch
    per_epoch = Resampler(RandomOverSampler(random_state=0), per_epoch=True)
    WeightedKerasClassifier(
        **{**STEPWISE, "batch_size": -1}, weighting=per_epoch, callbacks=[steps]
    ).fit(X, y)
    assert steps.batches == 1
    clf = WeightedKerasClassifier(**TINY).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X, batch_size=-1), clf.predict_proba(X), rtol=1e-5)
    clf.set_params(predict__batch_size=-1)
    np.testing.assert_allclose(clf.predict_proba(X, verbose=0), clf.predict_proba(X[:40]))


def test_fit_keywords_and_fit_parameters_override_the_estimators(data):
    X, y = data
    clf = WeightedKerasClassifier(**STEPWISE)
    assert clf.fit(X, y, epochs=3).current_epoch == 3
    assert clf.epochs == 1  # the call's value is for that call only
    assert clf.set_params(fit__epochs=2).fit(X, y).current_epoch == 2
    assert clf.fit(X, y, epochs=1).current_epoch == 1  # the call wins over fit__epochs
    steps = _Steps()
    clf.set_params(fit__batch_size=40, fit__callbacks=[steps]).fit(X, y, shuffle=False)
    assert steps.batches == 2  # fit__epochs=2 epochs of one batch
    clf = WeightedKerasClassifier(**TINY).fit(X, y, validation_split=0.25)
    assert "val_loss" in clf.history_
    reg = WeightedKerasRegressor(**TINY).fit(X, X[:, 0], epochs=2, validation_freq=1)
    assert reg.current_epoch == 2


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda c, X, y: c.fit(X, y, class_weight={0: 1}), ValueError, r"fit\(\.\.\., "
         r"class_weight=\) is set by skweight itself: use weighting="),
        (lambda c, X, y: c.fit(X, y, validation_data=(X, y)), ValueError, "validation_split="),
        (lambda c, X, y: c.fit(X, y, initial_epoch=1), ValueError, "partial_fit"),
        (lambda c, X, y: c.fit(X, y, patience=1), ValueError, "not an argument of keras"),
        (lambda c, X, y: c.fit(X, y, epochs=0), ValueError, "epochs must be an integer >= 1"),
        (lambda c, X, y: c.set_params(fit__epochs=0).fit(X, y), ValueError, "fit__epochs must"),
        (lambda c, X, y: c.partial_fit(X, y, epochs=2), TypeError, "trains one epoch"),
        (lambda c, X, y: c.fit(X, y).predict(X, callbacks=[]), ValueError,
         "no callback would run"),
        (lambda c, X, y: c.fit(X, y).predict(X, batch_size=0), ValueError, "batch_size must"),
        (lambda c, X, y: c.set_params(predict__callbacks=[]).fit(X, y), ValueError,
         "predict__callbacks would be ignored"),
    ],
)  # fmt: skip
def test_arguments_skweight_owns_get_errors_naming_what_to_use(data, call, error, match):
    X, y = data
    clf = WeightedKerasClassifier(**TINY)
    with pytest.raises(error, match=match):
        call(clf, X, y)


def test_callbacks_given_as_classes_are_made_from_routed_parameters(data):
    X, y = data
    clf = WeightedKerasClassifier(
        **{**TINY, "epochs": 6}, callbacks=[keras.callbacks.EarlyStopping],
        callbacks__0__monitor="loss", callbacks__0__min_delta=10.0, callbacks__patience=0,
    ).fit(X, y)  # fmt: skip
    assert clf.current_epoch == 2  # the second epoch does not improve by 10
    stop = {"stop": keras.callbacks.EarlyStopping, "count": _Steps()}
    clf = WeightedKerasClassifier(
        **{**STEPWISE, "epochs": 6}, callbacks=stop, callbacks__stop__monitor="loss",
        callbacks__stop__min_delta=10.0,
    ).fit(X, y)  # fmt: skip
    assert clf.current_epoch == 2 and stop["count"].batches == 6
    clf.fit(X, y)  # made afresh at every fit: the stopped callback does not carry over
    assert clf.current_epoch == 2


@pytest.mark.parametrize(
    "params, match",
    [
        ({"callbacks": [keras.callbacks.EarlyStopping], "callbacks__1__monitor": "loss"},
         "callbacks__1__monitor would be ignored: callbacks has no entry '1'"),
        ({"callbacks": [keras.callbacks.EarlyStopping()], "callbacks__0__monitor": "loss"},
         "callbacks__0__monitor would be ignored: callbacks__0 is .* already made"),
        ({"callbacks__0__monitor": "loss"}, "callbacks is None"),
        ({"callbacks": [keras.callbacks.EarlyStopping], "callbacks__0__monitr": "loss"},
         "EarlyStopping.*failed"),
        ({"callbacks": ["early"]}, "callbacks must be None, a keras.callbacks.Callback"),
        ({"metrics__0__name": "x"}, "metrics is None"),
        ({"metrics": ["accuracy"], "compile__metrics": ["accuracy"]}, "both given"),
        ({"fit__callbacks__0__monitor": "loss"}, "fit__callbacks is None"),
        ({"fit__shuffle__x": 1}, "only callbacks takes routed parameters"),
    ],
)  # fmt: skip
def test_routed_parameters_that_reach_nothing_are_errors(data, params, match):
    X, y = data
    with pytest.raises((ValueError, TypeError), match=match):
        WeightedKerasClassifier(**TINY, **params).fit(X, y)


def test_metrics_and_nested_optimizer_arguments_are_routed(data):
    X, y = data
    clf = WeightedKerasClassifier(
        **TINY, metrics=[keras.metrics.AUC, "accuracy"], metrics__0__name="roc",
        metrics__0__num_thresholds=50, optimizer="sgd",
        optimizer__learning_rate=keras.optimizers.schedules.ExponentialDecay,
        optimizer__learning_rate__initial_learning_rate=0.1,
        optimizer__learning_rate__decay_steps=10, optimizer__learning_rate__decay_rate=0.5,
    ).fit(X, y)  # fmt: skip
    assert {"roc", "accuracy", "loss"} <= set(clf.history_)
    schedule = clf.model_.optimizer._learning_rate
    assert isinstance(schedule, keras.optimizers.schedules.ExponentialDecay)
    assert schedule.decay_steps == 10
    with pytest.raises(ValueError, match="optimizer__momentum__x would be ignored"):
        WeightedKerasClassifier(**TINY, optimizer__momentum__x=1).fit(X, y)
