"""What ``predict``, ``predict_proba`` and ``score`` return for a multi-output network.

Each returns one entry per output, in the structure ``y`` had at fit (a dict by output name,
or a list): ``predict`` the labels of each classification output (a multi-label output: its
indicator matrix, each label at p >= 0.5) or the values of each regression output (1-D for a
1-D target); ``predict_proba`` each classification output's probabilities, (n_samples,
n_classes) or (n_samples, n_labels), prior-corrected per output with ``prior_correction``.

``score`` follows scikit-learn's multi-output estimators: a classifier's score is the subset
accuracy (the share of rows whose every output is right, a multi-label output right when all
its labels are), a regressor's the R² averaged uniformly over every column of every output.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import r2_score

from ._multi_fit import output_values
from ._multi_rows import as_targets
from ._multi_target import encode_outputs, mirrored, prediction, probabilities
from .prior import correct_prior
from .weighting.multilabel import correct_label_prior

__all__ = ["predict_outputs", "proba_outputs", "score_outputs"]


def _proba_list(estimator, X, kwargs) -> list[np.ndarray]:
    logits = estimator.from_logits_
    logits = list(logits.values()) if isinstance(logits, dict) else list(logits)
    probas = []
    outputs_of = output_values(estimator, X, kwargs)
    for k, (spec, outputs) in enumerate(zip(estimator.outputs_, outputs_of, strict=True)):
        proba = probabilities(spec, outputs, logits[k])
        if estimator.prior_correction:
            prior = _entry(estimator.class_prior_, spec, k)
            trained = _entry(estimator.training_prior_, spec, k)
            if spec["kind"] == "multilabel-indicator":
                proba = correct_label_prior(proba, prior, trained)
            else:
                proba = correct_prior(proba, prior, trained)
        probas.append(proba)
    return probas


def _entry(values, spec, k: int):
    return values[spec["key"]] if isinstance(values, dict) else values[k]


def proba_outputs(estimator, X, kwargs) -> list | dict:
    """``predict_proba`` of every output, in ``y``'s structure."""
    return mirrored(estimator, _proba_list(estimator, X, kwargs))


def predict_outputs(estimator, X, kwargs, *, classifier: bool) -> list | dict:
    """``predict`` of every output, in ``y``'s structure."""
    if classifier:
        values = _proba_list(estimator, X, kwargs)
    else:
        values = output_values(estimator, X, kwargs)
    return mirrored(
        estimator,
        [prediction(spec, v) for spec, v in zip(estimator.outputs_, values, strict=True)],
    )


def score_outputs(estimator, X, y, sample_weight, *, classifier: bool) -> float:
    """Subset accuracy (classifier) or uniformly averaged R² (regressor) over the outputs."""
    targets = _targets(estimator, y)
    predicted = predict_outputs(estimator, X, {}, classifier=classifier)
    predicted = list(predicted.values()) if isinstance(predicted, dict) else list(predicted)
    truth = [
        spec["classes"][code] if spec["kind"] in ("binary", "multiclass") else code
        for spec, code in zip(estimator.outputs_, targets.arrays, strict=True)
    ]
    weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if classifier:
        right = np.ones(len(truth[0]), dtype=bool)
        for true, pred in zip(truth, predicted, strict=True):
            same = np.asarray(true) == np.asarray(pred)
            right &= same.reshape(len(same), -1).all(axis=1)
        return float(np.average(right, weights=weights))
    columns_true = np.column_stack([np.reshape(t, (len(t), -1)) for t in truth])
    columns_pred = np.column_stack([np.reshape(p, (len(p), -1)) for p in predicted])
    return float(r2_score(columns_true, columns_pred, sample_weight=weights))


def _targets(estimator, y):
    """``y`` validated and encoded against the fitted outputs (no refit)."""
    first = next(iter(y.values())) if isinstance(y, dict) else None
    n_rows = len(first) if first is not None else None
    if n_rows is None and isinstance(y, (list, tuple)) and y:
        n_rows = len(y[0])
    targets = as_targets(y, n_rows)
    if targets is None:
        raise ValueError(
            f"y is one target; the estimator predicts {len(estimator.outputs_)} outputs. Give "
            "y as a list or dict (or MultiOutput) with one target per output."
        )
    return encode_outputs(estimator, targets, reset=False)
