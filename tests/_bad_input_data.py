"""Bad-input rows: X, y, sample_weight, partial_fit's classes and prediction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError

from tests._bad_input_support import (
    _case,
    _continue_with_other_classes,
    _frame,
    _predict_with,
    _with,
)

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
        "y has non-integer float values",
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
        lambda c: _predict_with(c, predict__batch_size=-2),
        ValueError,
        r"predict__batch_size must be None, an integer >= 1 or -1 \(all rows .*; got -2",
    ),
    _case(
        "predict__batch_size-zero-at-predict",
        lambda c: _predict_with(c, predict__batch_size=0),
        ValueError,
        r"predict__batch_size must be None, an integer >= 1 or -1 \(all rows in one batch\); got 0",
    ),
    _case(
        "predict-datetime-column",
        lambda c: c.fitted.predict(_frame(c).assign(d=pd.Timestamp("2024-01-01"))),
        ValueError,
        "X column 'd' has dtype datetime64",
    ),
]
