"""Rows that stay on disk: np.memmap, HDF5 and zarr through fit, predict, CV, search, compare.

Each fit on disk is compared with the same fit on the same rows held in memory. Keras shuffles
in-memory arrays its own way, so the equal-results tests train without shuffling (both paths
then see the same batches in the same order); fits that skweight batches itself (per-epoch
resampling, dense targets) are equal with shuffling too. These run on TensorFlow only: on JAX and
PyTorch the fit from arrays and the fit from skweight's batches did not come out equal (not yet
investigated).
"""

from __future__ import annotations

import h5py
import numpy as np
import pytest
from imblearn.under_sampling import RandomUnderSampler
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, cross_validate

from skweight import Resampler, WeightedKerasClassifier, compare_weightings
from skweight.datasets import make_segmentation
from skweight.networks import small_unet
from skweight.rows import LazyRows

zarr = pytest.importorskip("zarr")

SETTINGS = {
    "hidden_layer_sizes": (8,), "epochs": 2, "batch_size": 16, "random_state": 0,
    "shuffle": False,
}  # fmt: skip


@pytest.fixture(scope="module")
def rows(imbalanced_rows):
    X, y = imbalanced_rows(160, 0)
    return np.column_stack([X, X**2]).astype("float32"), y


@pytest.fixture(scope="module", params=["memmap", "hdf5", "zarr"])
def on_disk(request, rows, tmp_path_factory):
    """The rows of ``rows`` written to a file of each kind, opened read-only."""
    X, _ = rows
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "memmap":
        path = folder / "X.npy"
        np.save(path, X)
        yield np.load(path, mmap_mode="r")
    elif request.param == "hdf5":
        with h5py.File(folder / "X.h5", "w") as handle:
            handle.create_dataset("X", data=X, chunks=(16, X.shape[1]))
        handle = h5py.File(folder / "X.h5", "r")
        yield handle["X"]
        handle.close()
    else:
        array = zarr.open_array(folder / "X.zarr", mode="w", shape=X.shape, chunks=(16, 4),
                                dtype=X.dtype)  # fmt: skip
        array[:] = X
        yield zarr.open_array(folder / "X.zarr", mode="r")


def _same_network(a, b):
    for wa, wb in zip(a.model_.get_weights(), b.model_.get_weights(), strict=True):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)


def test_fit_and_predict_equal_in_memory(rows, on_disk):
    X, y = rows
    in_memory = WeightedKerasClassifier(weighting="balanced", **SETTINGS).fit(X, y)
    lazy = WeightedKerasClassifier(weighting="balanced", **SETTINGS).fit(on_disk, y)
    _same_network(in_memory, lazy)
    np.testing.assert_allclose(lazy.predict_proba(on_disk), in_memory.predict_proba(X), rtol=1e-5)
    assert lazy.score(LazyRows(on_disk), y) == in_memory.score(X, y)


def test_per_epoch_resampling_on_disk_equals_in_memory(rows, on_disk):
    X, y = rows
    params = {**SETTINGS, "shuffle": True, "weighting": Resampler(RandomUnderSampler(),
                                                                  per_epoch=True)}  # fmt: skip
    in_memory = WeightedKerasClassifier(**params).fit(X, y)
    lazy = WeightedKerasClassifier(**params).fit(on_disk, y)
    _same_network(in_memory, lazy)


def test_cross_validate_and_grid_search_select_rows_lazily(rows, on_disk):
    X, y = rows
    view = LazyRows(on_disk)
    cv = StratifiedKFold(3)
    scores = {
        name: cross_validate(WeightedKerasClassifier(**SETTINGS), data, y, cv=cv)["test_score"]
        for name, data in (("memory", X), ("disk", view))
    }
    np.testing.assert_allclose(scores["disk"], scores["memory"])
    search = GridSearchCV(
        WeightedKerasClassifier(**SETTINGS), {"weighting": [None, "balanced"]}, cv=cv
    ).fit(view, y)
    assert isinstance(search.best_estimator_.predict(view), np.ndarray)


def test_compare_weightings_on_disk(rows, on_disk):
    X, y = rows
    kwargs = {
        "strategies": ["none", "balanced"],
        "baselines": ["cost-decision"],
        "cv": 2,
        "n_repeats": 1,
        "fn_cost": 5,
        "fp_cost": 1,
        "verbose": 0,
        "random_state": 0,
    }
    memory = compare_weightings(WeightedKerasClassifier(**SETTINGS), X, y, engine="sequential",
                                **kwargs)  # fmt: skip
    disk = compare_weightings(WeightedKerasClassifier(**SETTINGS), LazyRows(on_disk), y, **kwargs)
    np.testing.assert_allclose(
        disk.table.loc[memory.table.index, "cost_mean"], memory.table["cost_mean"]
    )


def test_masks_on_disk(tmp_path):
    X, y = make_segmentation(32, 16, random_state=0)
    with h5py.File(tmp_path / "images.h5", "w") as handle:
        handle.create_dataset("X", data=X, chunks=(4, 16, 16, 1))
        handle.create_dataset("y", data=y)  # the masks on disk too
    params = {"model__filters": (4, 8), "epochs": 2, "batch_size": 8, "random_state": 0,
              "weighting": "balanced"}  # fmt: skip
    in_memory = WeightedKerasClassifier(small_unet, **params).fit(X, y)
    with h5py.File(tmp_path / "images.h5", "r") as handle:
        lazy = WeightedKerasClassifier(small_unet, **params).fit(handle["X"], handle["y"])
        np.testing.assert_array_equal(lazy.predict(handle["X"]), in_memory.predict(X))
    _same_network(in_memory, lazy)


def test_lazy_view_selects_without_reading(rows, on_disk):
    X, _ = rows
    view = LazyRows(on_disk)
    part = view[np.array([5, 1, 1, 150])][1:]
    assert part.shape == (3, X.shape[1]) and isinstance(part, LazyRows)
    np.testing.assert_array_equal(np.asarray(part), X[[1, 1, 150]])
    np.testing.assert_array_equal(view[:, 2], X[:, 2])
    np.testing.assert_array_equal(view[view.shape[0] - 1], X[-1])
    np.testing.assert_array_equal(np.asarray(view[X[:, 0] > 1]), X[X[:, 0] > 1])


def test_what_cannot_be_row_indexed_says_what_to_pass(rows):
    X, y = rows
    with pytest.raises(TypeError, match="HDF5 or zarr file"):
        LazyRows(iter(X))
    with pytest.raises(TypeError, match="numeric rows"):
        LazyRows(np.array([["a", "b"]] * 3))


@pytest.mark.parametrize("make", [lambda X: (r for r in X), iter, lambda X: _tf_dataset(X)])
def test_an_estimator_refuses_streams_naming_what_to_pass(rows, make):
    X, y = rows
    with pytest.raises(TypeError, match="cannot be indexed by rows.*LazyRows"):
        WeightedKerasClassifier(**SETTINGS).fit(make(X), y)


def _tf_dataset(X):
    tf = pytest.importorskip("tensorflow")
    return tf.data.Dataset.from_tensor_slices(X)


def test_non_finite_rows_on_disk_are_named(rows, tmp_path):
    X, y = rows
    bad = X.copy()
    bad[7, 1] = np.nan
    np.save(tmp_path / "bad.npy", bad)
    with pytest.raises(ValueError, match=r"NaN or infinite values in row\(s\) \[7\]"):
        WeightedKerasClassifier(**SETTINGS).fit(np.load(tmp_path / "bad.npy", mmap_mode="r"), y)


def test_masks_on_disk_through_cross_validate_and_a_search(tmp_path):
    X, y = make_segmentation(24, 16, random_state=1)
    with h5py.File(tmp_path / "masks.h5", "w") as handle:
        handle.create_dataset("X", data=X, chunks=(1, 16, 16, 1))
    params = {"model__filters": (4, 8), "epochs": 1, "batch_size": 8, "random_state": 0}
    cv = KFold(2)
    with h5py.File(tmp_path / "masks.h5", "r") as handle:
        scores = {
            name: cross_validate(WeightedKerasClassifier(small_unet, **params), data, y, cv=cv)[
                "test_score"
            ]
            for name, data in (("memory", X), ("disk", LazyRows(handle["X"])))
        }
        search = GridSearchCV(
            WeightedKerasClassifier(small_unet, **params), {"weighting": [None, "balanced"]}, cv=cv
        ).fit(LazyRows(handle["X"]), y)
        assert search.best_estimator_.predict(LazyRows(handle["X"])).shape == y.shape
    np.testing.assert_allclose(scores["disk"], scores["memory"])
