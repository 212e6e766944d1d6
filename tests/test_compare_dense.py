"""compare_weightings on images: a CNN per image, and a U-Net per pixel (dense targets)."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import KFold

from skweight import WeightedKerasClassifier
from skweight._compare_dense import RowStrata, is_dense_target, row_strata, target_classes
from skweight.compare import StrategyCandidate, compare_weightings
from skweight.datasets import load_digit_images, make_segmentation
from skweight.networks import small_cnn, small_unet

TINY = {"epochs": 1, "batch_size": 8, "random_state": 0}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digit_images()
    rows = np.concatenate([np.flatnonzero(y == 1)[:16], np.flatnonzero(y == 0)[:64]])
    return X[rows], y[rows]


@pytest.fixture(scope="module")
def masks():
    """24 images of 16x16 with void rings (255) around the discs."""
    return make_segmentation(24, 16, void_border=1, random_state=0)


@pytest.fixture(scope="module")
def image_result(digits):
    X, y = digits
    model = WeightedKerasClassifier(model=small_cnn, model__filters=(4,), **TINY)
    return compare_weightings(
        model, X, y, strategies=["none", "balanced"], fp_cost=1, fn_cost=5, cv=2, n_repeats=1,
        threshold_cv=2, random_state=0, verbose=0,
    )  # fmt: skip


@pytest.fixture(scope="module")
def mask_result(masks):
    X, y = masks
    model = WeightedKerasClassifier(
        model=small_unet, model__filters=(4, 8), ignore_label=255, **TINY
    )
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = compare_weightings(
            model, X, y, strategies=["none", "balanced"], fp_cost=1, fn_cost=5, cv=2,
            n_repeats=1, random_state=0, verbose=1, sample_weight=np.where(y == 1, 2.0, 1.0),
        )  # fmt: skip
    return result, printed.getvalue()


def test_images_with_a_cnn(image_result, digits):
    X, _ = digits
    table = image_result.table
    assert set(table.index) == {"cost-decision", "calibrated-cost-decision", "tuned-threshold",
                                "oof-threshold", "constant", "none", "balanced"}  # fmt: skip
    assert {"cost_mean", "cost_se", "balanced_accuracy_mean", "average_precision_mean",
            "recall_1_mean"} <= set(table.columns)  # fmt: skip
    assert table.selected.sum() == 1 and not image_result.dense
    assert image_result.best_estimator_.predict(X[:3]).shape == (3,)
    assert len(image_result.plot().axes) == 2


@pytest.mark.slow
def test_masks_with_a_unet(mask_result, masks, tmp_path):
    X, _ = masks
    result, printed = mask_result
    assert "baselines 'tuned-threshold', 'calibrated-cost-decision'" in printed
    assert "on 24 rows of 16x16 labels" in printed
    table = result.table
    assert set(table.index) == {"cost-decision", "none", "balanced"}  # no tuned threshold
    for metric in ("cost", "dice", "jaccard", "recall_0", "recall_1", "fit_time"):
        assert {f"{metric}_mean", f"{metric}_std"} <= set(table.columns)
    assert {"cost_se", "simplicity", "within_1se", "selected"} <= set(table.columns)
    assert "average_precision_mean" not in table.columns and not result.pr_curves
    assert table.selected.sum() == 1 and table.loc[result.best_strategy_, "within_1se"]
    assert result.dense and result.classes.tolist() == [0, 1]  # the void label left out
    assert ((table.dice_mean >= 0) & (table.dice_mean <= 1)).all()
    assert result.fold_dice.shape == result.fold_costs.shape == (3, 2)
    assert result.best_estimator_.predict(X[:2]).shape == (2, 16, 16)
    path = tmp_path / "masks.png"
    fig = result.plot(path)
    assert len(fig.axes) == 2 and path.read_bytes()[:4] == b"\x89PNG"
    assert "per element" in result.summary() and "dice" in result.summary()
    summary = json.loads(json.dumps(result.to_dict()))
    assert summary["dense_target"] and set(summary["fold_dice"]) == set(table.index)


def test_masks_are_dense_and_rows_are_stratified(masks):
    X, y = masks
    model = WeightedKerasClassifier(model=small_unet, ignore_label=255)
    assert is_dense_target(model, y) and not is_dense_target(model, y[:, 0, 0])
    assert is_dense_target(WeightedKerasClassifier(), np.array([[0, 2], [1, 0]]))
    assert not is_dense_target(WeightedKerasClassifier(), np.array([[0, 1], [1, 1]]))
    classes = target_classes(y, 255)
    assert classes.tolist() == [0, 1]
    strata = row_strata(y, classes, 255)
    np.testing.assert_array_equal(strata, (y == 1).any(axis=(1, 2)).astype(int))
    folds = list(RowStrata(KFold(2), classes, 255).split(X, y))
    assert len(folds) == 2 and sorted(np.concatenate([t for _, t in folds])) == list(range(24))


def test_dense_arguments_are_checked_before_any_fit(masks):
    X, y = masks
    unet = WeightedKerasClassifier(model=small_unet, ignore_label=255, **TINY)
    with pytest.raises(ValueError, match="tuned-threshold' needs one binary label per row"):
        compare_weightings(unet, X, y, baselines=["tuned-threshold"])
    with pytest.raises(ValueError, match="model="):
        compare_weightings(WeightedKerasClassifier(), X, y)
    with pytest.raises(ValueError, match="sample_weight"):
        compare_weightings(unet, X, y, sample_weight=np.ones((24, 3)))


def test_candidate_classes_leave_the_ignored_label_out(masks):
    X, y = masks
    unet = WeightedKerasClassifier(model=small_unet, model__filters=(4,), ignore_label=255, **TINY)
    candidate = StrategyCandidate(unet, strategy="cost-decision", cost_matrix=np.eye(2)[::-1])
    candidate.fit(X[:8], y[:8])
    assert candidate.classes_.tolist() == [0, 1]
    assert candidate.predict(X[:2]).shape == (2, 16, 16)


class _Fixed(ClassifierMixin, BaseEstimator):
    """Predicts the masks it is given, whatever X is."""

    classes_ = np.array([0, 1, 2])

    def __init__(self, masks=None):
        self.masks = masks

    def predict(self, X):
        return self.masks


def test_dense_scorers_per_element_and_macro_dice():
    from skweight._compare_dense import dense_scorers

    truth = np.array([[[0, 1], [2, 9]], [[0, 0], [2, 2]]])  # 9: ignored
    guess = np.array([[[0, 1], [1, 0]], [[0, 0], [2, 0]]])
    model = _Fixed(guess)
    cost = 1.0 - np.eye(3)
    scorers = dense_scorers(cost, np.array([0, 1, 2]), None, ignore_label=9)
    assert -scorers["cost"](model, None, truth) == pytest.approx(2 / 7)  # 2 of 7 scored wrong
    assert scorers["recall_2"](model, None, truth) == pytest.approx(1 / 3)
    dice = [2 * 3 / (3 + 4), 2 * 1 / (1 + 2), 2 * 1 / (3 + 1)]  # classes 0, 1, 2
    assert scorers["dice"](model, None, truth) == pytest.approx(np.mean(dice))
    weights = np.ones(truth.shape)
    weights[1] = 0  # only the first mask counts
    assert -scorers["cost"](model, None, truth, sample_weight=weights) == pytest.approx(1 / 3)
    np.testing.assert_array_equal(row_strata(truth, np.array([0, 1, 2]), 9), [1, 0])
