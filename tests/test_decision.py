"""Minimum-expected-cost decisions: brute force, the binary threshold, prior correction."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    FixedThresholdClassifier,
    GridSearchCV,
    TunedThresholdClassifierCV,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
from sklearn.utils.estimator_checks import parametrize_with_checks

from skweight import WeightedKerasClassifier
from skweight.cost import expected_cost, make_cost_scorer
from skweight.decision import (
    MinimumCostClassifier,
    align_cost_matrix,
    cost_threshold,
    expected_decision_costs,
    minimum_cost_predict,
)
from skweight.prior import correct_prior


def _brute_force(proba, cost, classes):
    out = []
    for row in proba:
        costs = [sum(row[t] * cost[t][j] for t in range(len(classes))) for j in range(len(classes))]
        out.append(classes[int(np.argmin(costs))])
    return np.array(out)


@settings(max_examples=40, deadline=None)
@given(
    n_classes=st.integers(2, 5),
    seed=st.integers(0, 2**31 - 1),
    scale=st.floats(0.1, 100),
)
def test_decision_matches_brute_force(n_classes, seed, scale):
    rng = np.random.default_rng(seed)
    proba = rng.dirichlet(np.ones(n_classes), size=25)
    cost = rng.uniform(0, scale, (n_classes, n_classes))
    classes = np.array([f"c{i}" for i in range(n_classes)])
    got = minimum_cost_predict(proba, cost, classes=classes)
    np.testing.assert_array_equal(got, _brute_force(proba, cost, classes))
    # the cost matrix given in another label order gives the same decisions
    perm = rng.permutation(n_classes)
    got = minimum_cost_predict(
        proba, cost[np.ix_(perm, perm)], classes=classes, labels=classes[perm]
    )
    np.testing.assert_array_equal(got, _brute_force(proba, cost, classes))


@given(arrays(np.float64, 30, elements=st.floats(0.001, 0.999)), st.floats(0.1, 20))
@settings(max_examples=40, deadline=None)
def test_binary_decision_is_the_cost_threshold(p, fn):
    threshold = cost_threshold(fp_cost=1, fn_cost=fn)
    assert threshold == pytest.approx(1 / (1 + fn))
    p = p[np.abs(p - threshold) > 1e-9]  # ties are measure zero
    proba = np.column_stack([1 - p, p])
    got = minimum_cost_predict(proba, fp_cost=1, fn_cost=fn, classes=[0, 1])
    np.testing.assert_array_equal(got, (p >= threshold).astype(int))


def test_threshold_with_costly_correct_decisions():
    # a true positive still costs 1 (say, treatment), a false positive 2, a miss 10
    assert cost_threshold([[0, 2], [10, 1]]) == pytest.approx(2 / (2 + 9))
    with pytest.raises(ValueError, match="2 x 2"):
        cost_threshold(np.ones((3, 3)))


def test_meta_estimator_agrees_with_fixed_threshold(binary_data):
    X, y = binary_data
    decided = MinimumCostClassifier(LogisticRegression(), fp_cost=1, fn_cost=5).fit(X, y)
    fixed = FixedThresholdClassifier(
        LogisticRegression(), threshold=1 / 6, response_method="predict_proba"
    ).fit(X, y)
    np.testing.assert_array_equal(decided.predict(X), fixed.predict(X))
    assert not decided.prior_correction_
    assert decided.predict(X).mean() > LogisticRegression().fit(X, y).predict(X).mean()


def test_meta_estimator_multiclass_string_labels(multiclass_data):
    X, y = multiclass_data
    names = np.array(["ant", "bee", "cow"])[y]
    cost = [[0, 1, 1], [1, 0, 1], [20, 20, 0]]  # missing a cow is expensive
    model = MinimumCostClassifier(LogisticRegression(), cost_matrix=cost).fit(X, names)
    proba = model.predict_proba(X)
    np.testing.assert_array_equal(model.predict(X), _brute_force(proba, cost, model.classes_))
    assert model.decision_costs(X).shape == (len(y), 3)
    assert (model.predict(X) == "cow").mean() > (y == 2).mean()


def test_prior_correction_undoes_weighting(binary_data, fast_settings):
    X, y = binary_data
    weighted = WeightedKerasClassifier(weighting={0: 1, 1: 5}, **fast_settings)
    model = MinimumCostClassifier(weighted, fp_cost=1, fn_cost=5).fit(X, y)
    assert model.prior_correction_
    inner = model.estimator_
    assert inner.training_prior_[1] > inner.class_prior_[1]
    corrected = correct_prior(inner.predict_proba(X), inner.class_prior_, inner.training_prior_)
    np.testing.assert_allclose(model.predict_proba(X), corrected)
    expected = _brute_force(corrected, [[0, 1], [5, 0]], [0, 1])
    np.testing.assert_array_equal(model.predict(X), expected)
    # deciding on the shifted probabilities counts the costs twice: more positives
    twice = MinimumCostClassifier(
        FrozenEstimator(inner), fp_cost=1, fn_cost=5, prior_correction=False
    ).fit(X, y)
    assert twice.predict(X).sum() >= model.predict(X).sum()
    # a frozen (already fitted) model is seen through, and not refitted
    frozen = MinimumCostClassifier(FrozenEstimator(inner), fp_cost=1, fn_cost=5).fit(X, y)
    assert frozen.prior_correction_
    np.testing.assert_array_equal(frozen.predict(X), model.predict(X))


def test_prior_correction_not_applied_twice_and_through_pipelines(binary_data, fast_settings):
    X, y = binary_data
    self_corrected = WeightedKerasClassifier(
        weighting="balanced", prior_correction=True, **fast_settings
    )
    pipe = make_pipeline(StandardScaler(), self_corrected)
    model = MinimumCostClassifier(pipe, fp_cost=1, fn_cost=5).fit(X, y)
    assert not model.prior_correction_  # the estimator already corrects its probabilities
    pipe.set_params(weightedkerasclassifier__prior_correction=False)
    model = MinimumCostClassifier(pipe, fp_cost=1, fn_cost=5).fit(X, y)
    assert model.prior_correction_  # found on the pipeline's last step


def test_prior_correction_errors():
    X, y = np.arange(20.0).reshape(-1, 1), np.tile([0, 1], 10)
    with pytest.raises(ValueError, match="needs class_prior_"):
        MinimumCostClassifier(
            LogisticRegression(), fp_cost=1, fn_cost=5, prior_correction=True
        ).fit(X, y)
    with pytest.raises(ValueError, match="prior_correction must be"):
        MinimumCostClassifier(
            LogisticRegression(), fp_cost=1, fn_cost=5, prior_correction="yes"
        ).fit(X, y)
    with pytest.raises(TypeError, match="predict_proba"):
        MinimumCostClassifier(LinearSVC(), fp_cost=1, fn_cost=5).fit(X, y)
    with pytest.raises(ValueError, match="not in labels"):
        MinimumCostClassifier(
            LogisticRegression(), cost_matrix=[[0, 1], [1, 0]], labels=[0, 2]
        ).fit(X, y)
    with pytest.raises(ValueError, match="shape"):
        expected_decision_costs(np.ones((3, 2)) / 2, np.ones((3, 3)))
    np.testing.assert_array_equal(
        align_cost_matrix([1, 0], [[0, 1], [5, 0]], labels=[0, 1]), [[0, 5], [1, 0]]
    )


def test_composes_with_tuned_threshold(binary_data, fast_settings):
    X, y = binary_data
    scorer = make_cost_scorer(fp_cost=1, fn_cost=5)
    inner = MinimumCostClassifier(
        WeightedKerasClassifier(weighting="balanced", **fast_settings), fp_cost=1, fn_cost=5
    )
    tuned = TunedThresholdClassifierCV(
        inner, scoring=scorer, cv=2, thresholds=20, random_state=0
    ).fit(X, y)
    assert 0 <= tuned.best_threshold_ <= 1
    assert tuned.estimator_.prior_correction_
    assert np.isfinite(scorer(tuned, X, y))


def test_tuned_threshold_finds_the_cost_threshold():
    # a well-specified logistic model: the cost-optimal threshold is FP / (FP + FN) = 1/6
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6000, 2))
    y = (rng.uniform(size=6000) < 1 / (1 + np.exp(-(X @ [2.0, -1.0] - 1)))).astype(int)
    scorer = make_cost_scorer(fp_cost=1, fn_cost=5)
    tuned = TunedThresholdClassifierCV(
        LogisticRegression(), scoring=scorer, cv=3, thresholds=60, random_state=0
    ).fit(X[:4000], y[:4000])
    decided = MinimumCostClassifier(LogisticRegression(), fp_cost=1, fn_cost=5).fit(
        X[:4000], y[:4000]
    )
    assert abs(tuned.best_threshold_ - 1 / 6) < 0.1
    test_cost = [
        expected_cost(y[4000:], m.predict(X[4000:]), fp_cost=1, fn_cost=5) for m in (tuned, decided)
    ]
    plain = expected_cost(
        y[4000:],
        LogisticRegression().fit(X[:4000], y[:4000]).predict(X[4000:]),
        fp_cost=1,
        fn_cost=5,
    )
    assert max(test_cost) < plain
    assert abs(test_cost[0] - test_cost[1]) < 0.05


def test_sample_weight_routed_and_passed(binary_data):
    X, y = binary_data
    w = np.where(y == 1, 3.0, 1.0)
    reference = LogisticRegression().fit(X, y, sample_weight=w)
    model = MinimumCostClassifier(LogisticRegression(), fp_cost=1, fn_cost=5)
    model.fit(X, y, sample_weight=w)
    np.testing.assert_allclose(model.estimator_.coef_, reference.coef_)
    with sklearn.config_context(enable_metadata_routing=True):
        routed = MinimumCostClassifier(
            LogisticRegression().set_fit_request(sample_weight=True), fp_cost=1, fn_cost=5
        )
        search = GridSearchCV(routed, {"fn_cost": [2, 5]}, cv=2).fit(X, y, sample_weight=w)
        np.testing.assert_allclose(search.best_estimator_.estimator_.coef_, reference.coef_)


def test_without_costs_it_is_the_most_probable_class(multiclass_data):
    X, y = multiclass_data
    plain = LogisticRegression().fit(X, y)
    decided = MinimumCostClassifier(LogisticRegression()).fit(X, y)
    np.testing.assert_array_equal(decided.predict(X), plain.predict(X))


@parametrize_with_checks([MinimumCostClassifier(LogisticRegression())])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
