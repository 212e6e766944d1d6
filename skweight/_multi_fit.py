"""The fit steps of a multi-output network (``y`` a ``MultiOutput``, or a list or dict).

The estimator's ``fit`` runs its five steps as for one target; for several, steps 2 to 5 are
these functions: check the data (``X`` as for one target, each output's ``y`` encoded by
``skweight._multi_target``, ``sample_weight`` per row or per output), hold out validation rows
and weight each output (``skweight._multi_weights``), build and compile with a loss per output
(``skweight._multi_compile``), and train, Keras receiving ``y`` and ``sample_weight`` in the
structure of the network's outputs. ``history_["val_loss_unweighted"]`` is the sum over the
outputs of each output's unweighted mean loss, as Keras' ``val_loss`` is the sum of the
outputs' losses.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import _num_samples

from ._callbacks import NonFiniteLossGuard, UnweightedValidationLoss
from ._fitted_state import record_history
from ._holdout import split_validation
from ._input_rows import check_rows
from ._keras import needs_one_hot
from ._multi_compile import compiled_losses
from ._multi_rows import as_inputs, as_targets, keras_inputs
from ._multi_target import encode_outputs, keras_target, several_outputs
from ._multi_weights import check_output_weights, validation_weights, weigh_outputs
from ._network_io import from_network, to_network
from .multi_io import MultiOutput
from .weighting import TrainingSet

__all__ = [
    "check_outputs_data",
    "forget_outputs",
    "output_values",
    "prepare_output_rows",
    "several_targets",
    "train_outputs",
]

#: Fitted attributes that only a multi-output fit sets.
_OUTPUT_ATTRIBUTES = ("outputs_", "output_names_", "network_outputs_")


def several_targets(estimator, X, y, warm: bool) -> MultiOutput | None:
    """``y`` as a ``MultiOutput`` when it holds several targets (None for one).

    A continued fit (``partial_fit``, ``warm_start``) must keep to what the network was
    fitted on: one target, or the same outputs.
    """
    inputs = as_inputs(X)
    try:
        n_rows = len(inputs) if inputs is not None else _num_samples(X)
    except TypeError:
        n_rows = None
    targets = as_targets(y, n_rows)
    continuing = warm and hasattr(estimator, "model_")
    if continuing and targets is None and several_outputs(estimator):
        raise ValueError(
            f"y is one target; the estimator was fitted on {len(estimator.outputs_)} outputs "
            f"({', '.join(s['label'] for s in estimator.outputs_)}). Give y as a list or dict "
            "(or MultiOutput) with one target per output."
        )
    if continuing and targets is not None and not several_outputs(estimator):
        raise ValueError(
            f"y holds {len(targets.arrays)} targets; the estimator was fitted on one. Give y "
            "as one target, as at fit."
        )
    return targets


def forget_outputs(estimator) -> None:
    """Drop what an earlier multi-output fit left, before a fit on one target."""
    for name in _OUTPUT_ATTRIBUTES:
        if hasattr(estimator, name):
            delattr(estimator, name)


def check_outputs_data(estimator, X, y: MultiOutput, sample_weight, warm: bool, classes):
    """Step 2 for several outputs: validate ``X``, encode every output, check the weights."""
    if estimator.ignore_label is not None:
        raise ValueError(
            f"ignore_label={estimator.ignore_label!r} applies to one target; for a multi-output "
            "y give the rows whose label is missing in an output a sample_weight of 0 in that "
            "output (sample_weight as one array per output)."
        )
    if estimator.dense_target is True:
        raise ValueError(
            "dense_target=True: a multi-output y takes one target per row in each output; "
            "leave dense_target='auto'."
        )
    X = check_rows(estimator, X, reset=not warm)
    if len(y) != len(X):
        raise ValueError(f"y has {len(y)} rows and X has {len(X)}; they must have the same rows.")
    estimator._y_given = (None, None)
    encoded = encode_outputs(estimator, y, reset=not warm, classes=classes)
    return TrainingSet(X, encoded, check_output_weights(estimator, sample_weight, X))


def prepare_output_rows(estimator, data: TrainingSet, settings):
    """Step 3 for several outputs: the validation rows, then each output's weights."""
    train, validation = split_validation(
        data, settings.validation_split, settings.seed, stratify=False
    )
    rows = weigh_outputs(
        estimator, train, settings.strategy, random_state=settings.strategy_seed,
        normalize=estimator.normalize_weights, partial=settings.partial,
    )  # fmt: skip
    if len(rows.y) == 0:
        raise ValueError("No training rows are left after weighting; check sample_weight.")
    if validation is not None:
        validation = validation_weights(
            estimator, validation, normalize=estimator.normalize_weights
        )
    return rows, validation


def _keras_data(estimator, rows: TrainingSet, losses: list) -> tuple:
    """``(x, y, sample_weight)`` of ``rows`` in the structure of the network."""
    units = estimator.network_outputs_["units"]
    targets = [
        keras_target(spec, y, n, needs_one_hot(loss))
        for spec, y, n, loss in zip(estimator.outputs_, rows.y.arrays, units, losses,
                                    strict=True)
    ]  # fmt: skip
    weights = None
    if rows.sample_weight is not None:
        weights = to_network(estimator, [w.astype("float32") for w in rows.sample_weight.T])
    return keras_inputs(rows.X), to_network(estimator, targets), weights


def train_outputs(estimator, train: TrainingSet, validation, settings) -> None:
    """Step 5 for several outputs: ``model_.fit`` with a target and weights per output."""
    model = estimator.model_
    losses = compiled_losses(estimator, model.loss)
    x, y, weights = _keras_data(estimator, train, losses)
    callbacks = [NonFiniteLossGuard(), *settings.callbacks]
    validation_data = None
    if validation is not None:
        x_val, y_val, w_val = _keras_data(estimator, validation, losses)
        validation_data = (x_val, y_val) if w_val is None else (x_val, y_val, w_val)
        unweighted = [getattr(loss, "unweighted", lambda loss=loss: loss)() for loss in losses]
        check = UnweightedValidationLoss(
            validation.X, y_val, loss=to_network(estimator, unweighted)
        )
        callbacks.insert(0, check)
    batch_size = settings.batch_size
    history = model.fit(
        x=x, y=y, sample_weight=weights,
        batch_size=max(len(train.y), 1) if batch_size == -1 else batch_size,
        shuffle=settings.shuffle, epochs=settings.initial_epoch + settings.epochs,
        initial_epoch=settings.initial_epoch, callbacks=callbacks, verbose=settings.verbose,
        validation_data=validation_data, **settings.keras_fit,
    )  # fmt: skip
    record_history(estimator, history.history, append=settings.warm)


def output_values(estimator, X, kwargs) -> list[np.ndarray]:
    """The network's outputs on ``X``, one array per output in ``y``'s order."""
    return from_network(estimator, estimator._forward(X, kwargs))
