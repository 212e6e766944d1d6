"""SciKeras code, moved over with only its import changed (and class_weight= renamed weighting=).

Each test is written the way SciKeras' documentation and its own tests write wrapper code:
build functions that take ``meta``, ``compile_kwargs`` and ``params`` (and compile their
networks), ``initialize``, parameters routed to callbacks, metrics, optimizers and losses,
keyword arguments of ``fit`` and ``predict``, networks with several inputs and several
outputs (a loss, metrics and weights per output), subclasses with their own ``__init__`` and
``_keras_build_fn``. The names ``KerasClassifier`` and ``KerasRegressor`` are skweight's
estimators under SciKeras' names. The last tests show each difference that remains, with the
one-line change it needs (docs/migrating-from-scikeras.md lists them).
"""

from __future__ import annotations

import pickle

import keras
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from skweight import MultiInput
from skweight import WeightedKerasClassifier as KerasClassifier
from skweight import WeightedKerasRegressor as KerasRegressor

pytestmark = pytest.mark.core

FAST = {"epochs": 2, "batch_size": 16, "verbose": 0, "random_state": 0}


@pytest.fixture(scope="module")
def binary():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(48, 4)).astype("float32")
    return X, (X[:, 0] + 0.5 * X[:, 1] > 0.4).astype(np.int64)


@pytest.fixture(scope="module")
def multiclass():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(48, 4)).astype("float32")
    return X, np.digitize(X[:, 0], [-0.4, 0.4])


@pytest.fixture(scope="module")
def regression():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(48, 4)).astype("float32")
    return X, X @ np.array([1.0, -0.5, 0.2, 0.0]) + 0.1


# ---------------------------------------------------------------- build functions


def get_model(hidden_layer_dim, meta):
    # the quick-start build function: its own argument as a bare keyword, sizes from meta
    n_features_in_ = meta["n_features_in_"]
    n_classes_ = meta["n_classes_"]
    model = keras.models.Sequential()
    model.add(keras.layers.Input(shape=(n_features_in_,)))
    model.add(keras.layers.Dense(hidden_layer_dim, activation="relu"))
    model.add(keras.layers.Dense(n_classes_, activation="softmax"))
    return model


def test_quick_start(multiclass):
    X, y = multiclass
    clf = KerasClassifier(
        get_model, loss="sparse_categorical_crossentropy", hidden_layer_dim=8, **FAST
    )
    clf.fit(X, y)
    assert clf.predict(X).shape == (48,)
    assert set(clf.predict(X)) <= {0, 1, 2}
    assert 0.0 <= clf.score(X, y) <= 1.0
    assert clf.predict_proba(X).shape == (48, 3)


def get_clf_model(hidden_layer_sizes, meta, compile_kwargs):
    # one build function for binary and multiclass targets; it compiles with its own loss
    model = keras.Sequential()
    model.add(keras.layers.Input(shape=(meta["n_features_in_"],)))
    for units in hidden_layer_sizes:
        model.add(keras.layers.Dense(units, activation="relu"))
    if meta["target_type_"] == "binary":
        n_output_units, output_activation, loss = 1, "sigmoid", "binary_crossentropy"
    elif meta["target_type_"] == "multiclass":
        n_output_units = meta["n_classes_"]
        output_activation, loss = "softmax", "sparse_categorical_crossentropy"
    else:
        raise NotImplementedError(f"Unsupported task type: {meta['target_type_']}")
    model.add(keras.layers.Dense(n_output_units, activation=output_activation))
    model.compile(loss=loss, optimizer=compile_kwargs["optimizer"])
    return model


@pytest.mark.parametrize("target", ["binary", "multiclass"])
def test_build_function_compiling_with_compile_kwargs(target, request):
    X, y = request.getfixturevalue(target)
    clf = KerasClassifier(
        model=get_clf_model, hidden_layer_sizes=(8,), optimizer="adam",
        optimizer__learning_rate=0.01, **FAST,
    )  # fmt: skip
    clf.fit(X, y)
    assert isinstance(clf.model_.optimizer, keras.optimizers.Adam)
    assert np.isclose(float(clf.model_.optimizer.learning_rate), 0.01)
    assert clf.predict_proba(X).shape == (48, len(np.unique(y)))


def get_reg(meta, compile_kwargs):
    model = keras.Sequential()
    model.add(keras.layers.Input(shape=(meta["n_features_in_"],)))
    model.add(keras.layers.Dense(8, activation="relu"))
    model.add(keras.layers.Dense(1))
    model.compile(**compile_kwargs)  # loss, optimizer and metrics as the estimator sets them
    return model


def test_regressor_compiling_with_every_compile_kwarg(regression):
    X, y = regression
    reg = KerasRegressor(
        model=get_reg, loss="mse", optimizer=keras.optimizers.SGD, optimizer__learning_rate=0.05,
        metrics=[keras.metrics.MeanAbsoluteError], metrics__0__name="mae", **FAST,
    )  # fmt: skip
    reg.fit(X, y)
    assert len(reg.history_) == 2 and "loss" in reg.history_  # the loss and the metric
    assert isinstance(reg.model_.optimizer, keras.optimizers.SGD)
    assert reg.predict(X).shape == (48,)
    assert np.isfinite(reg.score(X, y))


def test_build_function_reading_params_and_meta(binary):
    X, y = binary
    seen = {}

    def build_fn(meta, params, compile_kwargs):
        seen.update(params=params, meta=meta)
        units = 2 * len(params["callbacks"] or []) + 4
        model = keras.Sequential()
        model.add(keras.layers.Input((meta["n_features_in_"],)))
        model.add(keras.layers.Dense(units, activation="relu"))
        model.add(keras.layers.Dense(meta["n_outputs_expected_"], activation="sigmoid"))
        model.compile(**compile_kwargs)
        return model

    clf = KerasClassifier(build_fn, loss="binary_crossentropy", **FAST)
    clf.fit(X, y)
    assert seen["params"]["loss"] == "binary_crossentropy"
    assert seen["params"]["epochs"] == FAST["epochs"]
    assert seen["meta"]["X_shape_"] == X.shape and seen["meta"]["y_ndim_"] == 1
    assert clf.model_.layers[0].units == 4


# ---------------------------------------------------------------- initialize and training


def test_initialize_then_predict_then_partial_fit(binary):
    X, y = binary
    clf = KerasClassifier(get_clf_model, hidden_layer_sizes=(4,), **FAST)
    clf.initialize(X, y)
    assert clf.current_epoch == 0
    assert clf.predict(X).shape == (48,)
    clf.partial_fit(X, y)
    clf.partial_fit(X, y)
    assert clf.current_epoch == 2
    assert len(clf.history_["loss"]) == 2


def test_fit_keywords_batch_size_and_warm_start(regression):
    X, y = regression
    reg = KerasRegressor(get_reg, loss="mse", **{**FAST, "batch_size": -1})
    reg.fit(X, y, epochs=3)
    assert reg.current_epoch == 3
    reg.set_params(fit__epochs=1).fit(X, y)
    assert reg.current_epoch == 1
    np.testing.assert_allclose(reg.predict(X, batch_size=-1), reg.predict(X), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- routed parameters


def test_callbacks_routed_as_scikeras_routes_them(binary):
    X, y = binary
    clf = KerasClassifier(
        get_clf_model, hidden_layer_sizes=(4,), **{**FAST, "epochs": 8},
        callbacks=[keras.callbacks.EarlyStopping], callbacks__0__monitor="loss",
        callbacks__0__min_delta=10.0, callbacks__0__patience=1,
    )  # fmt: skip
    clf.fit(X, y)
    assert clf.current_epoch == 2
    clf = KerasClassifier(
        get_clf_model, hidden_layer_sizes=(4,), **{**FAST, "epochs": 8},
        callbacks={"stop": keras.callbacks.EarlyStopping}, callbacks__stop__monitor="loss",
        callbacks__stop__min_delta=10.0, callbacks__stop__patience=0,
        fit__callbacks=[keras.callbacks.TerminateOnNaN],
    )  # fmt: skip
    clf.fit(X, y)
    assert clf.current_epoch == 2


def test_metrics_optimizer_and_loss_routing(binary):
    X, y = binary
    clf = KerasClassifier(
        get_model, hidden_layer_dim=4, **FAST,
        loss=keras.losses.SparseCategoricalCrossentropy, loss__from_logits=False,
        optimizer=keras.optimizers.SGD, optimizer__learning_rate=0.1, optimizer__momentum=0.9,
        metrics=[keras.metrics.SparseCategoricalAccuracy, "sparse_categorical_crossentropy"],
        metrics__0__name="acc",
    )  # fmt: skip
    clf.fit(X, y)
    assert {"acc", "sparse_categorical_crossentropy"} <= set(clf.history_)
    assert np.isclose(float(clf.model_.optimizer.momentum), 0.9)


def test_class_weight_in_a_grid_search(binary):
    X, y = binary
    clf = KerasClassifier(get_clf_model, hidden_layer_sizes=(4,), weighting="balanced", **FAST)
    search = GridSearchCV(clf, {"weighting": [None, "balanced"]}, cv=2, scoring="accuracy")
    search.fit(X, y)
    assert np.isfinite(search.best_score_)
    assert cross_val_score(clf, X, y, cv=2).shape == (2,)


# ---------------------------------------------------------------- several inputs and outputs


def get_two_input_model(meta, compile_kwargs):
    # one Input per array of X, each sized from meta["X_shape_"] (a list, as X is)
    inputs = [keras.layers.Input(shape=shape[1:]) for shape in meta["X_shape_"]]
    hidden = keras.layers.Concatenate()(
        [keras.layers.Dense(4, activation="relu")(i) for i in inputs]
    )
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))
    model.compile(**compile_kwargs)
    return model


def test_multi_input_model(binary):
    X, y = binary
    X_list = [X[:, :2], X[:, 2:]]
    clf = KerasClassifier(get_two_input_model, loss="binary_crossentropy", **FAST)
    clf.fit(X_list, y)
    assert clf.X_shape_ == [(48, 2), (48, 2)] and clf.n_features_in_ == 4
    assert clf.predict_proba(X_list).shape == (48, 2)
    scores = cross_val_score(clf, MultiInput(X_list), y, cv=2, scoring="roc_auc")
    assert np.isfinite(scores).all()


def get_two_output_model(meta, compile_kwargs, n_grades=3):
    # SciKeras' multi-output example: a binary and a multiclass head on shared layers
    inputs = keras.layers.Input(shape=(meta["n_features_in_"],))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    outputs = [
        keras.layers.Dense(1, activation="sigmoid", name="binary")(hidden),
        keras.layers.Dense(n_grades, activation="softmax", name="multiclass")(hidden),
    ]
    model = keras.Model(inputs, outputs)
    model.compile(**compile_kwargs)
    return model


def test_multi_output_model_with_a_loss_metric_and_weights_per_output(binary, multiclass):
    X, y_binary = binary
    _, y_multiclass = multiclass
    clf = KerasClassifier(
        get_two_output_model, **FAST, weighting="balanced",
        loss=["binary_crossentropy", "sparse_categorical_crossentropy"],
        metrics=[["accuracy"], [keras.metrics.SparseCategoricalAccuracy]],
        metrics__1__0__name="acc",
    )  # fmt: skip
    weights = [np.ones(48), np.linspace(0.5, 1.5, 48)]
    clf.fit(X, [y_binary, y_multiclass], sample_weight=weights)
    assert {"binary_accuracy", "multiclass_acc", "binary_loss"} <= set(clf.history_)
    assert clf.output_names_ == ["binary", "multiclass"] and clf.n_classes_ == [2, 3]
    labels, proba = clf.predict(X), clf.predict_proba(X)
    assert [p.shape for p in proba] == [(48, 2), (48, 3)]
    assert set(labels[1]) <= {0, 1, 2}
    assert 0.0 <= clf.score(X, [y_binary, y_multiclass]) <= 1.0


# ---------------------------------------------------------------- subclasses


class MLPClassifier(KerasClassifier):
    def __init__(
        self, hidden_layer_sizes=(4,), optimizer="adam", optimizer__learning_rate=0.01,
        epochs=2, verbose=0, **kwargs,
    ):  # fmt: skip
        super().__init__(**kwargs)
        self.hidden_layer_sizes = hidden_layer_sizes
        self.optimizer = optimizer
        self.optimizer__learning_rate = optimizer__learning_rate
        self.epochs = epochs
        self.verbose = verbose

    def _keras_build_fn(self, compile_kwargs):
        model = keras.Sequential()
        model.add(keras.layers.Input(shape=(self.n_features_in_,)))
        for units in self.hidden_layer_sizes:
            model.add(keras.layers.Dense(units, activation="relu"))
        if self.target_type_ == "binary":
            model.add(keras.layers.Dense(1, activation="sigmoid"))
            loss = "binary_crossentropy"
        else:
            model.add(keras.layers.Dense(self.n_classes_, activation="softmax"))
            loss = "sparse_categorical_crossentropy"
        model.compile(loss=loss, optimizer=compile_kwargs["optimizer"])
        return model


class MAERegressor(KerasRegressor):
    @staticmethod
    def scorer(y_true, y_pred, **kwargs):
        return -float(np.mean(np.abs(y_true - y_pred)))


def test_subclass_with_its_own_init_and_build_fn(multiclass):
    X, y = multiclass
    clf = MLPClassifier(random_state=0, batch_size=16)
    assert cross_val_score(clf, X, y, cv=2).shape == (2,)
    clf.fit(X, y)
    assert np.isclose(float(clf.model_.optimizer.learning_rate), 0.01)
    assert clf.predict_proba(X).shape == (48, 3)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(again.predict_proba(X), clf.predict_proba(X), rtol=1e-6)


def test_subclass_with_its_own_scorer(regression):
    X, y = regression
    reg = MAERegressor(get_reg, loss="mse", **FAST).fit(X, y)
    assert reg.score(X, y) == pytest.approx(-np.mean(np.abs(y - reg.predict(X))), rel=1e-5)


# ---------------------------------------------------------------- what still differs


def test_difference_a_pretrained_model_instance_is_cloned_use_a_build_function(binary):
    X, y = binary
    pretrained = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(1, "sigmoid")])
    pretrained.compile(loss="binary_crossentropy", optimizer="sgd")
    pretrained.layers[-1].set_weights([np.ones((4, 1)), np.zeros(1)])
    expected = pretrained.predict(X, verbose=0)[:, 0]
    fresh = KerasClassifier(model=pretrained, **FAST).initialize(X, y)
    assert not np.allclose(fresh.predict_proba(X)[:, 1], expected, atol=1e-5)
    kept = KerasClassifier(model=lambda: pretrained, **FAST).initialize(X, y)  # the change
    np.testing.assert_allclose(kept.predict_proba(X)[:, 1], expected, rtol=1e-5)


def test_difference_encoders_are_refused_use_a_pipeline(binary):
    X, y = binary

    class WithFeatureEncoder(KerasClassifier):
        @property
        def feature_encoder(self):
            return StandardScaler()

    with pytest.raises(TypeError, match="put the transformer in a Pipeline"):
        WithFeatureEncoder(get_clf_model, hidden_layer_sizes=(4,), **FAST).fit(X, y)
    pipe = make_pipeline(StandardScaler(), KerasClassifier(get_clf_model, hidden_layer_sizes=(4,),
                                                           **FAST))  # fmt: skip
    assert pipe.fit(X, y).predict(X).shape == (48,)


def test_difference_encoders_that_split_X_or_y_give_way_to_the_split_arrays(binary, multiclass):
    """SciKeras needs a feature_encoder to split one X into a network's inputs, and a
    target_encoder to split one y into its outputs; skweight takes the split arrays."""
    X, y = binary
    _, grade = multiclass

    class SplitsX(KerasClassifier):
        @property
        def feature_encoder(self):
            return FunctionTransformer(lambda X: [X[:, :2], X[:, 2:]])

    with pytest.raises(TypeError, match="defines feature_encoder"):
        SplitsX(get_two_input_model, **FAST).fit(X, y)
    clf = KerasClassifier(get_two_input_model, **FAST)  # the change: X as the encoder's list
    assert clf.fit([X[:, :2], X[:, 2:]], y).predict([X[:, :2], X[:, 2:]]).shape == (48,)
    both = np.column_stack([y, grade])  # SciKeras: one 2-D y, split by a target_encoder
    with pytest.raises(
        ValueError, match="The network has 2 outputs .*y is one target. Give y as a list"
    ):
        KerasClassifier(get_two_output_model, **FAST).fit(X, both)
    clf = KerasClassifier(get_two_output_model, **FAST).fit(X, list(both.T))  # the change
    assert [p.shape for p in clf.predict(X)] == [(48,), (48,)]


def test_difference_settings_a_compiled_network_ignores_are_errors(binary):
    X, y = binary

    def compiled(meta):  # compiles with its own optimizer, takes no compile_kwargs
        model = keras.Sequential([keras.layers.Input((4,)), keras.layers.Dense(1, "sigmoid")])
        model.compile(loss="binary_crossentropy", optimizer="sgd")
        return model

    with pytest.raises(ValueError, match="optimizer__learning_rate=0.5 would be ignored"):
        KerasClassifier(compiled, optimizer__learning_rate=0.5, **FAST).fit(X, y)
    clf = KerasClassifier(compiled, optimizer__learning_rate=0.5, recompile=True, **FAST)
    assert np.isclose(float(clf.fit(X, y).model_.optimizer.learning_rate), 0.5)  # the change


def test_difference_the_estimator_is_a_classifier_so_roc_auc_works(binary):
    X, y = binary
    clf = KerasClassifier(get_clf_model, hidden_layer_sizes=(4,), weighting="balanced", **FAST)
    search = GridSearchCV(  # the pipeline's step is named after the class
        make_pipeline(StandardScaler(), clf),
        {"weightedkerasclassifier__weighting": [None, "balanced"]}, cv=2, scoring="roc_auc",
    )  # fmt: skip
    assert np.isfinite(search.fit(X, y).best_score_)


def test_difference_warm_start_continues_the_epoch_count_and_history(regression):
    X, y = regression
    reg = KerasRegressor(get_reg, loss="mse", warm_start=True, **FAST)
    reg.fit(X, y).fit(X, y)
    assert reg.current_epoch == 4 and len(reg.history_["loss"]) == 4


def test_difference_history_keeps_keras_metric_names(regression):
    X, y = regression
    reg = KerasRegressor(get_reg, loss="mse", metrics=["mae"], **FAST).fit(X, y)
    assert set(reg.history_) == {"loss", "mae"}  # SciKeras: "mean_absolute_error"
