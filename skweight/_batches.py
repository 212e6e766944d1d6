"""The data a Keras fit is fed: arrays, or batches gathered by row index.

Rows with one target each go to Keras as arrays. ``RowBatches`` serves the other cases batch by
batch: a strategy that resamples at every epoch (its ``TrainingSet`` carries ``epoch_rows``,
from the epoch number to row indices), so memory holds ``X`` once plus one batch, never a
resampled copy; dense targets (masks, per-timestep labels), whose element weights are built
from each batch's labels and the class factor, never for the whole data; and rows on disk
(``skweight.LazyRows``), read a batch at a time, ahead of training.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from ._keras import sums_over_elements
from ._multi_rows import keras_inputs
from .rows import LazyRows
from .weighting.base import TrainingSet
from .weighting.elements import batch_weights

__all__ = ["RowBatches", "keras_fit_data", "row_batches", "take_rows"]


def take_rows(X, rows) -> np.ndarray:
    """Rows ``rows`` of ``X`` as an array; rows on disk are read, cast and checked here."""
    if not isinstance(X, LazyRows):
        return X[rows]
    values = X.read(rows)
    if values.dtype.kind in "iu":
        return values
    values = values.astype("float32", copy=False)
    if not np.isfinite(values).all():
        bad = np.flatnonzero(~np.isfinite(values.reshape(len(values), -1)).all(axis=1))
        raise ValueError(
            f"X (read from {type(X.source).__name__}) has NaN or infinite values in row(s) "
            f"{np.asarray(rows)[bad][:5].tolist()} of the rows read; skweight needs finite "
            "features."
        )
    return values


#: Threads that read the batches of rows on disk ahead of training.
LAZY_READ_WORKERS = 2


class RowBatches(keras.utils.PyDataset):
    """A Keras dataset that gathers each batch by row index and builds its weights.

    Serves a strategy that resamples at every epoch (the rows of every epoch are drawn afresh)
    and dense targets (each batch's element weights are built from its labels, its rows' or
    elements' ``sample_weight`` and the class factor; see ``skweight.weighting.elements``).

    Parameters
    ----------
    train : TrainingSet
    target : callable
        Turns encoded targets into what the Keras loss expects (e.g. one-hot).
    batch_size : int
        Rows per batch; -1: all of an epoch's rows in one batch.
    shuffle : bool
        Shuffle the epoch's rows (otherwise they come in order).
    seed : int or None
    per_row_weights : bool
        Reduce element weights to their row's mean (Dice and Tversky losses).
    """

    def __init__(
        self,
        train: TrainingSet,
        target: Callable[[np.ndarray], np.ndarray],
        *,
        batch_size: int,
        shuffle: bool,
        seed: int | None,
        per_row_weights: bool = False,
    ):
        lazy = isinstance(train.X, LazyRows)  # read ahead, in threads, while Keras trains
        super().__init__(workers=LAZY_READ_WORKERS if lazy else 1)
        self.train = train
        self.target = target
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.per_row_weights = per_row_weights
        self.seed = np.random.SeedSequence(seed).entropy if seed is None else seed
        self.epoch = 0
        self._draw()
        if batch_size == -1:
            self.batch_size = max(len(self._index), 1)
        self._n_batches = -(-len(self._index) // self.batch_size)

    def _draw(self) -> None:
        rows = self.train.epoch_rows
        index = np.arange(len(self.train.y)) if rows is None else rows(self.epoch)
        index = np.asarray(index, dtype=np.intp)
        if self.shuffle:
            index = np.random.default_rng([self.seed, self.epoch]).permutation(index)
        self._index = index

    def __len__(self) -> int:
        return self._n_batches

    def __getitem__(self, batch: int) -> tuple[np.ndarray, ...]:
        size = len(self._index) if self._n_batches == 1 else self.batch_size
        rows = self._index[batch * size : (batch + 1) * size]
        X = keras_inputs(take_rows(self.train.X, rows))
        labels = self.train.y[rows]
        y = self.target(labels)
        weights = self.train.sample_weight
        weights = None if weights is None else weights[rows]
        if self.train.dense:
            weights = batch_weights(labels, weights, self.train.class_weight)
            if weights is not None and self.per_row_weights:
                weights = weights.reshape(len(rows), -1).mean(axis=1)
        if weights is None:
            return X, y
        return X, y, np.asarray(weights, dtype="float32")

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self._draw()


def row_batches(
    train: TrainingSet, target: Callable, loss: Any, *, batch_size: int, shuffle: bool,
    seed: int | None,
) -> RowBatches:  # fmt: skip
    """A ``RowBatches`` for ``train`` trained with ``loss``."""
    return RowBatches(
        train, target, batch_size=batch_size, shuffle=shuffle, seed=seed,
        per_row_weights=sums_over_elements(loss),
    )  # fmt: skip


def keras_fit_data(
    train: TrainingSet,
    target: Callable[[np.ndarray], np.ndarray],
    loss: Any = None,
    *,
    batch_size: int,
    shuffle: bool,
    seed: int | None,
) -> dict[str, Any]:
    """Return the data arguments of ``keras.Model.fit`` for ``train``.

    Arrays for an ordinary training set; a ``RowBatches`` when the strategy resamples at every
    epoch or the target is dense. ``batch_size`` -1: every row in one batch.
    """
    if train.epoch_rows is not None or train.dense or isinstance(train.X, LazyRows):
        data = row_batches(train, target, loss, batch_size=batch_size, shuffle=shuffle, seed=seed)
        return {"x": data, "shuffle": False}  # the dataset shuffles its own rows, if asked
    weights = train.sample_weight
    return {
        "x": keras_inputs(train.X),
        "y": target(train.y),
        "sample_weight": None if weights is None else weights.astype("float32"),
        "batch_size": max(len(train.X), 1) if batch_size == -1 else batch_size,
        "shuffle": shuffle,
    }
