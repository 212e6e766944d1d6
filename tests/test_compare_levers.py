"""compare_weightings' constant baseline and the decisions tuned on out-of-fold probabilities."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import log_loss

from skweight import (
    FoldAverageClassifier,
    MinimumCostClassifier,
    WeightedKerasClassifier,
    compare_weightings,
)
from skweight._candidate import StrategyCandidate
from skweight._oof_decisions import _pool, cost_optimal_threshold
from skweight._params import InvalidParameterError
from skweight.calibration import PlattScaling, TemperatureScaling
from skweight.constant import ConstantCostClassifier
from skweight.decision import minimum_cost_predict

#: A network that over-fits a few hundred rows: confident, and wrong on new rows.
OVERFIT = {
    "hidden_layer_sizes": (64,),
    "epochs": 60,
    "batch_size": 16,
    "optimizer__learning_rate": 0.02,
    "random_state": 0,
}


@pytest.fixture(scope="module")
def noise():
    """Features that say nothing about the label; 1 positive in 10."""
    rng = np.random.RandomState(0)
    return rng.randn(200, 5), (rng.rand(200) < 0.1).astype(int)


@pytest.fixture(scope="module")
def overlapping():
    """Two overlapping Gaussian classes, 1 positive in 5."""
    rng = np.random.RandomState(1)
    y = (rng.rand(300) < 0.2).astype(int)
    return np.column_stack([rng.randn(300) + 1.2 * y, rng.randn(300), rng.randn(300)]), y


# ------------------------------------------------------------------------ the constant decision
def test_constant_is_the_cheaper_class_under_the_costs():
    y = np.array([0] * 90 + [1] * 10)
    X = np.zeros((100, 3))
    cheap_miss = ConstantCostClassifier(fp_cost=1, fn_cost=5).fit(X, y)
    assert cheap_miss.constant_ == 0  # all negative: 10 misses * 5 = 50 < 90 false alarms
    np.testing.assert_allclose(cheap_miss.decision_costs_, [0.5, 0.9])
    dear_miss = ConstantCostClassifier(fp_cost=1, fn_cost=20).fit(X, y)
    assert dear_miss.constant_ == 1  # 10 * 20 = 200 > 90
    weighted = ConstantCostClassifier(fp_cost=1, fn_cost=5).fit(
        X, y, sample_weight=np.where(y == 1, 3.0, 1.0)
    )
    assert weighted.constant_ == 1  # 30 weighted positives * 5 = 150 > 90
    assert (cheap_miss.predict(np.zeros((7, 3))) == 0).all()
    proba = dear_miss.predict_proba(np.zeros((4, 3)))
    np.testing.assert_allclose(proba, [[0.9, 0.1]] * 4)
    # its probabilities, decided by cost, give its constant
    assert (minimum_cost_predict(proba, fp_cost=1, fn_cost=20) == 1).all()


def test_constant_refuses_bad_input():
    with pytest.raises(ValueError, match="one label per row"):
        ConstantCostClassifier().fit(np.zeros((4, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="X has 3 rows but y has 4"):
        ConstantCostClassifier().fit(np.zeros((3, 2)), np.array([0, 1, 0, 1]))
    with pytest.raises(ValueError, match="fn_cost"):
        ConstantCostClassifier(fp_cost=1).fit(np.zeros((4, 2)), np.array([0, 1, 0, 1]))


def test_the_constant_wins_where_no_network_beats_it(noise):
    """On labels the features cannot predict, an over-fitted network costs more than always
    predicting the cheaper class; the comparison picks the constant, a fitted estimator."""
    X, y = noise
    result = compare_weightings(
        WeightedKerasClassifier(**OVERFIT), X, y, strategies=["none"],
        baselines=["cost-decision", "constant"], fp_cost=1, fn_cost=5, cv=3, n_repeats=1,
        verbose=0, random_state=0,
    )  # fmt: skip
    table = result.table
    assert result.best_strategy_ == "constant"
    assert table.loc["constant", "cost_mean"] < table.loc["cost-decision", "cost_mean"]
    model = result.best_estimator_
    assert isinstance(model, ConstantCostClassifier)
    assert model.constant_ == 0 and (model.predict(X) == 0).all()
    assert "or the constant decision when that costs more" in result.summary()
    assert len(result.plot().axes) == 2


# ---------------------------------------------------------------------------------- calibration
def test_temperature_fitted_out_of_fold_lowers_the_log_loss():
    """An over-fitted network's probabilities on rows it did not see: the temperature fitted on
    400 of them softens them (T > 1) and lowers the log loss on 400 others, and so does Platt
    scaling."""
    rng = np.random.RandomState(1)
    y = (rng.rand(1000) < 0.2).astype(int)
    X = np.column_stack([rng.randn(1000) + 1.2 * y, rng.randn(1000), rng.randn(1000)])
    net = WeightedKerasClassifier(**{**OVERFIT, "epochs": 100}).fit(X[:200], y[:200])
    proba, target = net.predict_proba(X[200:]), y[200:]
    fit_rows, check_rows = np.arange(400), np.arange(400, 800)
    scaling = TemperatureScaling().fit(proba[fit_rows], target[fit_rows])
    assert scaling.temperature_ > 1.5
    before = log_loss(target[check_rows], proba[check_rows])
    assert log_loss(target[check_rows], scaling.transform(proba[check_rows])) < 0.9 * before
    platt = PlattScaling().fit(proba[fit_rows], target[fit_rows])
    assert log_loss(target[check_rows], platt.transform(proba[check_rows])) < 0.9 * before


def test_calibration_recovers_a_known_temperature():
    rng = np.random.RandomState(0)
    logits = rng.randn(4000, 3) * 1.5
    true = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(3, p=p) for p in true])
    sharp = np.exp(3 * logits) / np.exp(3 * logits).sum(axis=1, keepdims=True)
    assert TemperatureScaling().fit(sharp, y).temperature_ == pytest.approx(3.0, rel=0.1)
    binary = np.column_stack([1 - true[:, 0], true[:, 0]])
    platt = PlattScaling().fit(binary, (y == 0).astype(int))
    assert platt.coef_ == pytest.approx(1.0, abs=0.15)


@pytest.mark.parametrize("engine", ["fused", "sequential"])
def test_the_refit_decides_on_the_calibrated_probabilities(overlapping, engine):
    """Selected by log loss, the calibrated decision beats the over-confident network out of
    fold; the refitted winner carries the calibration fitted on every out-of-fold row."""
    X, y = overlapping
    result = compare_weightings(
        WeightedKerasClassifier(**OVERFIT), X, y, strategies=[],
        baselines=["cost-decision", "calibrated-cost-decision"], scoring="neg_log_loss",
        selection="best", fp_cost=1, fn_cost=5, cv=3, n_repeats=1, verbose=0, random_state=0,
        engine=engine,
    )  # fmt: skip
    table = result.table
    assert table.loc["calibrated-cost-decision", "score_mean"] > table.loc["cost-decision",
                                                                          "score_mean"]  # fmt: skip
    assert result.best_strategy_ == "calibrated-cost-decision"
    model = result.best_estimator_
    calibrator = result.decisions["calibrated-cost-decision"]
    assert isinstance(model, MinimumCostClassifier) and model.calibrator is calibrator
    raw = model.estimator_.predict_proba(X)
    expected = minimum_cost_predict(calibrator.transform(raw), fp_cost=1, fn_cost=5)
    np.testing.assert_array_equal(model.predict(X), expected)
    assert (model.predict(X) != (raw[:, 1] >= 1 / 6)).any()  # the calibration changed decisions


# ----------------------------------------------------------------------------- tuned thresholds
def test_cost_optimal_threshold_is_the_brute_force_optimum():
    rng = np.random.RandomState(3)
    p = rng.rand(300)
    y = (rng.rand(300) < p * 0.6).astype(int)
    costs = np.array([[0.0, 1.0], [5.0, 0.0]])
    threshold = cost_optimal_threshold(p, y, costs)

    def total(t):
        pred = (p >= t).astype(int)
        return costs[y, pred].sum()

    assert total(threshold) == min(total(t) for t in np.append(np.unique(p), 1.1))
    assert total(threshold) <= total(1 / 6)


def test_an_oof_threshold_winner_predicts_with_its_threshold(binary_data, fast_settings):
    X, y = binary_data
    result = compare_weightings(
        WeightedKerasClassifier(**fast_settings), X, y, strategies=[],
        baselines=["cost-decision", "oof-threshold"], fp_cost=1, fn_cost=5, cv=2, n_repeats=1,
        verbose=0, random_state=0,
    )  # fmt: skip
    threshold = result.decisions["oof-threshold"]
    assert 0 < threshold < 1
    candidate = StrategyCandidate(
        WeightedKerasClassifier(**fast_settings), strategy="oof-threshold",
        cost_matrix=result.cost_matrix, decision=threshold,
    ).fit(X, y)  # fmt: skip
    proba = candidate.predict_proba(X)[:, 1]
    np.testing.assert_array_equal(candidate.predict(X), (proba >= threshold).astype(int))
    model = result.best_estimator_
    cut = threshold if result.best_strategy_ == "oof-threshold" else 1 / 6
    np.testing.assert_array_equal(model.predict(X), model.predict_proba(X)[:, 1] >= cut)


def test_each_fold_is_decided_without_its_own_rows():
    splits = [(np.array([2, 3]), np.array([0, 1])), (np.array([0, 1]), np.array([2, 3]))]
    folds = [np.array([[0.9, 0.1], [0.2, 0.8]]), np.array([[0.6, 0.4], [0.3, 0.7]])]
    proba, target, _ = _pool(folds, splits, np.array([0, 1, 0, 1]), None, exclude=splits[0][1])
    np.testing.assert_array_equal(proba, folds[1])
    np.testing.assert_array_equal(target, [0, 1])


def test_processes_leave_the_out_of_fold_baselines_out(binary_data, fast_settings):
    X, y = binary_data
    with pytest.warns(UserWarning, match="calibrated-cost-decision, oof-threshold left out"):
        result = compare_weightings(
            WeightedKerasClassifier(**{**fast_settings, "epochs": 1}), X, y, strategies=[],
            baselines=["cost-decision", "calibrated-cost-decision", "oof-threshold"],
            fp_cost=1, fn_cost=5, cv=2, n_repeats=1, verbose=0, random_state=0,
            engine="sequential", n_jobs=2,
        )  # fmt: skip
    assert list(result.table.index) == ["cost-decision"] and not result.decisions


# ------------------------------------------------------------------------------ CV bagging
def test_fold_average_is_the_mean_of_the_networks_the_folds_trained(binary_data, fast_settings):
    """final='fold-average': no refit; the winner's network of each fold (the same network an
    ordinary fit on that fold's training rows gives, without shuffling), averaged."""
    X, y = binary_data
    settings = {**fast_settings, "shuffle": False}
    result = compare_weightings(
        WeightedKerasClassifier(**settings), X, y, strategies=["balanced"],
        baselines=["cost-decision"], fp_cost=1, fn_cost=5, cv=2, n_repeats=2, verbose=0,
        random_state=0, final="fold-average",
    )  # fmt: skip
    model = result.best_estimator_
    average = model.estimator_.estimator if result.best_strategy_ == "cost-decision" else model
    assert isinstance(average, FoldAverageClassifier) and average.n_estimators_ == 4
    members = [e.predict_proba(X) for e in average.estimators]
    np.testing.assert_allclose(model.predict_proba(X), np.mean(members, axis=0), atol=1e-12)
    train, _ = result.splits[3]
    weighting = None if result.best_strategy_ == "cost-decision" else "balanced"
    alone = WeightedKerasClassifier(**settings, weighting=weighting).fit(X[train], y[train])
    np.testing.assert_allclose(members[3], alone.predict_proba(X), atol=1e-5)


def test_fold_average_refuses_bad_input(binary_data, fast_settings):
    X, y = binary_data
    with pytest.raises(ValueError, match="at least one fitted classifier"):
        FoldAverageClassifier([]).fit()
    with pytest.raises(TypeError, match="no predict_proba"):
        FoldAverageClassifier([object()]).fit()
    model = WeightedKerasClassifier(**fast_settings)
    with pytest.raises(InvalidParameterError, match="final must be one of"):
        compare_weightings(model, X, y, final="bagging")
    with pytest.raises(InvalidParameterError, match="final='fold-average' averages the fused"):
        compare_weightings(model, X, y, final="fold-average", engine="sequential")


# ------------------------------------------------------------------------------------ bad input
def test_bad_lever_arguments_are_named(binary_data, multiclass_data, fast_settings):
    X, y = binary_data
    model = WeightedKerasClassifier(**fast_settings)
    with pytest.raises(InvalidParameterError, match="calibration must be"):
        compare_weightings(model, X, y, calibration="isotonic")
    with pytest.raises(InvalidParameterError, match="list 'cost-decision' too"):
        compare_weightings(model, X, y, baselines=["oof-threshold"])
    with pytest.raises(InvalidParameterError, match="needs a calibration"):
        compare_weightings(
            model, X, y, baselines=["cost-decision", "calibrated-cost-decision"], calibration=None
        )
    Xm, ym = multiclass_data
    with pytest.raises(InvalidParameterError, match="calibration='platt' needs two classes"):
        compare_weightings(model, Xm, ym, calibration="platt")
    with pytest.raises(InvalidParameterError, match="'oof-threshold' needs a binary target"):
        compare_weightings(model, Xm, ym, baselines=["cost-decision", "oof-threshold"])
    with pytest.raises(TypeError, match="calibrator must be a fitted calibration map"):
        MinimumCostClassifier(model, calibrator=object()).fit(X, y)
    with pytest.raises(ValueError, match="bounds must satisfy"):
        TemperatureScaling(bounds=(2.0, 3.0)).fit(np.full((4, 2), 0.5), np.array([0, 1, 0, 1]))
    with pytest.raises(ValueError, match="PlattScaling is binary"):
        PlattScaling().fit(np.full((3, 3), 1 / 3), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="column index"):
        TemperatureScaling().fit(np.full((2, 2), 0.5), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="needs its decision"):
        StrategyCandidate(model, strategy="oof-threshold", cost_matrix=np.eye(2)).fit(X, y)
