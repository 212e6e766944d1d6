"""The rows a fit trains on: the validation hold-out and the final per-row weights."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from sklearn.model_selection import train_test_split

from .weighting import TrainingSet


def split_validation(
    rows: TrainingSet, fraction: float, seed: int | None, *, stratify: bool
) -> tuple[TrainingSet, TrainingSet | None]:
    """Hold out ``fraction`` of ``rows`` for validation (stratified by class if asked).

    Both parts keep the rows' order, which recency weights by row order rely on.
    """
    if not fraction:
        return rows, None
    n_rows = len(rows.y)
    try:
        parts = train_test_split(
            np.arange(n_rows), test_size=fraction, random_state=seed,
            stratify=rows.y if stratify else None,
        )  # fmt: skip
    except ValueError as exc:
        raise ValueError(
            f"validation_split={fraction} cannot hold out a validation set from "
            f"{n_rows} rows: {exc}"
        ) from exc
    train_rows, val_rows = (np.sort(part) for part in parts)

    def take(index: np.ndarray) -> TrainingSet:
        weights = None if rows.sample_weight is None else rows.sample_weight[index]
        return TrainingSet(rows.X[index], rows.y[index], weights)

    return take(train_rows), take(val_rows)


def finalize_weights(train: TrainingSet, *, normalize: bool) -> TrainingSet:
    """Drop zero-weight rows and, if ``normalize``, scale the weights to mean 1.

    Weights that end up all equal become None, so Keras runs its unweighted path.
    """
    weights = train.sample_weight
    if weights is None:
        return train
    X, y = train.X, train.y
    keep = weights > 0
    if not keep.all():
        if train.epoch_rows is not None:
            raise ValueError("A per-epoch strategy must drop zero-weight rows itself.")
        X, y, weights = X[keep], y[keep], weights[keep]
    if np.ptp(weights) == 0 and (normalize or weights[0] == 1):
        return replace(train, X=X, y=y, sample_weight=None)
    if normalize:
        weights = weights / replace(train, X=X, y=y, sample_weight=weights).mean_weight()
    return replace(train, X=X, y=y, sample_weight=weights)
