"""Turn the ``loss=`` and ``optimizer=`` parameters into fresh Keras objects.

Both accept a string, a class, or an instance; routed ``loss__*`` / ``optimizer__*`` parameters
override the object's configuration. A fresh object is made at every fit, so the user's objects
are never modified and no optimizer state leaks from one fit into the next.
"""

from __future__ import annotations

from typing import Any

import keras

_LOSS_ALIASES = {
    "mse": "MeanSquaredError",
    "mae": "MeanAbsoluteError",
    "mape": "MeanAbsolutePercentageError",
    "msle": "MeanSquaredLogarithmicError",
    "kld": "KLDivergence",
    "kl_divergence": "KLDivergence",
    "logcosh": "LogCosh",
    "log_cosh": "LogCosh",
    "bce": "BinaryCrossentropy",
}

#: Losses that expect one-hot targets rather than integer class indices.
ONE_HOT_LOSSES = (
    keras.losses.CategoricalCrossentropy,
    keras.losses.CategoricalFocalCrossentropy,
    keras.losses.CategoricalHinge,
)


def _loss_class_from_name(name: str) -> type | None:
    camel = _LOSS_ALIASES.get(name.lower(), "".join(p.capitalize() for p in name.split("_")))
    candidate = getattr(keras.losses, camel, None)
    if isinstance(candidate, type) and issubclass(candidate, keras.losses.Loss):
        return candidate
    return None


def make_loss(loss: Any, params: dict[str, Any]) -> Any:
    """Return a fresh Keras loss for ``loss`` configured with ``params``.

    Strings name either a loss class (``"BinaryCrossentropy"``) or its function
    (``"binary_crossentropy"``); both become an instance of the class so that its
    configuration can be read and overridden.
    """
    if isinstance(loss, str):
        cls = _loss_class_from_name(loss)
        if cls is not None:
            return cls(**params)
        try:
            function = keras.losses.get(loss)
        except ValueError as exc:
            raise ValueError(
                f"loss={loss!r} is not a Keras loss; expected a name such as "
                "'binary_crossentropy' or 'mse', a keras.losses.Loss class or instance, or a "
                "callable(y_true, y_pred)."
            ) from exc
        if params:
            raise ValueError(
                f"loss={loss!r} is a plain function and takes no loss__ parameters "
                f"(got {sorted(params)}); pass its class instead."
            )
        return function
    if isinstance(loss, type) and issubclass(loss, keras.losses.Loss):
        return loss(**params)
    if isinstance(loss, keras.losses.Loss):
        return type(loss).from_config({**loss.get_config(), **params})
    if callable(loss):
        if params:
            raise ValueError(
                f"loss is a plain callable and takes no loss__ parameters (got {sorted(params)})."
            )
        return loss
    raise TypeError(
        f"loss must be None, a string, a keras.losses.Loss class or instance, or a callable; "
        f"got {type(loss).__name__}."
    )


def make_optimizer(optimizer: Any, params: dict[str, Any]) -> keras.optimizers.Optimizer:
    """Return a fresh Keras optimizer for ``optimizer`` configured with ``params``."""
    if isinstance(optimizer, str):
        try:
            template = keras.optimizers.get(optimizer)
        except ValueError as exc:
            raise ValueError(
                f"optimizer={optimizer!r} is not a Keras optimizer; expected a name such as "
                "'adam' or 'sgd', a keras.optimizers.Optimizer class or instance."
            ) from exc
        return type(template).from_config({**template.get_config(), **params})
    if isinstance(optimizer, type) and issubclass(optimizer, keras.optimizers.Optimizer):
        return optimizer(**params)
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return type(optimizer).from_config({**optimizer.get_config(), **params})
    raise TypeError(
        "optimizer must be a string, a keras.optimizers.Optimizer class or instance; "
        f"got {type(optimizer).__name__}."
    )


def needs_one_hot(loss: Any) -> bool:
    """Return True if ``loss`` expects one-hot encoded class targets."""
    if isinstance(loss, ONE_HOT_LOSSES):
        return True
    name = getattr(loss, "__name__", "")
    return name in {
        "categorical_crossentropy",
        "categorical_focal_crossentropy",
        "categorical_hinge",
    }
