"""Bad-input rows: weighting strategies, focal loss and samplers with malformed output."""

from __future__ import annotations

import numpy as np
from imblearn.over_sampling import SMOTE, RandomOverSampler

from skweight import (
    CostSensitiveWeights,
    EffectiveNumberWeights,
    FocalLoss,
    RecencyWeights,
    Resampler,
)
from tests._bad_input_support import (
    BrokenSampler,
    _case,
    _few_minority,
)

CASES = [
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
]
