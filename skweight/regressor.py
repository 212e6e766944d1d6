"""A scikit-learn regressor around a Keras 3 network."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score

from ._flatten import flatten_scored
from ._multi_predict import predict_outputs, score_outputs
from ._multi_target import several_outputs
from ._subclass import custom_scorer
from ._target_layout import without_channel_axis
from .base import BaseWeightedKeras
from .persistence import register_savable


@register_savable
class WeightedKerasRegressor(RegressorMixin, BaseWeightedKeras):
    """Keras 3 regressor; ``y`` may have one column or several (multi-output).

    The default loss is mean squared error on a linear output layer.

    See also the guide page [How do I weight multi-label targets and single
    rows?](multilabel-and-row-weights.md).

    Parameters
    ----------
    model : callable, keras.Model, or None
        A function that returns a ``keras.Model`` (SciKeras' build functions work as they
        are). It receives, by the names in its signature, any of ``n_features_in_``,
        ``X_shape_`` (the shape of ``X`` at fit, so that ``keras.Input(shape=X_shape_[1:])``
        fits), ``X_dtype_``, ``n_classes_``, ``n_outputs_``, ``n_outputs_expected_``,
        ``target_type_``, ``target_shape_``, ``classes_``, ``y_dtype_``, ``meta`` (a dict of
        all of these, SciKeras' ``meta``), ``compile_kwargs`` (the ``keras.Model.compile``
        arguments the estimator's settings make, as objects: ``optimizer``, ``loss`` as the
        weighting trains it, ``metrics``, ...), ``params`` (``get_params()``), its own
        ``model__*`` parameters (or keyword parameters of its own name, as SciKeras allows),
        and ``hidden_layer_sizes``, ``activation``, ``dropout`` if it names them. It may
        return the network compiled (see ``recompile``); for several inputs ``X_shape_`` and
        ``X_dtype_`` hold one entry per input, for several outputs ``n_outputs_expected_``
        is their number. ``skweight.networks`` has small ones for images and sequences. A
        ``keras.Model`` instance is cloned with fresh weights at each fit. None builds a
        dense network from ``hidden_layer_sizes``, ``activation`` and ``dropout`` (flattening
        rows that are images or sequences), or calls a subclass's ``_keras_build_fn`` as the
        build function.
    weighting : None or WeightingStrategy
        How rows are weighted in the loss: ``None``, or a per-row strategy such as
        ``RecencyWeights`` or ``InverseVarianceWeights`` (see
        [Weighting strategies](api-weighting.md)); class weights need a classifier.
    loss : None, str, keras loss class or instance, or callable
        None picks the loss from the target. ``loss__*`` parameters configure it.
    optimizer : str, keras optimizer class or instance
        ``optimizer__*`` parameters (e.g. ``optimizer__learning_rate``) configure it; an
        argument given as a class is made from the parameters below its name
        (``optimizer__learning_rate=ExponentialDecay``,
        ``optimizer__learning_rate__decay_steps=100``).
    metrics : None, or list or dict of str, keras metric classes or instances
        Metrics to compile with (``history_`` records them per epoch). Classes given
        uninstantiated are made at each fit from ``metrics__*`` parameters:
        ``metrics__0__name="auc"`` for the first entry, ``metrics__name=...`` for every one.
    hidden_layer_sizes : tuple of int
        Units of each hidden layer of the built-in network (used when ``model`` is None).
    activation : str
        Activation of the built-in network's hidden layers.
    dropout : float
        Dropout rate after each hidden layer of the built-in network, in ``[0, 1)``.
    epochs : int
        Passes over the training rows (``keras.Model.fit(epochs=...)``).
    batch_size : int
        Rows per gradient step (``keras.Model.fit(batch_size=...)``); -1: all training rows
        in one batch.
    validation_split : float
        Fraction of the training rows held out to compute ``val_*`` entries of ``history_``
        (the rows' order is kept). ``history_["val_loss"]`` weights the validation rows as
        the strategy weights training rows (``sample_weight`` times the strategy's weights,
        normalised to mean 1), so it is comparable to ``loss``;
        ``history_["val_loss_unweighted"]`` gives every row weight 1.
    shuffle : bool
        Shuffle the training rows before each epoch (``keras.Model.fit(shuffle=...)``).
    callbacks : None, keras.callbacks.Callback, or list or dict of them
        Passed to ``keras.Model.fit``; they also see ``val_loss_unweighted``. A callback class
        given uninstantiated is made afresh at each fit from ``callbacks__*`` parameters:
        ``callbacks=[keras.callbacks.EarlyStopping], callbacks__0__monitor="loss"``, or by
        key for a dict (``callbacks__stop__patience=2``); ``callbacks__<name>`` goes to every
        class. ``fit__callbacks`` adds callbacks to ``fit`` only.
    verbose : int
        Keras' progress output: 0 silent, 1 a progress bar, 2 one line per epoch.
    random_state : None, int, or RandomState
        Seeds weight initialisation, shuffling, the validation split and the strategies, so
        that equal ``random_state`` gives identical predictions. Sets Keras' global seed. The
        built-in network starts from the same weights on every backend (NumPy draws).
    warm_start : bool
        Continue training the fitted network instead of building a new one.
    normalize_weights : bool
        Scale the final training weights to mean 1 over the training rows, so that the
        effective learning rate does not depend on the weighting strategy.
    prior_correction : bool
        Has no effect on a regressor (there is no class prior to correct).
    dense_target : "auto" or bool
        Whether ``y`` holds one value per element of each row (an image (n, h, w), a sequence
        (n, T) with ``True``): then the network outputs (n, ..., 1), ``predict`` returns
        ``y``'s shape and ``sample_weight`` may be per element (an uncertainty map).
        ``"auto"``: a ``y`` of rank 3 or more; a 2-D ``y`` stays multi-output.
    ignore_label : None
        Class labels only; a regressor refuses anything but None (weight the elements to
        leave out 0 instead).
    recompile : bool
        What to do with a network that ``model`` returns already compiled. False: train it as
        compiled (its optimizer, loss and metrics), as SciKeras does; the weighting still
        applies (a strategy that replaces the loss, such as focal, recompiles it with the
        replaced loss), and an estimator setting that differs from the compiled one
        (``loss=``, or ``optimizer=``, ``optimizer__*``, ``metrics`` ... when the build
        function did not take ``compile_kwargs``) is an error rather than ignored. True:
        compile it again with the estimator's settings.
    **routed_params : dict
        ``model__*``, ``loss__*``, ``optimizer__*``, ``metrics__*``, ``callbacks__*``,
        ``compile__*``, ``fit__*`` and ``predict__*`` keyword parameters, routed to what
        their prefix names, and keyword arguments of the build function ``model``.
        ``fit__epochs``, ``fit__batch_size``, ``fit__verbose``, ``fit__shuffle`` and
        ``fit__validation_split`` override the parameter of that name in ``fit``; a routed
        parameter that would reach nothing is an error.

    Attributes
    ----------
    n_outputs_ : int
    target_type_ : str
        ``"continuous"`` (``y`` of shape (n_samples,)) or ``"continuous-multioutput"`` (``y``
        of shape (n_samples, n_outputs), which ``predict`` returns).
    n_features_in_ : int
        ``X.shape[1]`` (for images, their height).
    X_shape_ : tuple of int
        The shape of ``X`` at the last fit.
    X_dtype_ : numpy.dtype
        The dtype rows reach the network in: float32, or the integers of ``X`` (token ids)
        when ``model`` is given.
    elementwise_ : bool
        Whether ``y`` holds one target per element of each row (see ``dense_target``).
    target_shape_ : tuple of int
        The shape of one row's ``y`` at fit (``()`` for one label per row).
    model_ : keras.Model
    current_epoch : int
        The number of epochs the network has been trained for (0 after ``initialize``).
    weighting_ : WeightingStrategy
    history_ : dict of list
    outputs_ : list of dict
        Several outputs only: each output's target (its key, kind, columns), in ``y``'s
        order; ``weighting_`` then holds one strategy per output (a dict by output name, or
        a list, as ``y`` was), and ``output_names_`` names the outputs.
    output_blocks_ : list of int
        Only for a 2-D ``y`` trained by a network with several outputs: the columns of ``y``
        each output predicts, in order.
    """

    _target_validation_kwargs = {"multi_output": True, "y_numeric": True}

    def partial_fit(self, X, y, sample_weight=None, **kwargs):
        """Train for one epoch, continuing from the current network if there is one.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...) or MultiInput
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), or None
            Per-row weights, multiplied with the weighting strategy's weights.
        **kwargs : dict
            Arguments of ``keras.Model.fit`` for this call, as for ``fit`` (not ``epochs``:
            ``partial_fit`` trains one epoch).

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, epochs=1, warm=True, partial=True, kwargs=kwargs)

    def predict(self, X, **kwargs) -> np.ndarray:
        """Return predictions of shape (n_samples,) or (n_samples, n_outputs).

        Parameters
        ----------
        X : array-like of shape (n_samples, ...) or MultiInput
            Rows shaped as at fit (``X_shape_[1:]``): a table's columns, or images, sequences.
        **kwargs : dict
            ``batch_size`` (rows per predicted chunk, -1 for all at once; it does not change
            the result) or ``verbose`` (no effect), as ``keras.Model.predict`` takes them.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
            For several outputs, a list (or a dict by name, as ``y`` was) of each output's
            predictions.
        """
        if several_outputs(self):  # one entry per output, as y was given
            return predict_outputs(self, X, kwargs, classifier=False)
        outputs = self._forward(X, kwargs).astype(np.float64)
        if getattr(self, "elementwise_", False):
            return outputs.reshape((len(outputs), *self.target_shape_))
        return outputs if self.target_type_ == "continuous-multioutput" else outputs[:, 0]

    def score(self, X, y, sample_weight=None) -> float:
        """R² of the predictions: over rows, or over the elements of a dense target.

        For several outputs, averaged uniformly over every column of every output.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...) or MultiInput
        y : array-like, the shape ``fit`` was given
        sample_weight : array-like of shape (n_samples,) or of y's shape, or None

        Returns
        -------
        float
            A subclass that defines a static ``scorer(y_true, y_pred, **kwargs)`` (SciKeras'
            hook) scores with it instead.
        """
        scorer = custom_scorer(self)
        if scorer is not None:
            return float(scorer(y, self.predict(X), sample_weight=sample_weight))
        if several_outputs(self):
            return score_outputs(self, X, y, sample_weight, classifier=False)
        if not getattr(self, "elementwise_", False):
            return super().score(X, y, sample_weight)
        truth, pred, weights = flatten_scored(np.asarray(y), self.predict(X), sample_weight)
        return float(r2_score(truth, pred, sample_weight=weights))

    # ------------------------------------------------------------------ hooks
    def _encode_target(self, y, *, reset: bool, classes=None) -> np.ndarray:
        if self.ignore_label is not None:
            raise ValueError(
                f"ignore_label={self.ignore_label!r} applies to class labels; a regressor has "
                "none. Give the elements to leave out a sample_weight of 0 instead."
            )
        y = np.asarray(y, dtype="float32")
        if reset:
            self.elementwise_ = self._dense_target(y, warm=False)
            self.target_shape_ = tuple(y.shape[1:])
        if self.elementwise_:
            return self._encode_dense(y, reset=reset)
        if reset:
            self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
            self.target_type_ = "continuous" if y.ndim == 1 else "continuous-multioutput"
        elif (1 if y.ndim == 1 else y.shape[1]) != self.n_outputs_:
            raise ValueError(
                f"y has {1 if y.ndim == 1 else y.shape[1]} output column(s); the fitted network "
                f"has {self.n_outputs_}."
            )
        return y.reshape(len(y), -1)

    def _encode_dense(self, y: np.ndarray, *, reset: bool) -> np.ndarray:
        if not np.isfinite(y).all():
            raise ValueError("y contains NaN or infinity; regression targets must be finite.")
        if reset:
            self.n_outputs_ = 1
            self.target_type_ = "continuous"
        elif tuple(y.shape[1:]) != self.target_shape_:
            raise ValueError(
                f"y has rows of shape {tuple(y.shape[1:])}; the estimator was fitted on "
                f"{self.target_shape_}."
            )
        return without_channel_axis(y)

    def _output_hint(self) -> str:
        if getattr(self, "elementwise_", False):
            return " (one linear unit per element, on the last axis)"
        return ""

    def _output_spec(self) -> tuple[int, None]:
        return self.n_outputs_, None

    def _allowed_output_units(self) -> tuple[int, ...]:
        return (self.n_outputs_,)

    def _target_summary(self) -> str:
        return f"{self.n_outputs_} regression target(s)"

    def _default_loss(self, units: int) -> str:
        return "mse"

    def _keras_target(self, y: np.ndarray, one_hot: bool) -> np.ndarray:
        blocks = getattr(self, "output_blocks_", None)
        if blocks:  # a network with several outputs: each takes its block of y's columns
            return np.split(y, np.cumsum(blocks)[:-1], axis=1)
        # a dense target gets its unit axis, so that the loss is one value per element
        return y[..., None] if getattr(self, "elementwise_", False) else y

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
