"""An estimator's fitted state: its public attributes ending in ``_``, and its network's weights.

``fitted_attributes`` is what ``skweight.persistence`` saves; ``record_history`` keeps the
per-epoch logs of a fit in ``history_``. ``FittedState`` is a snapshot of
it that ``fit`` takes before it changes anything and puts back if the fit fails, so that a
failed fit, a failed continued fit included, leaves the estimator as it was before the call.
"""

from __future__ import annotations

import copy
from typing import Any

import keras


def is_fitted_attribute(name: Any) -> bool:
    """True for a public attribute name ending in ``_`` (scikit-learn's fitted state)."""
    return (
        isinstance(name, str)
        and name.isidentifier()
        and name.endswith("_")
        and not name.startswith("_")
    )


def fitted_attributes(estimator) -> dict[str, Any]:
    """The estimator's fitted attributes, by name (``model_`` included)."""
    return {k: v for k, v in vars(estimator).items() if is_fitted_attribute(k)}


class FittedState:
    """A snapshot of an estimator's fitted attributes and, if asked, of its network's weights.

    Only a continued fit trains the existing network in place, so only it needs
    ``keep_weights=True`` (a copy of the weights and optimizer state until the fit succeeds).
    """

    def __init__(self, estimator, *, keep_weights: bool):
        self.attributes = {
            name: copy.deepcopy(value) if isinstance(value, dict) else value
            for name, value in fitted_attributes(estimator).items()
        }
        model = self.attributes.get("model_") if keep_weights else None
        self.weights = None if model is None else model.get_weights()
        optimizer = None if model is None else getattr(model, "optimizer", None)
        self.optimizer_state = (
            None
            if optimizer is None
            else [keras.ops.convert_to_numpy(v) for v in getattr(optimizer, "variables", [])]
        )

    def restore(self, estimator) -> None:
        """Put every fitted attribute back as it was; drop the ones the failed fit added."""
        for name in list(fitted_attributes(estimator)):
            if name not in self.attributes:
                delattr(estimator, name)
        for name, value in self.attributes.items():
            setattr(estimator, name, value)
        model = self.attributes.get("model_")
        if model is None or self.weights is None:
            return
        model.set_weights(self.weights)
        variables = list(getattr(getattr(model, "optimizer", None), "variables", []) or [])
        if self.optimizer_state is not None and len(variables) == len(self.optimizer_state):
            for variable, value in zip(variables, self.optimizer_state, strict=True):
                variable.assign(value)


def record_history(estimator, history: dict[str, list], append: bool) -> None:
    """Set ``history_`` to a fit's per-epoch logs as floats, or add them (a continued fit)."""
    new = {key: [float(v) for v in values] for key, values in history.items()}
    if append and hasattr(estimator, "history_"):
        for key, values in new.items():
            estimator.history_.setdefault(key, []).extend(values)
    else:
        estimator.history_ = new
