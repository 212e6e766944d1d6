"""Weighting strategies without training: the weights, losses and resamples they produce."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from imblearn.combine import SMOTEENN
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler

from skweight._batches import RowBatches
from skweight.weighting import (
    ClassWeights,
    CostSensitiveWeights,
    EffectiveNumberWeights,
    FocalLoss,
    InverseVarianceWeights,
    RecencyWeights,
    Resampler,
    TrainingSet,
    named_strategies,
    resolve_weighting,
)

CLASSES = np.array([0, 1])


def imbalanced(n=200, seed=0, minority=0.1):
    rng = np.random.RandomState(seed)
    y = (rng.rand(n) < minority).astype(np.int64)
    X = np.column_stack([rng.randn(n) + 1.5 * y, rng.randn(n)]).astype("float32")
    return X, y


# ---------------------------------------------------------------- registry
def test_registry_names_and_samplers():
    assert {"none", "balanced", "effective_number", "focal"} <= set(named_strategies())
    assert isinstance(resolve_weighting("effective_number"), EffectiveNumberWeights)
    assert isinstance(resolve_weighting("focal"), FocalLoss)
    sampler = RandomOverSampler()
    wrapped = resolve_weighting(sampler)
    assert isinstance(wrapped, Resampler) and wrapped.sampler is sampler


def test_object_without_fit_resample_is_rejected():
    with pytest.raises(TypeError, match="weighting must be"):
        resolve_weighting(object())
    X, y = imbalanced()
    with pytest.raises(TypeError, match="Resampler: sampler must be .*fit_resample"):
        Resampler(object()).prepare(X, y, None, classes=CLASSES, random_state=0)


# ---------------------------------------------------------------- cost-sensitive
def test_cost_binary_shorthand_weights_positives_fn_over_fp():
    y = np.array([0, 0, 1, 0])
    weights = CostSensitiveWeights(fp_cost=2, fn_cost=10).class_weight_vector(y, CLASSES)[y]
    np.testing.assert_allclose(weights, [2, 2, 10, 2])
    same = CostSensitiveWeights([[0, 2], [10, 0]]).class_weight_vector(y, CLASSES)[y]
    np.testing.assert_allclose(same, weights)


def test_cost_multiclass_rule_by_hand():
    cost = [[0, 2, 4], [1, 0, 1], [9, 3, 1]]  # class 2 has a non-zero diagonal
    weights = CostSensitiveWeights(cost).class_weight_vector(np.arange(3), np.array([0, 1, 2]))
    np.testing.assert_allclose(weights, [(2 + 4) / 2, (1 + 1) / 2, (8 + 2) / 2])


def test_cost_labels_reorder_matrix_to_classes():
    classes = np.array(["a", "b"])
    strategy = CostSensitiveWeights([[0, 5], [1, 0]], labels=["b", "a"])
    weights = strategy.class_weight_vector(np.array([0, 1]), classes)
    np.testing.assert_allclose(weights, [1, 5])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"cost_matrix": [[0, 1, 2], [1, 0, 2], [1, 1, 0]]}, "cost_matrix|labels"),
        ({"cost_matrix": [[0, -1], [1, 0]]}, "negative"),
        ({"fp_cost": 1}, "fn_cost"),
        ({"cost_matrix": [[0, 1], [1, 0]], "fn_cost": 3}, "not both"),
        ({"cost_matrix": [[0, 0], [0, 0]]}, "zero cost"),
        ({"cost_matrix": [[2, 1], [1, 0]]}, "less than the correct"),
    ],
)
def test_cost_errors_name_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CostSensitiveWeights(**kwargs).prepare(
            np.zeros((2, 1)), np.array([0, 1]), None, classes=CLASSES, random_state=0
        )


def test_class_strategies_refuse_regression():
    y = np.zeros(3)
    for strategy in (CostSensitiveWeights(fp_cost=1, fn_cost=2), EffectiveNumberWeights()):
        with pytest.raises(ValueError, match="needs a classifier"):
            strategy.prepare(np.zeros((3, 1)), y, None, classes=None, random_state=0)
    with pytest.raises(ValueError, match="needs a classifier"):
        Resampler(RandomOverSampler()).prepare(
            np.zeros((3, 1)), y, None, classes=None, random_state=0
        )


@pytest.mark.parametrize(
    "strategy",
    [
        ClassWeights("balanced"),
        EffectiveNumberWeights(0.99),
        CostSensitiveWeights(fp_cost=1, fn_cost=3),
    ],
    ids=["balanced", "effective_number", "cost"],
)
def test_validation_rows_get_the_training_class_weights(strategy):
    X, y = imbalanced(300)
    train = strategy.prepare(X, y, None, classes=CLASSES, random_state=0, normalize=False)
    per_class = {c: np.unique(train.sample_weight[train.y == c]) for c in (0, 1)}
    y_val = np.array([0, 1, 1, 1])  # a validation mix unlike the training mix
    val = strategy.validation_weights(X[:4], y_val, np.array([1.0, 1, 2, 1]), normalize=False)
    np.testing.assert_allclose(
        val, [per_class[0][0], per_class[1][0], 2 * per_class[1][0], per_class[1][0]]
    )
    np.testing.assert_allclose(strategy.class_weights_, [per_class[0][0], per_class[1][0]])


# ---------------------------------------------------------------- effective number
def test_effective_number_formula_by_hand():
    y = np.array([0] * 90 + [1] * 10)
    beta = 0.99
    raw = np.array([(1 - beta) / (1 - beta**90), (1 - beta) / (1 - beta**10)])
    expected = raw * 2 / raw.sum()
    got = EffectiveNumberWeights(beta).class_weight_vector(y, CLASSES)
    np.testing.assert_allclose(got, expected)
    np.testing.assert_allclose(EffectiveNumberWeights(0.0).class_weight_vector(y, CLASSES), 1)
    near_balanced = EffectiveNumberWeights(1 - 1e-9).class_weight_vector(y, CLASSES)
    assert near_balanced[1] / near_balanced[0] == pytest.approx(9, rel=1e-3)


@pytest.mark.parametrize("beta", [1.0, -0.1, "0.9", None])
def test_effective_number_rejects_bad_beta(beta):
    with pytest.raises(ValueError, match="beta"):
        EffectiveNumberWeights(beta).check_params()


def test_class_weighting_warns_about_double_weighting_with_balancing_loss():
    balancing = keras.losses.BinaryFocalCrossentropy(apply_class_balancing=True)
    for strategy in (ClassWeights("balanced"), EffectiveNumberWeights(), Resampler(SMOTE())):
        with pytest.warns(UserWarning, match="twice"):
            strategy.make_loss(balancing, target_type="binary")


# ---------------------------------------------------------------- resamplers
def test_weights_follow_sample_indices():
    X, y = imbalanced()
    weights = np.linspace(0.5, 2.0, len(y))
    for sampler in (RandomOverSampler(), RandomUnderSampler()):
        train = Resampler(sampler).prepare(
            X, y, weights, classes=CLASSES, random_state=0, normalize=False
        )
        # column 0 is unique per row, so it identifies each resampled row's original
        original = np.array([np.flatnonzero(X[:, 0] == value)[0] for value in train.X[:, 0]])
        np.testing.assert_array_equal(train.y, y[original])
        np.testing.assert_allclose(train.sample_weight, weights[original])


def test_smote_rows_keep_or_get_the_class_mean_weight():
    X, y = imbalanced()
    weights = np.where(y == 1, 3.0, 1.0)
    weights[y == 1] *= np.linspace(0.5, 1.5, (y == 1).sum())
    with pytest.warns(UserWarning, match="mean sample_weight of its class"):
        train = Resampler(SMOTE()).prepare(
            X, y, weights, classes=CLASSES, random_state=0, normalize=False
        )
    n = len(y)
    np.testing.assert_allclose(train.sample_weight[:n], weights)
    synthetic = train.sample_weight[n:]
    assert len(synthetic) == (y == 0).sum() - (y == 1).sum()
    np.testing.assert_allclose(synthetic, weights[y == 1].mean())


def test_combined_sampler_rows_are_matched_to_their_originals():
    X, y = imbalanced(300)
    weights = np.linspace(0.5, 2.0, len(y))
    with pytest.warns(UserWarning, match="synthetic rows"):
        train = Resampler(SMOTEENN()).prepare(
            X, y, weights, classes=CLASSES, random_state=0, normalize=False
        )
    lookup = {(row.tobytes(), label): w for row, label, w in zip(X, y, weights, strict=True)}
    class_mean = {c: weights[y == c].mean() for c in (0, 1)}
    n_original = 0
    for row, label, w in zip(train.X, train.y, train.sample_weight, strict=True):
        original = lookup.get((row.tobytes(), label))
        n_original += original is not None
        assert w == pytest.approx(class_mean[label] if original is None else original)
    assert 0 < n_original < len(train.y)  # ENN removed some rows, SMOTE added others


def test_sampler_is_cloned_seeded_and_never_modified():
    X, y = imbalanced()
    sampler = RandomUnderSampler(random_state=123)
    before = sampler.get_params()
    first = Resampler(sampler).prepare(X, y, None, classes=CLASSES, random_state=7)
    again = Resampler(sampler).prepare(X, y, None, classes=CLASSES, random_state=7)
    other = Resampler(sampler).prepare(X, y, None, classes=CLASSES, random_state=8)
    np.testing.assert_array_equal(first.X, again.X)
    assert not np.array_equal(first.X, other.X)
    assert sampler.get_params() == before
    assert not hasattr(sampler, "sample_indices_")


def test_failing_sampler_gives_error_naming_weighting():
    X, y = imbalanced(60)
    y[:] = 0
    y[:3] = 1  # 3 minority rows: SMOTE's 5 neighbours are not there
    with pytest.raises(ValueError, match=r"weighting=SMOTE\(\) failed to resample"):
        Resampler(SMOTE()).prepare(X, y, None, classes=CLASSES, random_state=0)


def test_per_epoch_needs_a_selecting_sampler():
    X, y = imbalanced()
    with pytest.raises(ValueError, match="per_epoch=True"):
        Resampler(SMOTE(), per_epoch=True).prepare(X, y, None, classes=CLASSES, random_state=0)


def test_per_epoch_indexes_rows_and_draws_afresh():
    X, y = imbalanced(300)
    train = Resampler(RandomUnderSampler(), per_epoch=True).prepare(
        X, y, None, classes=CLASSES, random_state=0
    )
    assert train.X is X  # the candidate rows themselves, no copy
    epochs = [train.epoch_rows(e) for e in range(30)]
    n_minority = (y == 1).sum()
    for index in epochs:
        assert np.bincount(y[index]).tolist() == [n_minority, n_minority]
    assert not np.array_equal(epochs[0], epochs[1])
    np.testing.assert_array_equal(train.epoch_rows(1), epochs[1])  # reproducible
    seen = np.unique(np.concatenate(epochs))
    # each epoch uses 1 majority row in 9, but over 30 epochs nearly all of them
    assert len(seen) > 0.95 * len(y)


def test_epoch_dataset_gathers_batches_by_index():
    X, y = imbalanced(100)
    weights = np.arange(1, 101, dtype=float)
    train = Resampler(RandomOverSampler(), per_epoch=True).prepare(
        X, y, weights, classes=CLASSES, random_state=0, normalize=False
    )
    data = RowBatches(train, lambda t: t[:, None], batch_size=16, shuffle=True, seed=0)
    n_rows = len(train.epoch_rows(0))
    assert len(data) == -(-n_rows // 16)
    Xb, yb, wb = data[0]
    rows = np.array([np.flatnonzero(X[:, 0] == value)[0] for value in Xb[:, 0]])
    np.testing.assert_array_equal(yb[:, 0], y[rows])
    np.testing.assert_allclose(wb, weights[rows])
    first = np.concatenate([data[i][1][:, 0] for i in range(len(data))])
    assert first.sum() == n_rows // 2
    data.on_epoch_end()
    assert data.epoch == 1 and not np.array_equal(data[0][0], Xb)


def test_training_set_epoch_targets():
    y = np.array([0, 1, 1])
    plain = TrainingSet(np.zeros((3, 1)), y, None)
    assert plain.epoch_targets(5)[0] is y and plain.mean_weight() == 1.0
    indexed = TrainingSet(np.zeros((3, 1)), y, np.array([1.0, 2, 4]), lambda e: np.array([0, 2]))
    np.testing.assert_array_equal(indexed.epoch_targets(0)[0], [0, 1])
    assert indexed.mean_weight() == pytest.approx(2.5)


# ---------------------------------------------------------------- per-row strategies
def test_recency_by_row_order_and_by_time_column():
    X = np.column_stack([np.zeros(5), [10.0, 20, 30, 40, 50]])
    by_order = RecencyWeights(half_life=2).row_weights(X, np.zeros(5))
    np.testing.assert_allclose(by_order, [0.25, 2**-1.5, 0.5, 2**-0.5, 1])
    by_time = RecencyWeights(half_life=20, time_column=1).row_weights(X, np.zeros(5))
    np.testing.assert_allclose(by_time, [0.25, 2**-1.5, 0.5, 2**-0.5, 1])
    with_user = RecencyWeights(2).validation_weights(
        X, np.zeros(5), np.full(5, 2.0), normalize=False
    )
    np.testing.assert_allclose(with_user, 2 * by_order)


@pytest.mark.parametrize(
    ("strategy", "match"),
    [
        (RecencyWeights(0), "half_life"),
        (RecencyWeights("3"), "half_life"),
        (RecencyWeights(1, time_column=5), "time_column"),
        (RecencyWeights(1, time_column="t"), "time_column"),
        (InverseVarianceWeights(7), "variance"),
        (InverseVarianceWeights(0), "negative"),
        (InverseVarianceWeights(lambda X: X[:2, 1]), "one per row"),
        (InverseVarianceWeights(1, min_variance=0), "min_variance"),
    ],
)
def test_row_strategy_errors_name_the_parameter(strategy, match):
    X = np.column_stack([-np.ones(4), np.ones(4)])
    with pytest.raises(ValueError, match=match):
        strategy.prepare(X, np.zeros(4), None, classes=None, random_state=0)


def test_inverse_variance_weights():
    X = np.column_stack([np.zeros(3), [0.5, 2.0, 0.0]])
    weights = InverseVarianceWeights(1, min_variance=1e-2).row_weights(X, np.zeros(3))
    np.testing.assert_allclose(weights, [2.0, 0.5, 100.0])
    from_std = InverseVarianceWeights(1, std=True, min_variance=1e-2).row_weights(X, np.zeros(3))
    np.testing.assert_allclose(from_std, [4.0, 0.25, 100.0])
    from_function = InverseVarianceWeights(lambda X: X[:, 1] + 1).row_weights(X, np.zeros(3))
    np.testing.assert_allclose(from_function, [1 / 1.5, 1 / 3, 1.0])


# ---------------------------------------------------------------- properties
@settings(max_examples=40, deadline=None)
@given(
    weights=st.lists(st.sampled_from([0.0, 0.5, 1.0, 3.0]), min_size=40, max_size=40),
    strategy_index=st.integers(0, 3),
)
def test_weights_multiply_and_zero_rows_vanish(weights, strategy_index):
    strategy = [
        ClassWeights("balanced"),
        ClassWeights({1: 4}),
        EffectiveNumberWeights(0.9),
        CostSensitiveWeights(fp_cost=2, fn_cost=7),
    ][strategy_index]
    X, y = imbalanced(40, seed=1, minority=0.3)
    weights = np.asarray(weights)
    assume((weights[y == 0] > 0).any() and (weights[y == 1] > 0).any())
    before = weights.copy()
    train = strategy.prepare(X, y, weights, classes=CLASSES, random_state=0, normalize=False)
    keep = weights > 0
    np.testing.assert_array_equal(train.X, X[keep])
    expected = weights[keep] * strategy.class_weights_[y[keep]]
    if train.sample_weight is None:  # weights that end up all equal become None (unweighted)
        assert np.ptp(expected) == 0 and expected[0] == 1
    else:
        np.testing.assert_allclose(train.sample_weight, expected)
    np.testing.assert_array_equal(weights, before)
