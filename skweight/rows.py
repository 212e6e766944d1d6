"""Rows that stay on disk: a lazily indexed view that scikit-learn can split.

``LazyRows(source)`` wraps anything with a ``shape`` whose first axis is rows and that
returns rows for a slice: a NumPy ``memmap``, an HDF5 dataset (``h5py``), a ``zarr`` array.
Indexing a view by rows (a slice, integer indices, a boolean mask: what scikit-learn's
cross-validation, ``GridSearchCV``, the validation split and resampling do) returns another view
and reads nothing; the estimators read a batch of rows at a time, in ``fit``, ``predict`` and
``score``, so memory holds a batch, never a fold.

Reading
    A batch's rows are read in increasing order, as runs of consecutive rows (one slice read
    per run), then put in the batch's order. Random batches of a chunked file (HDF5, zarr)
    touch one chunk per row; batches of rows stored near each other read far fewer chunks,
    see ``skweight.rows.LazyRows.read``.
Checks
    The view checks the source's shape and dtype once; the values (finite numbers) are checked
    in every batch read, with an error that names the rows.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["LazyRows", "is_lazy", "read_rows"]


class LazyRows:
    """A row-indexable view of data that stays where it is (memmap, HDF5, zarr).

    See also the guide page [How do I train on data larger than memory?](larger-than-memory.md).

    Parameters
    ----------
    source : array-like with ``shape`` and ``__getitem__``
        Rows on the first axis; ``source[start:stop]`` must return those rows as an array
        (``np.memmap``, ``h5py.Dataset``, ``zarr.Array`` all do).
    index : array-like of int or None, default=None
        The rows of ``source`` this view holds, in order (repeats allowed); None: all.
    """

    def __init__(self, source: Any, index=None):
        if isinstance(source, LazyRows):
            index = source._index if index is None else source._index[_as_index(index)]
            source = source.source
        shape = getattr(source, "shape", None)
        if shape is None or len(shape) < 1 or not hasattr(source, "__getitem__"):
            raise TypeError(
                f"LazyRows needs an array-like with a shape and row slicing (np.memmap, an h5py "
                f"dataset, a zarr array); got {type(source).__name__}. For a generator or a "
                "tf.data.Dataset, write the rows to an HDF5 or zarr file (or a np.memmap) "
                "first."
            )
        dtype = np.dtype(getattr(source, "dtype", np.float64))
        if dtype.kind not in "biuf":
            raise TypeError(f"LazyRows needs numeric rows; the source has dtype {dtype}.")
        self.source = source
        self._index = None if index is None else _as_index(index)
        if self._index is not None and self._index.size:
            if self._index.min() < 0 or self._index.max() >= shape[0]:
                raise IndexError(f"LazyRows: row index out of range for {shape[0]} rows.")

    # ------------------------------------------------------------------ array-like
    @property
    def shape(self) -> tuple[int, ...]:
        """``(rows in the view, *row shape)``."""
        rows = self.source.shape[0] if self._index is None else len(self._index)
        return (int(rows), *(int(d) for d in self.source.shape[1:]))

    @property
    def dtype(self) -> np.dtype:
        """The source's dtype."""
        return np.dtype(self.source.dtype)

    @property
    def ndim(self) -> int:
        """Number of axes, rows included."""
        return len(self.source.shape)

    def __len__(self) -> int:
        return self.shape[0]

    def __repr__(self) -> str:
        return f"LazyRows({type(self.source).__name__}, shape={self.shape}, dtype={self.dtype})"

    def __getitem__(self, key):
        """Rows by a slice, indices or a mask: a new view (nothing is read).

        An integer reads that row; ``view[rows, ...]`` is ``view[rows]``; ``view[rows, j]``
        (columns) reads the rows a block at a time and returns an array.
        """
        if isinstance(key, tuple):
            rows, rest = key[0], key[1:]
            if all(part is Ellipsis for part in rest):
                return self[rows]
            view = self[rows] if not isinstance(rows, numbers.Integral) else self[[rows]]
            blocks = [np.asarray(block)[(slice(None), *rest)] for block in view.blocks()]
            result = np.concatenate(blocks) if blocks else np.empty((0,))
            return result[0] if isinstance(rows, numbers.Integral) else result
        if isinstance(key, numbers.Integral):
            position = int(key) + (len(self) if key < 0 else 0)
            return self.read(np.array([position]))[0]
        return LazyRows(self.source, self._positions()[_key_to_index(key, len(self))])

    def __array__(self, dtype=None, copy=None):
        """All rows, read into memory (what ``np.asarray(view)`` does)."""
        values = self.read()
        return values if dtype is None else values.astype(dtype, copy=False)

    # ------------------------------------------------------------------ reading
    def _positions(self) -> np.ndarray:
        return np.arange(self.source.shape[0]) if self._index is None else self._index

    def read(self, rows=None) -> np.ndarray:
        """Read rows of the view into memory (None: all), in the order given.

        The rows are read from the source in increasing order, one slice per run of
        consecutive rows, then put in the order asked for.
        """
        positions = self._positions()
        wanted = positions if rows is None else positions[_as_index(rows)]
        return read_rows(self.source, wanted)

    def blocks(self, rows_per_block: int = 1024):
        """The view's rows as arrays of at most ``rows_per_block`` rows, in order."""
        for start in range(0, len(self), rows_per_block):
            yield self.read(np.arange(start, min(start + rows_per_block, len(self))))


def read_rows(source: Any, positions: np.ndarray) -> np.ndarray:
    """Rows ``positions`` of ``source`` (repeats allowed), read as sorted runs of slices."""
    positions = np.asarray(positions, dtype=np.intp)
    if positions.size == 0:
        return np.empty((0, *source.shape[1:]), dtype=source.dtype)
    unique, inverse = np.unique(positions, return_inverse=True)
    breaks = np.flatnonzero(np.diff(unique) != 1) + 1
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks, [len(unique)]])
    runs = zip(starts, ends, strict=True)
    parts = [np.asarray(source[unique[a] : unique[b - 1] + 1]) for a, b in runs]
    values = parts[0] if len(parts) == 1 else np.concatenate(parts)
    return values[inverse.reshape(-1)]


def is_lazy(X) -> bool:
    """True for rows read on demand: a ``LazyRows``, or an HDF5 / zarr array or a memmap."""
    if isinstance(X, LazyRows):
        return True
    if isinstance(X, np.memmap):
        return True
    module = type(X).__module__.split(".")[0]
    return module in {"h5py", "zarr"} and hasattr(X, "shape")


def _as_index(index) -> np.ndarray:
    index = np.asarray(index)
    if index.dtype == bool:
        return np.flatnonzero(index)
    if index.dtype.kind not in "iu":
        raise IndexError(f"LazyRows: rows are selected by integers or a mask; got {index.dtype}.")
    return index.astype(np.intp, copy=False).reshape(-1)


def _key_to_index(key, n_rows: int) -> np.ndarray:
    if isinstance(key, slice):
        return np.arange(n_rows)[key]
    index = np.asarray(key)
    if index.dtype == bool:
        if index.shape != (n_rows,):
            raise IndexError(f"LazyRows: a mask must have {n_rows} entries; got {index.shape}.")
        return np.flatnonzero(index)
    index = _as_index(index)
    return np.where(index < 0, index + n_rows, index)
