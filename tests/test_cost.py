"""Expected cost and the cost scorer: hand-computed values, validation, metadata routing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_validate

from skweight import WeightedKerasClassifier
from skweight.cost import check_cost_matrix, expected_cost, make_cost_scorer

Y_TRUE = np.array([0, 0, 1, 1, 1, 0])
Y_PRED = np.array([0, 1, 0, 1, 0, 0])  # one false positive, two false negatives


def test_binary_cost_by_hand():
    # FP costs 1, FN costs 5: (1 + 5 + 5) / 6
    assert expected_cost(Y_TRUE, Y_PRED, fp_cost=1, fn_cost=5) == pytest.approx(11 / 6)
    assert expected_cost(Y_TRUE, Y_PRED, [[0, 1], [5, 0]]) == pytest.approx(11 / 6)


def test_binary_cost_with_sample_weight_by_hand():
    w = np.array([1, 2, 3, 1, 0.5, 1])
    # row costs: 0, 1, 5, 0, 5, 0 ; weighted: 2*1 + 3*5 + 0.5*5 = 19.5 over 8.5
    got = expected_cost(Y_TRUE, Y_PRED, fp_cost=1, fn_cost=5, sample_weight=w)
    assert got == pytest.approx(19.5 / 8.5)


def test_multiclass_cost_by_hand_with_string_labels():
    labels = ["cat", "dog", "eel"]
    cost = np.array([[0, 1, 2], [3, 0, 4], [5, 6, 0]])
    y_true = ["cat", "dog", "eel", "eel", "dog"]
    y_pred = ["dog", "dog", "cat", "dog", "eel"]
    # costs: C[cat,dog]=1, 0, C[eel,cat]=5, C[eel,dog]=6, C[dog,eel]=4
    assert expected_cost(y_true, y_pred, cost, labels=labels) == pytest.approx(16 / 5)
    w = [1, 1, 2, 0, 1]
    assert expected_cost(y_true, y_pred, cost, labels=labels, sample_weight=w) == pytest.approx(
        (1 + 10 + 4) / 5
    )
    frame = pd.DataFrame(cost, index=labels, columns=labels)
    assert expected_cost(y_true, y_pred, frame) == pytest.approx(16 / 5)


def test_labels_reorder_the_matrix():
    # labels=[1, 0]: row 0 of the matrix is class 1
    got = expected_cost(Y_TRUE, Y_PRED, [[0, 5], [1, 0]], labels=[1, 0])
    assert got == pytest.approx(11 / 6)
    # fp/fn with an explicit positive class 0: now the 0 -> 1 error is a false negative
    got = expected_cost(Y_TRUE, Y_PRED, fp_cost=1, fn_cost=5, labels=[1, 0])
    assert got == pytest.approx((5 + 1 + 1) / 6)


def test_example_dependent_costs():
    amount = np.array([10.0, 20, 30, 40, 50, 60])
    # per-row factor: C[t, p] * amount -> 1*20 + 5*30 + 5*50
    got = expected_cost(Y_TRUE, Y_PRED, fp_cost=1, fn_cost=5, costs=amount)
    assert got == pytest.approx((20 + 150 + 250) / 6)
    # cost of each decision per row, (n_samples, n_classes): no matrix needed
    per_decision = np.column_stack([amount, np.full(6, 2.0)])
    assert expected_cost(Y_TRUE, Y_PRED, costs=per_decision) == pytest.approx(
        (10 + 2 + 30 + 2 + 50 + 60) / 6
    )
    # one full matrix per row
    matrices = np.zeros((6, 2, 2))
    matrices[:, 1, 0] = amount  # a missed positive loses the amount
    matrices[:, 0, 1] = 3.0  # a false alarm costs a fixed fee
    assert expected_cost(Y_TRUE, Y_PRED, costs=matrices, labels=[0, 1]) == pytest.approx(
        (3 + 30 + 50) / 6
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"cost_matrix": [[0, 1, 2], [1, 0, 2]]}, "square"),
        ({"cost_matrix": [[0, -1], [1, 0]]}, "negative"),
        ({"cost_matrix": [[0, np.nan], [1, 0]]}, "non-finite"),
        ({"cost_matrix": [[0, 1], [1, 0]], "fp_cost": 1, "fn_cost": 2}, "not both"),
        ({"fp_cost": 1}, "go together"),
        ({"fp_cost": -1, "fn_cost": 2}, "fp_cost"),
        ({"cost_matrix": [[0, 1], [1, 0]], "labels": [0, 1, 2]}, "labels"),
        ({"cost_matrix": [[0, 1], [1, 0]], "labels": [0, 0]}, "duplicates"),
        ({"cost_matrix": [[0, 1], [1, 0]], "labels": [0, 2]}, "not in labels"),
        ({"cost_matrix": [[0, 1, 1], [1, 0, 1], [1, 1, 0]]}, "Pass labels="),
        ({"fp_cost": 1, "fn_cost": 2, "costs": np.ones(5)}, "costs must have shape"),
        ({"fp_cost": 1, "fn_cost": 2, "costs": -np.ones(6)}, ">= 0"),
        ({"fp_cost": 1, "fn_cost": 2, "sample_weight": np.ones(4)}, "sample_weight"),
    ],
)
def test_bad_input_is_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        expected_cost(Y_TRUE, Y_PRED, **kwargs)


def test_check_cost_matrix_needs_labels_or_classes():
    with pytest.raises(ValueError, match="labels are needed"):
        check_cost_matrix([[0, 1], [1, 0]])
    matrix, labels = check_cost_matrix(fp_cost=2, fn_cost=3, classes=["no", "yes"])
    np.testing.assert_array_equal(matrix, [[0, 2], [3, 0]])
    assert labels.tolist() == ["no", "yes"]


def test_scorer_validates_early():
    with pytest.raises(ValueError, match="negative"):
        make_cost_scorer([[0, -1], [1, 0]])
    with pytest.raises(ValueError, match="square"):
        make_cost_scorer([[0, 1, 2]])


def test_scorer_is_negative_expected_cost(binary_data):
    X, y = binary_data
    model = LogisticRegression().fit(X, y)
    scorer = make_cost_scorer(fp_cost=1, fn_cost=5)
    w = np.linspace(0.5, 2, len(y))
    assert scorer(model, X, y) == pytest.approx(
        -expected_cost(y, model.predict(X), [[0, 1], [5, 0]])
    )
    assert scorer(model, X, y, sample_weight=w) == pytest.approx(
        -expected_cost(y, model.predict(X), fp_cost=1, fn_cost=5, sample_weight=w)
    )


def test_scorer_multiclass_with_skweight_model(multiclass_data, fast_settings):
    X, y = multiclass_data
    cost = np.array([[0, 1, 4], [2, 0, 1], [8, 1, 0]])
    model = WeightedKerasClassifier(**fast_settings).fit(X, y)
    scorer = make_cost_scorer(cost, labels=[0, 1, 2])
    assert scorer(model, X, y) == pytest.approx(-expected_cost(y, model.predict(X), cost))


def _fold_costs(X, y, sample_weight, costs, cv):
    """Expected cost on each test fold, computed by hand with LogisticRegression(C=1)."""
    out = []
    for train, test in cv.split(X, y):
        model = LogisticRegression(C=1.0).fit(X[train], y[train], sample_weight[train])
        out.append(
            -expected_cost(
                y[test],
                model.predict(X[test]),
                fp_cost=1,
                fn_cost=5,
                sample_weight=sample_weight[test],
                costs=costs[test],
            )  # fmt: skip
        )
    return np.array(out)


def test_routing_sample_weight_and_costs_through_grid_search(binary_data):
    X, y = binary_data
    rng = np.random.default_rng(0)
    w = rng.uniform(0.2, 3, len(y))
    amount = rng.uniform(1, 100, len(y))
    cv = KFold(3, shuffle=True, random_state=0)
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = make_cost_scorer(fp_cost=1, fn_cost=5).set_score_request(
            sample_weight=True, costs=True
        )
        model = LogisticRegression().set_fit_request(sample_weight=True)
        search = GridSearchCV(model, {"C": [1.0, 0.01]}, scoring=scorer, cv=cv)
        search.fit(X, y, sample_weight=w, costs=amount)
    expected = _fold_costs(X, y, w, amount, cv)
    got = np.array([search.cv_results_[f"split{i}_test_score"][0] for i in range(3)])
    np.testing.assert_allclose(got, expected)
    # and the costs really reached the scorer: without them the scores differ
    no_costs = _fold_costs(X, y, w, np.ones(len(y)), cv)
    assert not np.allclose(got, no_costs)


def test_routing_to_skweight_estimator_and_scorer(binary_data, fast_settings):
    X, y = binary_data
    w = np.where(y == 1, 3.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = make_cost_scorer(fp_cost=1, fn_cost=5).set_score_request(sample_weight=True)
        model = WeightedKerasClassifier(**fast_settings).set_fit_request(sample_weight=True)
        result = cross_validate(
            model, X, y, scoring=scorer, cv=2, params={"sample_weight": w}, return_estimator=True
        )
    for est, score in zip(result["estimator"], result["test_score"], strict=True):
        assert np.isfinite(score) and score <= 0
        assert est.class_prior_[1] > np.mean(y)  # the weights reached fit


def test_sample_weight_without_routing_reaches_scorer(binary_data):
    X, y = binary_data
    w = np.where(y == 1, 4.0, 1.0)
    cv = KFold(3, shuffle=True, random_state=0)
    scorer = make_cost_scorer(fp_cost=1, fn_cost=5)
    search = GridSearchCV(LogisticRegression(), {"C": [1.0]}, scoring=scorer, cv=cv)
    search.fit(X, y, sample_weight=w)
    expected = _fold_costs(X, y, w, np.ones(len(y)), cv)
    got = [search.cv_results_[f"split{i}_test_score"][0] for i in range(3)]
    np.testing.assert_allclose(got, expected)
