"""The rows of a multi-input network: ``X`` as a ``MultiInput`` (or a list or dict of arrays).

``as_inputs`` and ``as_targets`` recognise several arrays given where one is expected (a dict,
or a list of arrays with one entry per row each) and wrap them in the row-indexable container,
so that the fit steps select rows of every array at once. ``check_inputs`` validates each input
as ``validate_data`` validates one ``X`` (numbers, finite, float32 or a custom network's
integers) and records, at fit, what a build function reads: ``X_shape_`` and ``X_dtype_`` per
input, in the structure of ``X`` (a dict by name, or a list), and ``n_features_in_``, the
columns of all inputs together. Later calls must give the same inputs with rows of the same
shape. ``keras_inputs`` turns the container into what Keras takes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils.validation import check_array

from ._validation import features_dtype
from .multi_io import MultiInput, MultiOutput

__all__ = ["as_inputs", "as_targets", "check_inputs", "keras_inputs", "fitted_on_inputs"]


def _is_dict(value) -> bool:
    """A dict of arrays (SciPy's dok sparse matrix is a dict too, and is not one)."""
    return isinstance(value, dict) and not hasattr(value, "toarray")


def as_inputs(X) -> MultiInput | None:
    """``X`` as a ``MultiInput`` when it holds several inputs (None for one array).

    Several inputs: a ``MultiInput``, a dict of arrays, or a list or tuple of arrays (objects
    with a ``shape``) at least one of which is 2-D or more. A list of 1-D arrays stays what
    scikit-learn reads it as, rows of one table; wrap such inputs in ``MultiInput`` yourself.
    """
    if isinstance(X, MultiInput):
        return X
    several = _is_dict(X) or (
        isinstance(X, (list, tuple))
        and len(X) > 0
        and all(hasattr(v, "shape") for v in X)
        and any(len(getattr(v, "shape", ())) >= 2 for v in X)
    )
    return MultiInput(X) if several else None


def as_targets(y, n_rows: int | None) -> MultiOutput | None:
    """``y`` as a ``MultiOutput`` when it holds the targets of several outputs (else None).

    Several targets: a ``MultiOutput`` (or ``MultiInput``), a dict of arrays, or a list or
    tuple of arrays (or lists) each with one entry per row of ``X``, when the list itself does
    not have one entry per row.
    """
    if isinstance(y, MultiInput):
        return y if isinstance(y, MultiOutput) else MultiOutput(y)
    several = _is_dict(y) or (
        isinstance(y, (list, tuple))
        and n_rows is not None
        and len(y) != n_rows
        and len(y) > 0
        and all(_sized(v) and len(v) == n_rows for v in y)
    )
    return MultiOutput(y) if several else None


def _sized(value) -> bool:
    """An array, or a list or tuple (not a string or a scalar): something with rows."""
    return hasattr(value, "shape") or isinstance(value, (list, tuple))


def fitted_on_inputs(estimator) -> bool:
    """True if the estimator was fitted on several inputs (``X_shape_`` per input)."""
    return isinstance(getattr(estimator, "X_shape_", None), (list, dict))


def keras_inputs(X) -> Any:
    """What Keras takes for rows ``X``: an array, a dict by name or a list (one array: itself)."""
    if not isinstance(X, MultiInput):
        return X
    if X.names is None and len(X.arrays) == 1:
        return X.arrays[0]
    return X.to_keras()


def _mirror(X: MultiInput, values: list) -> list | dict:
    """``values`` (one per input) in the structure of ``X``: a dict by name, or a list."""
    return list(values) if X.names is None else dict(zip(X.names, values, strict=True))


def _per_input(fitted, X: MultiInput) -> list:
    """The fitted values (a list, or a dict by name) in the order of ``X``'s inputs."""
    return list(fitted) if isinstance(fitted, list) else [fitted[name] for name in X.names]


def check_inputs(estimator, X, *, reset: bool, build_function=None) -> MultiInput:
    """Validate every input of ``X`` and record (``reset``) or check the inputs' shapes."""
    inputs = as_inputs(X)
    fitted = getattr(estimator, "X_shape_", None)
    if inputs is None:
        raise ValueError(
            f"X is one array; the estimator was fitted on {len(fitted)} inputs "
            f"({_describe(fitted)}). Give X as a skweight.MultiInput (or a list or dict of "
            "arrays) with the same inputs."
        )
    if not reset:
        _check_structure(inputs, fitted)
        dtypes = _per_input(estimator.X_dtype_, inputs)
    else:
        dtypes = [features_dtype(array, build_function) for array in inputs.arrays]
    checked = []
    for label, array, dtype in zip(inputs.labels, inputs.arrays, dtypes, strict=True):
        if isinstance(dtype, np.dtype):
            dtype = None if dtype.kind in "iu" else "float32"
        checked.append(_check_one(array, label, dtype))
    inputs = type(inputs)._of(inputs.names, tuple(checked))
    if reset:
        _record(estimator, inputs)
    else:
        _check_shapes(inputs, _per_input(fitted, inputs))
    return inputs


def _check_one(array: np.ndarray, label: str, dtype) -> np.ndarray:
    text = array.dtype.kind == "O" and array.size and isinstance(array.flat[0], (str, bytes))
    if array.dtype.kind in "MmUSV" or text:
        raise ValueError(
            f"X's {label} has dtype {array.dtype}; skweight needs numbers in every input "
            "(convert dates and text to numbers first)."
        )
    return check_array(
        array, ensure_2d=False, allow_nd=True, dtype=dtype, accept_sparse=False,
        input_name=f"X's {label}",
    )  # fmt: skip


def _record(estimator, inputs: MultiInput) -> None:
    shapes = [tuple(int(d) for d in array.shape) for array in inputs.arrays]
    estimator.X_shape_ = _mirror(inputs, shapes)
    estimator.X_dtype_ = _mirror(inputs, [np.dtype(array.dtype) for array in inputs.arrays])
    estimator.n_features_in_ = int(sum(s[1] if len(s) > 1 else 1 for s in shapes))
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_


def _describe(fitted) -> str:
    if isinstance(fitted, dict):
        return ", ".join(f"{name!r} {tuple(shape[1:])}" for name, shape in fitted.items())
    return ", ".join(f"{tuple(shape[1:])}" for shape in fitted)


def _check_structure(inputs: MultiInput, fitted) -> None:
    if not isinstance(fitted, (list, dict)):
        raise ValueError(
            f"X is a MultiInput of {len(inputs.arrays)} inputs; the estimator was fitted on one "
            f"array of rows of shape {tuple(fitted[1:])} (X_shape_ {tuple(fitted)})."
        )
    if isinstance(fitted, dict):
        if inputs.names is None or set(inputs.names) != set(fitted):
            given = "a list" if inputs.names is None else sorted(inputs.names)
            raise ValueError(
                f"X's inputs are {given}; the estimator was fitted on inputs named "
                f"{sorted(fitted)}. Give X as a dict (or MultiInput) with those names."
            )
    elif inputs.names is not None or len(inputs.arrays) != len(fitted):
        given = (
            f"{len(inputs.arrays)} arrays"
            if inputs.names is None
            else f"named {sorted(inputs.names)}"
        )
        raise ValueError(
            f"X's inputs are {given}; the estimator was fitted on a list of {len(fitted)} "
            "inputs. Give X as a list (or MultiInput) of that many arrays, in that order."
        )


def _check_shapes(inputs: MultiInput, fitted: list) -> None:
    for label, array, shape in zip(inputs.labels, inputs.arrays, fitted, strict=True):
        if tuple(array.shape[1:]) != tuple(shape[1:]):
            raise ValueError(
                f"X's {label} has rows of shape {tuple(array.shape[1:])}; the estimator was "
                f"fitted on rows of shape {tuple(shape[1:])} for it."
            )
