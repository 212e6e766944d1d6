"""Property tests (hypothesis) of the weight arithmetic and the expected-cost functions.

Nothing is trained: ``finalize_weights`` and the strategies' ``prepare`` and
``class_weight_vector`` are called directly on generated rows, weights and costs.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler

from skweight import (
    ClassWeights,
    CostSensitiveWeights,
    EffectiveNumberWeights,
    Resampler,
    cost_threshold,
    expected_cost,
    minimum_cost_predict,
)
from skweight.weighting import TrainingSet
from skweight.weighting.base import finalize_weights

pytestmark = pytest.mark.core

SETTINGS = settings(max_examples=40, deadline=None)

weight = st.one_of(st.just(0.0), st.floats(1e-3, 1e3))
cost = st.floats(0.0, 100.0)


@st.composite
def labelled_rows(draw, min_rows=2, max_rows=40, n_classes=None, zeros=True):
    """Rows ``X`` (row ``i`` holds ``i``), class indices ``y`` with every class present, weights."""
    k = draw(st.integers(2, 4)) if n_classes is None else n_classes
    n = draw(st.integers(max(min_rows, k), max_rows))
    y = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    y[:k] = np.arange(k)  # every class occurs
    w = np.array(draw(st.lists(weight if zeros else st.floats(1e-3, 1e3), min_size=n, max_size=n)))
    w[:k] = np.maximum(w[:k], 1.0)  # every class keeps a row with positive weight
    X = np.arange(n, dtype=np.float64).reshape(-1, 1)
    return X, y, w, k


def _weights(train):
    """The training weights, ones where the strategy left them uniform (None)."""
    y, weights = train.epoch_targets(0)
    return np.ones(len(y)) if weights is None else weights


def _finalize(weights, normalize=True):
    n = len(weights)
    train = TrainingSet(np.arange(n, dtype=float).reshape(-1, 1), np.arange(n) % 2, weights)
    return finalize_weights(train, normalize=normalize)


# ----------------------------------------------------------------------------- finalize_weights
@SETTINGS
@given(arrays(np.float64, st.integers(1, 50), elements=weight).filter(lambda w: w.any()))
def test_finalized_weights_drop_zero_rows_and_have_mean_one(weights):
    out = _finalize(weights)
    kept = weights > 0
    np.testing.assert_array_equal(out.X[:, 0], np.flatnonzero(kept))  # order kept, zeros gone
    if out.sample_weight is None:  # uniform weights need no weights at all
        assert np.ptp(weights[kept]) == 0
    else:
        assert out.sample_weight.mean() == pytest.approx(1.0)
        np.testing.assert_allclose(
            out.sample_weight * weights[kept].mean(), weights[kept], rtol=1e-9
        )  # proportional to the given weights


@SETTINGS
@given(arrays(np.float64, st.integers(1, 50), elements=weight).filter(lambda w: w.any()))
def test_without_normalisation_weights_are_kept_as_given(weights):
    out = _finalize(weights, normalize=False)
    kept = weights[weights > 0]
    if out.sample_weight is None:
        assert (kept == 1).all()
    else:
        np.testing.assert_array_equal(out.sample_weight, kept)


# ---------------------------------------------------------------------------- per-class strategies
@SETTINGS
@given(labelled_rows())
def test_balanced_times_sample_weight_and_zero_rows_dropped(data):
    X, y, w, k = data
    classes = np.arange(k)
    strategy = ClassWeights("balanced")
    out = strategy.prepare(X, y, w, classes=classes, random_state=0, normalize=False)
    kept = w > 0
    np.testing.assert_array_equal(out.X[:, 0], np.flatnonzero(kept))
    per_class = strategy.class_weights_[y[kept]]
    np.testing.assert_allclose(_weights(out), w[kept] * per_class)
    # balanced: every class has the same total row weight (before sample_weight)
    totals = np.bincount(y[kept], weights=per_class, minlength=k)
    np.testing.assert_allclose(totals, kept.sum() / k)


@SETTINGS
@given(labelled_rows(), st.dictionaries(st.integers(0, 3), st.floats(0.0, 50.0), max_size=4))
def test_dict_weights_give_each_row_its_class_weight(data, mapping):
    X, y, w, k = data
    mapping = {c: v for c, v in mapping.items() if c < k}
    expected = np.array([mapping.get(c, 1.0) for c in y])
    vector = ClassWeights(mapping).class_weight_vector(y, np.arange(k))
    np.testing.assert_allclose(vector[y], expected)


@SETTINGS
@given(labelled_rows(n_classes=2), cost, cost)
def test_binary_cost_weights_are_the_error_costs(data, fp, fn):
    X, y, w, k = data
    if fp + fn == 0:
        return
    row = CostSensitiveWeights(fp_cost=fp, fn_cost=fn).class_weight_vector(y, np.arange(2))[y]
    np.testing.assert_allclose(row, np.where(y == 1, fn, fp))


@SETTINGS
@given(labelled_rows(), st.floats(0.0, 0.9999))
def test_effective_number_weights_are_positive_and_favour_smaller_classes(data, beta):
    X, y, w, k = data
    vector = EffectiveNumberWeights(beta=beta).class_weight_vector(y, np.arange(k))
    counts = np.bincount(y, minlength=k)
    assert np.isfinite(vector).all() and (vector > 0).all()
    assert vector.mean() == pytest.approx(1.0)
    order = np.argsort(counts, kind="stable")
    assert (np.diff(vector[order]) <= 1e-9).all()  # more rows, no larger weight


# ---------------------------------------------------------------------------- resampling
@SETTINGS
@given(labelled_rows(zeros=True), st.sampled_from(["over", "under"]))
def test_resampled_rows_carry_the_weight_of_their_original_row(data, kind):
    X, y, w, k = data
    sampler = RandomOverSampler() if kind == "over" else RandomUnderSampler()
    out = Resampler(sampler).prepare(X, y, w, classes=np.arange(k), random_state=0, normalize=False)
    origin = out.X[:, 0].astype(int)  # row i holds i
    assert (w[origin] > 0).all()  # zero-weight rows never come back
    np.testing.assert_array_equal(out.y, y[origin])
    np.testing.assert_array_equal(_weights(out), w[origin])
    counts = np.bincount(out.y, minlength=k)
    assert (counts == counts[0]).all()  # the class mix is balanced


@settings(max_examples=15, deadline=None)
@given(labelled_rows(min_rows=16, n_classes=2, zeros=False))
def test_smote_rows_keep_their_weight_and_synthetic_rows_get_the_class_mean(data):
    X, y, w, k = data
    y = np.where(np.arange(len(y)) % 4 == 0, 1, 0)  # at least 4 rows of the minority class
    X = np.column_stack([X, np.sin(X[:, 0])])
    sampler = SMOTE(k_neighbors=2)
    with pytest.warns(UserWarning, match="synthetic rows"):
        out = Resampler(sampler).prepare(
            X, y, w, classes=np.arange(2), random_state=0, normalize=False
        )
    n = len(y)
    np.testing.assert_array_equal(out.sample_weight[:n], w)
    synthetic = out.y[n:]
    np.testing.assert_allclose(out.sample_weight[n:], w[y == 1].mean() * np.ones(len(synthetic)))


# ---------------------------------------------------------------------------- expected cost
@st.composite
def predictions(draw, k=None):
    k = draw(st.integers(2, 4)) if k is None else k
    n = draw(st.integers(1, 30))
    labels = st.lists(st.integers(0, k - 1), min_size=n, max_size=n)
    y_true, y_pred = np.array(draw(labels)), np.array(draw(labels))
    matrix = np.array(
        draw(st.lists(st.lists(cost, min_size=k, max_size=k), min_size=k, max_size=k))
    )
    assume(_decisions_differ(matrix))  # a matrix under which every decision ties is refused
    return y_true, y_pred, matrix, k


def _decisions_differ(matrix) -> bool:
    return bool(np.ptp(np.asarray(matrix, dtype=float), axis=1).max() > 0)


@SETTINGS
@given(st.integers(2, 4), st.lists(cost, min_size=4, max_size=4))
def test_cost_matrices_under_which_every_decision_ties_are_refused(k, row_costs):
    matrix = np.repeat(np.array(row_costs[:k])[:, None], k, axis=1)  # each row constant
    with pytest.raises(ValueError, match="every decision of each true class the same cost"):
        expected_cost([0, 1], [1, 0], matrix, labels=list(range(k)))
    with pytest.raises(ValueError, match="the same cost"):
        minimum_cost_predict(np.full((1, k), 1 / k), matrix)


@SETTINGS
@given(predictions(), st.floats(0.01, 100.0))
def test_expected_cost_is_the_mean_matrix_entry_and_scales_with_costs(data, scale):
    y_true, y_pred, matrix, k = data
    labels = list(range(k))
    value = expected_cost(y_true, y_pred, matrix, labels=labels)
    assert value == pytest.approx(matrix[y_true, y_pred].mean())
    assert expected_cost(y_true, y_pred, matrix * scale, labels=labels) == pytest.approx(
        value * scale, rel=1e-9, abs=1e-12
    )
    zero_diagonal = matrix - np.diag(np.diag(matrix))
    if _decisions_differ(zero_diagonal):
        assert expected_cost(y_true, y_true, zero_diagonal, labels=labels) == 0.0


@SETTINGS
@given(predictions(), st.data())
def test_integer_weights_equal_repeated_rows_and_scale_does_not_matter(data, draw):
    y_true, y_pred, matrix, k = data
    counts = np.array(draw.draw(st.lists(st.integers(0, 3), min_size=len(y_true),
                                         max_size=len(y_true))))  # fmt: skip
    if not counts.any():
        counts[0] = 1
    labels = list(range(k))
    weighted = expected_cost(y_true, y_pred, matrix, labels=labels, sample_weight=counts)
    repeated = expected_cost(
        np.repeat(y_true, counts), np.repeat(y_pred, counts), matrix, labels=labels
    )
    assert weighted == pytest.approx(repeated)
    scaled = expected_cost(y_true, y_pred, matrix, labels=labels, sample_weight=counts * 7.5)
    assert scaled == pytest.approx(weighted)


@SETTINGS
@given(predictions(k=2), cost, cost)
def test_fp_fn_shorthand_equals_the_full_matrix(data, fp, fn):
    assume(fp > 0 or fn > 0)
    y_true, y_pred, _, _ = data
    full = expected_cost(y_true, y_pred, [[0, fp], [fn, 0]], labels=[0, 1])
    assert expected_cost(y_true, y_pred, fp_cost=fp, fn_cost=fn, labels=[0, 1]) == full


@st.composite
def probabilities(draw, k=None):
    k = draw(st.integers(2, 4)) if k is None else k
    n = draw(st.integers(1, 20))
    raw = np.array(draw(st.lists(st.lists(st.floats(0.0, 1.0), min_size=k, max_size=k),
                                 min_size=n, max_size=n))) + 1e-6  # fmt: skip
    return raw / raw.sum(axis=1, keepdims=True), k


@SETTINGS
@given(probabilities(), st.data())
def test_minimum_cost_decision_has_the_least_expected_cost(proba_k, draw):
    proba, k = proba_k
    matrix = np.array(draw.draw(st.lists(st.lists(cost, min_size=k, max_size=k),
                                         min_size=k, max_size=k)))  # fmt: skip
    assume(_decisions_differ(matrix))
    decision = minimum_cost_predict(proba, matrix)
    expected = proba @ matrix  # expected cost of predicting each class
    chosen = expected[np.arange(len(proba)), decision]
    assert (chosen <= expected.min(axis=1) + 1e-9).all()


@SETTINGS
@given(probabilities(k=2), st.floats(0.01, 100.0), st.floats(0.01, 100.0))
def test_binary_decision_is_the_cost_threshold_rule(proba_k, fp, fn):
    proba, _ = proba_k
    threshold = cost_threshold(fp_cost=fp, fn_cost=fn)
    assert threshold == pytest.approx(fp / (fp + fn))
    decision = minimum_cost_predict(proba, fp_cost=fp, fn_cost=fn, labels=[0, 1])
    clear = np.abs(proba[:, 1] - threshold) > 1e-9  # away from ties
    np.testing.assert_array_equal(decision[clear], (proba[clear, 1] >= threshold).astype(int))


# ---------------------------------------------------------------------------- nothing modified
def _every_strategy():
    from skweight import FocalLoss, InverseVarianceWeights, RecencyWeights

    return {
        "none": None,
        "balanced": "balanced",
        "dict": {0: 2.0, 1: 0.5},
        "effective_number": EffectiveNumberWeights(beta=0.9),
        "cost": CostSensitiveWeights(fp_cost=1.0, fn_cost=4.0),
        "focal": FocalLoss(alpha="balanced"),
        "recency": RecencyWeights(half_life=5.0),
        "inverse_variance": InverseVarianceWeights(variance=1),
        "oversample": RandomOverSampler(),
        "undersample_per_epoch": Resampler(RandomUnderSampler(), per_epoch=True),
        "smote": SMOTE(k_neighbors=1),
    }


@pytest.mark.parametrize("name", list(_every_strategy()))
@settings(max_examples=6, deadline=None)
@given(data=labelled_rows(min_rows=8, n_classes=2))
def test_strategies_leave_the_callers_rows_weights_and_objects_unchanged(name, data):
    from skweight.weighting import resolve_weighting

    X, y, w, k = data
    X = np.column_stack([X, 1.0 + (X[:, 0] % 3)])  # column 1: a positive "variance"
    y[:4] = [0, 0, 1, 1]  # SMOTE(k_neighbors=1) needs two rows of each class
    w[:4] = np.maximum(w[:4], 1.0)
    weighting = _every_strategy()[name]
    given_repr = repr(weighting)
    copies = X.copy(), y.copy(), w.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # synthetic rows get their class mean
        out = resolve_weighting(weighting).prepare(X, y, w, classes=np.arange(k), random_state=0)
    for before, after in zip(copies, (X, y, w), strict=True):
        np.testing.assert_array_equal(before, after)
    assert repr(weighting) == given_repr
    fitted = [a for a in getattr(weighting, "__dict__", {}) if a.endswith("_")]
    assert not fitted  # the caller's object learnt nothing; the estimator works on a clone
    final_y, final_w = out.epoch_targets(0)
    assert len(final_y) > 0 and (final_w is None or (final_w > 0).all())
