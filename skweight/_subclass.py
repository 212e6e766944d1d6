"""SciKeras' subclass hooks: each one works in skweight or is refused at ``fit``, never ignored.

SciKeras users subclass its wrappers and override a few names. In skweight:

``_keras_build_fn``
    works: with ``model=None`` it is the build function (as if given as ``model=``), taking
    the same arguments by name (see ``skweight._build_args``).
``scorer``
    works: a static method ``scorer(y_true, y_pred, **kwargs)`` replaces the score that
    ``score`` computes (it receives ``sample_weight=``).
``feature_encoder`` and ``target_encoder``
    are refused: skweight validates ``X`` and encodes ``y`` itself (its classes, per-class
    weights and prior correction rest on that encoding). Transform ``X`` in a ``Pipeline``
    step before the estimator; for ``y``, see the error message.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["build_function", "check_subclass_hooks", "custom_scorer"]

_REFUSED = {
    "feature_encoder": (
        "skweight validates X itself and does not run a feature_encoder; put the "
        "transformer in a Pipeline before the estimator (make_pipeline(encoder, estimator))"
    ),
    "target_encoder": (
        "skweight encodes y itself (labels of any type, one-hot for categorical losses, "
        "multi-label indicator matrices, masks), and its weighting and prior correction rest "
        "on that encoding; transform y before fit and after predict instead, or wrap the "
        "estimator in sklearn.compose.TransformedTargetRegressor for a regressor"
    ),
}


def _defined_by_user(estimator, name: str) -> bool:
    """True if a class of ``estimator`` outside skweight defines ``name``."""
    return any(
        name in vars(cls)
        for cls in type(estimator).__mro__
        if not cls.__module__.startswith(("skweight.", "sklearn.", "builtins"))
        and cls.__module__ != "skweight"
    )


def check_subclass_hooks(estimator) -> None:
    """Raise ``TypeError`` for a SciKeras hook that skweight would otherwise ignore."""
    for name, why in _REFUSED.items():
        if _defined_by_user(estimator, name):
            raise TypeError(
                f"{type(estimator).__name__} defines {name}, which SciKeras uses and skweight "
                f"does not: {why}."
            )


def custom_scorer(estimator) -> Callable | None:
    """A subclass's ``scorer(y_true, y_pred, **kwargs)``, or None."""
    if _defined_by_user(estimator, "scorer"):
        return estimator.scorer
    return None


def build_function(estimator):
    """What builds the network: ``model``, or a subclass's ``_keras_build_fn`` (SciKeras)."""
    hook = getattr(estimator, "_keras_build_fn", None)
    if hook is not None and estimator.model is not None:
        raise ValueError(
            f"{type(estimator).__name__} defines _keras_build_fn and model= is given too; one "
            "of them would be ignored. Leave model=None to build with _keras_build_fn."
        )
    return estimator.model if hook is None else hook
