"""The rows an estimator is given: validated in memory, or read on demand from disk.

In memory, ``X`` goes through scikit-learn's ``validate_data`` (any rank >= 2: tables, images,
sequences), as float32 or, for a custom network, as its own integers (token ids). Rows on disk
(``skweight.rows.LazyRows``, a memmap, an HDF5 dataset, a zarr array) are checked by shape and
dtype only, and their values batch by batch as they are read. The inputs of a multi-input
network (a ``skweight.MultiInput``, or a list or dict of arrays) are checked input by input
(``skweight._multi_rows``). Either way the estimator records the shape of its rows
(``X_shape_``) at fit and checks it at every later call.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import _check_y, check_consistent_length, validate_data

from ._multi_rows import as_inputs, check_inputs, fitted_on_inputs
from ._validation import check_features, features_dtype
from .rows import LazyRows, is_lazy

__all__ = ["check_rows", "network_dtype", "record_rows"]


def network_dtype(X, model) -> np.dtype:
    """The dtype rows reach the network in: float32, or ``X``'s integers for a custom network."""
    return np.dtype(X.dtype) if features_dtype(X, model) is None else np.dtype("float32")


def check_indexable(X) -> None:
    """Raise a ``TypeError`` saying what to pass when ``X`` cannot be indexed by rows."""
    streams = ("generator", "iterator", "Dataset", "PyDataset", "DataLoader")
    if is_lazy(X) or hasattr(X, "shape") or hasattr(X, "__array__"):
        return
    name = type(X).__name__
    is_stream = any(s in name for s in streams) or (
        not hasattr(X, "__len__") and (hasattr(X, "__next__") or hasattr(X, "__iter__"))
    )
    if is_stream or isinstance(X, _keras_dataset_types()):
        raise TypeError(
            f"X is a {name!r} object, which cannot be indexed by rows: scikit-learn's "
            "cross-validation, the validation split and resampling select rows. Pass an array, "
            "a DataFrame, or rows that stay on disk: a np.memmap, an h5py dataset, a zarr array or "
            "skweight.LazyRows (write a generator's rows to one of these first)."
        )


def _keras_dataset_types() -> tuple[type, ...]:
    import keras

    return (keras.utils.PyDataset,)


def check_rows(estimator, X, *, reset: bool, y=None, with_y: bool = False, **target_kwargs):
    """Validate ``X`` (and ``y`` with it, ``with_y``) and record or check the row shape.

    Returns ``X`` (and ``y``): an array, a ``LazyRows`` for rows on disk, or a ``MultiInput``.
    """
    if as_inputs(X) is not None or (not reset and fitted_on_inputs(estimator)):
        build = estimator._build_function() if reset else None
        X = check_inputs(estimator, X, reset=reset, build_function=build)
        if not with_y:
            return X
        y = _check_y(y, estimator=estimator, **target_kwargs)
        check_consistent_length(X, y)
        return X, y
    check_indexable(X)
    if is_lazy(X):
        X = X if isinstance(X, LazyRows) else LazyRows(X)
        if X.ndim < 2:
            raise ValueError(f"X must have rows of features; got shape {X.shape}.")
        dtype = network_dtype(X, estimator._build_function() if reset else None)
        if not reset:
            dtype = getattr(estimator, "X_dtype_", dtype)
        record_rows(estimator, X, reset, dtype)
        return (X, y) if with_y else X
    X = check_features(X)
    if reset:
        dtype = features_dtype(X, estimator._build_function())
    else:
        fitted = getattr(estimator, "X_dtype_", np.dtype("float32"))
        dtype = None if fitted.kind in "iu" else "float32"
    if not with_y:
        X = validate_data(
            estimator, X, reset=reset, dtype=dtype, accept_sparse=False, allow_nd=True
        )
    else:
        X, y = validate_data(
            estimator, X, y, reset=reset, dtype=dtype, accept_sparse=False, allow_nd=True,
            **target_kwargs,
        )  # fmt: skip
    record_rows(estimator, X, reset, X.dtype)
    return (X, y) if with_y else X


def record_rows(estimator, X, reset: bool, dtype: np.dtype) -> None:
    """Record ``X_shape_``, ``X_dtype_`` and ``n_features_in_`` at fit; check them later."""
    if reset:
        estimator.n_features_in_ = int(X.shape[1])
        estimator.X_shape_ = tuple(int(d) for d in X.shape)
        estimator.X_dtype_ = np.dtype(dtype)
        return
    fitted = getattr(estimator, "X_shape_", (None, estimator.n_features_in_))
    if tuple(X.shape[1:]) != tuple(fitted[1:]):
        raise ValueError(
            f"X has rows of shape {tuple(X.shape[1:])}; the estimator was fitted on rows of "
            f"shape {tuple(fitted[1:])} (X_shape_ {tuple(fitted)})."
        )
