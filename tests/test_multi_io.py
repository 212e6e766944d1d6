"""Networks with several inputs and several outputs.

``X`` as a ``MultiInput`` (or a list or dict of arrays) for a multi-input network, split by
rows through scikit-learn's splitters, ``cross_validate`` and ``GridSearchCV``; ``y`` with one
target per output (a ``MultiOutput``, a list or a dict), a loss, metrics, ``sample_weight``
and ``weighting=`` per output; a regressor's 2-D ``y`` in blocks of columns over several
outputs; and a clear error, naming the parameter, for each way the pieces can fail to line up.
"""

from __future__ import annotations

import pickle

import keras
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, KFold, cross_validate, train_test_split
from sklearn.utils import _safe_indexing
from sklearn.utils.class_weight import compute_class_weight

from skweight import (
    MultiInput,
    MultiOutput,
    Resampler,
    WeightedKerasClassifier,
    WeightedKerasRegressor,
)

pytestmark = pytest.mark.core

FAST = {"epochs": 2, "batch_size": 16, "verbose": 0, "random_state": 0}


@pytest.fixture(scope="module")
def rows():
    """48 rows of two inputs (3 and 2 columns), a binary and a 3-class target, two values."""
    rng = np.random.default_rng(0)
    A = rng.normal(size=(48, 3)).astype("float32")
    B = rng.normal(size=(48, 2)).astype("float32")
    binary = (A[:, 0] + B[:, 0] > 0.6).astype(np.int64)  # about 1 in 3 positive
    three = np.digitize(A[:, 1], [-0.5, 0.5])
    values = np.column_stack([A[:, 0] - B[:, 1], A[:, 2] + B[:, 0]]).astype("float32")
    return A, B, binary, three, values


def two_inputs(meta, compile_kwargs):
    """A network with inputs named "a" and "b", sized from meta["X_shape_"]."""
    shapes = meta["X_shape_"]
    a = keras.Input(shapes["a"][1:], name="a")
    b = keras.Input(shapes["b"][1:], name="b")
    hidden = keras.layers.Dense(4, activation="relu")(keras.layers.Concatenate()([a, b]))
    model = keras.Model([a, b], keras.layers.Dense(1, activation="sigmoid")(hidden))
    model.compile(**compile_kwargs)
    return model


def listed_inputs(meta):
    """The same network for X given as a list: inputs in order, shapes by position."""
    a, b = (keras.Input(shape[1:]) for shape in meta["X_shape_"])
    hidden = keras.layers.Concatenate()([a, b])
    return keras.Model([a, b], keras.layers.Dense(1, activation="sigmoid")(hidden))


def three_and_two():
    """Two inputs of fixed sizes, for X given as one array by mistake."""
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    hidden = keras.layers.Concatenate()([a, b])
    return keras.Model([a, b], keras.layers.Dense(1, activation="sigmoid")(hidden))


def plain_heads(meta):
    """Two unnamed heads (one unit, three units) on one input."""
    inputs = keras.Input((meta["n_features_in_"],))
    first = keras.layers.Dense(1, activation="sigmoid")(inputs)
    return keras.Model(inputs, [first, keras.layers.Dense(3, activation="softmax")(inputs)])


def two_heads(meta, compile_kwargs):
    """A binary head "sick" and a multiclass head "grade", sized from meta."""
    inputs = keras.Input((meta["n_features_in_"],))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    sick = keras.layers.Dense(1, activation="sigmoid", name="sick")(hidden)
    grade = keras.layers.Dense(meta["n_classes_"]["grade"], activation="softmax", name="grade")
    model = keras.Model(inputs, [sick, grade(hidden)])
    model.compile(**compile_kwargs)
    return model


# ---------------------------------------------------------------- the container


def test_multi_input_selects_rows_of_every_array(rows):
    A, B, *_ = rows
    X = MultiInput({"a": A, "b": B})
    assert len(X) == 48 and X.shape == (48,) and X.names == ("a", "b")
    assert X["a"] is A  # kept as given, not copied
    for key in (slice(3, 9), np.arange(6) * 2, np.arange(48) < 6, [5, 5, 0]):
        part = X[key]
        assert isinstance(part, MultiInput)
        np.testing.assert_array_equal(part["a"], A[key])
        np.testing.assert_array_equal(part["b"], B[key])
    np.testing.assert_array_equal(X[np.arange(4), ...]["b"], B[:4])  # _safe_indexing's form
    np.testing.assert_array_equal(_safe_indexing(X, [1, 2])["a"], A[[1, 2]])
    train, test = train_test_split(X, test_size=8, random_state=0)
    assert (len(train), len(test)) == (40, 8) and train["b"].shape == (40, 2)
    listed = MultiInput([A, B])
    assert listed.names is None and listed[:2].arrays[1].shape == (2, 2)
    assert isinstance(MultiOutput({"y": A[:, 0]})[:3], MultiOutput)
    assert repr(X) == "MultiInput({'a': (48, 3) float32, 'b': (48, 2) float32})"


def test_multi_input_says_what_is_wrong(rows):
    A, B, *_ = rows
    with pytest.raises(
        ValueError, match="different numbers of rows \\(input 'a' 48, input 'b' 40\\)"
    ):
        MultiInput({"a": A, "b": B[:40]})
    with pytest.raises(TypeError, match="keys name the network's inputs and must be strings"):
        MultiInput({0: A})
    with pytest.raises(ValueError, match="input 1 is a scalar"):
        MultiInput([A, 3.0])
    with pytest.raises(ValueError, match="needs at least one array"):
        MultiInput([])
    X = MultiInput({"a": A, "b": B})
    with pytest.raises(TypeError, match="X\\[\\[3\\]\\] for row 3"):
        X[3]
    with pytest.raises(KeyError, match="no input 'c'; it has 'a', 'b'"):
        X["c"]
    with pytest.raises(IndexError, match="selects rows only"):
        X[:, 0]
    with pytest.raises(TypeError, match="not one array.*KFold"):
        np.asarray(X)


# ---------------------------------------------------------------- several inputs


def test_dict_and_list_inputs_fit_predict_and_score(rows):
    A, B, binary, *_ = rows
    clf = WeightedKerasClassifier(two_inputs, weighting="balanced", **FAST)
    clf.fit({"a": A, "b": B}, binary)  # a plain dict is wrapped for fit
    assert clf.X_shape_ == {"a": (48, 3), "b": (48, 2)}
    assert clf.X_dtype_ == {"a": np.dtype("float32"), "b": np.dtype("float32")}
    assert clf.n_features_in_ == 5
    assert clf.predict({"a": A, "b": B}).shape == (48,)
    assert clf.predict_proba(MultiInput({"b": B, "a": A})).shape == (48, 2)  # by name
    assert 0 <= clf.score({"a": A, "b": B}, binary) <= 1
    listed = WeightedKerasClassifier(listed_inputs, validation_split=0.25, **FAST)
    listed.fit([A, B], binary)
    assert listed.X_shape_ == [(48, 3), (48, 2)]
    assert {"val_loss", "val_loss_unweighted"} <= set(listed.history_)
    assert listed.predict([A, B]).shape == (48,)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(
        again.predict_proba({"a": A, "b": B}), clf.predict_proba({"a": A, "b": B}), rtol=1e-6
    )


def test_integer_inputs_stay_integers_for_an_embedding(rows):
    A, _, binary, *_ = rows
    tokens = np.random.default_rng(1).integers(0, 10, size=(48, 5))

    def text_and_numbers(meta):
        ids = keras.Input(meta["X_shape_"]["ids"][1:], name="ids", dtype="int32")
        numbers = keras.Input(meta["X_shape_"]["numbers"][1:], name="numbers")
        words = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(10, 3)(ids))
        joined = keras.layers.Concatenate()([words, numbers])
        return keras.Model([ids, numbers], keras.layers.Dense(1, activation="sigmoid")(joined))

    clf = WeightedKerasClassifier(text_and_numbers, **FAST)
    clf.fit({"ids": tokens, "numbers": A}, binary)
    assert clf.X_dtype_["ids"].kind == "i" and clf.X_dtype_["numbers"] == np.float32
    assert clf.predict({"ids": tokens, "numbers": A}).shape == (48,)


def test_cross_validation_and_search_split_the_container(rows):
    A, B, binary, *_ = rows
    X = MultiInput({"a": A, "b": B})
    clf = WeightedKerasClassifier(two_inputs, **FAST)
    scores = cross_validate(clf, X, binary, cv=3, scoring=["accuracy", "roc_auc"])
    assert scores["test_accuracy"].shape == (3,) and np.isfinite(scores["test_roc_auc"]).all()
    search = GridSearchCV(clf, {"weighting": [None, "balanced"]}, cv=2).fit(X, binary)
    assert search.best_estimator_.X_shape_ == {"a": (48, 3), "b": (48, 2)}


def test_resamplers_take_rows_whole_and_synthesisers_are_refused(rows):
    from imblearn.over_sampling import SMOTE, RandomOverSampler

    A, B, binary, *_ = rows
    X = MultiInput({"a": A, "b": B})
    clf = WeightedKerasClassifier(two_inputs, weighting=RandomOverSampler(), **FAST).fit(X, binary)
    np.testing.assert_allclose(clf.training_prior_, [0.5, 0.5])
    per_epoch = Resampler(RandomOverSampler(random_state=0), per_epoch=True)
    WeightedKerasClassifier(two_inputs, weighting=per_epoch, **FAST).fit(X, binary)
    with pytest.raises(ValueError, match="weighting=SMOTE\\(\\) synthesises feature rows.*"
                       "X is a MultiInput of 2 inputs"):  # fmt: skip
        WeightedKerasClassifier(two_inputs, weighting=SMOTE(), **FAST).fit(X, binary)


def test_inputs_that_do_not_line_up_are_errors(rows):
    A, B, binary, *_ = rows
    clf = WeightedKerasClassifier(two_inputs, **FAST).fit({"a": A, "b": B}, binary)
    with pytest.raises(ValueError, match="X is one array; the estimator was fitted on 2 inputs"):
        clf.predict(np.hstack([A, B]))
    with pytest.raises(ValueError, match="fitted on inputs named \\['a', 'b'\\]"):
        clf.predict({"a": A, "c": B})
    with pytest.raises(ValueError, match="X's input 'b' has rows of shape \\(3,\\).*\\(2,\\)"):
        clf.predict({"a": A, "b": A})
    with pytest.raises(ValueError, match="X's inputs are named \\['a', 'x'\\]; the network's"):
        WeightedKerasClassifier(three_and_two, **FAST).fit({"a": A, "x": B}, binary)
    with pytest.raises(ValueError, match="X's input 'b' contains NaN"):
        WeightedKerasClassifier(two_inputs, **FAST).fit({"a": A, "b": B * np.nan}, binary)
    with pytest.raises(ValueError, match="X's input 'b' has dtype <U1"):
        WeightedKerasClassifier(two_inputs, **FAST).fit(
            {"a": A, "b": np.full((48, 2), "x")}, binary
        )
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        WeightedKerasClassifier(two_inputs, **FAST).fit({"a": A, "b": B}, binary[:40])
    with pytest.raises(ValueError, match="The network has 2 inputs \\(\\['a', 'b'\\]\\); X is one"):
        WeightedKerasClassifier(three_and_two, **FAST).fit(np.hstack([A, B]), binary)
    with pytest.raises(ValueError, match="built-in network \\(model=None\\) has one of each"):
        WeightedKerasClassifier(**FAST).fit({"a": A, "b": B}, binary)


# ---------------------------------------------------------------- several outputs


def test_each_output_gets_its_loss_metrics_and_class_weights(rows):
    A, B, binary, three, _ = rows
    X = np.hstack([A, B])
    y = {"sick": binary, "grade": three}
    seen = {}

    def recorded(meta, compile_kwargs):
        seen.update(meta=meta, compile_kwargs=compile_kwargs)
        return two_heads(meta, compile_kwargs)

    clf = WeightedKerasClassifier(
        recorded, weighting="balanced", validation_split=0.25, **FAST,
        loss={"sick": "binary_crossentropy", "grade": keras.losses.SparseCategoricalCrossentropy},
        metrics={"sick": ["accuracy"], "grade": ["accuracy"]},
    )  # fmt: skip
    clf.fit(X, y)
    assert seen["meta"]["n_outputs_expected_"] == 2
    assert set(seen["compile_kwargs"]["loss"]) == {"sick", "grade"}  # one loss per output
    assert clf.target_type_ == "multiclass-multioutput" and clf.n_outputs_ == 2
    assert clf.output_names_ == ["sick", "grade"]
    np.testing.assert_array_equal(clf.classes_["grade"], [0, 1, 2])
    assert clf.n_classes_ == {"sick": 2, "grade": 3}
    assert {"sick_accuracy", "grade_loss", "val_loss_unweighted"} <= set(clf.history_)
    train = np.sort(train_test_split(np.arange(48), test_size=0.25, random_state=0)[0])
    for name, labels in y.items():  # each output's class weights come from its own labels
        expected = compute_class_weight("balanced", classes=clf.classes_[name], y=labels[train])
        np.testing.assert_allclose(clf.weighting_[name].class_weights_, expected)
    predicted, proba = clf.predict(X), clf.predict_proba(X)
    assert predicted["sick"].shape == (48,) and set(predicted["grade"]) <= {0, 1, 2}
    assert proba["sick"].shape == (48, 2) and proba["grade"].shape == (48, 3)
    np.testing.assert_allclose(proba["grade"].sum(axis=1), 1.0, rtol=1e-5)
    subset = np.mean((predicted["sick"] == binary) & (predicted["grade"] == three))
    assert clf.score(X, y) == pytest.approx(subset)
    assert clf.score(X, y, sample_weight=np.ones(48)) == pytest.approx(subset)


def test_weights_enter_each_outputs_loss(rows):
    """With one batch and a step too small to move the network, the loss Keras reports is
    the sum over the outputs of mean(w_k * L_k), w_k = sample_weight_k x output k's class
    weight, scaled to mean 1 over output k's rows of positive weight."""
    A, B, binary, three, _ = rows
    X = np.hstack([A, B])
    weights = {"sick": np.linspace(0.5, 2.0, 48), "grade": (np.arange(48) % 4 > 0) * 1.0}
    clf = WeightedKerasClassifier(
        two_heads, weighting="balanced", epochs=1, batch_size=-1, random_state=0,
        optimizer="sgd", optimizer__learning_rate=1e-30,
    )  # fmt: skip
    clf.fit(X, {"sick": binary, "grade": three}, sample_weight=weights)
    proba = clf.predict_proba(X)
    total = 0.0
    for name, labels in (("sick", binary), ("grade", three)):
        given = weights[name]
        kept = given > 0
        class_weight = compute_class_weight("balanced", classes=clf.classes_[name], y=labels[kept])
        w = given * class_weight[labels]
        w = w / w[kept].mean()
        p = np.clip(proba[name][np.arange(48), labels], 1e-7, 1 - 1e-7)
        total += np.mean(w * -np.log(p))
    assert clf.history_["loss"][0] == pytest.approx(total, rel=2e-4)


def test_multi_output_cross_validation_and_search(rows):
    A, B, binary, three, _ = rows
    X = MultiInput({"a": A, "b": B})
    y = MultiOutput({"sick": binary, "grade": three})

    def both(meta, compile_kwargs):
        a = keras.Input(meta["X_shape_"]["a"][1:], name="a")
        b = keras.Input(meta["X_shape_"]["b"][1:], name="b")
        hidden = keras.layers.Concatenate()([a, b])
        sick = keras.layers.Dense(1, activation="sigmoid", name="sick")(hidden)
        grade = keras.layers.Dense(3, activation="softmax", name="grade")(hidden)
        model = keras.Model({"a": a, "b": b}, {"sick": sick, "grade": grade})
        model.compile(**compile_kwargs)
        return model

    clf = WeightedKerasClassifier(both, **FAST)
    weights = MultiOutput({"sick": np.ones(48), "grade": np.linspace(1, 2, 48)})
    scores = cross_validate(clf, X, y, cv=KFold(3), params={"sample_weight": weights})
    assert scores["test_score"].shape == (3,)
    search = GridSearchCV(clf, {"weighting": [None, "focal"]}, cv=KFold(2)).fit(X, y)
    assert np.isfinite(search.best_score_)
    focal = clf.set_params(weighting="focal").fit(X, y).model_.loss
    assert isinstance(focal["sick"], keras.losses.BinaryFocalCrossentropy)
    assert isinstance(focal["grade"], keras.losses.CategoricalFocalCrossentropy)
    with pytest.raises(TypeError, match="pass cv=KFold"):  # stratified folds need one y
        cross_validate(clf, X, y, cv=3)


def test_continued_training_and_saving_keep_the_outputs(rows, tmp_path):
    A, B, binary, three, _ = rows
    X, y = np.hstack([A, B]), [binary, three]
    clf = WeightedKerasClassifier(plain_heads, prior_correction=True, **FAST)
    clf.partial_fit(X[:24], [binary[:24], three[:24]], classes=[[0, 1], [0, 1, 2]])
    clf.partial_fit(X[24:], [binary[24:], three[24:]])
    assert clf.current_epoch == 2 and isinstance(clf.predict(X), list)
    with pytest.raises(ValueError, match="y is one target; the estimator was fitted on 2"):
        clf.partial_fit(X, binary)
    clf.fit(X, y)
    saved = WeightedKerasClassifier.load(clf.save(tmp_path / "two", exclude=["model"]))
    for mine, theirs in zip(clf.predict_proba(X), saved.predict_proba(X), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_regressor_outputs_as_a_list_or_as_blocks_of_columns(rows):
    A, B, _, _, values = rows
    X = np.hstack([A, B])

    def heads(meta):
        inputs = keras.Input((meta["n_features_in_"],))
        return keras.Model(inputs, [keras.layers.Dense(1)(inputs), keras.layers.Dense(2)(inputs)])

    Y = np.column_stack([values[:, 0], values])  # three columns: one for the first head, two
    blocks = WeightedKerasRegressor(heads, validation_split=0.25, **FAST).fit(X, Y)
    assert blocks.output_blocks_ == [1, 2] and blocks.predict(X).shape == (48, 3)
    assert np.isfinite(blocks.score(X, Y)) and "val_loss_unweighted" in blocks.history_
    reg = WeightedKerasRegressor(heads, loss=["mse", "mae"], **FAST)
    reg.fit(X, [values[:, 0], values], sample_weight=[np.ones(48), np.linspace(0, 1, 48)])
    first, second = reg.predict(X)
    assert first.shape == (48,) and second.shape == (48, 2)
    assert reg.model_.loss[1].name == "mean_absolute_error"
    reg.set_params(compile__loss_weights=[1.0, 0.0]).fit(X, [values[:, 0], values])
    assert reg.model_.compiled and reg.score(X, [values[:, 0], values]) <= 1.0


def test_outputs_that_do_not_line_up_are_errors(rows):
    A, B, binary, three, values = rows
    X = np.hstack([A, B])
    y = {"sick": binary, "grade": three}
    with pytest.raises(ValueError, match="y's outputs are named \\['grade', 'ill'\\]; the network"):
        WeightedKerasClassifier(two_heads, **FAST).fit(X, {"ill": binary, "grade": three})
    with pytest.raises(ValueError, match="The network has 2 output.*y has 3"):
        WeightedKerasClassifier(two_heads, **FAST).fit(X, {**y, "more": binary})
    with pytest.raises(ValueError, match="loss names the outputs \\['sick'\\]"):
        WeightedKerasClassifier(two_heads, loss={"sick": "bce"}, **FAST).fit(X, y)
    with pytest.raises(ValueError, match="loss__ill__from_logits would be ignored"):
        WeightedKerasClassifier(two_heads, loss={"sick": None, "grade": None},
                                loss__ill__from_logits=True, **FAST).fit(X, y)  # fmt: skip
    with pytest.raises(
        ValueError, match="sample_weight gives weights for outputs named \\['sick'\\]"
    ):
        WeightedKerasClassifier(two_heads, **FAST).fit(X, y, sample_weight={"sick": np.ones(48)})
    with pytest.raises(ValueError, match="sample_weight for output 'grade': Negative values"):
        WeightedKerasClassifier(two_heads, **FAST).fit(
            X, y, sample_weight={"sick": np.ones(48), "grade": -np.ones(48)}
        )
    with pytest.raises(ValueError, match="weighting=RandomUnderSampler\\(\\) resamples the rows"):
        from imblearn.under_sampling import RandomUnderSampler

        WeightedKerasClassifier(two_heads, weighting=RandomUnderSampler(), **FAST).fit(X, y)
    with pytest.raises(ValueError, match="y's output 'grade' is 'continuous'"):
        WeightedKerasClassifier(two_heads, **FAST).fit(X, {"sick": binary, "grade": values[:, 0]})
    with pytest.raises(ValueError, match="y's output 'grade' has shape \\(48, 2, 2\\)"):
        WeightedKerasClassifier(two_heads, **FAST).fit(
            X, {"sick": binary, "grade": np.zeros((48, 2, 2), dtype=int)}
        )
    with pytest.raises(ValueError, match="different numbers of rows \\(output 'sick' 48, output"):
        WeightedKerasClassifier(two_heads, **FAST).fit(X, {"sick": binary, "grade": three[:40]})
    with pytest.raises(ValueError, match="ignore_label=9 applies to one target"):
        WeightedKerasClassifier(two_heads, ignore_label=9, **FAST).fit(X, y)
    with pytest.raises(ValueError, match="The network has 2 outputs .*y is one target"):
        WeightedKerasClassifier(plain_heads, **FAST).fit(X, binary)
    with pytest.raises(ValueError, match="compile__loss_weights weighs the losses of a network's"):
        WeightedKerasClassifier(two_inputs, compile__loss_weights=[1.0], **FAST).fit(
            {"a": A, "b": B}, binary
        )
    listed = WeightedKerasClassifier(plain_heads, **FAST).fit(X, [binary, three])
    before = listed.predict_proba(X)
    with pytest.raises(ValueError, match="The network has 2 output.*y has 3"):
        listed.fit(X, [binary, three, binary])  # a failed fit leaves the estimator as it was
    np.testing.assert_array_equal(listed.predict_proba(X)[1], before[1])
    assert len(listed.outputs_) == 2
    clf = WeightedKerasClassifier(two_heads, **FAST).fit(X, y)
    with pytest.raises(ValueError, match="y is one target; the estimator predicts 2 outputs"):
        clf.score(X, binary)
    with pytest.raises(ValueError, match="y's output 'grade' has label\\(s\\) \\[7\\]"):
        clf.score(X, {"sick": binary, "grade": np.full(48, 7)})


def test_the_callers_arrays_are_never_modified(rows):
    A, B, binary, three, _ = rows
    X = {"a": A.astype(np.float64), "b": B.astype(np.float64)}
    y = {"sick": binary.copy(), "grade": three.copy()}
    weights = {"sick": np.linspace(1, 2, 48), "grade": np.ones(48)}
    given = {**X, **y, **{f"weight {k}": v for k, v in weights.items()}}
    before = {name: value.copy() for name, value in given.items()}

    def both(meta, compile_kwargs):
        a = keras.Input(meta["X_shape_"]["a"][1:], name="a")
        b = keras.Input(meta["X_shape_"]["b"][1:], name="b")
        hidden = keras.layers.Concatenate()([a, b])
        sick = keras.layers.Dense(1, activation="sigmoid", name="sick")(hidden)
        grade = keras.layers.Dense(3, activation="softmax", name="grade")(hidden)
        model = keras.Model([a, b], [sick, grade])
        model.compile(**compile_kwargs)
        return model

    WeightedKerasClassifier(both, weighting="balanced", **FAST).fit(X, y, sample_weight=weights)
    after = {**X, **y, **{f"weight {k}": v for k, v in weights.items()}}
    for name, value in before.items():
        np.testing.assert_array_equal(after[name], value)
        assert after[name].dtype == value.dtype
