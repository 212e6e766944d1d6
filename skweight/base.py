"""The estimator shared by ``WeightedKerasClassifier`` and ``WeightedKerasRegressor``.

``fit`` is five named steps, each a method below: check the parameters (and resolve the
weighting strategy) -> check the data -> prepare the training rows and their weights -> build
and compile the network -> train (for a ``y`` with several targets, steps 2 to 5 are those of
``skweight._multi_fit``). If any step fails, the estimator goes back to the state it had
before the call. Subclasses supply the target-specific parts (how ``y`` is encoded, the output
layer, the default loss, what ``predict`` returns).
"""

from __future__ import annotations

import numbers
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

from . import _multi_fit as several
from ._batches import keras_fit_data
from ._callbacks import NonFiniteLossGuard
from ._compiled import build_and_compile, loss_object, make_metrics
from ._fit_options import FitSettings, fit_options, predict_batch_size
from ._fitted_state import FittedState, record_history
from ._holdout import split_validation, validation_inputs
from ._input_rows import check_rows
from ._keras import (
    check_hidden_layer_sizes,
    check_learning_rate,
    default_compile_kwargs,
    make_loss,
    make_optimizer,
    needs_one_hot,
    seed_keras,
    warn_if_ignored_in_overlap_loss,
)
from ._keyword_params import KeywordParams
from ._multi_compile import build_and_compile_outputs
from ._multi_target import several_outputs
from ._params import Bool, Interval, Options, check_params
from ._predict import predict_in_batches
from ._routing import ALL_ROWS, check_routed_params, routed
from ._subclass import build_function, check_subclass_hooks
from ._target_layout import TargetLayout
from ._validation import check_sample_weight, check_training_weights, seed_from
from .rows import is_lazy
from .weighting import TrainingSet, resolve_weighting

__all__ = ["BaseWeightedKeras", "default_compile_kwargs"]


class BaseWeightedKeras(KeywordParams, TargetLayout, BaseEstimator):
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
        metrics=None,
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
        recompile=False,
        **routed_params,
    ):
        self.model = model
        self.weighting = weighting
        self.loss = loss
        self.optimizer = optimizer
        self.metrics = metrics
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
        self.recompile = recompile
        self._routed_params = routed_params

    _parameter_constraints = {
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "epochs": [Interval(numbers.Integral, 1, None)],
        "batch_size": [Interval(numbers.Integral, 1, None), ALL_ROWS],
        "validation_split": [Interval(numbers.Real, 0, 1, closed="left")],
        "shuffle": [Bool],
        "verbose": [Options(("auto",)), Interval(numbers.Integral, 0, 2)],
        "warm_start": [Bool],
        "normalize_weights": [Bool],
        "prior_correction": [Bool],
        "dense_target": [Options(("auto",)), Bool],
        "recompile": [Bool],
    }

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
    def fit(self, X, y, sample_weight=None, **kwargs):
        """Fit the network on ``X``, ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...), MultiInput, list or dict of arrays
            A table (n_samples, n_features), or rows of any shape: images (n, h, w, c),
            sequences (n, T, f), integer token ids (n, T). For a network with several
            inputs, one array per input: a list in their order, or a dict by their names.
        y : array-like of shape (n_samples,), (n_samples, n_outputs) or (n_samples, ...)
            One target per row, several per row, or one per element of a row (a dense
            target such as a mask (n, h, w); see ``dense_target``). For a network with
            several outputs, one target per output: a list in their order, a dict by their
            names, or a ``MultiOutput``.
        sample_weight : array-like of shape (n_samples,) or of y's shape, default=None
            Per-row weights, or (dense targets) per-element weights, multiplied with the
            weighting strategy's weights. For several outputs also one array per output
            (a list or dict, as ``y``).
        **kwargs : dict
            Arguments of ``keras.Model.fit`` for this call, as SciKeras takes them:
            ``epochs``, ``batch_size``, ``verbose``, ``shuffle`` and ``validation_split``
            override the estimator's parameters (and their ``fit__*``), ``callbacks`` are
            added to ``callbacks``, and the others (``validation_freq``, ...) go to Keras.
            ``class_weight``, ``validation_data`` and ``initial_epoch`` are refused with the
            parameter to use instead.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, epochs=None, warm=self.warm_start, kwargs=kwargs)

    def initialize(self, X, y):
        """Build and compile the network for ``X``, ``y`` without training it.

        ``model_`` then has its initial weights and ``predict`` works; ``partial_fit`` (or
        ``fit`` with ``warm_start=True``) trains it from there. As SciKeras' ``initialize``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Rows as ``fit`` takes them; they fix the input shape.
        y : array-like of shape (n_samples,), (n_samples, n_outputs) or (n_samples, ...)
            Targets as ``fit`` takes them; they fix the classes and the outputs.

        Returns
        -------
        self
        """
        return self._fit(X, y, None, epochs=None, warm=False, train=False)

    @property
    def current_epoch(self) -> int:
        """The number of epochs the current network has been trained for (0 before any)."""
        if not hasattr(self, "model_"):
            return 0
        return len(getattr(self, "history_", {}).get("loss", []))

    def _fit(
        self, X, y, sample_weight, *, epochs, warm, classes=None, partial=False, kwargs=None,
        train=True,
    ):  # fmt: skip
        """Fit in named steps; a failed fit leaves the estimator as it was before the call."""
        warm = warm and hasattr(self, "model_")
        before = FittedState(self, keep_weights=warm)
        try:
            settings = self._check_params(epochs, warm, partial, kwargs or {})
            data = self._check_data(X, y, sample_weight, warm, classes)
            rows, validation = self._prepare_rows(data, settings)
            self._build_and_compile(settings)
            if train:
                self._train(rows, validation, settings)
            else:
                self.history_ = {}
        except BaseException:
            before.restore(self)
            raise
        return self

    def _check_params(self, epochs, warm: bool, partial: bool = False, kwargs=None) -> FitSettings:
        """Step 1: every parameter, the weighting strategy's included, before any data work.

        ``epochs`` None: from ``fit(epochs=)``, ``fit__epochs`` or ``epochs``.
        """
        check_subclass_hooks(self)
        build_function = self._build_function()
        routed_params = check_routed_params(self._keyword_params(), build_function)
        check_params(self.get_params(deep=False), self._parameter_constraints)
        options = fit_options(self, routed_params, kwargs or {}, partial=partial, epochs=epochs)
        if build_function is None:
            check_hidden_layer_sizes(self.hidden_layer_sizes)
        optimizer = make_optimizer(self.optimizer, routed(routed_params, "optimizer"))
        check_learning_rate(optimizer, routed_params)
        seed = seed_from(self.random_state)
        strategy_seed = seed  # a continued fit (partial_fit, warm_start) draws new resamples
        if warm and seed is not None:
            strategy_seed = (seed + self.current_epoch) % 2**32
        return FitSettings(
            epochs=options.epochs, warm=warm, seed=seed, strategy_seed=strategy_seed,
            strategy=resolve_weighting(self.weighting), callbacks=options.callbacks,
            routed=routed_params, optimizer=optimizer, partial=partial,
            batch_size=options.batch_size, verbose=options.verbose, shuffle=options.shuffle,
            validation_split=options.validation_split, keras_fit=options.keras_fit,
            metrics=make_metrics(self, routed_params),
            initial_epoch=self.current_epoch if warm else 0,
        )  # fmt: skip

    def _check_data(self, X, y, sample_weight, warm: bool, classes) -> TrainingSet:
        """Step 2: validate ``X``, encode ``y`` (once) and check ``sample_weight``.

        ``y`` holding several targets (a multi-output network): see ``skweight._multi_fit``.
        """
        targets = several.several_targets(self, X, y, warm)
        if targets is not None:
            return several.check_outputs_data(self, X, targets, sample_weight, warm, classes)
        if not warm:
            several.forget_outputs(self)
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
        self._y_given = (y.dtype, y.ndim)  # for the build function's meta
        if not dense:
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

    def _prepare_rows(self, data: TrainingSet, settings: FitSettings):
        """Step 3: hold out validation rows, then let the strategy make the training rows."""
        if several_outputs(self):
            return several.prepare_output_rows(self, data, settings)
        train, validation = split_validation(
            data, settings.validation_split, settings.seed,
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

    def _build_and_compile(self, settings: FitSettings) -> None:
        """Step 4: a fresh network (or the fitted one, continuing), compiled with the loss.

        A network the build function returned compiled is kept as compiled unless
        ``recompile=True`` (see ``skweight._compiled``).
        """
        if settings.seed is not None:
            seed_keras(settings.seed)
        if several_outputs(self):
            return build_and_compile_outputs(self, settings)
        build_and_compile(self, settings)
        self._record_outputs(self.model_)

    def _train(self, train: TrainingSet, validation: TrainingSet | None, settings) -> None:
        """Step 5: ``model_.fit`` (an index-based dataset when resampling at every epoch)."""
        if several_outputs(self):
            return several.train_outputs(self, train, validation, settings)
        loss = loss_object(self.model_.loss)
        if train.dense:
            warn_if_ignored_in_overlap_loss(loss, self.ignore_label, getattr(self, "classes_", [0]))
        target = partial(self._keras_target, one_hot=needs_one_hot(loss))
        callbacks = [NonFiniteLossGuard(), *settings.callbacks]
        batch_size = settings.batch_size
        validation_data, check = validation_inputs(validation, target, loss, batch_size)
        if check is not None:
            callbacks.insert(0, check)
        data = keras_fit_data(
            train, target, loss, batch_size=batch_size, shuffle=settings.shuffle,
            seed=settings.strategy_seed,
        )  # fmt: skip
        history = self.model_.fit(
            **data, epochs=settings.initial_epoch + settings.epochs,
            initial_epoch=settings.initial_epoch, callbacks=callbacks, verbose=settings.verbose,
            validation_data=validation_data, **settings.keras_fit,
        )  # fmt: skip
        record_history(self, history.history, append=settings.warm)

    def _resolve_loss(self, routed_params: dict[str, Any], units: int | None = None) -> Any:
        """The loss ``loss=`` and ``loss__*`` make (None: the target's, for ``units`` outputs;
        ``units`` None: those of the network skweight would build)."""
        if units is None:
            units = self._output_spec()[0]
        loss = self._default_loss(units) if self.loss is None else self.loss
        return make_loss(loss, routed(routed_params, "loss"))

    def _build_function(self):
        """What builds the network: ``model``, or a subclass's ``_keras_build_fn`` (SciKeras)."""
        return build_function(self)

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
    def _forward(self, X, kwargs=None) -> np.ndarray:
        check_is_fitted(self, "model_")
        batch_size = predict_batch_size(self._keyword_params(), kwargs or {})
        X = check_rows(self, X, reset=False)
        if batch_size == -1:
            batch_size = max(len(X), 1)
        outputs = predict_in_batches(self.model_, X, batch_size)
        blocks = getattr(self, "output_blocks_", None)  # a regressor's columns, output by output
        return np.concatenate(outputs, axis=-1) if blocks else outputs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags

    # ------------------------------------------------------------------ subclass hooks
    _stratify_validation = False

    def _drop_ignored_rows(self, X, y, sample_weight):
        """Hook: leave out rows whose label is ``ignore_label`` (classifiers)."""
        return X, y, sample_weight

    def _element_shape(self) -> tuple[int, ...]:
        """The shape of one row's dense target as the network outputs it (() per row): the
        target's shape at fit without a trailing axis of length 1."""
        if not getattr(self, "elementwise_", False):
            return ()
        shape = self.target_shape_
        return shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape

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

    def _default_loss(self, units: int) -> str:
        raise NotImplementedError

    def _keras_target(self, y: np.ndarray, one_hot: bool) -> np.ndarray:
        raise NotImplementedError
