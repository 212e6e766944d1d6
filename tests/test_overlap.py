"""Pooled Dice and Jaccard scores, their scorer in a search, and bad inputs."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn
from sklearn.base import BaseEstimator
from sklearn.metrics import f1_score
from sklearn.metrics import jaccard_score as sklearn_jaccard
from sklearn.model_selection import GridSearchCV, KFold

from skweight.overlap import dice_score, jaccard_score, make_overlap_scorer


def _masks(seed: int = 0, shape=(6, 5, 5), p: float = 0.3):
    rng = np.random.default_rng(seed)
    return (rng.random(shape) < p).astype(np.uint8), (rng.random(shape) < p).astype(np.uint8)


class ThresholdSegmenter(BaseEstimator):
    """Labels each pixel of X (n, h, w) 1 where it exceeds ``threshold``."""

    def __init__(self, threshold: float = 0.5):
        self.threshold = threshold

    def fit(self, X, y=None):
        return self

    def predict(self, X):
        return (np.asarray(X) > self.threshold).astype(np.uint8)


def _segmentation_task(n: int = 40, seed: int = 0):
    """Masks, and images whose one clearly right threshold is 0.5 (no pixel in [0.3, 0.7])."""
    rng = np.random.default_rng(seed)
    y = (rng.random((n, 8, 8)) < 0.1).astype(np.uint8)
    X = y + rng.uniform(-0.3, 0.3, size=y.shape)
    return X, y


# ---------------------------------------------------------------------------- the scores
def test_dice_is_the_hand_computation():
    y_true = np.array([[[1, 1, 0], [0, 1, 0]], [[0, 0, 0], [1, 0, 0]]])
    y_pred = np.array([[[1, 0, 0], [0, 1, 1]], [[0, 0, 0], [1, 1, 0]]])
    a, b = y_true == 1, y_pred == 1
    expected = 2 * (a & b).sum() / (a.sum() + b.sum())
    assert dice_score(y_true, y_pred) == pytest.approx(expected)
    assert jaccard_score(y_true, y_pred) == pytest.approx((a & b).sum() / (a | b).sum())


def test_scores_equal_sklearn_on_the_flattened_elements():
    y_true, y_pred = _masks()
    assert dice_score(y_true, y_pred) == pytest.approx(f1_score(y_true.ravel(), y_pred.ravel()))
    assert jaccard_score(y_true, y_pred) == pytest.approx(
        sklearn_jaccard(y_true.ravel(), y_pred.ravel())
    )
    assert dice_score(y_true.ravel(), y_pred.ravel()) == dice_score(y_true, y_pred)  # (n,) too


@pytest.mark.parametrize("seed", range(5))
def test_binary_jaccard_is_dice_over_two_minus_dice(seed):
    y_true, y_pred = _masks(seed)
    dice = dice_score(y_true, y_pred)
    assert jaccard_score(y_true, y_pred) == pytest.approx(dice / (2 - dice))


def test_per_class_macro_micro_weighted():
    rng = np.random.default_rng(1)
    y_true, y_pred = rng.integers(0, 3, (4, 6, 6)), rng.integers(0, 3, (4, 6, 6))
    flat = y_true.ravel(), y_pred.ravel()
    per_class = dice_score(y_true, y_pred, average=None)
    assert isinstance(per_class, np.ndarray) and per_class.shape == (3,)
    for k in range(3):
        a, b = flat[0] == k, flat[1] == k
        assert per_class[k] == pytest.approx(2 * (a & b).sum() / (a.sum() + b.sum()))
    assert dice_score(y_true, y_pred, average="macro") == pytest.approx(per_class.mean())
    for average in ("micro", "weighted"):
        assert dice_score(y_true, y_pred, average=average) == pytest.approx(
            f1_score(*flat, average=average)
        )
    reordered = jaccard_score(y_true, y_pred, average=None, labels=[2, 0])
    np.testing.assert_allclose(reordered, sklearn_jaccard(*flat, average=None, labels=[2, 0]))
    assert dice_score(y_true, y_pred, average="macro", labels=[2]) == pytest.approx(per_class[2])


def test_per_row_weights_equal_the_weight_repeated_over_elements():
    y_true, y_pred = _masks(2)
    rows = np.array([1.0, 0.0, 3.0, 0.5, 2.0, 1.0])
    elements = np.broadcast_to(rows[:, None, None], y_true.shape)
    for score in (dice_score, jaccard_score):
        assert score(y_true, y_pred, sample_weight=rows) == pytest.approx(
            score(y_true, y_pred, sample_weight=elements)
        )
    assert dice_score(y_true, y_pred, sample_weight=rows) != pytest.approx(
        dice_score(y_true, y_pred)
    )
    # Weight 0 drops a row: the same as scoring without it.
    kept = rows > 0
    assert dice_score(y_true, y_pred, sample_weight=kept.astype(float)) == pytest.approx(
        dice_score(y_true[kept], y_pred[kept])
    )


def test_per_element_weights_are_sklearns_weights():
    y_true, y_pred = _masks(3)
    weights = np.random.default_rng(3).uniform(0, 2, y_true.shape)
    original = weights.copy()
    assert dice_score(y_true, y_pred, sample_weight=weights) == pytest.approx(
        f1_score(y_true.ravel(), y_pred.ravel(), sample_weight=weights.ravel())
    )
    np.testing.assert_array_equal(weights, original)  # not modified


def test_ignored_elements_have_no_influence():
    y_true, y_pred = _masks(4)
    y_true = y_true.copy()
    y_true[:, 0, :] = 255  # void first row of every image
    before_true, before_pred = y_true.copy(), y_pred.copy()
    score = dice_score(y_true, y_pred, ignore_label=255, average="macro")
    changed = y_pred.copy()
    changed[:, 0, :] = 1 - changed[:, 0, :]
    assert dice_score(y_true, changed, ignore_label=255, average="macro") == score
    kept = y_true != 255
    assert score == pytest.approx(f1_score(y_true[kept], y_pred[kept], average="macro"))
    assert jaccard_score(y_true, y_pred, ignore_label=255) == pytest.approx(
        sklearn_jaccard(y_true[kept], y_pred[kept])
    )
    np.testing.assert_array_equal(y_true, before_true)
    np.testing.assert_array_equal(y_pred, before_pred)


def test_empty_versus_empty_is_perfect():
    empty = np.zeros((3, 4, 4), dtype=np.uint8)
    assert dice_score(empty, empty) == 1.0
    assert jaccard_score(empty, empty) == 1.0
    assert dice_score(empty, empty, average=None, labels=[0, 1]).tolist() == [1.0, 1.0]
    wrong = empty.copy()
    wrong[0, 0, 0] = 1
    assert dice_score(empty, wrong) == 0.0  # a false alarm on an empty mask scores 0


# ---------------------------------------------------------------------------- the scorer
def test_scorer_in_a_grid_search_picks_the_right_threshold():
    X, y = _segmentation_task()
    search = GridSearchCV(
        ThresholdSegmenter(),
        {"threshold": [0.1, 0.5, 0.9]},
        scoring=make_overlap_scorer("dice"),
        cv=KFold(3),
    ).fit(X, y)
    assert search.best_params_ == {"threshold": 0.5}
    assert search.best_score_ == 1.0
    assert search.cv_results_["mean_test_score"].max() == 1.0
    assert sorted(search.cv_results_["mean_test_score"])[1] < 0.9


def test_scorer_passes_sample_weight_on():
    X, y = _segmentation_task(seed=1)
    model = ThresholdSegmenter(threshold=0.2).fit(X, y)
    weights = np.linspace(0, 2, len(y))
    for metric, score in (("dice", dice_score), ("jaccard", jaccard_score)):
        scorer = make_overlap_scorer(metric)
        assert scorer(model, X, y) == pytest.approx(score(y, model.predict(X)))
        weighted = scorer(model, X, y, sample_weight=weights)
        assert weighted == pytest.approx(score(y, model.predict(X), sample_weight=weights))
        assert weighted != pytest.approx(scorer(model, X, y))


def test_routed_sample_weight_changes_the_search_scores():
    X, y = _segmentation_task(n=30, seed=2)
    weights = np.random.default_rng(2).uniform(0, 3, len(y))
    grid = {"threshold": [0.2, 0.8]}
    cv = KFold(3)
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = make_overlap_scorer("jaccard").set_score_request(sample_weight=True)
        search = GridSearchCV(ThresholdSegmenter(), grid, scoring=scorer, cv=cv)
        search.fit(X, y, sample_weight=weights)
        plain = GridSearchCV(ThresholdSegmenter(), grid, scoring=make_overlap_scorer("jaccard"))
        plain.set_params(cv=cv).fit(X, y)
    for i, threshold in enumerate(grid["threshold"]):
        model = ThresholdSegmenter(threshold)
        expected = np.mean(
            [
                jaccard_score(y[test], model.predict(X[test]), sample_weight=weights[test])
                for _, test in cv.split(X)
            ]
        )
        assert search.cv_results_["mean_test_score"][i] == pytest.approx(expected)
    assert not np.allclose(
        search.cv_results_["mean_test_score"], plain.cv_results_["mean_test_score"]
    )


def test_each_scorer_is_its_own_object():
    with sklearn.config_context(enable_metadata_routing=True):
        first = make_overlap_scorer().set_score_request(sample_weight=True)
        second = make_overlap_scorer()
        assert first is not second
        assert first.get_metadata_routing().score.requests["sample_weight"] is True
        assert second.get_metadata_routing().score.requests["sample_weight"] is None


def test_scorer_with_ignore_label_and_macro_average():
    X, y = _segmentation_task(seed=3)
    y = y.copy()
    y[:, :, 0] = 255
    model = ThresholdSegmenter(0.5)
    scorer = make_overlap_scorer("dice", average="macro", ignore_label=255)
    assert scorer(model, X, y) == pytest.approx(
        dice_score(y, model.predict(X), average="macro", ignore_label=255)
    )


# ---------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("score", [dice_score, jaccard_score])
@pytest.mark.parametrize(
    "y_pred, kwargs, match",
    [
        (np.zeros((2, 3, 3)), {}, "y_true and y_pred must have the same shape"),
        (np.full((2, 3, 4), 0.4), {}, "y_pred must hold class labels"),
        (None, {"sample_weight": np.ones(3)}, r"sample_weight must have shape \(2,\)"),
        (
            None,
            {"sample_weight": np.ones((2, 3))},
            r"sample_weight must .* y_true's shape \(2, 3, 4\)",
        ),
        (None, {"sample_weight": [-1.0, 1.0]}, "sample_weight must be >= 0"),
        (None, {"sample_weight": [np.nan, 1.0]}, "sample_weight must be finite"),
        (None, {"sample_weight": [np.inf, 1.0]}, "sample_weight must be finite"),
        (None, {"sample_weight": [0.0, 0.0]}, "sample_weight is zero on every element"),
        (None, {"sample_weight": 2.0}, "sample_weight must be an array"),
        (None, {"sample_weight": ["a", "b"]}, "sample_weight must hold numbers"),
        (None, {"average": "samples"}, "average must be"),
        (None, {"ignore_label": 0}, "every element of y_true is ignore_label"),
    ],
)
def test_bad_inputs_name_the_argument(score, y_pred, kwargs, match):
    y_true = np.zeros((2, 3, 4), dtype=int)
    y_pred = np.zeros_like(y_true) if y_pred is None else y_pred
    with pytest.raises((ValueError, TypeError), match=f"{score.__name__}: {match}"):
        score(y_true, y_pred, **kwargs)


def test_empty_or_scalar_labels_are_refused():
    with pytest.raises(ValueError, match="dice_score: y_true must be an array"):
        dice_score(np.zeros((0, 4)), np.zeros((0, 4)))
    with pytest.raises(ValueError, match="jaccard_score: y_pred must be an array"):
        jaccard_score(np.array([1]), np.array(1))


@pytest.mark.parametrize(
    "kwargs, name",
    [({"metric": "iou"}, "metric"), ({"average": None}, "average"), ({"average": "x"}, "average")],
)
def test_bad_scorer_parameters_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=f"make_overlap_scorer: {name} must be"):
        make_overlap_scorer(**kwargs)
