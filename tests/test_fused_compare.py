"""compare_weightings' fused engine: the same comparison as the sequential engine, in one pass."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skweight import WeightedKerasClassifier
from skweight._params import InvalidParameterError
from skweight.compare import compare_weightings
from skweight.decision import MinimumCostClassifier

STRATEGIES = ["none", "balanced", "focal", "oversample", "undersample"]


def _both(estimator, X, y, **kwargs):
    return [
        compare_weightings(estimator, X, y, engine=engine, verbose=0, random_state=0, **kwargs)
        for engine in ("fused", "sequential")
    ]


def test_unshuffled_comparisons_are_identical(binary_data, fast_settings):
    """Without shuffling, every fused network is its sequential fit: the same costs, folds
    and winner, the tuned threshold's inner folds and the refitted winner included."""
    X, y = binary_data
    estimator = make_pipeline(
        StandardScaler(), WeightedKerasClassifier(**{**fast_settings, "shuffle": False})
    )
    fused, sequential = _both(
        estimator, X, y, strategies=STRATEGIES, fp_cost=1, fn_cost=5, cv=2, n_repeats=1,
        threshold_cv=2, n_jobs=1,
    )  # fmt: skip
    np.testing.assert_allclose(fused.fold_costs.to_numpy(), sequential.fold_costs.to_numpy(),
                               atol=1e-12)  # fmt: skip
    assert fused.best_strategy_ == sequential.best_strategy_
    np.testing.assert_allclose(
        fused.best_estimator_.predict_proba(X), sequential.best_estimator_.predict_proba(X),
        atol=1e-5,
    )  # fmt: skip
    columns = [c for c in fused.table.columns if not c.startswith("fit_time")]
    reorder = fused.table.loc[sequential.table.index, columns]
    np.testing.assert_allclose(reorder.to_numpy(float), sequential.table[columns].to_numpy(float),
                               atol=1e-9)  # fmt: skip


@pytest.mark.slow
def test_fused_costs_agree_with_sequential_within_standard_errors():
    """Shuffled batches (different draws in the two engines): each candidate's mean cost on
    the embedded breast cancer data agrees within the two standard errors."""
    data = load_breast_cancer()
    y = np.where(data.target == 0, "malignant", "benign")
    estimator = make_pipeline(
        StandardScaler(),
        WeightedKerasClassifier(hidden_layer_sizes=(16,), epochs=10, batch_size=32,
                                optimizer__learning_rate=0.005, random_state=0),
    )  # fmt: skip
    fused, sequential = _both(
        estimator, data.data, y, strategies=STRATEGIES, fp_cost=1, fn_cost=5,
        labels=["benign", "malignant"], cv=5, n_repeats=1, n_jobs=1,
    )  # fmt: skip
    a, b = fused.table, sequential.table.loc[fused.table.index]
    gap = (a.cost_mean - b.cost_mean).abs()
    assert (gap <= a.cost_se + b.cost_se).all(), gap.to_dict()


def test_the_verbose_output_names_the_engine_and_why(binary_data, fast_settings, capsys):
    X, y = binary_data
    result = compare_weightings(
        WeightedKerasClassifier(**fast_settings), X, y, strategies=["none"], fp_cost=1,
        fn_cost=5, baselines=["cost-decision"], cv=2, n_repeats=1, verbose=1, n_jobs=2,
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "engine: fused (the built-in network" in out
    if keras.backend.backend() == "jax":  # JAX on the CPU: one XLA program keeps one core busy
        assert "n_jobs=2: each pass in up to 2 lanes, one thread each" in out
    else:
        assert "n_jobs=2 is not used" in out
    assert "fitted on" not in out  # one progress bar, not one line per fit
    model = result.best_estimator_
    assert model.predict(X[:3]).shape == (3,)
    if isinstance(model, MinimumCostClassifier):
        assert model.estimator_.model_ is not None  # a fitted estimator with its network


def _custom_network(n_features_in_):
    inputs = keras.Input(shape=(n_features_in_,))
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(inputs))


@pytest.mark.skipif(keras.backend.backend() == "jax", reason="fused on JAX: test_fused_vmap.py")
def test_a_custom_network_is_compared_sequentially(binary_data, fast_settings, capsys):
    X, y = binary_data
    estimator = WeightedKerasClassifier(_custom_network, **{**fast_settings, "epochs": 1})
    result = compare_weightings(
        estimator, X, y, strategies=["none"], baselines=False, cv=2, n_repeats=1, verbose=1
    )
    out = capsys.readouterr().out
    assert "engine: sequential (model= is a custom network, fused on the JAX" in out
    assert "fitted on" not in out and "training" in out  # one progress bar for all the fits
    assert result.search_.best_estimator_.progress is None  # no token of a closed bar left
    assert list(result.table.index) == ["none"]
    with pytest.raises(InvalidParameterError, match="engine='fused' cannot train"):
        compare_weightings(estimator, X, y, engine="fused")
    with pytest.raises(InvalidParameterError, match="engine must be one of"):
        compare_weightings(estimator, X, y, engine="fastest")


def test_a_grid_search_over_weighting_alone_is_compare_weightings_fused(binary_data, fast_settings):
    """``GridSearchCV(clf, {"weighting": [...]}, scoring=s, cv=folds)`` and
    ``compare_weightings(clf, strategies=[...], scoring=s, baselines=False, selection="best")``
    on the same folds: the same mean test score for every weighting, and the same pick, with
    every network trained in one pass."""
    from sklearn.model_selection import GridSearchCV, RepeatedStratifiedKFold

    X, y = binary_data
    clf = WeightedKerasClassifier(**{**fast_settings, "shuffle": False})
    weightings = [None, "balanced", "focal"]
    folds = RepeatedStratifiedKFold(n_splits=3, n_repeats=1, random_state=0)
    search = GridSearchCV(clf, {"weighting": weightings}, scoring="roc_auc", cv=folds).fit(X, y)
    result = compare_weightings(
        clf, X, y, strategies=weightings, scoring="roc_auc", baselines=False, selection="best",
        cv=3, n_repeats=1, random_state=0, verbose=0, engine="fused",
    )  # fmt: skip
    fused = result.search_.cv_results_
    order = [str(n) for n in fused["param_strategy"]]
    for i, weighting in enumerate(weightings):
        np.testing.assert_allclose(
            fused["mean_test_score"][order.index(str(weighting).lower())],
            search.cv_results_["mean_test_score"][i], atol=1e-6,
        )  # fmt: skip
    assert result.best_strategy_ == str(search.best_params_["weighting"]).lower()
