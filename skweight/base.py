"""The estimator shared by ``WeightedKerasClassifier`` and ``WeightedKerasRegressor``.

``fit`` is five named steps, each a method below: check the parameters (and resolve the
weighting strategy) -> check the data -> prepare the training rows and their weights -> build
and compile the network -> train. If any step fails, the estimator goes back to the state it had
before the call. Subclasses supply the target-specific parts (how ``y`` is encoded, the output
layer, the default loss, what ``predict`` returns).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from functools import partial
from typing import Any

import keras
import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
)

from ._callbacks import NonFiniteLossGuard, UnweightedValidationLoss
from ._fitted_state import FittedState
from ._holdout import split_validation
from ._input_rows import check_rows
from ._keras import (
    check_hidden_layer_sizes,
    check_learning_rate,
    default_compile_kwargs,
    keras_fit_data,
    make_loss,
    make_optimizer,
    needs_one_hot,
    predict_in_batches,
    row_batches,
    warn_if_ignored_in_overlap_loss,
)
from ._network import build_network
from ._params import Bool, Interval, Options, check_params
from ._routing import ROUTED_CONSTRAINTS, check_routed_params, is_routed, routed
from ._validation import (
    check_callbacks,
    check_sample_weight,
    check_training_weights,
    seed_from,
)
from .rows import is_lazy
from .weighting import TrainingSet, WeightingStrategy, resolve_weighting

__all__ = ["BaseWeightedKeras", "default_compile_kwargs"]

PREDICT_BATCH_SIZE = ROUTED_CONSTRAINTS["predict__batch_size"]


@dataclass(frozen=True)
class _FitSettings:
    """What the parameter check decided for one fit."""

    epochs: int
    warm: bool
    seed: int | None
    strategy_seed: int | None
    strategy: WeightingStrategy
    callbacks: list
    routed: dict[str, Any]
    optimizer: keras.optimizers.Optimizer
    partial: bool


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
        dense_target="auto",
        ignore_label=None,
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
        self.dense_target = dense_target
        self.ignore_label = ignore_label
        self._routed_params = routed_params

    _parameter_constraints = {
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "epochs": [Interval(numbers.Integral, 1, None)],
        "batch_size": [Interval(numbers.Integral, 1, None)],
        "validation_split": [Interval(numbers.Real, 0, 1, closed="left")],
        "shuffle": [Bool],
        "verbose": [Options(("auto",)), Interval(numbers.Integral, 0, 2)],
        "warm_start": [Bool],
        "normalize_weights": [Bool],
        "prior_correction": [Bool],
        "dense_target": [Options(("auto",)), Bool],
    }

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
        X : array-like of shape (n_samples, ...)
            A table (n_samples, n_features), or rows of any shape: images (n, h, w, c),
            sequences (n, T, f), integer token ids (n, T).
        y : array-like of shape (n_samples,), (n_samples, n_outputs) or (n_samples, ...)
            One target per row, several per row, or one per element of a row (a dense
            target such as a mask (n, h, w); see ``dense_target``).
        sample_weight : array-like of shape (n_samples,) or of y's shape, default=None
            Per-row weights, or (dense targets) per-element weights, multiplied with the
            weighting strategy's weights.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, epochs=self.epochs, warm=self.warm_start)

    def _fit(self, X, y, sample_weight, *, epochs, warm, classes=None, partial=False):
        """Fit in named steps; a failed fit leaves the estimator as it was before the call."""
        warm = warm and hasattr(self, "model_")
        before = FittedState(self, keep_weights=warm)
        try:
            settings = self._check_params(epochs, warm, partial)
            data = self._check_data(X, y, sample_weight, warm, classes)
            train, validation = self._prepare_rows(data, settings)
            self._build_and_compile(settings)
            self._train(train, validation, settings)
        except BaseException:
            before.restore(self)
            raise
        return self

    def _check_params(self, epochs, warm: bool, partial: bool = False) -> _FitSettings:
        """Step 1: every parameter, the weighting strategy's included, before any data work."""
        routed_params = check_routed_params(self._routed_params, self.model)
        check_params({**self.get_params(deep=False), "epochs": epochs}, self._parameter_constraints)
        if self.model is None:
            check_hidden_layer_sizes(self.hidden_layer_sizes)
        optimizer = make_optimizer(self.optimizer, routed(routed_params, "optimizer"))
        check_learning_rate(optimizer, routed_params)
        seed = seed_from(self.random_state)
        strategy_seed = seed  # a continued fit (partial_fit, warm_start) draws new resamples
        if warm and seed is not None:
            strategy_seed = (seed + len(self.history_.get("loss", []))) % 2**32
        return _FitSettings(
            epochs=int(epochs), warm=warm, seed=seed, strategy_seed=strategy_seed,
            strategy=resolve_weighting(self.weighting),
            callbacks=check_callbacks(self.callbacks), routed=routed_params,
            optimizer=optimizer, partial=partial,
        )  # fmt: skip

    def _check_data(self, X, y, sample_weight, warm: bool, classes) -> TrainingSet:
        """Step 2: validate ``X``, encode ``y`` (once) and check ``sample_weight``."""
        dense = self._dense_target(y, warm)
        if dense or is_lazy(X):
            X = check_rows(self, X, reset=not warm)
            y = check_array(
                np.asarray(y), ensure_2d=False, allow_nd=True, dtype=None,
                ensure_all_finite=dense, input_name="y",
            )  # fmt: skip
            check_consistent_length(X, y)
            if not dense:
                y = self._validate_lazy_target(y)
        else:
            X, y = check_rows(self, X, reset=not warm, y=y, with_y=True, **self._target_checks(y))
        X, y, sample_weight = self._drop_ignored_rows(X, y, sample_weight)
        y = self._encode_target(y, reset=not warm, classes=classes)
        shape = y.shape if dense else None
        return TrainingSet(X, y, check_sample_weight(sample_weight, X, shape), dense=dense)

    def _target_checks(self, y) -> dict[str, Any]:
        """scikit-learn's checks of a per-row ``y`` (``multi_output``, ``y_numeric``)."""
        return self._target_validation_kwargs

    def _validate_lazy_target(self, y: np.ndarray) -> np.ndarray:
        """A per-row target given beside rows on disk, checked as ``validate_data`` would."""
        checks = self._target_checks(y)
        if checks.get("y_numeric"):
            y = check_array(y, ensure_2d=False, dtype="numeric", input_name="y")
        if y.ndim == 2 and y.shape[1] == 1 and not checks.get("multi_output"):
            y = y[:, 0]
        return y

    def _dense_target(self, y, warm: bool) -> bool:
        """Whether ``y`` holds one target per element of each row (masks, per-timestep)."""
        if warm and hasattr(self, "elementwise_"):
            return self.elementwise_
        shape = () if y is None else getattr(y, "shape", None)
        if shape is None:  # a list, or an array-like NumPy may only convert
            shape = np.asarray(y, dtype=object).shape
        ndim = len(shape)
        if ndim >= 3 and self.dense_target is False:
            raise ValueError(
                f"y has shape {shape}, one target per element of each row, but "
                "dense_target=False; use dense_target='auto' (or True)."
            )
        if ndim >= 3:
            return True
        if ndim == 2 and self.dense_target is True:
            return True
        return ndim == 2 and self.dense_target == "auto" and self._auto_dense_2d(y)

    def _prepare_rows(self, data: TrainingSet, settings: _FitSettings):
        """Step 3: hold out validation rows, then let the strategy make the training rows."""
        train, validation = split_validation(
            data, self.validation_split, settings.seed,
            stratify=self._stratify_validation and not data.dense,
        )  # fmt: skip
        strategy = settings.strategy
        rows = strategy.prepare(
            train.X, train.y, train.sample_weight, classes=getattr(self, "classes_", None),
            random_state=settings.strategy_seed, normalize=self.normalize_weights,
            dense=data.dense,
        )  # fmt: skip
        self._check_training_rows(rows, partial=settings.partial)
        self.weighting_ = strategy
        self._record_training_mix(train, rows)
        if validation is not None:
            validation = strategy.validation_set(validation, normalize=self.normalize_weights)
        return rows, validation

    def _build_and_compile(self, settings: _FitSettings) -> None:
        """Step 4: a fresh network (or the fitted one, continuing), compiled with the loss."""
        if settings.seed is not None:
            keras.utils.set_random_seed(settings.seed)
        if not settings.warm:
            self.model_ = build_network(self, settings.routed, settings.seed)
        if not (settings.warm and self.model_.compiled):
            loss = self.weighting_.make_loss(
                self._resolve_loss(settings.routed), target_type=self.target_type_
            )
            self.model_.compile(
                optimizer=settings.optimizer, loss=loss,
                **{**default_compile_kwargs(), **routed(settings.routed, "compile")},
            )  # fmt: skip
        self._record_outputs(self.model_)

    def _train(self, train: TrainingSet, validation: TrainingSet | None, settings) -> None:
        """Step 5: ``model_.fit`` (an index-based dataset when resampling at every epoch)."""
        loss = self.model_.loss
        if train.dense:
            warn_if_ignored_in_overlap_loss(loss, self.ignore_label, getattr(self, "classes_", [0]))
        target = partial(self._keras_target, one_hot=needs_one_hot(loss))
        callbacks = [NonFiniteLossGuard(), *settings.callbacks]
        validation_data = None
        if validation is not None:
            y_val = target(validation.y)
            mask = None
            if validation.dense and validation.y.dtype.kind in "iu":
                mask = (validation.y >= 0).astype("float32")
            callbacks.insert(0, UnweightedValidationLoss(validation.X, y_val, mask))
            if validation.dense or is_lazy(validation.X):
                validation_data = row_batches(
                    validation, target, loss, batch_size=self.batch_size, shuffle=False, seed=0
                )
            else:
                validation_data = (validation.X, y_val)
                if validation.sample_weight is not None:
                    validation_data += (validation.sample_weight.astype("float32"),)
        data = keras_fit_data(
            train, target, loss, batch_size=self.batch_size, shuffle=self.shuffle,
            seed=settings.strategy_seed,
        )  # fmt: skip
        history = self.model_.fit(
            **data, epochs=settings.epochs, callbacks=callbacks, verbose=self.verbose,
            validation_data=validation_data, **routed(settings.routed, "fit"),
        )  # fmt: skip
        self._record_history(history.history, append=settings.warm)

    def _record_history(self, history: dict[str, list], append: bool) -> None:
        new = {key: [float(v) for v in values] for key, values in history.items()}
        if append and hasattr(self, "history_"):
            for key, values in new.items():
                self.history_.setdefault(key, []).extend(values)
        else:
            self.history_ = new

    def _resolve_loss(self, routed_params: dict[str, Any]) -> Any:
        loss = self._default_loss() if self.loss is None else self.loss
        return make_loss(loss, routed(routed_params, "loss"))

    def _record_training_mix(self, original: TrainingSet, train: TrainingSet) -> None:
        """Hook: remember what the strategy did to the training rows (classifiers)."""

    def _record_outputs(self, model: keras.Model) -> None:
        """Hook: remember what the compiled network outputs (classifiers: logits or not)."""

    def _check_training_rows(self, train: TrainingSet, *, partial: bool = False) -> None:
        if train.X.shape[0] == 0:
            raise ValueError("No training rows are left after weighting; check sample_weight.")
        check_training_weights(train.sample_weight)
        check_training_weights(train.class_weight)

    # ------------------------------------------------------------------ prediction
    def _forward(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        X = check_rows(self, X, reset=False)
        check_params(self._routed_params, {"predict__batch_size": PREDICT_BATCH_SIZE})
        batch_size = self._routed_params.get("predict__batch_size")
        return predict_in_batches(self.model_, X, batch_size)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags

    # ------------------------------------------------------------------ subclass hooks
    _stratify_validation = False

    def _auto_dense_2d(self, y) -> bool:
        """Whether a 2-D ``y`` is one target per element under ``dense_target="auto"``."""
        return False

    def _drop_ignored_rows(self, X, y, sample_weight):
        """Hook: leave out rows whose label is ``ignore_label`` (classifiers)."""
        return X, y, sample_weight

    def _element_shape(self) -> tuple[int, ...]:
        """The shape of one row's dense target as the network outputs it (() per row)."""
        return ()

    def _output_hint(self) -> str:
        return ""

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
