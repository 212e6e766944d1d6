"""Feed Keras from index arrays: per-epoch resampling without copies of ``X``.

When a strategy resamples at every epoch (``skweight.weighting.Resampler`` with
``per_epoch=True``) its ``skweight.weighting.TrainingSet`` carries ``epoch_rows``, a
function from the epoch number to row indices. ``EpochResampledData`` gathers each batch
from those indices, so memory holds ``X`` once plus one batch, never a resampled copy of ``X``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from .base import TrainingSet


class EpochResampledData(keras.utils.PyDataset):
    """A Keras dataset that draws the rows of every epoch afresh and gathers batches by index.

    Parameters
    ----------
    train : TrainingSet
        Candidate rows with ``epoch_rows`` set.
    target : callable
        Turns encoded targets into what the Keras loss expects (e.g. one-hot).
    batch_size : int
    shuffle : bool
        Shuffle the epoch's rows (otherwise they come in the sampler's order).
    seed : int or None
    """

    def __init__(
        self,
        train: TrainingSet,
        target: Callable[[np.ndarray], np.ndarray],
        *,
        batch_size: int,
        shuffle: bool,
        seed: int | None,
    ):
        super().__init__()
        self.train = train
        self.target = target
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.seed = np.random.SeedSequence(seed).entropy if seed is None else seed
        self.epoch = 0
        self._draw()
        self._n_batches = -(-len(self._index) // batch_size)

    def _draw(self) -> None:
        index = np.asarray(self.train.epoch_rows(self.epoch), dtype=np.intp)
        if self.shuffle:
            index = np.random.default_rng([self.seed, self.epoch]).permutation(index)
        self._index = index

    def __len__(self) -> int:
        return self._n_batches

    def __getitem__(self, batch: int) -> tuple[np.ndarray, ...]:
        rows = self._index[batch * self.batch_size : (batch + 1) * self.batch_size]
        X = self.train.X[rows]
        y = self.target(self.train.y[rows])
        if self.train.sample_weight is None:
            return X, y
        return X, y, self.train.sample_weight[rows].astype("float32")

    def on_epoch_end(self) -> None:
        self.epoch += 1
        self._draw()


def keras_fit_data(
    train: TrainingSet,
    target: Callable[[np.ndarray], np.ndarray],
    *,
    batch_size: int,
    shuffle: bool,
    seed: int | None,
) -> dict[str, Any]:
    """Return the data arguments of ``keras.Model.fit`` for ``train``.

    Arrays for an ordinary training set; an ``EpochResampledData`` when the strategy
    resamples at every epoch.
    """
    if train.epoch_rows is not None:
        data = EpochResampledData(train, target, batch_size=batch_size, shuffle=shuffle, seed=seed)
        return {"x": data}
    weights = train.sample_weight
    return {
        "x": train.X,
        "y": target(train.y),
        "sample_weight": None if weights is None else weights.astype("float32"),
        "batch_size": batch_size,
        "shuffle": shuffle,
    }
