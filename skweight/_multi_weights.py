"""Weights of a multi-output fit: ``sample_weight`` and ``weighting=`` output by output.

Every output trains with its own weight per row, in column ``k`` of an ``(n_rows, n_outputs)``
array that follows the rows through the validation split, and reaches Keras as that output's
``sample_weight``:

* ``sample_weight`` is one weight per row (the same for every output) or one array per output
  (a dict by output name, or a list, or a ``MultiOutput``);
* the strategy runs once per output, on a clone of its own, with that output's targets and
  weights: ``"balanced"``, a ``{class: weight}`` dict, effective-number and cost weights give
  each classification output class weights from its own labels (a multi-label output: per
  label), ``"focal"`` replaces each classification output's loss with a focal loss fitted to
  its classes, and per-row strategies (``RecencyWeights``, ...) weight every output's rows.
  The fitted clones are ``weighting_``, one per output, in ``y``'s structure. Resampling is
  refused: the rows must stay the same for every output;
* in each output, rows with weight 0 count for nothing (neither in the strategy's class counts
  nor in the loss), and the weights are scaled to mean 1 over the rows with a positive weight
  (``normalize_weights=True``); a row whose weight is 0 in every output is dropped.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from sklearn.base import clone, is_classifier

from ._multi_target import mirrored
from ._validation import check_sample_weight, check_training_weights
from .multi_io import MultiInput, MultiOutput
from .weighting import TrainingSet
from .weighting.multilabel import label_training_prior

__all__ = ["check_output_weights", "validation_weights", "weigh_outputs"]


def check_output_weights(estimator, sample_weight, X) -> np.ndarray | None:
    """``sample_weight`` as an ``(n_rows, n_outputs)`` float64 array (None: all ones)."""
    if sample_weight is None:
        return None
    specs = estimator.outputs_
    per_output = isinstance(sample_weight, (dict, MultiInput)) or (
        isinstance(sample_weight, (list, tuple))
        and len(sample_weight) == len(specs)
        and len(sample_weight) != len(X)
        and all(np.ndim(w) == 1 for w in sample_weight)
    )
    if not per_output:
        weights = check_sample_weight(sample_weight, X)
        return np.repeat(weights[:, None], len(specs), axis=1)
    given = MultiOutput(sample_weight)
    keys = [spec["key"] for spec in specs]
    if isinstance(keys[0], str):
        if given.names is None or set(given.names) != set(keys):
            raise ValueError(
                f"sample_weight gives weights for {_named(given)}; y's outputs are named "
                f"{sorted(keys)}. Give one array per output, by the same names, or one weight "
                "per row for every output."
            )
        arrays = [given[key] for key in keys]
    else:
        if given.names is not None or len(given.arrays) != len(keys):
            raise ValueError(
                f"sample_weight gives weights for {_named(given)}; y is a list of "
                f"{len(keys)} outputs. Give a list of {len(keys)} arrays, one per output, or "
                "one weight per row for every output."
            )
        arrays = list(given.arrays)
    columns = []
    for spec, weights in zip(specs, arrays, strict=True):
        try:
            columns.append(check_sample_weight(weights, X))
        except ValueError as exc:
            raise ValueError(f"sample_weight for {spec['label']}: {exc}") from exc
    return np.column_stack(columns)


def _named(given: MultiOutput) -> str:
    if given.names is None:
        return f"a list of {len(given.arrays)} arrays"
    return f"outputs named {sorted(given.names)}"


def weigh_outputs(
    estimator, rows: TrainingSet, strategy, *, random_state, normalize: bool, partial: bool
) -> TrainingSet:
    """The training rows with one final weight per output; sets ``weighting_`` and the priors."""
    if strategy.resamples_rows:
        given = getattr(strategy, "sampler", strategy)
        raise ValueError(
            f"weighting={given!r} resamples the rows by their label, and a multi-output y "
            "has one label per output (the rows must stay the same for every output). Use "
            "class weights (weighting='balanced' weights each classification output by its "
            "own classes) or a per-output sample_weight."
        )
    specs = estimator.outputs_
    n_rows = len(rows.y)
    given = rows.sample_weight
    fitted, columns = [], []
    for k, spec in enumerate(specs):
        own = clone(strategy)
        weights = None if given is None else given[:, k]
        try:
            columns.append(_weigh_one(own, rows, k, spec, weights, random_state, normalize))
        except ValueError as exc:
            raise ValueError(f"{spec['label']}: {exc}") from exc
        fitted.append(own)
    estimator.weighting_ = mirrored(estimator, fitted)
    if all(c is None for c in columns):
        weights = None
    else:
        weights = np.column_stack([np.ones(n_rows) if c is None else c for c in columns])
        for column in weights.T:
            check_training_weights(column)
    if is_classifier(estimator):
        _record_priors(estimator, rows, weights, partial)
    train = replace(rows, sample_weight=weights)
    if weights is not None and not weights.any(axis=1).all():
        keep = weights.any(axis=1)
        train = replace(train, X=rows.X[keep], y=rows.y[keep], sample_weight=weights[keep])
    return train


def _weigh_one(strategy, rows: TrainingSet, k: int, spec, weights, random_state, normalize):
    """Output ``k``'s final training weights (None: all equal), from ``strategy`` cloned for it."""
    strategy.check_params()
    classes = spec["classes"]
    y = rows.y.arrays[k]
    strategy._check_target(y, classes, False)
    keep = None if weights is None or weights.all() else weights > 0
    if keep is not None and not keep.any():
        raise ValueError("no training row has a positive sample_weight.")
    if keep is None:
        part = TrainingSet(rows.X, y, weights)
    else:
        part = TrainingSet(rows.X[keep], y[keep], weights[keep])
    trained = strategy._fit_rows(part, classes=classes, random_state=random_state)
    own = trained.sample_weight
    full = np.zeros(len(y))
    full[slice(None) if keep is None else keep] = 1.0 if own is None else own
    positive = full > 0
    if not positive.any():
        raise ValueError("every training row has weight 0 after weighting.")
    if positive.all() and np.ptp(full) == 0 and (normalize or full[0] == 1):
        return None  # all equal: Keras' unweighted path
    if normalize:
        full = full / full[positive].mean()
    return full


def validation_weights(estimator, validation: TrainingSet, *, normalize: bool) -> TrainingSet:
    """The validation rows weighted per output as the strategies weight training rows."""
    strategies = estimator.weighting_
    strategies = list(strategies.values()) if isinstance(strategies, dict) else strategies
    given = validation.sample_weight
    columns = [
        strategy.validation_weights(
            validation.X, validation.y.arrays[k], None if given is None else given[:, k],
            normalize=normalize,
        )
        for k, strategy in enumerate(strategies)
    ]  # fmt: skip
    if all(c is None for c in columns):
        return replace(validation, sample_weight=None)
    ones = np.ones(len(validation.y))
    weights = np.column_stack([ones if c is None else c for c in columns])
    return replace(validation, sample_weight=weights)


def _record_priors(estimator, rows: TrainingSet, weights, partial: bool) -> None:
    """``class_prior_`` and ``training_prior_`` per output, and two classes in each."""
    before, after = [], []
    strategies = _strategies(estimator)
    for k, spec in enumerate(estimator.outputs_):
        y = rows.y.arrays[k]
        given = None if rows.sample_weight is None else rows.sample_weight[:, k]
        trained = None if weights is None else weights[:, k]
        if spec["kind"] == "multilabel-indicator":
            label_weights = getattr(strategies[k], "label_weights_", None)
            before.append(label_training_prior(y, given, None))
            after.append(label_training_prior(y, trained, label_weights))
            continue
        before.append(_mix(y, given, spec["width"]))
        after.append(strategies[k].training_prior(_mix(y, trained, spec["width"])))
        present = np.unique(y if trained is None else y[trained > 0])
        if not partial and len(present) < 2:
            raise ValueError(
                f"Only one class of y's {spec['label']} has rows with positive weight; each "
                "classification output needs at least two classes to train on. Check "
                "sample_weight and weighting."
            )
    estimator.class_prior_ = mirrored(estimator, before)
    estimator.training_prior_ = mirrored(estimator, after)


def _strategies(estimator) -> list[Any]:
    fitted = estimator.weighting_
    return list(fitted.values()) if isinstance(fitted, dict) else list(fitted)


def _mix(y: np.ndarray, weights, n_classes: int) -> np.ndarray:
    counts = np.bincount(y, weights=weights, minlength=n_classes)
    return counts / counts.sum()
