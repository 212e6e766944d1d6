"""Build functions take SciKeras' arguments (meta, compile_kwargs, params, their own by name);
a network they compile is trained as compiled; subclass hooks work or are refused."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from sklearn.base import clone

from skweight import WeightedKerasClassifier, WeightedKerasRegressor

pytestmark = pytest.mark.core

TINY = {"epochs": 1, "batch_size": 16, "random_state": 0}


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    return X, (X[:, 0] > 0.3).astype(np.int64)


def _sigmoid(n_features, compile_with=None):
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(1, "sigmoid")])
    if compile_with is not None:
        model.compile(**compile_with)
    return model


def test_build_function_gets_scikeras_meta_params_and_compile_kwargs(data):
    X, y = data
    seen = {}

    def build(meta, compile_kwargs, params, n_outputs_expected_):
        seen.update(meta=meta, compile_kwargs=compile_kwargs, params=params)
        assert n_outputs_expected_ == 1
        return _sigmoid(meta["n_features_in_"])

    clf = WeightedKerasClassifier(
        build, **TINY, optimizer="sgd", optimizer__learning_rate=0.05, metrics=["accuracy"]
    ).fit(X, y.astype(np.int32))
    meta = seen["meta"]
    assert meta["n_features_in_"] == 3 and meta["X_shape_"] == (40, 3)
    assert meta["X_dtype_"] == np.float32
    assert meta["y_dtype_"] == np.int32 and meta["y_ndim_"] == 1
    assert meta["target_type_"] == "binary" and meta["n_classes_"] == 2
    assert meta["classes_"].tolist() == [0, 1] and meta["n_outputs_"] == 1
    assert "model_" not in meta and "history_" not in meta
    kwargs = seen["compile_kwargs"]
    assert isinstance(kwargs["optimizer"], keras.optimizers.SGD)
    assert np.isclose(float(kwargs["optimizer"].learning_rate), 0.05)
    assert isinstance(kwargs["loss"], keras.losses.BinaryCrossentropy)
    assert kwargs["metrics"] == ["accuracy"]
    assert seen["params"] == clf.get_params()
    assert "accuracy" in clf.history_  # the network was compiled with the metrics


def test_compile_kwargs_carry_the_weighting_and_a_network_compiled_with_them_is_kept(data):
    X, y = data
    made = {}

    def build(meta, compile_kwargs):
        made["optimizer"] = compile_kwargs["optimizer"]
        return _sigmoid(meta["n_features_in_"], compile_kwargs)

    clf = WeightedKerasClassifier(build, **TINY, weighting="focal").fit(X, y)
    assert isinstance(clf.model_.loss, keras.losses.BinaryFocalCrossentropy)
    assert clf.model_.optimizer is made["optimizer"]


def test_a_network_compiled_by_the_build_function_trains_as_compiled(data):
    X, y = data

    def build(meta):
        return _sigmoid(meta["n_features_in_"], {"optimizer": "sgd", "loss": "bce",
                                                 "metrics": ["accuracy"]})  # fmt: skip

    clf = WeightedKerasClassifier(build, **TINY, weighting="balanced").fit(X, y)
    assert isinstance(clf.model_.optimizer, keras.optimizers.SGD)
    assert "accuracy" in clf.history_
    # a strategy that replaces the loss does so, and keeps the rest of the compile settings
    focal = WeightedKerasClassifier(build, **TINY, weighting="focal").fit(X, y)
    assert isinstance(focal.model_.loss, keras.losses.BinaryFocalCrossentropy)
    assert isinstance(focal.model_.optimizer, keras.optimizers.SGD)
    assert "accuracy" in focal.history_
    # recompile=True compiles it again with the estimator's own settings
    again = WeightedKerasClassifier(build, **TINY, recompile=True).fit(X, y)
    assert isinstance(again.model_.optimizer, keras.optimizers.Adam)
    # a compiled keras.Model given as model= is cloned compiled as it was
    instance = WeightedKerasClassifier(build({"n_features_in_": 3}), **TINY).fit(X, y)
    assert isinstance(instance.model_.optimizer, keras.optimizers.SGD)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"loss": "mse"}, "loss='mean_squared_error', but the build function compiled"),
        ({"optimizer": "rmsprop"}, "optimizer='rmsprop' would be ignored"),
        ({"optimizer__learning_rate": 0.5}, "optimizer__learning_rate=0.5 would be ignored"),
        ({"metrics": ["mse"]}, "metrics would be ignored"),
        ({"compile__run_eagerly": True}, "compile__run_eagerly=True would be ignored"),
    ],
)
def test_settings_a_compiled_network_would_ignore_are_errors(data, params, match):
    X, y = data

    def build(meta):
        return _sigmoid(meta["n_features_in_"], {"optimizer": "sgd", "loss": "bce"})

    with pytest.raises(ValueError, match=match):
        WeightedKerasClassifier(build, **TINY, **params).fit(X, y)


def test_settings_equal_to_the_compiled_ones_are_not_conflicts(data):
    X, y = data

    def build(meta):
        optimizer = keras.optimizers.SGD(learning_rate=0.05)
        return _sigmoid(meta["n_features_in_"], {"optimizer": optimizer, "loss": "bce"})

    clf = WeightedKerasClassifier(
        build, **TINY, loss="binary_crossentropy", optimizer="sgd", optimizer__learning_rate=0.05
    ).fit(X, y)
    assert np.isclose(float(clf.model_.optimizer.learning_rate), 0.05)


def test_model_parameters_reach_the_build_function_or_are_errors(data):
    X, y = data

    def build(meta, width, hidden_layer_sizes=(2,)):
        inputs = keras.Input((meta["n_features_in_"],))
        hidden = keras.layers.Dense(width + hidden_layer_sizes[0])(inputs)
        return keras.Model(inputs, keras.layers.Dense(1, "sigmoid")(hidden))

    # SciKeras' bare keyword for the build function, and model__
    for params in ({"width": 3}, {"model__width": 3}):
        clf = WeightedKerasClassifier(build, **TINY, **params).fit(X, y)
        assert clf.model_.layers[1].units == 5  # the function's own default hidden size
    clf = WeightedKerasClassifier(build, **TINY, width=3, hidden_layer_sizes=(4,)).fit(X, y)
    assert clf.model_.layers[1].units == 7  # the estimator's value, set by the user
    copy = clone(clf).set_params(width=1)
    assert copy.get_params()["width"] == 1 and clf.get_params()["width"] == 3
    with pytest.raises(ValueError, match="model__depth would be ignored.*has no argument 'depth'"):
        WeightedKerasClassifier(build, **TINY, width=1, model__depth=2).fit(X, y)
    with pytest.raises(ValueError, match="model__width__x would be ignored"):
        WeightedKerasClassifier(build, **TINY, width=1, model__width__x=2).fit(X, y)
    with pytest.raises(ValueError, match="Unknown parameter 'widht'.*it takes"):
        WeightedKerasClassifier(build, **TINY, widht=1).fit(X, y)
    with pytest.raises(ValueError, match="SciKeras' class_weight= is weighting="):
        WeightedKerasClassifier(build, **TINY, width=1, class_weight="balanced").fit(X, y)


def test_build_function_with_kwargs_receives_everything(data):
    X, y = data
    seen = {}

    def build(**kwargs):
        seen.update(kwargs)
        return _sigmoid(kwargs["n_features_in_"])

    WeightedKerasClassifier(build, **TINY, model__depth=2, depth_too=1).fit(X, y)
    assert {"meta", "compile_kwargs", "params", "depth", "depth_too", "X_shape_"} <= set(seen)


def test_loss_given_by_class_name_takes_loss_parameters(data):
    X, y = data
    clf = WeightedKerasClassifier(
        **TINY, hidden_layer_sizes=(3,), loss="BinaryCrossentropy", loss__label_smoothing=0.1
    ).fit(X, y)
    assert isinstance(clf.model_.loss, keras.losses.BinaryCrossentropy)
    assert clf.model_.loss.get_config()["label_smoothing"] == pytest.approx(0.1)


class _BuildsItself(WeightedKerasClassifier):
    def _keras_build_fn(self, meta, compile_kwargs, units=2):
        model = keras.Sequential([keras.Input((meta["n_features_in_"],)),
                                  keras.layers.Dense(units, "softmax")])  # fmt: skip
        model.compile(**{**compile_kwargs, "loss": "sparse_categorical_crossentropy"})
        return model


class _WithEncoder(WeightedKerasClassifier):
    @property
    def target_encoder(self):
        return None


class _WithScorer(WeightedKerasRegressor):
    @staticmethod
    def scorer(y_true, y_pred, **kwargs):
        return -float(np.mean(np.abs(y_true - y_pred)))


def test_subclass_hooks_work_or_are_refused(data):
    X, y = data
    clf = _BuildsItself(**TINY, model__units=2).fit(X, y)
    assert clf.model_.output_shape == (None, 2)
    assert clf.predict_proba(X).shape == (40, 2)
    with pytest.raises(ValueError, match="defines _keras_build_fn and model= is given too"):
        _BuildsItself(lambda meta: _sigmoid(3), **TINY).fit(X, y)
    with pytest.raises(TypeError, match="defines target_encoder, which SciKeras uses"):
        _WithEncoder(**TINY).fit(X, y)
    assert not hasattr(_WithEncoder(**TINY), "model_")
    reg = _WithScorer(**TINY, hidden_layer_sizes=(3,)).fit(X, X[:, 0])
    assert reg.score(X, X[:, 0]) == pytest.approx(
        -np.mean(np.abs(X[:, 0] - reg.predict(X))), rel=1e-6
    )


class _Declares(WeightedKerasClassifier):
    """SciKeras' subclassing pattern: its own __init__, passing the rest on."""

    def __init__(self, width=3, optimizer__learning_rate=0.05, epochs=1, **kwargs):
        super().__init__(**kwargs)
        self.width = width
        self.optimizer__learning_rate = optimizer__learning_rate
        self.epochs = epochs

    def _keras_build_fn(self, compile_kwargs):
        model = keras.Sequential([keras.Input((self.n_features_in_,)),
                                  keras.layers.Dense(self.width, "relu"),
                                  keras.layers.Dense(1, "sigmoid")])  # fmt: skip
        model.compile(loss="binary_crossentropy", optimizer=compile_kwargs["optimizer"])
        return model


def test_a_subclass_declaring_parameters_keeps_them_all(data):
    X, y = data
    clf = _Declares(weighting="balanced", random_state=0)
    copy = clone(clf)
    assert copy.weighting == "balanced" and copy.random_state == 0  # passed through **kwargs
    copy.fit(X, y)
    assert np.isclose(float(copy.model_.optimizer.learning_rate), 0.05)  # declared, routed
    copy.set_params(optimizer__learning_rate=0.2, width=2).fit(X, y)
    assert np.isclose(float(copy.model_.optimizer.learning_rate), 0.2)
    assert copy.model_.layers[0].units == 2


def test_several_inputs_or_outputs_need_a_network_with_as_many(data):
    X, y = data
    regressor = WeightedKerasRegressor(**TINY, hidden_layer_sizes=(2,))
    with pytest.raises(ValueError, match="the built-in network \\(model=None\\) has one of each"):
        regressor.fit({"a": X}, X[:, 0])
    with pytest.raises(ValueError, match="the built-in network \\(model=None\\) has one of each"):
        regressor.fit(X, [X[:, 0], X[:, 1]])
    assert regressor.fit(X, X[:, :2].tolist()).n_outputs_ == 2  # a list of rows is one y

    def two_outputs(meta):
        inputs = keras.Input((meta["n_features_in_"],))
        return keras.Model(inputs, [keras.layers.Dense(1)(inputs), keras.layers.Dense(1)(inputs)])

    with pytest.raises(
        ValueError, match="The network has 2 outputs .*; y is one target. Give y as a list"
    ):
        WeightedKerasRegressor(two_outputs, **TINY).fit(X, X[:, 0])


def test_a_build_function_taking_compile_kwargs_but_not_its_optimizer(data):
    X, y = data

    def build(meta, compile_kwargs):
        return _sigmoid(meta["n_features_in_"], {**compile_kwargs, "optimizer": "sgd"})

    WeightedKerasClassifier(build, **TINY).fit(X, y)  # nothing set that SGD would ignore
    with pytest.raises(ValueError, match="optimizer__learning_rate=0.3 would be ignored.*another"):
        WeightedKerasClassifier(build, **TINY, optimizer__learning_rate=0.3).fit(X, y)
