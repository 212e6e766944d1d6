"""compare_weightings: the table, the one-standard-error rule, the plot."""

from __future__ import annotations

import json

import numpy as np
import pytest
from imblearn.under_sampling import RandomUnderSampler
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skweight import WeightedKerasClassifier
from skweight.compare import (
    OneStandardErrorRule,
    StrategyCandidate,
    compare_weightings,
    default_strategies,
)
from skweight.weighting import CostSensitiveWeights


@pytest.fixture(scope="module")
def result(binary_data, fast_settings):
    X, y = binary_data
    return compare_weightings(
        make_pipeline(StandardScaler(), WeightedKerasClassifier(**fast_settings)), X, y,
        strategies=["none", "balanced", "undersample"], fp_cost=1, fn_cost=5,
        cv=2, n_repeats=1, threshold_cv=2, random_state=0, verbose=1,
        sample_weight=np.where(y == 1, 2.0, 1.0),
    )  # fmt: skip


def test_table_has_one_row_per_strategy_and_the_columns(result):
    table = result.table
    assert set(table.index) == {"cost-decision", "calibrated-cost-decision", "tuned-threshold",
                                "oof-threshold", "constant", "none", "balanced",
                                "undersample"}  # fmt: skip
    for metric in ("cost", "balanced_accuracy", "recall_0", "recall_1", "average_precision",
                   "fit_time"):  # fmt: skip
        assert {f"{metric}_mean", f"{metric}_std"} <= set(table.columns)
    assert {"cost_se", "simplicity", "within_1se", "selected"} <= set(table.columns)
    assert table.cost_mean.is_monotonic_increasing
    assert table.selected.sum() == 1
    assert (table.fit_time_mean > 0).all()
    assert result.fold_costs.shape == (8, 2)


def test_costs_match_the_search(result):
    results = result.search_.cv_results_
    for i, name in enumerate(results["param_strategy"]):
        folds = [-results[f"split{k}_test_cost"][i] for k in range(2)]
        np.testing.assert_allclose(result.fold_costs.loc[name], folds)
        assert result.table.loc[name, "cost_mean"] == pytest.approx(np.mean(folds))


def test_winner_follows_the_one_standard_error_rule(result):
    table = result.table
    best = table.cost_mean.idxmin()
    limit = table.loc[best, "cost_mean"] + table.loc[best, "cost_se"]
    winner = table.loc[result.best_strategy_]
    assert winner.cost_mean <= limit + 1e-12
    simpler = table[table.simplicity < winner.simplicity]
    assert (simpler.cost_mean > limit).all()
    assert table.within_1se.equals(table.cost_mean <= limit + 1e-12)
    assert result.search_.cv_results_["param_strategy"][result.search_.best_index_] == (
        result.best_strategy_
    )


def test_rule_on_constructed_scores():
    # candidate 0 is simplest; candidate 2 has the best mean
    cv_results = {
        "split0_test_cost": np.array([-0.20, -0.15, -0.10]),
        "split1_test_cost": np.array([-0.22, -0.17, -0.12]),
        "split2_test_cost": np.array([-0.18, -0.13, -0.14]),
    }
    se = np.std([-0.10, -0.12, -0.14], ddof=1) / np.sqrt(3)  # 0.0115
    assert OneStandardErrorRule("cost", [0, 1, 2])(cv_results) == 2  # nothing else within 1 SE
    for k in range(3):  # candidate 1: mean -0.125, within one SE (~0.0115) of the best -0.12
        cv_results[f"split{k}_test_cost"][1] = -0.125
    assert -0.125 >= -0.12 - se
    assert OneStandardErrorRule("cost", [0, 1, 2])(cv_results) == 1
    assert OneStandardErrorRule("cost", [0, 1, 2], one_se=False)(cv_results) == 2
    assert OneStandardErrorRule("cost", [2, 0, 1])(cv_results) == 1


def test_best_estimator_plot_and_json(result, binary_data, tmp_path):
    X, y = binary_data
    model = result.best_estimator_
    assert model.predict(X[:5]).shape == (5,)
    path = tmp_path / "compare.png"
    fig = result.plot(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(fig.axes) == 2
    summary = json.loads(json.dumps(result.to_dict()))
    assert summary["best_strategy"] == result.best_strategy_
    assert summary["cost_matrix"] == [[0, 1], [5, 0]]
    assert len(summary["table"]) == 8
    assert "Winner: " + result.best_strategy_ in result.summary()
    recall, precision = result.pr_curves["none"]
    assert recall.shape == precision.shape and (precision <= 1).all()
    assert set(result.operating_points) == set(result.table.index)


def test_multiclass_has_no_threshold_baseline(multiclass_data, fast_settings):
    X, y = multiclass_data
    cost = [[0, 1, 1], [1, 0, 1], [10, 10, 0]]
    out = compare_weightings(
        WeightedKerasClassifier(**fast_settings), X[:150], y[:150], strategies={"plain": None},
        cost_matrix=cost, cv=2, n_repeats=1, verbose=0, random_state=0,
        scoring="balanced_accuracy",
    )  # fmt: skip
    assert out.metric == "score"
    within = out.table[out.table.within_1se]
    simplest = within[within.simplicity == within.simplicity.min()]
    assert out.best_strategy_ == simplest.score_mean.idxmax()
    assert out.table.score_mean.max() in within.score_mean.values
    assert list(out.table.index.sort_values()) == [
        "calibrated-cost-decision",
        "constant",
        "cost-decision",
        "plain",
    ]  # no threshold baselines, and a temperature for three classes
    assert repr(out.decisions["calibrated-cost-decision"]).startswith("TemperatureScaling(")
    assert out.positive is None and not out.operating_points
    assert {"recall_0_mean", "recall_1_mean", "recall_2_mean"} <= set(out.table.columns)
    assert np.isfinite(out.table.average_precision_mean).all()


def test_default_strategies():
    strategies = default_strategies([[0, 1], [5, 0]], random_state=3)
    assert list(strategies) == ["none", "balanced", "focal", "oversample", "undersample",
                                "cost-weights"]  # fmt: skip
    assert isinstance(strategies["cost-weights"], CostSensitiveWeights)
    assert strategies["undersample"].random_state == 3


def test_bad_arguments_are_named(binary_data, fast_settings):
    X, y = binary_data
    model = WeightedKerasClassifier(**fast_settings)
    with pytest.raises(ValueError, match="weighting parameter"):
        compare_weightings(LogisticRegression(), X, y)
    with pytest.raises(ValueError, match="baselines"):
        compare_weightings(model, X, y, baselines=["magic"])
    with pytest.raises(ValueError, match="baseline 'cost-decision'"):
        compare_weightings(model, X, y, strategies=["cost-decision"])
    with pytest.raises(ValueError, match="selection"):
        compare_weightings(model, X, y, selection="lucky")
    with pytest.raises(ValueError, match="negative"):
        compare_weightings(model, X, y, cost_matrix=[[0, -1], [1, 0]])
    with pytest.raises(ValueError, match="not one of"):
        StrategyCandidate(model, strategy="magic", strategies={"none": None}).fit(X, y)


def test_strategy_values_are_named_after_themselves():
    from skweight.compare import _resolve_strategies

    named = _resolve_strategies([None, "balanced", RandomUnderSampler()], None, 0)
    assert list(named) == ["none", "balanced", "RandomUnderSampler"]


def test_two_strategies_of_the_same_type_both_appear(binary_data, fast_settings):
    X, y = binary_data
    result = compare_weightings(
        WeightedKerasClassifier(**{**fast_settings, "epochs": 2}), X, y,
        strategies=[{0: 1, 1: 3}, {0: 1, 1: 5}, CostSensitiveWeights(fp_cost=1, fn_cost=2),
                    CostSensitiveWeights(fp_cost=1, fn_cost=9)],
        baselines=False, cv=2, n_repeats=1, verbose=0, random_state=0,
    )  # fmt: skip
    assert len(result.table) == 4
    assert {"dict {0: 1, 1: 3}", "dict {0: 1, 1: 5}"} <= set(result.table.index)
    with pytest.raises(ValueError, match="same weighting twice"):
        compare_weightings(
            WeightedKerasClassifier(**fast_settings), X, y, strategies=["none", None]
        )


def _fake_search(cost_folds: list[list[float]], simplicity: list[int]):
    """A fitted-search stand-in: cv_results_ with every score the result reads."""
    from types import SimpleNamespace

    from skweight._scoring import pr_keys

    scores = np.asarray(cost_folds, dtype=float)
    results = {"mean_fit_time": np.ones(len(scores)), "std_fit_time": np.zeros(len(scores))}
    metrics = ["cost", "balanced_accuracy", "recall_0", "recall_1", "average_precision",
               "precision", *pr_keys()]  # fmt: skip
    for fold in range(scores.shape[1]):
        for metric in metrics:
            results[f"split{fold}_test_{metric}"] = (
                scores[:, fold] if metric == "cost" else np.full(len(scores), 0.5)
            )
    best = OneStandardErrorRule("cost", simplicity)(results)
    return SimpleNamespace(cv_results_=results, best_index_=best)


@pytest.mark.parametrize(
    "cost_folds",
    [
        [[-0.2, -0.2, -0.2], [-0.2, -0.2, -0.2], [-0.5, -0.4, -0.6]],  # a tie
        [[-0.1, np.nan, -0.1], [-0.2, -0.3, -0.25], [-0.22, -0.3, -0.3]],  # NaN on a fold
        [[np.nan, -0.3, -0.2], [-0.2, -0.2, -0.2], [-0.2, -0.2, -0.2]],  # NaN and a tie
    ],
    ids=["tie", "nan", "nan-and-tie"],
)
def test_within_1se_agrees_with_the_pick(cost_folds):
    from skweight.result import ComparisonResult

    names, simplicity = ["a", "b", "c"], [2, 1, 0]
    search = _fake_search(cost_folds, simplicity)
    result = ComparisonResult.from_search(
        search, names=names, simplicity=simplicity, cost_matrix=np.eye(2), classes=np.arange(2),
        positive=1, metric="cost", selection="one_se",
    )  # fmt: skip
    table = result.table
    chosen = result.best_strategy_
    assert table.loc[chosen, "within_1se"] and table.loc[chosen, "selected"]
    simpler = table[table.simplicity < table.loc[chosen, "simplicity"]]
    assert not simpler.within_1se.any()  # the pick is the simplest candidate within one SE
    assert not table.loc[[n for n, c in zip(names, cost_folds, strict=True)
                          if np.isnan(c).any()], "within_1se"].any()  # fmt: skip
