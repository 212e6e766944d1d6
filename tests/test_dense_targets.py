"""Any Keras network: images, sequences, token ids, and dense targets (masks, per-timestep labels).

Every test trains a real (tiny) network. The networks come from ``skweight.networks`` or are
written here, as a user would.
"""

from __future__ import annotations

import pickle

import keras
import numpy as np
import pytest
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from sklearn.model_selection import GridSearchCV, KFold

from skweight import (
    FocalLoss,
    MinimumCostClassifier,
    Resampler,
    WeightedKerasClassifier,
    WeightedKerasRegressor,
    expected_cost,
    make_cost_scorer,
    minimum_cost_predict,
)
from skweight._batches import keras_fit_data
from skweight.datasets import load_digit_images, make_segmentation
from skweight.networks import (
    sequence_classifier,
    sequence_tagger,
    small_cnn,
    small_unet,
)
from skweight.overlap import dice_score, make_overlap_scorer

pytestmark = pytest.mark.core

TINY = {"epochs": 2, "batch_size": 16, "random_state": 0, "optimizer__learning_rate": 0.01}

STRATEGIES = [
    pytest.param(None, id="none"),
    pytest.param("balanced", id="balanced"),
    pytest.param({0: 1.0, 1: 4.0}, id="dict"),
    pytest.param("focal", id="focal"),
    pytest.param(RandomUnderSampler(random_state=0), id="undersample"),
    pytest.param(Resampler(RandomUnderSampler(), per_epoch=True), id="per-epoch"),
]


@pytest.fixture(scope="module")
def images():
    X, y = load_digit_images()
    return X[:240], y[:240]


@pytest.fixture(scope="module")
def masks():
    return make_segmentation(48, 16, empty_fraction=0.5, random_state=0)


@pytest.fixture(scope="module")
def sequences():
    """Per-row labels of sequences (n, T, f), and per-timestep labels of three classes."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(96, 12, 3)).astype("float32")
    y_row = (X[:, :, 0].mean(axis=1) > 0.25).astype(int)
    y_steps = np.digitize(X[:, :, 0], [-0.8, 0.8])  # 0, 1, 2 per timestep; 1 is common
    return X, y_row, y_steps


def pixel_net(X_shape_, n_classes_=None):
    """A per-pixel network (1x1 convolutions only): a pixel's output sees only that pixel."""
    inputs = keras.Input(X_shape_[1:])
    hidden = keras.layers.Conv2D(4, 1, activation="relu")(inputs)
    activation = None if n_classes_ is None else "sigmoid"
    return keras.Model(inputs, keras.layers.Conv2D(1, 1, activation=activation)(hidden))


# ---------------------------------------------------------------------------- rows of any shape
@pytest.mark.parametrize("weighting", STRATEGIES)
def test_cnn_on_images(images, weighting):
    X, y = images
    weights = np.where(y == 1, 2.0, 1.0)
    clf = WeightedKerasClassifier(small_cnn, weighting=weighting, model__filters=(4,), **TINY)
    clf.fit(X, y, sample_weight=weights)
    assert clf.X_shape_ == X.shape and clf.n_features_in_ == 8
    assert clf.predict(X).shape == (len(X),)
    proba = clf.predict_proba(X[:5])
    assert proba.shape == (5, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)


def test_builtin_network_flattens_images(images):
    X, y = images
    clf = WeightedKerasClassifier(hidden_layer_sizes=(8,), **TINY).fit(X, y)
    assert clf.predict_proba(X).shape == (len(X), 2)
    with pytest.raises(ValueError, match=r"rows of shape \(8, 8\).*\(8, 8, 1\)"):
        clf.predict(X[..., 0])


@pytest.mark.parametrize("layer", ["conv1d", "lstm"])
def test_sequence_networks_on_sequences(sequences, layer):
    X, y, _ = sequences
    clf = WeightedKerasClassifier(
        sequence_classifier, weighting="balanced", model__layer=layer, **TINY
    ).fit(X, y)
    assert clf.predict(X).shape == (len(X),)


def test_token_ids_stay_integers_for_an_embedding():
    rng = np.random.default_rng(1)
    X = rng.integers(0, 30, size=(80, 6))
    y = (X == 7).any(axis=1).astype(int)
    clf = WeightedKerasClassifier(
        sequence_classifier, weighting="balanced", model__vocabulary=30, **TINY
    ).fit(X, y)
    assert clf.X_dtype_.kind == "i"
    assert clf.predict(X).shape == (80,)
    ids = np.array([[2**25 + 1] * 6])  # not a float32: the network gets it exactly
    assert clf._check_data(ids, [1], None, True, None).X[0, 0] == 2**25 + 1


# ---------------------------------------------------------------------------- dense targets
@pytest.mark.parametrize("weighting", STRATEGIES)
def test_unet_on_masks(masks, weighting):
    X, y = masks
    per_pixel = np.where(y == 1, 3.0, 1.0)
    clf = WeightedKerasClassifier(small_unet, weighting=weighting, model__filters=(4, 8), **TINY)
    clf.fit(X, y, sample_weight=per_pixel)
    assert clf.elementwise_ and clf.target_shape_ == (16, 16)
    assert clf.predict(X).shape == y.shape
    proba = clf.predict_proba(X[:3])
    assert proba.shape == (3, 16, 16, 2)
    np.testing.assert_allclose(proba.sum(axis=-1), 1.0, atol=1e-6)
    assert 0.0 <= clf.score(X, y) <= 1.0


def test_mask_with_a_channel_axis_keeps_it(masks):
    X, y = masks
    clf = WeightedKerasClassifier(small_unet, model__filters=(4, 8), **TINY)
    clf.fit(X, y[..., None], sample_weight=np.ones(y.shape + (1,)))
    assert clf.predict(X).shape == y.shape + (1,)
    assert clf.predict_proba(X).shape == y.shape + (1, 2)


def test_per_timestep_multiclass_labels(sequences):
    X, _, y = sequences
    clf = WeightedKerasClassifier(sequence_tagger, weighting="balanced", **TINY).fit(X, y)
    assert clf.elementwise_ and clf.n_classes_ == 3
    assert clf.predict(X).shape == y.shape
    assert clf.predict_proba(X).shape == y.shape + (3,)
    focal = WeightedKerasClassifier(sequence_tagger, weighting=FocalLoss(), **TINY).fit(X, y)
    assert focal.predict(X).shape == y.shape


def test_two_dimensional_binary_labels_are_multilabel_unless_dense(sequences):
    X, _, steps = sequences
    y = (steps == 2).astype(int)
    with pytest.raises(ValueError, match="output"):  # multi-label: 12 labels, one output each
        WeightedKerasClassifier(sequence_tagger, **TINY).fit(X, y)
    clf = WeightedKerasClassifier(sequence_tagger, dense_target=True, **TINY).fit(X, y)
    assert clf.elementwise_ and clf.predict(X).shape == y.shape


def test_partial_fit_on_masks_with_every_class_named(masks):
    X, y = masks
    empty = np.flatnonzero(y.reshape(len(y), -1).max(axis=1) == 0)
    clf = WeightedKerasClassifier(small_unet, model__filters=(4, 8), **TINY)
    clf.partial_fit(X[empty], y[empty], classes=[0, 1])  # only background in this batch
    clf.partial_fit(X, y)
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    assert clf.predict_proba(X).shape == y.shape + (2,) and len(clf.history_["loss"]) == 2


def test_string_labels_per_element(sequences):
    X, _, steps = sequences
    y = np.array(["low", "mid", "high"])[steps]
    clf = WeightedKerasClassifier(sequence_tagger, **TINY).fit(X, y)
    assert set(np.unique(clf.predict(X))) <= {"low", "mid", "high"}


def test_regressor_with_per_element_weights(masks):
    X, _ = masks
    target = X[..., 0] * 2.0
    weights = np.ones(target.shape)
    weights[:, :4] = 0.0  # an uncertainty map: the top rows of pixels are not trusted
    changed = target.copy()
    changed[:, :4] = 100.0
    fits = [
        WeightedKerasRegressor(pixel_net, **TINY).fit(X, t, sample_weight=weights)
        for t in (target, changed)
    ]
    assert fits[0].predict(X).shape == target.shape
    for a, b in zip(fits[0].model_.get_weights(), fits[1].model_.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)


# ---------------------------------------------------------------------------- weights per element
def _epoch_weights(clf, X, y, sample_weight=None):
    """The element weights the estimator's first training batch carries, and its labels."""
    settings = clf._check_params(clf.epochs, warm=False)
    data = clf._check_data(X, y, sample_weight, False, None)
    train, _ = clf._prepare_rows(data, settings)
    clf._build_and_compile(settings)
    batches = keras_fit_data(
        train, lambda t: t, clf.model_.loss, batch_size=len(y), shuffle=False, seed=0
    )["x"]
    _, labels, weights = batches[0]
    return labels, weights


def test_balanced_pixel_weights_equal_a_hand_computation(masks):
    X, y = masks
    clf = WeightedKerasClassifier(small_unet, weighting="balanced", model__filters=(4, 8), **TINY)
    labels, weights = _epoch_weights(clf, X, y)
    counts = np.bincount(y.ravel(), minlength=2)
    hand = y.size / (2 * counts)  # scikit-learn's "balanced" over all pixels
    np.testing.assert_allclose(clf.weighting_.class_weights_, hand)
    expected = hand[y] / hand[y].mean()  # normalised to mean 1 over the pixels
    np.testing.assert_allclose(weights, expected, rtol=1e-5)
    assert weights.shape == y.shape


def test_per_pixel_sample_weight_multiplies_the_class_weights(masks):
    X, y = masks
    sample_weight = np.random.default_rng(0).uniform(0.5, 2.0, size=y.shape)
    clf = WeightedKerasClassifier(small_unet, weighting={0: 1.0, 1: 5.0}, model__filters=(4, 8))
    _, weights = _epoch_weights(clf, X, y, sample_weight)
    product = np.where(y == 1, 5.0, 1.0) * sample_weight
    np.testing.assert_allclose(weights, product / product.mean(), rtol=1e-5)


def test_dice_loss_gets_one_weight_per_image(masks):
    X, y = masks
    per_pixel = np.where(y == 1, 4.0, 1.0)
    clf = WeightedKerasClassifier(small_unet, loss="dice", model__filters=(4, 8), **TINY)
    _, weights = _epoch_weights(clf, X, y, per_pixel)
    assert weights.shape == (len(y),)  # Dice sums over pixels: a weight can only rescale it
    row_means = per_pixel.reshape(len(y), -1).mean(axis=1)
    np.testing.assert_allclose(weights, row_means / row_means.mean(), rtol=1e-5)
    clf.fit(X, y, sample_weight=per_pixel)
    assert np.isfinite(clf.history_["loss"]).all() and clf.predict(X).shape == y.shape


def test_dice_loss_with_an_ignored_label_warns():
    X, y = make_segmentation(16, 16, void_border=1, random_state=3)
    clf = WeightedKerasClassifier(
        small_unet, loss="dice", ignore_label=255, model__filters=(4, 8), **{**TINY, "epochs": 1}
    )
    with pytest.warns(UserWarning, match="ignore_label=255 count as class 0"):
        clf.fit(X, y)


@pytest.mark.slow
def test_balanced_pixel_weights_raise_minority_recall():
    X, y = make_segmentation(160, 16, empty_fraction=0.5, random_state=1)
    X_test, y_test = make_segmentation(40, 16, empty_fraction=0.5, random_state=2)
    settings = {**TINY, "epochs": 6, "model__filters": (8, 16)}
    recall = {}
    for weighting in (None, "balanced"):
        clf = WeightedKerasClassifier(small_unet, weighting=weighting, **settings).fit(X, y)
        recall[weighting] = np.mean(clf.predict(X_test)[y_test == 1] == 1)
    assert recall["balanced"] > recall[None] + 0.2, recall


# ---------------------------------------------------------------------------- the ignored label
def test_ignored_pixels_have_no_influence():
    X, y = make_segmentation(32, 16, void_border=1, random_state=3)
    void = y == 255
    assert void.any()
    rng = np.random.default_rng(0)
    X_changed, y_changed = X.copy(), y.copy()
    X_changed[void] = rng.normal(size=(int(void.sum()), 1))
    y_changed[void] = 255  # still ignored; the labels stay out of training either way
    settings = {**TINY, "ignore_label": 255, "weighting": "balanced"}
    fits = [
        WeightedKerasClassifier(pixel_net, **settings).fit(a, b)
        for a, b in ((X, y), (X_changed, y_changed))
    ]
    for a, b in zip(fits[0].model_.get_weights(), fits[1].model_.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    np.testing.assert_array_equal(fits[0].classes_, [0, 1])
    # and out of the scores: the accuracy over the other pixels
    pred = fits[0].predict(X)
    assert fits[0].score(X, y) == pytest.approx(np.mean(pred[~void] == y[~void]))
    scorer = make_cost_scorer(fp_cost=1, fn_cost=5, labels=[0, 1], ignore_label=255)
    cost = expected_cost(y[~void], pred[~void], fp_cost=1, fn_cost=5, labels=[0, 1])
    assert -scorer(fits[0], X, y) == pytest.approx(cost)


def test_zero_weight_pixels_have_no_influence_in_a_unet(masks):
    X, y = masks
    weights = np.ones(y.shape)
    weights[:, :, :5] = 0.0  # the left columns of every image are not to be trusted
    flipped = y.copy()
    flipped[:, :, :5] = 1 - flipped[:, :, :5]
    settings = {**TINY, "weighting": "balanced", "model__filters": (4, 8)}
    fits = [
        WeightedKerasClassifier(small_unet, **settings).fit(X, labels, sample_weight=weights)
        for labels in (y, flipped)
    ]
    for a, b in zip(fits[0].model_.get_weights(), fits[1].model_.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_validation_split_on_masks_leaves_ignored_pixels_out():
    X, y = make_segmentation(32, 16, void_border=1, random_state=3)
    clf = WeightedKerasClassifier(
        small_unet, weighting="balanced", ignore_label=255, validation_split=0.25,
        model__filters=(4, 8), **TINY,
    ).fit(X, y)  # fmt: skip
    for key in ("val_loss", "val_loss_unweighted"):
        assert np.isfinite(clf.history_[key]).all()


# ---------------------------------------------------------------------------- refusals
def test_output_shape_mismatch_shows_both_shapes(masks):
    X, y = masks

    def per_image(X_shape_):
        inputs = keras.Input(X_shape_[1:])
        pooled = keras.layers.GlobalAveragePooling2D()(inputs)
        return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(pooled))

    with pytest.raises(ValueError, match=r"output has shape \(1,\).*needs \(16, 16, 1\)"):
        WeightedKerasClassifier(per_image, **TINY).fit(X, y)


def test_dense_target_without_a_model_names_model(masks):
    X, y = masks
    with pytest.raises(ValueError, match="model="):
        WeightedKerasClassifier(**TINY).fit(X, y)


def test_smote_on_images_names_the_sampler(images):
    X, y = images
    with pytest.raises(ValueError, match="SMOTE.*synthesises"):
        WeightedKerasClassifier(small_cnn, weighting=SMOTE(), **TINY).fit(X, y)


def test_oversampling_images_takes_rows_whole(images):
    X, y = images
    clf = WeightedKerasClassifier(small_cnn, weighting=RandomOverSampler(), **TINY).fit(X, y)
    np.testing.assert_allclose(clf.training_prior_, [0.5, 0.5])


def test_undersampling_masks_drops_empty_masks_first(masks):
    X, y = masks
    clf = WeightedKerasClassifier(
        small_unet, weighting=RandomUnderSampler(random_state=0), model__filters=(4, 8), **TINY
    )
    settings = clf._check_params(clf.epochs, warm=False)
    train, _ = clf._prepare_rows(clf._check_data(X, y, None, False, None), settings)
    has_object = train.y.reshape(len(train.y), -1).max(axis=1) == 1
    assert has_object.sum() == (~has_object).sum()  # as many empty masks as masks with objects
    assert has_object.sum() == int((y.reshape(len(y), -1).max(axis=1) == 1).sum())


@pytest.mark.parametrize(
    "weights, match",
    [
        (np.ones((48, 16)), r"sample_weight has shape \(48, 16\)"),
        (-np.ones((48, 16, 16)), "Negative"),
        (np.full((48, 16, 16), np.nan), "NaN"),
    ],
)
def test_bad_per_element_weights(masks, weights, match):
    X, y = masks
    with pytest.raises(ValueError, match=match):
        WeightedKerasClassifier(small_unet, **TINY).fit(X, y, sample_weight=weights)


def test_the_callers_arrays_are_not_modified():
    X, y = make_segmentation(24, 16, void_border=1, random_state=4)
    weights = np.ones(y.shape)
    copies = (X.copy(), y.copy(), weights.copy())
    WeightedKerasClassifier(
        small_unet, weighting="balanced", ignore_label=255, model__filters=(4, 8), **TINY
    ).fit(X, y, sample_weight=weights)
    for before, after in zip(copies, (X, y, weights), strict=True):
        np.testing.assert_array_equal(before, after)


# ---------------------------------------------------------------------------- decisions and search
def test_cost_decisions_per_pixel(masks):
    X, y = masks
    clf = WeightedKerasClassifier(small_unet, model__filters=(4, 8), **TINY).fit(X, y)
    proba = clf.predict_proba(X)
    decided = minimum_cost_predict(proba, fp_cost=1, fn_cost=9, classes=clf.classes_)
    np.testing.assert_array_equal(decided, (proba[..., 1] > 0.1).astype(int))
    wrapped = MinimumCostClassifier(clf, fp_cost=1, fn_cost=9).fit(X, y)
    assert wrapped.predict(X).shape == y.shape
    balanced = WeightedKerasClassifier(
        small_unet, weighting="balanced", prior_correction=True, model__filters=(4, 8), **TINY
    ).fit(X, y)
    corrected = balanced.predict_proba(X)
    np.testing.assert_allclose(corrected.sum(axis=-1), 1.0, atol=1e-6)
    assert balanced.training_prior_[1] == pytest.approx(0.5)


@pytest.mark.parametrize("metric", ["dice", "cost"])
def test_grid_search_over_weighting_on_masks(masks, metric):
    X, y = masks
    scoring = (
        make_overlap_scorer("dice")
        if metric == "dice"
        else make_cost_scorer(fp_cost=1, fn_cost=5, labels=[0, 1])
    )
    search = GridSearchCV(
        WeightedKerasClassifier(small_unet, model__filters=(4, 8), **TINY),
        {"weighting": [None, "balanced"]},
        scoring=scoring,
        cv=KFold(2, shuffle=True, random_state=0),
    ).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.predict(X).shape == y.shape
    predicted = search.best_estimator_.predict(X)
    expected = (
        dice_score(y, predicted)
        if metric == "dice"
        else -expected_cost(y, predicted, fp_cost=1, fn_cost=5, labels=[0, 1])
    )
    assert search.score(X, y) == pytest.approx(expected)


def test_save_load_and_pickle_a_cnn(images, tmp_path):
    X, y = images
    clf = WeightedKerasClassifier(small_cnn, weighting="balanced", model__filters=(4,), **TINY)
    clf.fit(X, y)
    expected = clf.predict_proba(X)
    loaded = WeightedKerasClassifier.load(clf.save(tmp_path / "cnn"))
    np.testing.assert_allclose(loaded.predict_proba(X), expected, rtol=1e-6)
    assert loaded.X_shape_ == X.shape
    unpickled = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(unpickled.predict_proba(X), expected, rtol=1e-6)


def test_save_load_a_unet(masks, tmp_path):
    X, y = masks
    clf = WeightedKerasClassifier(small_unet, ignore_label=255, model__filters=(4, 8), **TINY)
    clf.fit(X, y)
    loaded = WeightedKerasClassifier.load(clf.save(tmp_path / "unet.zip"))
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
    assert loaded.elementwise_ and loaded.target_shape_ == (16, 16)
    assert loaded.model is small_unet  # skweight's own networks are saved by name


def test_a_users_build_function_is_left_out_of_a_save(masks, tmp_path):
    X, y = masks
    clf = WeightedKerasClassifier(pixel_net, **TINY).fit(X, y)
    with pytest.raises(TypeError, match="saves no code"):
        clf.save(tmp_path / "refused")
    loaded = WeightedKerasClassifier.load(
        clf.save(tmp_path / "kept", exclude=["model"]), model=pixel_net
    )
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
