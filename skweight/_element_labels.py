"""Class labels per element (masks, per-timestep labels): their classes and their encoding.

A mask holds millions of labels, so both steps work a block of rows at a time. Integer labels
of a small range (the usual masks: uint8 class ids) are counted with ``np.bincount`` and
encoded through a lookup table; other labels go through ``np.unique`` and ``np.searchsorted``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .weighting.elements import IGNORED

#: Rows per block.
_BLOCK_ROWS = 256

#: Largest span of integer labels (max - min + 1) encoded through a lookup table.
_MAX_TABLE = 1 << 16

#: The table's entry for a label that is no class.
_UNSEEN = -2


def _blocks(n_rows: int):
    for start in range(0, n_rows, _BLOCK_ROWS):
        yield slice(start, start + _BLOCK_ROWS)


def _integer_span(labels: np.ndarray) -> tuple[int, int] | None:
    """(min, max) of integer labels whose span fits a lookup table, else None."""
    if labels.dtype.kind not in "iu" or labels.size == 0:
        return None
    low, high = int(labels.min()), int(labels.max())
    return (low, high) if high - low < _MAX_TABLE else None


def _is_ignored_value(value: Any, low: int, high: int) -> bool:
    integral = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    return integral and low <= value <= high


def element_classes(labels: np.ndarray, ignore_label: Any = None) -> np.ndarray:
    """The sorted distinct labels of ``labels`` (shape (n, ...)), ``ignore_label`` left out."""
    span = _integer_span(labels)
    if span is None:
        kept = labels if ignore_label is None else labels[labels != ignore_label]
        return np.unique(kept)
    low, high = span
    present = np.zeros(high - low + 1, dtype=bool)
    for block in _blocks(len(labels)):
        values = labels[block].ravel().astype(np.intp) - low
        present |= np.bincount(values, minlength=len(present)) > 0
    if ignore_label is not None and _is_ignored_value(ignore_label, low, high):
        present[int(ignore_label) - low] = False
    return (np.flatnonzero(present) + low).astype(labels.dtype)


def encode_elements(
    labels: np.ndarray, classes: np.ndarray, ignore_label: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Class index of every element (``IGNORED`` for ``ignore_label``).

    Returns
    -------
    encoded : ndarray of the smallest signed integer type, ``labels``' shape
    unseen : ndarray
        The distinct labels that are neither a class nor ``ignore_label`` (empty if none).
    """
    dtype = np.min_scalar_type(-len(classes))
    span = _integer_span(labels) if np.asarray(classes).dtype.kind in "iu" else None
    if span is None:
        return _encode_by_search(labels, classes, ignore_label, dtype)
    low, high = span
    table = np.full(high - low + 1, _UNSEEN, dtype=dtype)
    inside = (classes >= low) & (classes <= high)
    table[classes[inside].astype(np.intp) - low] = np.flatnonzero(inside)
    if ignore_label is not None and _is_ignored_value(ignore_label, low, high):
        table[int(ignore_label) - low] = IGNORED
    encoded = np.empty(labels.shape, dtype=dtype)
    for block in _blocks(len(labels)):
        encoded[block] = table[labels[block].astype(np.intp) - low]
    missing = encoded == _UNSEEN
    unseen = np.unique(labels[missing]) if missing.any() else labels[:0].ravel()
    return encoded, unseen


def _encode_by_search(labels, classes, ignore_label, dtype) -> tuple[np.ndarray, np.ndarray]:
    encoded = np.clip(np.searchsorted(classes, labels), 0, len(classes) - 1)
    unseen = classes[encoded] != labels
    ignored = None if ignore_label is None else labels == ignore_label
    if ignored is not None:
        unseen &= ~ignored
    encoded = encoded.astype(dtype)
    if ignored is not None:
        encoded[ignored] = IGNORED
    return encoded, np.unique(labels[unseen]) if unseen.any() else labels[:0].ravel()
