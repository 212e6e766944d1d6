"""The validation hold-out: which training rows a fit keeps aside for ``val_*`` entries, and
what Keras is given to compute them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split

from ._batches import row_batches
from ._callbacks import UnweightedValidationLoss
from ._multi_rows import keras_inputs
from .rows import LazyRows
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
        return replace(rows, X=rows.X[index], y=rows.y[index], sample_weight=weights)

    return take(train_rows), take(val_rows)


def validation_inputs(
    validation: TrainingSet | None, target: Callable, loss: Any, batch_size: int
) -> tuple[Any, UnweightedValidationLoss | None]:
    """``(validation_data for keras.Model.fit, the callback adding val_loss_unweighted)``.

    ``target`` turns encoded targets into what the loss expects; ``(None, None)`` without
    validation rows.
    """
    if validation is None:
        return None, None
    y_val = target(validation.y)
    mask = None
    if validation.dense and validation.y.dtype.kind in "iu":
        mask = (validation.y >= 0).astype("float32")
    check = UnweightedValidationLoss(validation.X, y_val, mask, loss=loss)
    if validation.dense or isinstance(validation.X, LazyRows):
        data = row_batches(validation, target, loss, batch_size=batch_size, shuffle=False, seed=0)
        return data, check
    data = (keras_inputs(validation.X), y_val)
    if validation.sample_weight is not None:
        data += (validation.sample_weight.astype("float32"),)
    return data, check
