"""The validation hold-out: which training rows a fit keeps aside for ``val_*`` entries."""

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
        return replace(rows, X=rows.X[index], y=rows.y[index], sample_weight=weights)

    return take(train_rows), take(val_rows)
