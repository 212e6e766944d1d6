"""Checks of user input that scikit-learn's validators do not cover."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils.validation import _check_sample_weight

#: The largest float32, the precision Keras trains in.
FLOAT32_MAX = float(np.finfo(np.float32).max)


def check_features(X):
    """Return ``X`` unchanged, or raise naming the column that is not numeric.

    scikit-learn's validation converts ``X`` to float and fails with NumPy's error for a
    datetime or text column; this names the column (DataFrames) or the dtype instead. (The
    inputs of a multi-input network are checked by ``skweight._multi_rows``.)
    """
    if hasattr(X, "dtypes") and hasattr(X, "columns"):  # a DataFrame
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        for column, dtype in zip(X.columns, X.dtypes, strict=True):
            if not (is_numeric_dtype(dtype) or is_bool_dtype(dtype)):
                raise ValueError(
                    f"X column {column!r} has dtype {dtype}; skweight needs numeric features. "
                    "Convert it to numbers (a date, say, to days since a start date, or text "
                    "with a one-hot encoder) or drop it."
                )
        return X
    if hasattr(X, "toarray"):  # sparse: scikit-learn refuses it with its own message
        return X
    try:
        array = np.asarray(X)
    except (TypeError, ValueError):
        return X  # ragged lists and the like: scikit-learn's own message
    if array.dtype.kind in "MmUSV":
        raise ValueError(
            f"X has dtype {array.dtype}; skweight needs numeric features (convert dates and text "
            "to numbers first)."
        )
    if array.dtype.kind == "O":
        try:
            array.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"X must hold numbers only: {exc}.") from exc
    return X


def features_dtype(X, model) -> str | None:
    """The dtype ``X`` is validated to: its own integers for a custom network (token ids for
    an ``Embedding`` stay exact), float32 otherwise (Keras trains in float32)."""
    dtype = getattr(X, "dtype", None)
    if model is not None and isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return None
    return "float32"


def check_sample_weight(
    sample_weight, X: np.ndarray, target_shape: tuple[int, ...] | None = None
) -> np.ndarray | None:
    """Return a validated float64 copy of ``sample_weight`` (None stays None).

    Weights must be numbers, finite, non-negative, at most float32's largest value (Keras
    trains in float32), one per row of ``X`` (or, for a dense target of shape
    ``target_shape``, one per row or one per element), and not all zero.
    """
    if sample_weight is None:
        return None
    if target_shape is not None and np.ndim(sample_weight) > 1:
        return _check_element_weights(sample_weight, target_shape)
    if isinstance(sample_weight, (numbers.Number, str, bytes)):
        raise ValueError(
            "sample_weight must be an array with one weight per row of X; got the scalar "
            f"{sample_weight!r}."
        )
    raw = np.asarray(sample_weight)
    if raw.dtype.kind not in "biuf":
        try:
            raw.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"sample_weight must hold numbers; got an array of dtype {raw.dtype} ({exc})."
            ) from exc
        if raw.dtype.kind != "O":
            raise ValueError(f"sample_weight must hold numbers; got an array of dtype {raw.dtype}.")
    weights = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True, copy=True
    )
    if not weights.any():
        raise ValueError(
            "sample_weight is zero for every row; at least one row must have a positive weight."
        )
    if weights.max() > FLOAT32_MAX:
        raise ValueError(
            f"sample_weight has values up to {weights.max():g}, beyond float32's largest value "
            f"({FLOAT32_MAX:.3g}), in which Keras trains. Scale the weights down: only their "
            "ratios matter (with normalize_weights=True)."
        )
    return weights


def _check_element_weights(sample_weight, target_shape: tuple[int, ...]) -> np.ndarray:
    """Per-element weights of a dense target: ``y``'s shape (a trailing 1 may be left out)."""
    weights = np.asarray(sample_weight)
    shape = weights.shape
    if shape != target_shape and not (shape[-1:] == (1,) and shape[:-1] == target_shape):
        raise ValueError(
            f"sample_weight has shape {shape}; for this y it must have shape "
            f"({target_shape[0]},) (one weight per row) or {target_shape} (one per element)."
        )
    if weights.dtype.kind not in "biuf":
        raise ValueError(f"sample_weight must hold numbers; got an array of dtype {weights.dtype}.")
    weights = np.array(weights, dtype=np.float64).reshape(target_shape)
    if not np.isfinite(weights).all():
        raise ValueError("sample_weight contains NaN or infinity; weights must be finite.")
    if (weights < 0).any():
        raise ValueError("Negative values in sample_weight; weights must be >= 0.")
    if not weights.any():
        raise ValueError("sample_weight is zero for every element; some must be positive.")
    if weights.max() > FLOAT32_MAX:
        raise ValueError(
            f"sample_weight has values up to {weights.max():g}, beyond float32's largest value "
            f"({FLOAT32_MAX:.3g}), in which Keras trains. Scale the weights down."
        )
    return weights


def check_training_weights(weights: np.ndarray | None) -> None:
    """Raise unless the final training weights survive the cast to float32 that Keras makes.

    A weight that overflows becomes infinite (a NaN loss); a positive weight that underflows
    becomes 0, and its rows silently stop counting (a class at 1e-300 would vanish).
    """
    if weights is None:
        return
    with np.errstate(over="ignore"):
        as_float32 = weights.astype(np.float32)
    if not np.isfinite(as_float32).all():
        raise ValueError(
            f"The training weights (sample_weight times the weighting strategy's weights) reach "
            f"{weights.max():g}, beyond float32's range, in which Keras trains. Scale "
            "sample_weight down or keep normalize_weights=True."
        )
    lost = (weights > 0) & (as_float32 == 0)
    if lost.any():
        raise ValueError(
            f"{int(lost.sum())} training row(s) have positive weights as small as "
            f"{weights[lost].min():g}, which are 0 in float32 (Keras trains in "
            "float32): those rows would silently not count. Check sample_weight: give them a "
            "weight float32 can hold, or 0."
        )


def seed_from(random_state) -> int | None:
    """Turn ``random_state`` (None, int or RandomState) into an integer seed or None."""
    if random_state is None:
        return None
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if not 0 <= random_state < 2**32:
            raise ValueError(f"random_state must be in [0, 2**32); got {random_state!r}.")
        return int(random_state)
    raise ValueError(
        f"random_state must be None, an int or a numpy RandomState; got {random_state!r}."
    )
