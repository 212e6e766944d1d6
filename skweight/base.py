"""The estimator shared by ``WeightedKerasClassifier`` and ``WeightedKerasRegressor``.

``fit`` reads top to bottom: validate -> resolve the weighting strategy -> prepare data and
weights -> build and compile the model -> train. Subclasses supply the target-specific parts
(how ``y`` is encoded, the output layer, the default loss, what ``predict`` returns).
"""

from __future__ import annotations

import warnings
from typing import Any

import keras
import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted, validate_data

from ._compile import make_loss, make_optimizer, needs_one_hot
from ._mlp import build_mlp
from ._nan_guard import NonFiniteLossGuard
from ._predict import predict_in_batches
from ._routing import ROUTED_PREFIXES, call_with_signature, is_routed, routed
from ._training_rows import finalize_weights, split_validation
from ._val_loss import UnweightedValidationLoss, weighted_validation
from ._validation import (
    check_bool,
    check_callbacks,
    check_fraction,
    check_positive_int,
    check_sample_weight,
    seed_from,
)
from .weighting import TrainingSet, resolve_weighting
from .weighting.epochs import keras_fit_data


def default_compile_kwargs() -> dict[str, Any]:
    """Keras ``compile`` settings skweight uses unless ``compile__*`` overrides them.

    Several steps per execution amortise the per-step dispatch cost. On TensorFlow, XLA
    compilation costs more than it saves on the small, short fits typical of model selection;
    on JAX, compilation is what makes training fast ("auto" keeps it on).
    """
    on_tensorflow = keras.backend.backend() == "tensorflow"
    return {"steps_per_execution": 32, "jit_compile": False if on_tensorflow else "auto"}


#: ``fit`` arguments that skweight owns; passing them as ``fit__*`` is an error.
_RESERVED_FIT_KWARGS = {
    "x", "y", "sample_weight", "class_weight", "epochs", "batch_size", "validation_split",
    "validation_data", "callbacks", "verbose", "shuffle",
}  # fmt: skip


class BaseWeightedKeras(BaseEstimator):
    """Base class of skweight's Keras estimators (not to be used directly).

    Its parameters, and the ``fit``, ``save`` and ``load`` it provides, are documented on
    ``WeightedKerasClassifier`` and ``WeightedKerasRegressor``.
    """

    def __init__(
        self,
        model=None,
        *,
        weighting=None,
        loss=None,
        optimizer="adam",
        hidden_layer_sizes=(100,),
        activation="relu",
        dropout=0.0,
        epochs=10,
        batch_size=32,
        validation_split=0.0,
        shuffle=True,
        callbacks=None,
        verbose=0,
        random_state=None,
        warm_start=False,
        normalize_weights=True,
        prior_correction=False,
        **routed_params,
    ):
        self.model = model
        self.weighting = weighting
        self.loss = loss
        self.optimizer = optimizer
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_split = validation_split
        self.shuffle = shuffle
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state
        self.warm_start = warm_start
        self.normalize_weights = normalize_weights
        self.prior_correction = prior_correction
        self._routed_params = routed_params

    # ------------------------------------------------------------------ parameters
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        params = super().get_params(deep=deep)
        params.update(self._routed_params)
        return params

    def set_params(self, **params):
        routed_updates = {key: value for key, value in params.items() if is_routed(key)}
        if routed_updates:
            self._routed_params = {**self._routed_params, **routed_updates}
        rest = {key: value for key, value in params.items() if key not in routed_updates}
        return super().set_params(**rest) if rest else self

    def _check_routed_params(self) -> dict[str, Any]:
        params = self._routed_params
        unknown = [key for key in params if not is_routed(key)]
        if unknown:
            raise ValueError(
                f"Unknown parameter(s) {unknown}; keyword parameters must be routed, starting "
                f"with one of {[p + '__' for p in ROUTED_PREFIXES]}."
            )
        reserved = _RESERVED_FIT_KWARGS.intersection(routed(params, "fit"))
        if reserved:
            raise ValueError(
                f"fit__{sorted(reserved)[0]} is set by skweight itself; use the estimator's own "
                "parameter (weighting= instead of class_weight, sample_weight in fit)."
            )
        return params

    def save(self, path, **kwargs):
        """Save to a directory or ``.zip``; see ``skweight.persistence.save``."""
        from .persistence import save

        return save(self, path, **kwargs)

    @classmethod
    def load(cls, path, **params):
        """Load an estimator saved with ``save``; see ``skweight.persistence.load``."""
        from .persistence import load

        return load(path, expected=cls, **params)

    # ------------------------------------------------------------------ fitting
    def fit(self, X, y, sample_weight=None):
        """Fit the network on ``X``, ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights, multiplied with the weighting strategy's weights.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, epochs=self.epochs, warm=self.warm_start)

    def _fit(self, X, y, sample_weight, *, epochs, warm, classes=None):
        fresh = not (warm and hasattr(self, "model_"))
        try:
            return self._fit_steps(X, y, sample_weight, epochs=epochs, warm=warm, classes=classes)
        except BaseException:
            if fresh:  # a failed fit leaves no half-built or diverged network to predict with
                vars(self).pop("model_", None)
            raise

    def _fit_steps(self, X, y, sample_weight, *, epochs, warm, classes=None):
        warm = warm and hasattr(self, "model_")
        # 1. validate
        routed_params = self._check_routed_params()
        epochs = check_positive_int(epochs, "epochs")
        batch_size = check_positive_int(self.batch_size, "batch_size")
        validation_split = check_fraction(self.validation_split, "validation_split")
        seed = seed_from(self.random_state)
        for flag in ("shuffle", "warm_start", "normalize_weights", "prior_correction"):
            check_bool(getattr(self, flag), flag)
        check_callbacks(self.callbacks)
        X, y = self._validate_data(X, y, reset=not warm)
        y_encoded = self._encode_target(y, reset=not warm, classes=classes)
        sample_weight = check_sample_weight(sample_weight, X)

        # 2. resolve the weighting strategy
        self.weighting_ = resolve_weighting(self.weighting)

        # 3. prepare data and weights (validation rows are split off before any resampling)
        train, validation = split_validation(
            TrainingSet(X, y_encoded, sample_weight), validation_split, seed,
            stratify=self._stratify_validation,
        )  # fmt: skip
        original = train
        strategy_seed = seed  # a continued fit (partial_fit, warm_start) draws new resamples
        if warm and seed is not None:
            strategy_seed = (seed + len(self.history_.get("loss", []))) % 2**32
        train = self.weighting_.prepare(
            train.X, train.y, train.sample_weight,
            classes=getattr(self, "classes_", None), random_state=strategy_seed,
        )  # fmt: skip
        train = finalize_weights(train, normalize=self.normalize_weights)
        self._check_training_rows(train)
        self._record_training_mix(original, train)
        validation = weighted_validation(
            self.weighting_, validation, getattr(self, "classes_", None), self.normalize_weights
        )

        # 4. build and compile the model
        if seed is not None:
            keras.utils.set_random_seed(seed)
        if not warm:
            self.model_ = self._build_model(routed_params, seed)
        if not warm or not self.model_.compiled:
            loss = self.weighting_.make_loss(
                self._resolve_loss(routed_params), target_type=self.target_type_
            )
            self.model_.compile(
                optimizer=make_optimizer(self.optimizer, routed(routed_params, "optimizer")),
                loss=loss,
                **{**default_compile_kwargs(), **routed(routed_params, "compile")},
            )
        one_hot = needs_one_hot(self.model_.loss)
        callbacks = [NonFiniteLossGuard(), *check_callbacks(self.callbacks)]
        if validation is not None:
            y_val = self._keras_target(validation.y, one_hot)
            callbacks.insert(0, UnweightedValidationLoss(validation.X, y_val))

        # 5. train (an index-based dataset when the strategy resamples at every epoch)
        data = keras_fit_data(
            train, lambda y: self._keras_target(y, one_hot),
            batch_size=batch_size, shuffle=self.shuffle, seed=strategy_seed,
        )  # fmt: skip
        history = self.model_.fit(
            **data,
            epochs=epochs,
            callbacks=callbacks,
            verbose=self.verbose,
            validation_data=self._keras_validation(validation, one_hot),
            **routed(routed_params, "fit"),
        )
        self._record_history(history.history, append=warm)
        return self

    def _build_model(self, routed_params: dict[str, Any], seed: int | None = None) -> keras.Model:
        n_units, output_activation = self._output_spec()
        if self.model is None:
            model = build_mlp(
                self.n_features_in_, n_units, output_activation,
                hidden_layer_sizes=self.hidden_layer_sizes,
                activation=self.activation,
                dropout=self.dropout, seed=seed,
            )  # fmt: skip
        elif isinstance(self.model, keras.Model):
            model = keras.models.clone_model(self.model)
        elif callable(self.model):
            meta = self._model_facts()
            available = {**meta, "meta": meta, **routed(routed_params, "model")}
            model = call_with_signature(self.model, available)
        else:
            raise TypeError(
                "model must be None, a keras.Model or a callable returning one; got "
                f"{type(self.model).__name__}."
            )
        if not isinstance(model, keras.Model):
            raise TypeError(
                f"The model build function returned {type(model).__name__}; it must return a "
                "keras.Model."
            )
        if model.compiled:
            warnings.warn(
                "The model passed or built is already compiled; skweight compiles it again with "
                "its own loss=, optimizer= and weighting= settings.",
                UserWarning,
                stacklevel=3,
            )
        self._check_output_units(model)
        return model

    def _check_output_units(self, model: keras.Model) -> None:
        probe = np.zeros((1, self.n_features_in_), dtype="float32")
        shape = tuple(keras.ops.shape(model(probe, training=False)))
        allowed = self._allowed_output_units()
        if len(shape) != 2 or shape[-1] not in allowed:
            raise ValueError(
                f"The model's output has shape {shape[1:]} per row, but this target needs "
                f"{' or '.join(str(a) for a in allowed)} output unit(s) ({self._target_summary()})."
            )

    def _model_facts(self) -> dict[str, Any]:
        names = ("n_features_in_", "n_classes_", "n_outputs_", "target_type_", "classes_")
        return {name: getattr(self, name) for name in names if hasattr(self, name)}

    def _keras_validation(self, validation: TrainingSet | None, one_hot: bool):
        if validation is None:
            return None
        y_val = self._keras_target(validation.y, one_hot)
        if validation.sample_weight is None:
            return validation.X, y_val
        return validation.X, y_val, validation.sample_weight.astype("float32")

    def _record_history(self, history: dict[str, list], append: bool) -> None:
        new = {key: [float(v) for v in values] for key, values in history.items()}
        if append and hasattr(self, "history_"):
            for key, values in new.items():
                self.history_.setdefault(key, []).extend(values)
        else:
            self.history_ = new

    def _validate_data(self, X, y, reset: bool):
        return validate_data(
            self, X, y, reset=reset, dtype="float32", accept_sparse=False,
            **self._target_validation_kwargs,
        )  # fmt: skip

    def _resolve_loss(self, routed_params: dict[str, Any]) -> Any:
        loss = self._default_loss() if self.loss is None else self.loss
        return make_loss(loss, routed(routed_params, "loss"))

    def _record_training_mix(self, original: TrainingSet, train: TrainingSet) -> None:
        """Hook: remember what the strategy did to the training rows (classifiers)."""

    def _check_training_rows(self, train: TrainingSet) -> None:
        if train.X.shape[0] == 0:
            raise ValueError("No training rows are left after weighting; check sample_weight.")

    # ------------------------------------------------------------------ prediction
    def _forward(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        X = validate_data(self, X, reset=False, dtype="float32", accept_sparse=False)
        batch_size = self._routed_params.get("predict__batch_size")
        return predict_in_batches(self.model_, X, batch_size)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags

    # ------------------------------------------------------------------ subclass hooks
    _stratify_validation = False
    _target_validation_kwargs: dict[str, Any] = {}

    def _encode_target(self, y, *, reset: bool, classes=None) -> np.ndarray:
        raise NotImplementedError

    def _output_spec(self) -> tuple[int, str | None]:
        raise NotImplementedError

    def _allowed_output_units(self) -> tuple[int, ...]:
        raise NotImplementedError

    def _target_summary(self) -> str:
        raise NotImplementedError

    def _default_loss(self) -> str:
        raise NotImplementedError

    def _keras_target(self, y: np.ndarray, one_hot: bool) -> np.ndarray:
        raise NotImplementedError
