"""Bad input across the public API: one table, each row a clear error that names the parameter.

Every row calls the public API with one mistake and expects the error type and a message naming
the parameter (or command-line option) at fault. Estimator rows also check that no network was
trained. Cases already covered elsewhere are not repeated here; they count towards the total:

- tests/test_model_building.py: ``test_bad_parameters_get_clear_errors`` (14 rows: epochs,
  batch_size, validation_split, random_state, unknown weighting name, weighting dict with an
  unknown class or a negative weight, fit__class_weight, loss, optimizer, model not a model, build
  function returning a non-model, output size mismatch, unknown build argument),
  ``test_bad_sample_weight_gets_clear_errors`` (4: negative, NaN, wrong length, all zero),
  ``test_bad_targets_get_clear_errors`` (3: one class, continuous y, y of the wrong length) and
  the unseen label of ``test_partial_fit_continues_and_needs_all_classes`` (1): 22 in all.
- tests/test_cli.py: ``USAGE_ERRORS`` (47 command-line mistakes, every usage error of
  ``skweight compare``), each run by ``test_every_usage_error_is_one_line_with_status_2``.
- tests/test_save_safety.py: 2 more (``overwrite=True`` onto a folder that is not a save, a saved
  network with the wrong number of input features).

This table has 151 rows (``len(CASES)``) in these families: X, y and sample_weight values and
types (weights that overflow or underflow float32 included); weighting strategies, focal loss
parameters and samplers that return malformed output; the estimator's own and routed
parameters (ignored ``model__*``, ``fit__*``, ``compile__*``, ``predict__*``, learning rates);
what the network outputs (a loss contradicting the last activation); partial_fit's classes;
prediction; costs, scorers and decisions (constant cost matrices, non-probabilities);
compare_weightings; saving and loading. So 151 + 22 + 47 + 2 = 222 bad inputs are tested in all.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from imblearn.over_sampling import SMOTE, RandomOverSampler
from sklearn.base import BaseEstimator
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.svm import LinearSVC

from skweight import (
    CostSensitiveWeights,
    EffectiveNumberWeights,
    FocalLoss,
    MinimumCostClassifier,
    RecencyWeights,
    Resampler,
    WeightedKerasClassifier,
    WeightedKerasRegressor,
    compare_weightings,
    cost_threshold,
    expected_cost,
    make_cost_scorer,
    minimum_cost_predict,
)
from skweight.decision import expected_decision_costs
from skweight.persistence import load, save

TINY = {"hidden_layer_sizes": (8,), "epochs": 1, "random_state": 0}


@dataclass
class Context:
    X: np.ndarray
    y: np.ndarray
    fitted: WeightedKerasClassifier
    folder: Path
    estimators: list = field(default_factory=list)

    def clf(self, **params):
        est = WeightedKerasClassifier(**{**TINY, **params})
        self.estimators.append(est)
        return est

    def reg(self, **params):
        est = WeightedKerasRegressor(**{**TINY, **params})
        self.estimators.append(est)
        return est

    def fit(self, X=None, y=None, sample_weight=None, **params):
        X = self.X if X is None else X
        y = self.y if y is None else y
        return self.clf(**params).fit(X, y, sample_weight=sample_weight)

    def compare(self, **kwargs):
        options = {"cv": 2, "n_repeats": 1, "verbose": 0, **kwargs}
        return compare_weightings(self.clf(), self.X, self.y, **options)


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    X, y = make_classification(
        n_samples=80, n_features=4, n_informative=3, n_redundant=0, weights=[0.8], random_state=0
    )
    fitted = WeightedKerasClassifier(**TINY).fit(X, y)
    folder = tmp_path_factory.mktemp("bad_input")
    (folder / "a-file.txt").write_text("not a save")
    return Context(X, y, fitted, folder)


def _with(X, row, value):
    X = X.copy()
    X[row, 0] = value
    return X


def _few_minority(y):
    """Only 4 rows of class 1: fewer than SMOTE's 5 neighbours + 1."""
    y = y.copy()
    y[np.flatnonzero(y == 1)[4:]] = 0
    return y


def _case(id_, call, error, match):
    return pytest.param(call, error, match, id=id_)


class BrokenSampler(BaseEstimator):
    """A sampler whose ``fit_resample`` returns one kind of malformed output."""

    def __init__(self, mode=None):
        self.mode = mode

    def fit_resample(self, X, y):
        X, y = X.copy(), y.copy()
        if self.mode == "indices":
            self.sample_indices_ = np.arange(len(y)) + 5
        broken = {
            "columns": lambda: (X[:, :-1], y),
            "nan-row": lambda: (np.where(np.arange(len(X))[:, None] == 0, np.nan, X), y),
            "short-y": lambda: (X, y[:-1]),
            "invented-label": lambda: (X, np.r_[7, y[1:]]),
            "1d-X": lambda: (X[:, 0], y),
            "no-rows": lambda: (X[:0], y[:0]),
            "text-X": lambda: (X.astype(str), y),
            "indices": lambda: (X, y),
        }
        return broken[self.mode]()


def _linear_network(n_features_in_):
    inputs = keras.Input((n_features_in_,))
    return keras.Model(inputs, keras.layers.Dense(1)(inputs))


def _sigmoid_network(n_features_in_, width=4):
    inputs = keras.Input((n_features_in_,))
    hidden = keras.layers.Dense(width, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))


def _predict_with(c, **params):
    """Predict with the shared fitted model under other routed parameters, then restore them."""
    before = dict(c.fitted._routed_params)
    try:
        return c.fitted.set_params(**params).predict(c.X)
    finally:
        c.fitted._routed_params = before


def _frame(c, **columns):
    return pd.DataFrame(c.X, columns=list("abcd")).assign(**columns)


def _saved(c, name):
    return save(c.fitted, c.folder / name, overwrite=True)


def _load_tampered(c, name, change):
    path = _saved(c, name)
    change(path)
    return load(path)


def _folder(c, name):
    (c.folder / name).mkdir(exist_ok=True)
    return c.folder / name


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _truncate_array(path):
    array = path / "arrays" / "0.npy"
    array.write_bytes(array.read_bytes()[:-4])


def _three_outputs(path):
    inputs = keras.Input((4,))
    network = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(inputs))
    network.save(path / "model.keras")


def _bomb(path):
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("arrays/99.npy", bytes(16 << 20))


def _continue_with_other_classes(c):
    clf = c.clf().partial_fit(c.X, c.y, classes=[0, 1])
    c.estimators.remove(clf)  # fitted on purpose; the second call must fail
    clf.partial_fit(c.X, c.y, classes=[0, 1, 2])


CASES = [
    # ---------------------------------------------------------------- X and y
    _case("X-nan", lambda c: c.fit(X=_with(c.X, 0, np.nan)), ValueError, "Input X contains NaN"),
    _case("X-inf", lambda c: c.fit(X=_with(c.X, 0, np.inf)), ValueError, "X contains infinity"),
    _case("X-sparse", lambda c: c.fit(X=sp.csr_matrix(c.X)), TypeError, "Sparse data.*for X"),
    _case("X-1d", lambda c: c.fit(X=c.X[:, 0]), ValueError, "Expected 2D array"),
    _case("X-no-rows", lambda c: c.fit(X=c.X[:0], y=c.y[:0]), ValueError, "0 sample"),
    _case(
        "y-nan-regressor",
        lambda c: c.reg().fit(c.X, _with(c.X, 0, np.nan)[:, 0]),
        ValueError,
        "Input y contains NaN",
    ),
    _case(
        "y-2d-continuous-classifier",
        lambda c: c.fit(y=np.c_[c.X[:, 0], c.X[:, 1]]),
        ValueError,
        "y should be a 1d array",
    ),
    # ---------------------------------------------------------------- sample_weight
    _case(
        "sample_weight-inf",
        lambda c: c.fit(sample_weight=_with(np.ones((80, 1)), 0, np.inf)[:, 0]),
        ValueError,
        "sample_weight contains infinity",
    ),
    _case(
        "sample_weight-2d",
        lambda c: c.fit(sample_weight=np.ones((80, 2))),
        ValueError,
        "Sample weights must be 1D",
    ),
    _case(
        "sample_weight-scalar",
        lambda c: c.fit(sample_weight=2.0),
        ValueError,
        "sample_weight must be an array",
    ),
    _case(
        "sample_weight-only-one-class-weighted",
        lambda c: c.fit(sample_weight=(c.y == 0) * 1.0),
        ValueError,
        "Only one class has rows with positive weight.*sample_weight",
    ),
    # ---------------------------------------------------------------- weighting
    _case("weighting-float", lambda c: c.fit(weighting=3.5), TypeError, "weighting must be"),
    _case(
        "weighting-no-fit_resample",
        lambda c: c.fit(weighting=object()),
        TypeError,
        "weighting must be.*fit_resample",
    ),
    _case(
        "Resampler-no-fit_resample",
        lambda c: c.fit(weighting=Resampler(object())),
        TypeError,
        "Resampler: sampler must be .*fit_resample",
    ),
    _case(
        "SMOTE-too-few-minority-rows",
        lambda c: c.fit(y=_few_minority(c.y), weighting=SMOTE()),
        ValueError,
        r"weighting=SMOTE\(\) failed to resample.*n_neighbors",
    ),
    _case(
        "SMOTE-per-epoch",
        lambda c: c.fit(weighting=Resampler(SMOTE(), per_epoch=True)),
        ValueError,
        r"per_epoch=True\) needs a sampler",
    ),
    _case(
        "weighting-dict-label-type",
        lambda c: c.fit(weighting={"yes": 2.0}),
        ValueError,
        "weighting dict names class 'yes'",
    ),
    _case(
        "weighting-dict-nan",
        lambda c: c.fit(weighting={1: np.nan}),
        ValueError,
        "weighting dict .* finite and non-negative",
    ),
    _case(
        "weighting-balanced-regressor",
        lambda c: c.reg(weighting="balanced").fit(c.X, c.X[:, 0]),
        ValueError,
        "weighting=ClassWeights.* needs a classifier",
    ),
    _case(
        "weighting-sampler-regressor",
        lambda c: c.reg(weighting=RandomOverSampler()).fit(c.X, c.X[:, 0]),
        ValueError,
        "weighting=Resampler.* needs a classifier",
    ),
    _case(
        "FocalLoss-gamma",
        lambda c: c.fit(weighting=FocalLoss(gamma=-1)),
        ValueError,
        "gamma must be a number >= 0",
    ),
    _case(
        "FocalLoss-alpha",
        lambda c: c.fit(weighting=FocalLoss(alpha=2.0)),
        ValueError,
        r"alpha must be .*a float in \[0, 1\].*; got 2.0",
    ),
    _case(
        "EffectiveNumber-beta",
        lambda c: c.fit(weighting=EffectiveNumberWeights(beta=1.5)),
        ValueError,
        r"beta must be a float in \[0, 1\)",
    ),
    _case(
        "Recency-half_life",
        lambda c: c.fit(weighting=RecencyWeights(half_life=0)),
        ValueError,
        "half_life must be a number > 0",
    ),
    _case(
        "Recency-time_column",
        lambda c: c.fit(weighting=RecencyWeights(3, time_column=9)),
        ValueError,
        "time_column=9 is out of range",
    ),
    _case(
        "CostSensitive-shape",
        lambda c: c.fit(weighting=CostSensitiveWeights([[0, 1, 2]])),
        ValueError,
        "cost_matrix must be square",
    ),
    _case(
        "CostSensitive-negative",
        lambda c: c.fit(weighting=CostSensitiveWeights([[0, -1], [1, 0]])),
        ValueError,
        "cost_matrix has negative entries",
    ),
    _case(
        "CostSensitive-labels-missing-class",
        lambda c: c.fit(weighting=CostSensitiveWeights([[0, 1], [1, 0]], labels=[0, 2])),
        ValueError,
        r"label\(s\) \[1\] that are not in labels",
    ),
    # ---------------------------------------------------------------- network settings
    _case(
        "hidden_layer_sizes-zero",
        lambda c: c.fit(hidden_layer_sizes=(0,)),
        ValueError,
        "hidden_layer_sizes must contain positive ints",
    ),
    _case(
        "hidden_layer_sizes-string",
        lambda c: c.fit(hidden_layer_sizes="32,16"),
        ValueError,
        "hidden_layer_sizes must be a sequence",
    ),
    _case("dropout", lambda c: c.fit(dropout=1.5), ValueError, r"dropout must be a float in \[0"),
    _case(
        "activation",
        lambda c: c.fit(activation="nonsense"),
        ValueError,
        "activation='nonsense' is not a Keras activation",
    ),
    _case("callbacks", lambda c: c.fit(callbacks="early"), TypeError, "callbacks must be None"),
    _case("shuffle", lambda c: c.fit(shuffle="yes"), ValueError, "shuffle must be True or False"),
    _case(
        "normalize_weights",
        lambda c: c.fit(normalize_weights="no"),
        ValueError,
        "normalize_weights must be True or False",
    ),
    # ---------------------------------------------------------------- prediction
    _case("predict-before-fit", lambda c: c.clf().predict(c.X), NotFittedError, "not fitted"),
    _case(
        "predict-n_features",
        lambda c: c.fitted.predict(c.X[:, :3]),
        ValueError,
        "X has 3 features, but .* expecting 4",
    ),
    _case(
        "predict-sparse",
        lambda c: c.fitted.predict_proba(sp.csr_matrix(c.X)),
        TypeError,
        "Sparse data.*for X",
    ),
    _case(
        "predict-nan",
        lambda c: c.fitted.predict(_with(c.X, 0, np.nan)),
        ValueError,
        "Input X contains NaN",
    ),
    _case(
        "predict__batch_size-negative-at-predict",
        lambda c: _predict_with(c, predict__batch_size=-1),
        ValueError,
        "predict__batch_size must be None or an integer >= 1; got -1",
    ),
    _case(
        "predict__batch_size-zero-at-predict",
        lambda c: _predict_with(c, predict__batch_size=0),
        ValueError,
        "predict__batch_size must be None or an integer >= 1; got 0",
    ),
    _case(
        "predict-datetime-column",
        lambda c: c.fitted.predict(_frame(c).assign(d=pd.Timestamp("2024-01-01"))),
        ValueError,
        "X column 'd' has dtype datetime64",
    ),
    # ---------------------------------------------------------------- what the network outputs
    _case(
        "loss-from_logits-after-sigmoid",
        lambda c: c.fit(
            model=_sigmoid_network, loss=keras.losses.BinaryCrossentropy(from_logits=True)
        ),
        ValueError,
        "has from_logits=True, but the model's last layer already applies 'sigmoid'",
    ),
    _case(
        "linear-last-layer-probability-loss",
        lambda c: c.fit(model=_linear_network),
        ValueError,
        r"last layer is linear .* expects probabilities \(from_logits=False\)",
    ),
    # ---------------------------------------------------------------- routed parameters
    _case(
        "predict__batch_size-negative",
        lambda c: c.fit(predict__batch_size=-1),
        ValueError,
        "predict__batch_size must be None or an integer >= 1; got -1",
    ),
    _case(
        "predict__unknown",
        lambda c: c.fit(predict__verbose=1),
        ValueError,
        "predict__verbose is not an argument of skweight's predict",
    ),
    _case(
        "model__-with-built-in-network",
        lambda c: c.fit(model__width=3),
        ValueError,
        "model__width would be ignored: model=None builds skweight's own network",
    ),
    _case(
        "model__-with-model-instance",
        lambda c: c.fit(model=_sigmoid_network(4), model__width=3),
        ValueError,
        "model__width would be ignored: model is a keras.Model",
    ),
    _case(
        "model__-not-in-build-function",
        lambda c: c.fit(model=_sigmoid_network, model__depth=3),
        ValueError,
        "model__depth would be ignored: the build function '_sigmoid_network' has no argument",
    ),
    _case(
        "fit__initial_epoch",
        lambda c: c.fit(fit__initial_epoch=5),
        ValueError,
        "fit__initial_epoch is set by skweight itself.*instead of initial_epoch",
    ),
    _case(
        "fit__unknown",
        lambda c: c.fit(fit__patience=3),
        ValueError,
        "fit__patience is not an argument of keras.Model.fit",
    ),
    _case(
        "fit__steps_per_epoch-zero",
        lambda c: c.fit(fit__steps_per_epoch=0),
        ValueError,
        "fit__steps_per_epoch must be None or an integer >= 1",
    ),
    _case(
        "fit__validation_freq-zero",
        lambda c: c.fit(fit__validation_freq=0),
        ValueError,
        "fit__validation_freq must be an integer >= 1",
    ),
    _case(
        "compile__steps_per_execution-zero",
        lambda c: c.fit(compile__steps_per_execution=0),
        ValueError,
        "compile__steps_per_execution must be an integer >= 1; got 0",
    ),
    _case(
        "compile__jit_compile-string",
        lambda c: c.fit(compile__jit_compile="yes"),
        ValueError,
        "compile__jit_compile must be True or False or 'auto'",
    ),
    _case(
        "compile__run_eagerly-string",
        lambda c: c.fit(compile__run_eagerly="no"),
        ValueError,
        "compile__run_eagerly must be True or False",
    ),
    _case(
        "compile__loss",
        lambda c: c.fit(compile__loss="mse"),
        ValueError,
        "compile__loss is set by skweight itself",
    ),
    _case(
        "compile__unknown",
        lambda c: c.fit(compile__cache=True),
        ValueError,
        "compile__cache is not an argument of keras.Model.compile",
    ),
    # ---------------------------------------------------------------- estimator parameters
    _case(
        "verbose-string",
        lambda c: c.fit(verbose="loud"),
        ValueError,
        r"verbose must be 'auto' or an integer in \[0, 2\]; got 'loud'",
    ),
    _case("verbose-3", lambda c: c.fit(verbose=3), ValueError, "verbose must be 'auto' or"),
    _case(
        "warm_start-string",
        lambda c: c.fit(warm_start="yes"),
        ValueError,
        "warm_start must be True or False",
    ),
    _case(
        "prior_correction-int",
        lambda c: c.fit(prior_correction=1),
        ValueError,
        "prior_correction must be True or False",
    ),
    _case(
        "validation_split-nan",
        lambda c: c.fit(validation_split=np.nan),
        ValueError,
        "validation_split must be a float in",
    ),
    _case(
        "epochs-float",
        lambda c: c.fit(epochs=2.5),
        ValueError,
        "epochs must be an integer >= 1; got 2.5",
    ),
    _case(
        "batch_size-bool",
        lambda c: c.fit(batch_size=True),
        ValueError,
        "batch_size must be an integer >= 1; got True",
    ),
    _case("dropout-nan", lambda c: c.fit(dropout=np.nan), ValueError, "dropout must be a float"),
    _case(
        "learning_rate-nan",
        lambda c: c.fit(optimizer__learning_rate=np.nan, batch_size=128),
        ValueError,
        "optimizer__learning_rate must be a number > 0 or a keras LearningRateSchedule; got nan",
    ),
    _case(
        "learning_rate-negative",
        lambda c: c.fit(optimizer__learning_rate=-1.0),
        ValueError,
        "optimizer__learning_rate must be a number > 0 or a keras LearningRateSchedule; got -1.0",
    ),
    _case(
        "learning_rate-zero",
        lambda c: c.fit(optimizer__learning_rate=0),
        ValueError,
        "optimizer__learning_rate must be a number > 0 or a keras LearningRateSchedule; got 0",
    ),
    _case(
        "learning_rate-inf",
        lambda c: c.fit(optimizer__learning_rate=np.inf),
        ValueError,
        "optimizer__learning_rate must be a number > 0 or a keras LearningRateSchedule; got inf",
    ),
    _case(
        "learning_rate-float32-overflow",
        lambda c: c.fit(optimizer__learning_rate=1e39),
        ValueError,
        "optimizer__learning_rate must be a number > 0 that float32 holds.*it is inf",
    ),
    _case(
        "learning_rate-of-optimizer-instance",
        lambda c: c.fit(optimizer=keras.optimizers.SGD(learning_rate=-0.1)),
        ValueError,
        "the learning rate of optimizer=SGD must be a number > 0",
    ),
    _case(
        "random_state-too-large",
        lambda c: c.fit(random_state=2**40),
        ValueError,
        r"random_state must be in \[0, 2\*\*32\)",
    ),
    # ---------------------------------------------------------------- X, y and sample_weight types
    _case(
        "X-datetime-column",
        lambda c: c.fit(X=_frame(c, when=pd.Timestamp("2024-01-01"))),
        ValueError,
        "X column 'when' has dtype datetime64.*Convert it to numbers",
    ),
    _case(
        "X-text-column",
        lambda c: c.fit(X=_frame(c, colour="red")),
        ValueError,
        "X column 'colour' has dtype",
    ),
    _case(
        "X-string-array",
        lambda c: c.fit(X=c.X.astype(str)),
        ValueError,
        "X has dtype <U.*numeric features",
    ),
    _case(
        "X-object-array-with-text",
        lambda c: c.fit(X=np.where(np.arange(80)[:, None] == 0, "x", c.X.astype(object))),
        ValueError,
        "X must hold numbers only",
    ),
    _case(
        "X-float32-overflow",
        lambda c: c.fit(X=_with(c.X, 0, 1e39)),
        ValueError,
        "X contains infinity or a value too large for dtype\\('float32'\\)",
    ),
    _case(
        "y-mixed-str-int",
        lambda c: c.fit(y=np.array([0 if v == 0 else "yes" for v in c.y], dtype=object)),
        ValueError,
        "y mixes strings and numbers as labels",
    ),
    _case(
        "sample_weight-strings",
        lambda c: c.fit(sample_weight=np.array(["1"] * 80)),
        ValueError,
        "sample_weight must hold numbers; got an array of dtype <U1",
    ),
    _case(
        "sample_weight-objects",
        lambda c: c.fit(sample_weight=np.array([{"w": 1}] * 80)),
        ValueError,
        "sample_weight must hold numbers; got an array of dtype object",
    ),
    _case(
        "sample_weight-string-scalar",
        lambda c: c.fit(sample_weight="balanced"),
        ValueError,
        "sample_weight must be an array with one weight per row",
    ),
    _case(
        "sample_weight-overflows-when-normalised",
        lambda c: c.fit(sample_weight=np.r_[1e308, 1e308, np.ones(78)]),
        ValueError,
        "sample_weight has values up to 1e\\+308, beyond float32's largest value",
    ),
    _case(
        "sample_weight-class-underflows-float32",
        lambda c: c.fit(sample_weight=np.where(c.y == 1, 1e-300, 1.0)),
        ValueError,
        "training row.* positive weights as small as .* which are 0 in float32",
    ),
    _case(
        "training-weights-overflow-float32",
        lambda c: c.fit(
            sample_weight=np.full(80, 3e38), weighting="balanced", normalize_weights=False
        ),
        ValueError,
        "training weights .* reach .* beyond float32's range",
    ),
    # ---------------------------------------------------------------- partial_fit
    _case(
        "partial_fit-classes-one",
        lambda c: c.clf().partial_fit(c.X, c.y, classes=[0]),
        ValueError,
        r"classes=\[0\] lists fewer than two classes",
    ),
    _case(
        "partial_fit-classes-missing-label",
        lambda c: c.clf().partial_fit(c.X, c.y, classes=[0, 2]),
        ValueError,
        r"y has label\(s\) \[1\] not among classes=\[0, 2\]",
    ),
    _case(
        "partial_fit-classes-mixed-types",
        lambda c: c.clf().partial_fit(c.X, c.y, classes=np.array([0, "a"], dtype=object)),
        ValueError,
        "classes mixes strings and numbers",
    ),
    _case(
        "partial_fit-classes-2d",
        lambda c: c.clf().partial_fit(c.X, c.y, classes=[[0, 1]]),
        ValueError,
        "classes must be a 1-D list of labels",
    ),
    _case(
        "partial_fit-classes-changed",
        _continue_with_other_classes,
        ValueError,
        r"classes=\[0, 1, 2\] differs from classes_ \[0, 1\]",
    ),
    # ---------------------------------------------------------------- samplers with bad output
    *[
        _case(
            f"sampler-returns-{mode}",
            lambda c, mode=mode: c.fit(weighting=BrokenSampler(mode)),
            ValueError,
            rf"weighting=BrokenSampler\(mode='{mode}'\) returned {expected}",
        )
        for mode, expected in [
            ("columns", "X with 3 columns for 4"),
            ("nan-row", "X with 1 row\\(s\\) of NaN or infinity"),
            ("short-y", "y of shape \\(79,\\) for 80 rows of X"),
            ("invented-label", "label\\(s\\) \\[7\\] that are not among the classes"),
            ("1d-X", "a 1-D X of shape \\(80,\\)"),
            ("no-rows", "no rows"),
            ("text-X", "X of dtype <U"),
            ("indices", "sample_indices_ outside 0..79"),
        ]
    ],
    _case(
        "sampler-per-epoch-bad-indices",
        lambda c: c.fit(weighting=Resampler(BrokenSampler("indices"), per_epoch=True)),
        ValueError,
        "returned sample_indices_ outside",
    ),
    # ---------------------------------------------------------------- focal loss
    _case(
        "FocalLoss-gamma-inf",
        lambda c: c.fit(weighting=FocalLoss(gamma=np.inf)),
        ValueError,
        "FocalLoss: gamma must be a number >= 0 .*at most 100.*; got inf",
    ),
    _case(
        "FocalLoss-gamma-huge",
        lambda c: c.fit(weighting=FocalLoss(gamma=1e6)),
        ValueError,
        "gamma must be a number >= 0 .*at most 100",
    ),
    _case(
        "FocalLoss-alpha-all-zero",
        lambda c: c.fit(weighting=FocalLoss(alpha=[0, 0])),
        ValueError,
        "alpha must be .*not all zero; got \\[0, 0\\]",
    ),
    _case(
        "FocalLoss-alpha-inf-entry",
        lambda c: c.fit(weighting=FocalLoss(alpha=[1, np.inf])),
        ValueError,
        "FocalLoss: alpha must be",
    ),
    _case(
        "FocalLoss-alpha-nan",
        lambda c: c.fit(weighting=FocalLoss(alpha=np.nan)),
        ValueError,
        "FocalLoss: alpha must be",
    ),
    _case(
        "Resampler-per_epoch-string",
        lambda c: c.fit(weighting=Resampler(RandomOverSampler(), per_epoch="yes")),
        ValueError,
        "Resampler: per_epoch must be True or False",
    ),
    # ---------------------------------------------------------------- costs, scorers, decisions
    _case(
        "scorer-cost_matrix-shape",
        lambda c: make_cost_scorer([[0, 1, 2], [1, 0, 2]]),
        ValueError,
        "cost_matrix must be square",
    ),
    _case(
        "scorer-cost_matrix-negative",
        lambda c: make_cost_scorer([[0, -1], [1, 0]]),
        ValueError,
        "cost_matrix has negative entries",
    ),
    _case(
        "scorer-cost_matrix-nan",
        lambda c: make_cost_scorer([[0, np.nan], [1, 0]]),
        ValueError,
        "cost_matrix has non-finite entries",
    ),
    _case(
        "scorer-fp_cost-alone",
        lambda c: make_cost_scorer(fp_cost=1),
        ValueError,
        "fp_cost and fn_cost go together",
    ),
    _case(
        "expected_cost-label-missing",
        lambda c: expected_cost([0, 1, 2], [0, 1, 1], [[0, 1], [1, 0]], labels=[0, 1]),
        ValueError,
        r"y_true has label\(s\) \[2\] that are not in labels",
    ),
    _case(
        "expected_cost-costs-shape",
        lambda c: expected_cost([0, 1], [0, 1], [[0, 1], [1, 0]], costs=np.ones(3)),
        ValueError,
        "costs must have shape",
    ),
    _case(
        "expected_cost-fn_cost-negative",
        lambda c: expected_cost([0, 1], [0, 1], fp_cost=1, fn_cost=-1),
        ValueError,
        "fn_cost must be finite and >= 0",
    ),
    _case(
        "minimum_cost_predict-proba-1d",
        lambda c: minimum_cost_predict([0.2, 0.8], [[0, 1], [1, 0]]),
        ValueError,
        "proba must have shape",
    ),
    _case(
        "cost_threshold-3x3",
        lambda c: cost_threshold(np.ones((3, 3))),
        ValueError,
        "cost_threshold needs a 2 x 2 cost_matrix",
    ),
    _case(
        "MinimumCostClassifier-no-predict_proba",
        lambda c: MinimumCostClassifier(LinearSVC()).fit(c.X, c.y),
        TypeError,
        "LinearSVC has no predict_proba",
    ),
    _case(
        "MinimumCostClassifier-all-zero-costs",
        lambda c: MinimumCostClassifier(c.clf(), cost_matrix=[[0, 0], [0, 0]]).fit(c.X, c.y),
        ValueError,
        "cost_matrix gives every decision of each true class the same cost .*zero cost",
    ),
    _case(
        "MinimumCostClassifier-zero-fp-fn",
        lambda c: MinimumCostClassifier(c.clf(), fp_cost=0, fn_cost=0).fit(c.X, c.y),
        ValueError,
        "same cost .*zero cost everywhere",
    ),
    _case(
        "minimum_cost_predict-all-zero-costs",
        lambda c: minimum_cost_predict(np.full((3, 2), 0.5), [[0, 0], [0, 0]]),
        ValueError,
        "same cost .*zero cost everywhere",
    ),
    _case(
        "scorer-all-zero-costs",
        lambda c: make_cost_scorer([[0, 0], [0, 0]]),
        ValueError,
        "same cost .*zero cost everywhere",
    ),
    _case(
        "scorer-constant-costs",
        lambda c: make_cost_scorer([[1, 1], [1, 1]]),
        ValueError,
        r"same cost \(here \[\[1.0, 1.0\], \[1.0, 1.0\]\]\)",
    ),
    _case(
        "expected_cost-all-zero-costs",
        lambda c: expected_cost([0, 1], [1, 0], [[0, 0], [0, 0]]),
        ValueError,
        "same cost .*zero cost everywhere",
    ),
    _case(
        "compare-all-zero-costs",
        lambda c: c.compare(cost_matrix=[[0, 0], [0, 0]]),
        ValueError,
        "same cost .*zero cost everywhere",
    ),
    _case(
        "minimum_cost_predict-nan-proba",
        lambda c: minimum_cost_predict([[np.nan, 0.5], [0.5, 0.5]], [[0, 1], [1, 0]]),
        ValueError,
        "proba has NaN or infinite entries",
    ),
    _case(
        "minimum_cost_predict-negative-proba",
        lambda c: minimum_cost_predict([[-0.2, 1.2], [0.5, 0.5]], [[0, 1], [1, 0]]),
        ValueError,
        r"proba has entries from -0.2 to 1.2; it must hold probabilities in \[0, 1\]",
    ),
    _case(
        "minimum_cost_predict-logits",
        lambda c: minimum_cost_predict([[3.0, -2.0], [0.1, 0.9]], [[0, 1], [5, 0]]),
        ValueError,
        "logits or scores need a sigmoid or softmax first",
    ),
    _case(
        "expected_decision_costs-inf-proba",
        lambda c: expected_decision_costs([[np.inf, 0.0]], [[0, 1], [1, 0]]),
        ValueError,
        "proba has NaN or infinite entries",
    ),
    _case(
        "MinimumCostClassifier-labels-missing",
        lambda c: MinimumCostClassifier(
            c.clf(), cost_matrix=[[0, 1], [1, 0]], labels=["a", "b"]
        ).fit(c.X, c.y),
        ValueError,
        r"label\(s\) \[0, 1\] that are not in labels",
    ),
    # ---------------------------------------------------------------- compare_weightings
    _case(
        "compare-regressor",
        lambda c: compare_weightings(c.reg(), c.X, c.y),
        TypeError,
        "estimator must be a classifier",
    ),
    _case(
        "compare-one-class",
        lambda c: compare_weightings(c.clf(), c.X, np.zeros(80)),
        ValueError,
        "y has a single class",
    ),
    _case("compare-cv", lambda c: c.compare(cv=1), ValueError, "cv must be >= 2"),
    _case(
        "compare-selection",
        lambda c: c.compare(selection="worst"),
        ValueError,
        "selection must be 'one_se' or 'best'",
    ),
    _case(
        "compare-unknown-strategy",
        lambda c: c.compare(strategies=["magic"]),
        ValueError,
        r"strategies\['magic'\].*valid names are",
    ),
    _case(
        "compare-baselines",
        lambda c: c.compare(baselines=["magic"]),
        ValueError,
        r"baselines \['magic'\] unknown",
    ),
    _case(
        "compare-cost_matrix-shape",
        lambda c: c.compare(cost_matrix=np.ones((3, 3))),
        ValueError,
        "cost_matrix is 3 x 3",
    ),
    _case(
        "compare-sample_weight-length",
        lambda c: c.compare(sample_weight=np.ones(3)),
        ValueError,
        r"sample_weight.shape == \(3,\)",
    ),
    _case(
        "compare-sample_weight-strings",
        lambda c: c.compare(sample_weight=np.array(["w"] * 80)),
        ValueError,
        "sample_weight must hold numbers",
    ),
    _case(
        "compare-sample_weight-all-zero",
        lambda c: c.compare(sample_weight=np.zeros(80)),
        ValueError,
        "Sample weights must contain at least one non-zero number",
    ),
    _case(
        "compare-strategy-bad-focal",
        lambda c: c.compare(strategies={"focal": FocalLoss(gamma=np.inf)}),
        ValueError,
        r"strategies\['focal'\]: FocalLoss: gamma must be",
    ),
    # ---------------------------------------------------------------- saving and loading
    _case(
        "save-over-existing-zip",
        lambda c: save(c.fitted, _saved(c, "exists.zip")),
        FileExistsError,
        "exists; pass overwrite=True to replace it",
    ),
    _case(
        "save-over-existing-save-folder",
        lambda c: save(c.fitted, _saved(c, "exists-folder")),
        FileExistsError,
        "is not an empty directory; pass overwrite=True",
    ),
    _case(
        "save-folder-onto-a-file",
        lambda c: save(c.fitted, c.folder / "a-file.txt"),
        FileExistsError,
        "exists and is a file",
    ),
    _case(
        "save-zip-onto-a-folder",
        lambda c: save(c.fitted, _folder(c, "folder.zip"), overwrite=True),
        FileExistsError,
        "is a directory, not a .zip file",
    ),
    _case(
        "save-overwrite-not-bool",
        lambda c: save(c.fitted, c.folder / "x.zip", overwrite="yes"),
        TypeError,
        "overwrite must be True or False",
    ),
    _case(
        "load-truncated-zip",
        lambda c: _load_tampered(c, "truncated.zip", _truncate),
        ValueError,
        "is a corrupt or truncated zip archive",
    ),
    _case(
        "load-truncated-array",
        lambda c: _load_tampered(c, "truncated-array", _truncate_array),
        ValueError,
        r"arrays/0.npy \(fitted attribute .*\) is corrupt or truncated",
    ),
    _case(
        "load-zip-bomb-member",
        lambda c: _load_tampered(c, "bomb.zip", _bomb),
        ValueError,
        "member 'arrays/99.npy' expands .*-fold",
    ),
    _case(
        "load-member-over-limit",
        lambda c: load(_saved(c, "limit.zip"), max_member_bytes=100),
        ValueError,
        "larger than 100 bytes uncompressed.*max_member_bytes",
    ),
    _case(
        "load-max_member_bytes-zero",
        lambda c: load(_saved(c, "limit0.zip"), max_member_bytes=0),
        ValueError,
        "max_member_bytes must be an int >= 1",
    ),
    _case(
        "load-three-outputs-in-two-class-save",
        lambda c: _load_tampered(c, "three-outputs", _three_outputs),
        ValueError,
        r"load: The model's output has shape \(3,\) per row.*\(2 classes\)",
    ),
    _case(
        "load-not-a-zip",
        lambda c: load(c.folder / "a-file.txt"),
        ValueError,
        "is neither a saved directory nor a zip file",
    ),
    _case(
        "compare-pos_label",
        lambda c: c.compare(pos_label="cat"),
        ValueError,
        "pos_label='cat' is not a class",
    ),
]


@pytest.mark.parametrize("call, error, match", CASES)
def test_bad_input_gets_a_clear_error(ctx, call, error, match):
    ctx.estimators.clear()
    with pytest.raises(error, match=match):
        call(ctx)
    for est in ctx.estimators:  # nothing trained silently
        assert not hasattr(est, "model_")


def test_the_table_is_large_enough():
    from tests.test_cli import USAGE_ERRORS

    assert len({case.id for case in CASES}) == len(CASES) == 151  # the count in the docstring
    assert len(USAGE_ERRORS) == 47
    assert len(CASES) + 22 + len(USAGE_ERRORS) + 2 >= 150
