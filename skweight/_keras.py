"""Keras plumbing: losses and optimizers from parameters, and the built-in network.

Losses and optimizers
    ``loss=`` and ``optimizer=`` accept a string, a class, or an instance; routed ``loss__*`` /
    ``optimizer__*`` parameters override the object's configuration. A fresh object is made at
    every fit, so the user's objects are never modified and no optimizer state leaks from one fit
    into the next.
Training data
    is ``skweight._batches``; prediction ``skweight._predict``.
"""

from __future__ import annotations

import functools
import math
import numbers
import random
import sys
import warnings
from collections.abc import Sequence
from typing import Any

import keras

from ._nested import configure_arguments
from ._params import InvalidParameterError
from ._seeded_init import SeededGlorotUniform


def default_compile_kwargs() -> dict[str, Any]:
    """Keras ``compile`` settings skweight uses unless ``compile__*`` overrides them.

    Several steps per execution amortise the per-step dispatch cost (the PyTorch backend runs
    one step at a time). On TensorFlow, XLA compilation costs more than it saves on the small,
    short fits typical of model selection, and ``torch.compile`` does on PyTorch; on JAX,
    compilation is what makes training fast ("auto" keeps it on).
    """
    backend = keras.backend.backend()
    if backend == "torch":
        return {"steps_per_execution": 1, "jit_compile": False}
    return {"steps_per_execution": 32, "jit_compile": False if backend == "tensorflow" else "auto"}


# ---------------------------------------------------------------------------- loss and optimizer
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

#: Losses that sum over the elements of a row (or a batch) before any weight applies: an
#: element's weight can only rescale them, so dense weights reach them as per-row means.
OVERLAP_LOSSES = (keras.losses.Dice, keras.losses.Tversky)

#: Losses that expect one-hot targets rather than integer class indices.
ONE_HOT_LOSSES = (
    keras.losses.CategoricalCrossentropy,
    keras.losses.CategoricalFocalCrossentropy,
    keras.losses.CategoricalHinge,
    *OVERLAP_LOSSES,
)


def seed_keras(seed: int) -> None:
    """``keras.utils.set_random_seed(seed)``, without importing TensorFlow on other backends.

    Keras also seeds TensorFlow whenever it is installed (for ``tf.data`` pipelines), which
    imports it, about 2 s, in every process that fits on JAX or PyTorch. skweight feeds those
    backends without ``tf.data``, so TensorFlow is seeded only when it is the backend or was
    already imported; Python's, NumPy's, PyTorch's and Keras' own generators are seeded as
    Keras seeds them.
    """
    from keras.src.utils import rng_utils

    lazy = getattr(rng_utils, "tf", None)
    skip = (
        keras.backend.backend() != "tensorflow"
        and "tensorflow" not in sys.modules
        and getattr(lazy, "_available", True) is None  # not yet looked for
    )
    if not skip:
        keras.utils.set_random_seed(seed)
        return
    lazy._available = False
    try:
        keras.utils.set_random_seed(seed)
    finally:
        lazy._available = None


def _loss_class_from_name(name: str) -> type | None:
    """The Keras loss class a name stands for: its class name (``"BinaryCrossentropy"``), its
    function's name (``"binary_crossentropy"``) or an alias (``"mse"``); None if none."""
    for camel in (
        name,
        _LOSS_ALIASES.get(name.lower(), "".join(p.capitalize() for p in name.split("_"))),
    ):
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
    params = configure_arguments(params, "loss")
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
    """Return a fresh Keras optimizer for ``optimizer`` configured with ``params``.

    An argument given as a class is made from the parameters below its name
    (``learning_rate=ExponentialDecay``, ``learning_rate__decay_steps=10``).
    """
    params = configure_arguments(params, "optimizer")
    if isinstance(optimizer, str):
        try:
            kind, defaults = _named_optimizer(optimizer)
        except ValueError as exc:
            raise ValueError(
                f"optimizer={optimizer!r} is not a Keras optimizer; expected a name such as "
                "'adam' or 'sgd', a keras.optimizers.Optimizer class or instance."
            ) from exc
        return kind.from_config({**defaults, **params})
    if isinstance(optimizer, type) and issubclass(optimizer, keras.optimizers.Optimizer):
        return optimizer(**params)
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return type(optimizer).from_config({**optimizer.get_config(), **params})
    raise TypeError(
        "optimizer must be a string, a keras.optimizers.Optimizer class or instance; "
        f"got {type(optimizer).__name__}."
    )


@functools.lru_cache(maxsize=32)
def _named_optimizer(name: str) -> tuple[type, dict[str, Any]]:
    """The class and default configuration of the optimizer called ``name``, looked up once (an
    optimizer makes its variables when it is made: a few milliseconds on TensorFlow)."""
    template = keras.optimizers.get(name)
    return type(template), template.get_config()


def check_learning_rate(optimizer: keras.optimizers.Optimizer, routed_params: dict) -> None:
    """Raise ``InvalidParameterError`` unless the optimizer's learning rate is > 0 in float32.

    A NaN, infinite, zero or negative learning rate trains silently into a NaN or useless
    network. ``optimizer__learning_rate`` itself is checked with the routed parameters; this
    checks the optimizer made from it (a learning rate set on an optimizer instance, or one
    that float32 cannot hold). A schedule is not checked.
    """
    key = "optimizer__learning_rate"
    given = routed_params.get(key)
    schedule = keras.optimizers.schedules.LearningRateSchedule
    if isinstance(given, schedule) or isinstance(
        getattr(optimizer, "_learning_rate", None), schedule
    ):
        return
    name = (
        key
        if key in routed_params
        else f"the learning rate of optimizer={type(optimizer).__name__}"
    )
    try:
        value = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
    except (AttributeError, TypeError, ValueError):
        return
    if not (math.isfinite(value) and value > 0):
        raise InvalidParameterError(
            f"{name} must be a number > 0 that float32 holds (at most 3.4e+38); it is {value!r} "
            "in the optimizer."
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
        "dice",
        "tversky",
    }


def sums_over_elements(loss: Any) -> bool:
    """True for Dice and Tversky, which sum over elements before weighting (see above)."""
    return isinstance(loss, OVERLAP_LOSSES) or getattr(loss, "__name__", "") in {"dice", "tversky"}


def warn_if_ignored_in_overlap_loss(loss: Any, ignore_label: Any, classes) -> None:
    """Warn that Dice and Tversky count ignored elements (as the first class) in the loss."""
    if ignore_label is None or not sums_over_elements(loss):
        return
    first = classes[0].item() if hasattr(classes[0], "item") else classes[0]
    warnings.warn(
        f"loss={getattr(loss, 'name', loss)!r} sums over all elements before any weight applies: "
        f"the elements of ignore_label={ignore_label!r} count as class {first!r} in the loss "
        "(they stay out of the scores). Use a cross-entropy or focal loss to leave them out of "
        "training.",
        UserWarning,
        stacklevel=5,
    )


# ---------------------------------------------------------------------------- the built-in network
def build_mlp(
    n_features_in_: int,
    n_units: int,
    output_activation: str | None,
    hidden_layer_sizes: Sequence[int] = (100,),
    activation: str = "relu",
    dropout: float = 0.0,
    seed: int | None = None,
    input_shape: Sequence[int] | None = None,
) -> keras.Model:
    """Build a dense network ``inputs -> hidden layers -> n_units outputs``.

    Parameters
    ----------
    n_features_in_ : int
        Number of input columns.
    n_units : int
        Number of output units (1 for binary, one per class, label or target otherwise).
    output_activation : str or None
        ``"sigmoid"``, ``"softmax"`` or ``None`` (linear, for regression).
    hidden_layer_sizes : sequence of int
        Units of each hidden layer, as in scikit-learn's ``MLPClassifier``.
    activation : str
        Activation of the hidden layers.
    dropout : float
        Dropout rate after each hidden layer (0 disables dropout).
    seed : int or None
        Seeds the kernels and dropout layers from a private ``random.Random(seed)``, layer by
        layer, immune to other threads that draw from the global generators meanwhile (a dask
        worker's own threads do). The kernels are Glorot-uniform draws by NumPy
        (``SeededGlorotUniform``): the same network on every backend. None: Keras'
        ``"glorot_uniform"``, from Keras' global seed.
    input_shape : sequence of int or None
        The shape of one row, for rows that are not flat (images, sequences): the network
        flattens them first. None: ``(n_features_in_,)``.
    """
    hidden_layer_sizes = check_hidden_layer_sizes(hidden_layer_sizes)
    if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a float in [0, 1); got {dropout!r}.")
    try:
        keras.activations.get(activation)
    except ValueError as exc:
        raise ValueError(
            f"activation={activation!r} is not a Keras activation (e.g. 'relu', 'tanh')."
        ) from exc
    draw = None if seed is None else random.Random(seed).randint

    def glorot():
        return "glorot_uniform" if draw is None else SeededGlorotUniform(draw(1, int(1e9)))

    shape = (n_features_in_,) if input_shape is None else tuple(input_shape)
    inputs = keras.Input(shape=shape)
    hidden = keras.layers.Flatten()(inputs) if len(shape) > 1 else inputs
    for units in hidden_layer_sizes:
        hidden = keras.layers.Dense(int(units), activation=activation, kernel_initializer=glorot())(
            hidden
        )
        if dropout:
            dropout_seed = None if draw is None else draw(1, int(1e9))
            hidden = keras.layers.Dropout(dropout, seed=dropout_seed)(hidden)
    outputs = keras.layers.Dense(
        n_units, activation=output_activation, kernel_initializer=glorot()
    )(hidden)
    return keras.Model(inputs, outputs)


def check_hidden_layer_sizes(sizes) -> tuple[int, ...]:
    """Return the layer sizes as a tuple of positive ints (an int is one layer, as in sklearn)."""
    if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
        sizes = (sizes,)
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
        raise ValueError(
            "hidden_layer_sizes must be a sequence of positive ints such as (32, 16); got "
            f"{sizes!r}."
        )
    sizes = tuple(sizes)
    for units in sizes:
        if isinstance(units, bool) or not isinstance(units, numbers.Integral) or units < 1:
            raise ValueError(
                f"hidden_layer_sizes must contain positive ints; got {units!r} in {sizes!r}."
            )
    return tuple(int(units) for units in sizes)
