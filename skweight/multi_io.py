"""Several row-aligned arrays as one object that scikit-learn can split by rows.

A Keras network with several inputs takes ``X`` as a list or a dict of arrays, one per input,
and one with several outputs takes ``y`` the same way. scikit-learn cannot select rows of a
list or dict of arrays: it reads a list as rows and a dict as nothing it knows, so
``train_test_split``, ``cross_validate``, ``GridSearchCV`` and the folds of ``KFold`` or
``StratifiedKFold`` fail on them. ``MultiInput`` holds the arrays (named by a dict's keys, or
ordered as in a list) and behaves as one array of rows: ``len`` and ``shape[0]`` are the number
of rows, and indexing by rows (a slice, integer indices, a boolean mask) returns a
``MultiInput`` of those rows of every array. ``MultiOutput`` is the same container for the
targets of a network with several outputs.

A plain list or dict of arrays passed to ``fit``, ``predict`` or ``score`` is wrapped in one
automatically; cross-validation and searches need the container itself.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["MultiInput", "MultiOutput"]


class MultiInput:
    """The inputs of a multi-input network: named or ordered arrays with the same rows.

    Indexing by rows (``X[train]``, ``X[2:5]``, ``X[mask]``) returns a ``MultiInput`` of those
    rows of every array, so scikit-learn's splitters, ``cross_validate`` and ``GridSearchCV``
    split it as they split an array; ``X["name"]`` is the array of that input. The arrays are
    kept as given (NumPy arrays; other array-likes are converted with ``np.asarray``) and never
    modified.

    See also the guide page [How do I move over from SciKeras?](migrating-from-scikeras.md).

    Parameters
    ----------
    arrays : list, tuple or dict of array-like
        One array per input, each with one row per sample (all with the same number of rows).
        A dict's keys name the inputs (they must be the names of the network's inputs, the
        ``name=`` of each ``keras.Input``); a list gives them in the order of the network's
        inputs.

    Attributes
    ----------
    names : tuple of str or None
        The dict's keys, in order; None for arrays given as a list.
    arrays : tuple of ndarray
        The arrays, in order.
    shape : tuple of int
        ``(n_samples,)``: scikit-learn reads the number of rows from it.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.model_selection import train_test_split
    >>> X = MultiInput({"numbers": np.zeros((6, 3)), "tokens": np.ones((6, 4), dtype=int)})
    >>> train, test = train_test_split(X, test_size=2, random_state=0)
    >>> train["tokens"].shape, len(test)
    ((4, 4), 2)
    """

    #: What one array is, in messages ("input" or "output").
    _part = "input"

    def __init__(self, arrays: Sequence[Any] | Mapping[str, Any] | MultiInput):
        if isinstance(arrays, MultiInput):
            names, values = arrays.names, arrays.arrays
        elif isinstance(arrays, Mapping):
            names, values = tuple(arrays), tuple(arrays.values())
            for key in names:
                if not isinstance(key, str):
                    raise TypeError(
                        f"{type(self).__name__}: the keys name the network's {self._part}s and "
                        f"must be strings; got {key!r}."
                    )
        elif isinstance(arrays, (list, tuple)):
            names, values = None, tuple(arrays)
        else:
            raise TypeError(
                f"{type(self).__name__} takes a list, tuple or dict of arrays (one per "
                f"{self._part}); got {type(arrays).__name__}."
            )
        if not values:
            raise ValueError(f"{type(self).__name__} needs at least one array; got none.")
        labels = _labels(names, len(values), self._part)
        converted = tuple(
            self._as_array(value, label) for value, label in zip(values, labels, strict=True)
        )
        rows = [len(array) for array in converted]
        if len(set(rows)) > 1:
            counts = ", ".join(f"{label} {n}" for label, n in zip(labels, rows, strict=True))
            raise ValueError(
                f"{type(self).__name__}: the {self._part}s have different numbers of rows "
                f"({counts}); each needs one row per sample, in the same order."
            )
        self._names = names
        self._arrays = converted

    def _as_array(self, value: Any, label: str) -> np.ndarray:
        if isinstance(value, MultiInput) or isinstance(value, (dict, list, tuple)):
            raise TypeError(
                f"{type(self).__name__}: {label} is a {type(value).__name__}; each "
                f"{self._part} must be one array (nested inputs are not supported)."
            )
        array = value if isinstance(value, np.ndarray) else np.asarray(value)
        if array.ndim == 0:
            raise ValueError(
                f"{type(self).__name__}: {label} is a scalar; each {self._part} needs one row "
                "per sample."
            )
        return array

    @classmethod
    def _of(cls, names: tuple[str, ...] | None, arrays: tuple[np.ndarray, ...]):
        """A container of already checked arrays (rows selected from one)."""
        made = cls.__new__(cls)
        made._names, made._arrays = names, arrays
        return made

    # ------------------------------------------------------------------ what it holds
    @property
    def names(self) -> tuple[str, ...] | None:
        """The names of the arrays (a dict's keys), or None for arrays given as a list."""
        return self._names

    @property
    def arrays(self) -> tuple[np.ndarray, ...]:
        """The arrays, in order."""
        return self._arrays

    @property
    def labels(self) -> list[str]:
        """How messages name each array: ``"input 'a'"`` or ``"input 0"``."""
        return _labels(self._names, len(self._arrays), self._part)

    def items(self) -> list[tuple[str | int, np.ndarray]]:
        """``(name or position, array)`` pairs, in order."""
        keys = self._names if self._names is not None else range(len(self._arrays))
        return list(zip(keys, self._arrays, strict=True))

    def to_keras(self) -> list[np.ndarray] | dict[str, np.ndarray]:
        """The arrays as Keras takes them: a dict by name, or a list in order."""
        if self._names is None:
            return list(self._arrays)
        return dict(zip(self._names, self._arrays, strict=True))

    # ------------------------------------------------------------------ rows
    @property
    def shape(self) -> tuple[int]:
        """``(n_samples,)``."""
        return (len(self._arrays[0]),)

    @property
    def ndim(self) -> int:
        """1: a sequence of rows (each row holds a row of every array)."""
        return 1

    def __len__(self) -> int:
        return len(self._arrays[0])

    def __getitem__(self, key):
        """Rows by a slice, integer indices or a boolean mask; an array by its name."""
        if isinstance(key, str):
            if self._names is None or key not in self._names:
                known = (
                    "no names (the arrays were given as a list)"
                    if self._names is None
                    else ", ".join(map(repr, self._names))
                )
                raise KeyError(
                    f"{type(self).__name__} has no {self._part} {key!r}; it has {known}."
                )
            return self._arrays[self._names.index(key)]
        if isinstance(key, tuple):
            if not key or not all(part is Ellipsis for part in key[1:]):
                raise IndexError(
                    f"{type(self).__name__} selects rows only (X[rows] or X[rows, ...]); select "
                    "columns in each array before wrapping them."
                )
            key = key[0]
        if isinstance(key, (numbers.Integral, np.integer)) and not isinstance(key, bool):
            raise TypeError(
                f"{type(self).__name__} selects rows with a slice, an index array or a mask "
                f"(X[[{int(key)}]] for row {int(key)}); an {self._part} by its name "
                f"(X['name']) or position (X.arrays[{int(key)}])."
            )
        if not isinstance(key, slice):
            key = np.asarray(key)
            if key.dtype == bool and key.shape != (len(self),):
                raise IndexError(
                    f"{type(self).__name__}: a row mask must have {len(self)} entries; got shape "
                    f"{key.shape}."
                )
            if key.dtype != bool and key.dtype.kind not in "iu":
                raise IndexError(
                    f"{type(self).__name__}: rows are selected by integers or a boolean mask; got "
                    f"dtype {key.dtype}."
                )
        return type(self)._of(self._names, tuple(array[key] for array in self._arrays))

    def __iter__(self):
        raise TypeError(
            f"{type(self).__name__} is not iterable: iterate over .items() for the arrays, or "
            "select rows by index."
        )

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            f"{type(self).__name__} holds {len(self._arrays)} arrays and is not one array; it "
            "was asked for as one. Steps that need a single table cannot take it: a scaler in "
            "a Pipeline (scale each array first, or inside the network), a resampler that "
            "synthesises rows (SMOTE), or a splitter that stratifies on y (for a MultiOutput y "
            "pass cv=KFold(n_splits, shuffle=True), or the splits of one output: "
            "list(StratifiedKFold(5).split(X, y['name'])))."
        )

    def __repr__(self) -> str:
        parts = [f"{array.shape} {array.dtype}" for array in self._arrays]
        if self._names is None:
            return f"{type(self).__name__}([{', '.join(parts)}])"
        named = (f"{name!r}: {part}" for name, part in zip(self._names, parts, strict=True))
        return f"{type(self).__name__}({{{', '.join(named)}}})"


class MultiOutput(MultiInput):
    """The targets of a multi-output network (or per-output weights): arrays with the same rows.

    The same container as ``MultiInput``, for ``y``: one array per output of the network, named
    by the network's output names (a dict) or in the order of its outputs (a list). It splits
    by rows through cross-validation and searches; pass ``cv=KFold(...)`` (or precomputed
    splits) to them, as scikit-learn cannot stratify on several targets at once.

    See also the guide page [How do I move over from SciKeras?](migrating-from-scikeras.md).

    Parameters
    ----------
    arrays : list, tuple or dict of array-like
        One array per output, each with one row per sample: labels (classifier), a 0/1
        indicator matrix (multi-label output), or one or several values per row (regressor).

    Attributes
    ----------
    names : tuple of str or None
        The dict's keys, in order; None for arrays given as a list.
    arrays : tuple of ndarray
        The arrays, in order.
    shape : tuple of int
        ``(n_samples,)``.
    """

    _part = "output"


def _labels(names: tuple[str, ...] | None, count: int, part: str) -> list[str]:
    if names is None:
        return [f"{part} {i}" for i in range(count)]
    return [f"{part} {name!r}" for name in names]
