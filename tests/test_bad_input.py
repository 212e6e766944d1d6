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
- tests/test_cli.py: ``test_usage_errors`` (14 command-line mistakes).

This table has 65 rows (``len(CASES)``), so 101 bad inputs are tested in all.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from imblearn.over_sampling import SMOTE, RandomOverSampler
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
from skweight.cli import main

TINY = {"hidden_layer_sizes": (8,), "epochs": 1, "random_state": 0}


class CliFailed(Exception):
    """The command exited with status 2; the message is what it printed to stderr."""


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

    def cli(self, *args):
        args = [str(a).replace("{dir}", str(self.folder)) for a in args]
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = main(["compare", "-q", "--out", str(self.folder / "out"), *args])
        assert status == 2, f"expected exit status 2, got {status}"
        raise CliFailed(err.getvalue())

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
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    rows = np.arange(len(y))
    frame.assign(label=y, a=frame["a"].where(rows != 3)).to_csv(folder / "nan.csv", index=False)
    frame.assign(one="only").to_csv(folder / "one.csv", index=False)
    frame.assign(gappy=pd.Series(y).where(rows % 7 != 0)).to_csv(folder / "gappy.csv", index=False)
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
        "compare-pos_label",
        lambda c: c.compare(pos_label="cat"),
        ValueError,
        "pos_label='cat' is not a class",
    ),
    # ---------------------------------------------------------------- command line
    _case("cli-epochs", lambda c: c.cli("--epochs", "0"), CliFailed, "--epochs must be >= 1"),
    _case(
        "cli-batch-size",
        lambda c: c.cli("--batch-size", "0"),
        CliFailed,
        "--batch-size must be >= 1",
    ),
    _case(
        "cli-threshold-cv",
        lambda c: c.cli("--threshold-cv", "1"),
        CliFailed,
        "--threshold-cv must be >= 2",
    ),
    _case(
        "cli-feature-nan",
        lambda c: c.cli("--csv", "{dir}/nan.csv", "--target", "label"),
        CliFailed,
        "--csv: feature column 'a' has 1 missing",
    ),
    _case(
        "cli-target-one-class",
        lambda c: c.cli("--csv", "{dir}/one.csv", "--target", "one"),
        CliFailed,
        "--target: column 'one' has a single class",
    ),
    _case(
        "cli-target-missing-values",
        lambda c: c.cli("--csv", "{dir}/gappy.csv", "--target", "gappy"),
        CliFailed,
        "--target: column 'gappy' has 12 missing values",
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
    assert len(CASES) >= 40 and len({case.id for case in CASES}) == len(CASES)
