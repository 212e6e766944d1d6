"""A scikit-learn classifier around a Keras 3 network."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from ._compiled import loss_object
from ._flatten import flatten_scored
from ._labels import LabelEncoding
from ._multi_predict import predict_outputs, proba_outputs, score_outputs
from ._multi_target import several_outputs
from ._outputs import outputs_are_logits, outputs_to_proba
from ._subclass import custom_scorer
from .base import BaseWeightedKeras
from .persistence import register_savable
from .prior import correct_prior
from .weighting import TrainingSet
from .weighting.elements import class_totals
from .weighting.multilabel import correct_label_prior as _correct_label_prior
from .weighting.multilabel import label_training_prior


@register_savable
class WeightedKerasClassifier(ClassifierMixin, LabelEncoding, BaseWeightedKeras):
    """Keras 3 classifier with weighting as a hyperparameter.

    Binary targets train one sigmoid unit with binary cross-entropy; multiclass targets train
    a softmax layer with sparse categorical cross-entropy. A custom model may also end in two
    softmax units for a binary target, or in a linear layer trained with a ``from_logits=True``
    loss: ``predict_proba`` then applies the sigmoid or the softmax to the logits. Labels may
    be of any one type (ints, strings, ...).
    Multi-label targets (``y`` an indicator matrix, one column per label) train one sigmoid unit
    per label with binary cross-entropy; ``predict`` returns the indicator matrix,
    ``predict_proba`` each label's probability, and ``weighting="balanced"`` balances each
    label's positive and negative terms separately.

    See also the guide pages [Quick start](quickstart.md) and [How do weights enter the
    loss?](weights-in-the-loss.md) and [Is the validation loss weighted?](validation-loss.md).

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
    weighting : None, str, dict, WeightingStrategy or imbalanced-learn sampler
        How rows are weighted in the loss: ``None``, ``"balanced"``, a ``{class: weight}``
        dict, ``"effective_number"``, ``"focal"``, a strategy object or a sampler (see
        [Weighting strategies](api-weighting.md)).
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
        (stratified for single-label targets; both parts keep the rows' order). Resampling
        applies to the rest only. ``history_["val_loss"]`` weights the validation rows as the
        strategy weights training rows (``sample_weight`` times the strategy's weights,
        normalised to mean 1; for resamplers, the factor by which resampling scaled each
        class), so it is comparable to ``loss``; ``history_["val_loss_unweighted"]`` gives
        every row weight 1.
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
        Make ``predict_proba`` undo the class-prior shift that weighting or resampling
        caused (see ``skweight.prior.correct_prior``), so probabilities refer to the real
        class mix. Off by default, so predictions show the strategy's effect.
    dense_target : "auto" or bool
        Whether ``y`` holds one class label per element of each row (a mask (n, h, w) or
        (n, h, w, 1), per-timestep labels (n, T)): then ``predict`` returns ``y``'s shape,
        ``predict_proba`` ``y``'s shape plus (n_classes,), ``sample_weight`` may be per row or
        per element, and class weights are pooled over the elements of the training rows
        (see [Pixelwise weights for segmentation](pixel-weights.md)). ``"auto"``: a ``y`` of
        rank 3 or more, or a 2-D ``y`` of labels that is not a 0/1 indicator matrix. True also
        makes a 2-D 0/1 ``y`` one label per element (per-timestep binary) rather than
        multi-label. False: one label (or one per label, multi-label) per row.
    ignore_label : label or None
        A label that stands for "unknown" (e.g. 255 for void pixels): its elements (or rows)
        weigh 0 in training, count in no class weight, and are left out of ``score``; it is not
        a class.
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
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int
    n_outputs_ : int
    target_type_ : str
        ``"binary"``, ``"multiclass"`` or ``"multilabel-indicator"`` (then ``classes_`` are the
        label indices and ``class_prior_``/``training_prior_`` each label's positive rate).
    indicator_dtype_ : numpy.dtype
        Multi-label targets only: the dtype of the indicator matrix ``y``, which ``predict``
        returns.
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
    feature_names_in_ : ndarray of str
        Only when ``X`` had string column names.
    model_ : keras.Model
        The trained network.
    from_logits_ : bool
        Whether the network outputs logits (its loss has ``from_logits=True``, or a custom loss
        follows a linear last layer); ``predict_proba`` turns them into probabilities.
    current_epoch : int
        The number of epochs the network has been trained for (0 after ``initialize``).
    weighting_ : WeightingStrategy
        The strategy the last fit used.
    history_ : dict of list
        Per-epoch loss and metrics; with ``validation_split`` > 0 also ``val_loss`` (weighted
        like the training loss) and ``val_loss_unweighted``.
    class_prior_ : ndarray of shape (n_classes,)
        Class frequencies of the training rows as given (``sample_weight`` counted).
    training_prior_ : ndarray of shape (n_classes,)
        Class frequencies the network was trained on, after weighting or resampling. Where it
        differs from ``class_prior_`` the network's probabilities carry the shifted prior.
    outputs_ : list of dict
        Several outputs only: each output's target (its key, kind, classes), in ``y``'s
        order. ``classes_``, ``n_classes_``, ``class_prior_``, ``training_prior_``,
        ``from_logits_`` and ``weighting_`` then hold one entry per output (a dict by output
        name, or a list, as ``y`` was); ``output_names_`` names the outputs.
    """

    _target_validation_kwargs = {"multi_output": False}

    @property
    def _stratify_validation(self) -> bool:
        return not self._multilabel

    @property
    def _multilabel(self) -> bool:
        return getattr(self, "target_type_", None) == "multilabel-indicator"

    def _target_checks(self, y) -> dict:
        return {"multi_output": _is_indicator(y)}

    def _drop_ignored_rows(self, X, y, sample_weight):
        if self.ignore_label is None or np.ndim(y) != 1:
            return X, y, sample_weight
        keep = np.asarray(y) != self.ignore_label
        if keep.all():
            return X, y, sample_weight
        if not keep.any():
            raise ValueError(f"Every row of y has ignore_label={self.ignore_label!r}.")
        if sample_weight is not None and np.shape(sample_weight) == (len(keep),):
            sample_weight = np.asarray(sample_weight)[keep]
        return X[keep], y[keep], sample_weight

    def _auto_dense_2d(self, y) -> bool:
        shape = np.shape(y)
        return shape[1] > 1 and not _is_indicator(y)

    def partial_fit(self, X, y, classes=None, sample_weight=None, **kwargs):
        """Train for one epoch, continuing from the current network if there is one.

        ``classes`` must list every class on the first call if ``y`` may not contain them all;
        then a batch may hold a single class, as scikit-learn's ``partial_fit`` contract allows.
        On later calls ``classes``, if given, must equal ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...) or MultiInput
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        classes : array-like of shape (n_classes,), or None
            Every class; needed on the first call if ``y`` may not contain them all.
        sample_weight : array-like of shape (n_samples,), or None
            Per-row weights, multiplied with the weighting strategy's weights.
        **kwargs : dict
            Arguments of ``keras.Model.fit`` for this call, as for ``fit`` (not ``epochs``:
            ``partial_fit`` trains one epoch).

        Returns
        -------
        self
        """
        return self._fit(
            X, y, sample_weight, epochs=1, warm=True, classes=classes, partial=True, kwargs=kwargs
        )

    def predict_proba(self, X, **kwargs) -> np.ndarray:
        """Return class probabilities of shape (n_samples, n_classes) (dense targets: per element).

        For a multi-label target: the probability of each label, shape (n_samples, n_labels).

        Parameters
        ----------
        X : array-like of shape (n_samples, ...) or MultiInput
            Rows shaped as at fit (``X_shape_[1:]``): a table's columns, or images, sequences.
        **kwargs : dict
            ``batch_size`` (rows per predicted chunk, -1 for all at once; it does not change
            the result) or ``verbose`` (no effect), as ``keras.Model.predict`` takes them.

        Returns
        -------
        ndarray of shape (n_samples, n_classes) or (n_samples, n_labels)
            For a dense target: ``y``'s shape plus (n_classes,). For several outputs, a list
            (or a dict by name, as ``y`` was) of each output's probabilities.
        """
        if several_outputs(self):  # one entry per output, as y was given
            return proba_outputs(self, X, kwargs)
        outputs = self._forward(X, kwargs)  # float32, the output units on the last axis
        logits = bool(getattr(self, "from_logits_", False))
        proba = outputs_to_proba(outputs, logits=logits, multilabel=self._multilabel)
        if self.prior_correction:
            if self._multilabel:
                proba = _correct_label_prior(proba, self.class_prior_, self.training_prior_)
            else:
                proba = correct_prior(proba, self.class_prior_, self.training_prior_)
        if getattr(self, "elementwise_", False):  # y's shape, then the classes
            return proba.reshape((len(proba), *self.target_shape_, self.n_classes_))
        return proba

    def predict(self, X, **kwargs) -> np.ndarray:
        """Return the most probable class of each row (multi-label: each label at p >= 0.5).

        Parameters
        ----------
        X : array-like of shape (n_samples, ...) or MultiInput
            Rows shaped as at fit (``X_shape_[1:]``): a table's columns, or images, sequences.
        **kwargs : dict
            As for ``predict_proba``.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_labels)
            For a dense target: ``y``'s shape. For several outputs, a list (or a dict by
            name, as ``y`` was) of each output's labels.
        """
        if several_outputs(self):
            return predict_outputs(self, X, kwargs, classifier=True)
        proba = self.predict_proba(X, **kwargs)
        if self._multilabel:
            return (proba >= 0.5).astype(self.indicator_dtype_)
        return self.classes_[np.argmax(proba, axis=-1)]

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy: of the rows, or of the elements of a dense target (mean over elements).

        For several outputs, the subset accuracy: the share of rows whose every output is right.

        Elements (or rows) whose label is ``ignore_label`` are left out; ``sample_weight`` is
        per row or, for a dense target, per element. A subclass that defines a static
        ``scorer(y_true, y_pred, **kwargs)`` (SciKeras' hook) scores with it instead.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...) or MultiInput
        y : array-like, the shape ``fit`` was given
        sample_weight : array-like of shape (n_samples,) or of y's shape, or None

        Returns
        -------
        float
        """
        check_is_fitted(self, "model_")
        scorer = custom_scorer(self)
        if scorer is not None:
            return float(scorer(y, self.predict(X), sample_weight=sample_weight))
        if several_outputs(self):
            return score_outputs(self, X, y, sample_weight, classifier=True)
        if self._multilabel:
            return super().score(X, y, sample_weight)
        truth, pred, weights = flatten_scored(
            np.asarray(y), self.predict(X), sample_weight, self.ignore_label
        )
        return float(accuracy_score(truth, pred, sample_weight=weights))

    # ------------------------------------------------------------------ hooks
    def _check_training_rows(self, train: TrainingSet, *, partial: bool = False) -> None:
        super()._check_training_rows(train, partial=partial)
        if train.dense:
            counts, _ = class_totals(
                train.y, train.sample_weight, train.class_weight, self.n_classes_
            )
            present = int((counts > 0).sum())
        else:
            present = len(np.unique(train.y))
        if not partial and present < 2:
            raise ValueError(
                "Only one class has rows with positive weight; a classifier needs at least two "
                "classes to train on. Check sample_weight and weighting."
            )

    def _record_outputs(self, model) -> None:
        self.from_logits_ = outputs_are_logits(model, loss_object(model.loss))

    def _record_training_mix(self, original: TrainingSet, train: TrainingSet) -> None:
        if self._multilabel:  # each label's positive rate, with per-label loss weights
            label_weights = getattr(self.weighting_, "label_weights_", None)
            self.class_prior_ = label_training_prior(original.y, original.sample_weight, None)
            self.training_prior_ = label_training_prior(train.y, train.sample_weight, label_weights)
            return
        self.class_prior_ = _class_mix(original, self.n_classes_)
        self.training_prior_ = self.weighting_.training_prior(_class_mix(train, self.n_classes_))

    def _output_hint(self) -> str:
        if self._multilabel:
            return " (one sigmoid unit per label)"
        if self.n_classes_ == 2:
            return " (one sigmoid unit, or two softmax units, on the last axis)"
        return f" ({self.n_classes_} softmax units on the last axis)"

    def _output_spec(self) -> tuple[int, str]:
        if self._multilabel:
            return self.n_outputs_, "sigmoid"
        if self.n_classes_ == 2:
            return 1, "sigmoid"
        return self.n_classes_, "softmax"

    def _allowed_output_units(self) -> tuple[int, ...]:
        if self._multilabel:
            return (self.n_outputs_,)
        return (1, 2) if self.n_classes_ == 2 else (self.n_classes_,)

    def _target_summary(self) -> str:
        if self._multilabel:
            return f"{self.n_outputs_} labels"
        if getattr(self, "elementwise_", False):
            shape = self._element_shape()
            return f"a label per element of shape {shape}, {self.n_classes_} classes"
        return f"{self.n_classes_} classes"

    def _default_loss(self, units: int) -> str:
        if units == 1 or self._multilabel:
            return "binary_crossentropy"
        return "sparse_categorical_crossentropy"

    def _keras_target(self, y: np.ndarray, one_hot: bool) -> np.ndarray:
        if self._multilabel:
            return y.astype("float32")
        if getattr(self, "elementwise_", False):
            y = np.where(y < 0, 0, y)  # ignored elements: any class, they weigh 0
        n_units = self.model_.output_shape[-1]
        if one_hot and n_units > 1:
            return np.eye(n_units, dtype="float32")[y]
        if n_units == 1:
            return y.astype("float32")[..., None]
        return y.astype("int32")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        tags.classifier_tags.multi_label = True
        return tags


def _class_mix(rows: TrainingSet, n_classes: int) -> np.ndarray:
    """Weighted class frequencies of ``rows`` (they sum to 1); dense targets: of elements."""
    if rows.dense:
        epoch = None if rows.epoch_rows is None else rows.epoch_rows(0)
        _, mass = class_totals(rows.y, rows.sample_weight, rows.class_weight, n_classes, epoch)
        return mass / mass.sum()
    y, weights = rows.epoch_targets(0)  # per-epoch resampling: the mix of one epoch
    counts = np.bincount(y, weights=weights, minlength=n_classes)
    return counts / counts.sum()


def _is_indicator(y) -> bool:
    """True for a multi-label indicator matrix (2-D, several columns, only 0 and 1)."""
    shape = np.asarray(y).shape if y is not None else ()
    return len(shape) == 2 and shape[1] > 1 and type_of_target(y) == "multilabel-indicator"
