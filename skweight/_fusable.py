"""Which fits the fused engine can take over, and what each of them trains on.

``fusable_reason`` says why an estimator cannot be trained by the fused engine (None when it
can): it must be a ``WeightedKerasClassifier``, alone or as the last step of a pipeline, with a
Keras loss and an optimizer that updates each weight on its own, and either the built-in
network (any backend: the grouped layers of ``skweight._fused``) or the JAX backend, where any
network, the built-in one included, is trained by ``skweight._fused_vmap``.

``prepare_fit`` runs everything a ``fit`` of such an estimator does before it trains (the
pipeline's preprocessing, the parameter and data checks, the validation split and the weighting
strategy) through the estimator's own fit steps, and returns the network to train as a
``skweight._fused.Member`` with the estimator it belongs to. A network trained by ``jax.vmap``
is built once per seed, row shape and classes (``templates``), as the estimator's fit builds it:
its initial variables are those of the member. ``member_proba`` turns a network's outputs into
what the fitted estimator's ``predict_proba`` would return.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np
import sklearn
from sklearn.base import clone

from ._compiled import loss_object
from ._fused import (
    FUSABLE_COMPILE_KEYS,
    Member,
    TrainSettings,
    loss_is_fusable,
    optimizer_is_fusable,
)
from ._fused_vmap import assign_variables, network_variables, vmap_reason
from ._grouped import NetworkSpec, mlp_initial_weights
from ._keras import check_hidden_layer_sizes, make_loss, make_optimizer
from ._outputs import outputs_to_proba
from ._routing import check_routed_params, routed
from .prior import correct_prior
from .rows import is_lazy
from .weighting import resolve_weighting


class NotFusableError(ValueError):
    """A fit the fused engine cannot train (the sequential engine can)."""


@dataclass
class PreparedFit:
    """One fit, prepared up to the network: preprocessing fitted, rows weighted.

    Attributes
    ----------
    estimator : estimator
        The clone being fitted (the pipeline, or the classifier itself).
    prefix : Pipeline or None
        The fitted preprocessing steps (None when the estimator is the classifier itself).
    classifier : WeightedKerasClassifier
        The classifier with everything ``fit`` sets except ``model_`` and ``history_``.
    member : Member
        Its network's rows, loss, initial weights and batch-order seed.
    spec : hashable
        Its architecture: fits with equal specs train in one fused model.
    template : keras.Model or None
        A network of its own (None: the built-in network), built and compiled as its fit
        builds it; its variables are never changed.
    """

    estimator: Any
    prefix: Any
    classifier: Any
    member: Member
    spec: Any = None
    template: Any = None

    def features(self, X) -> np.ndarray:
        """``X`` as this fit's network sees it (after the fitted preprocessing)."""
        if self.prefix is not None:
            X = self.prefix.transform(X)
        X = np.asarray(X)
        return X if self.template is not None and X.dtype.kind in "iu" else X.astype("float32")


def split_pipeline(estimator) -> tuple[Any, Any]:
    """``(preprocessing steps or None, final step)`` of a pipeline or a single estimator."""
    if hasattr(estimator, "steps"):
        return (estimator[:-1] if len(estimator.steps) > 1 else None), estimator.steps[-1][1]
    return None, estimator


def fusable_reason(estimator) -> str | None:
    """Why ``estimator``'s fits cannot be fused (None: they can)."""
    from .classifier import WeightedKerasClassifier

    _, clf = split_pipeline(estimator)
    if not isinstance(clf, WeightedKerasClassifier):
        return f"the final estimator is a {type(clf).__name__}, not a WeightedKerasClassifier"
    if _custom_network(clf) and keras.backend.backend() != "jax":
        return (
            f"model= is a custom network, fused on the JAX backend only (this is "
            f"{keras.backend.backend()}; the built-in network is fused on every backend)"
        )
    if clf.callbacks or routed(clf._keyword_params(), "callbacks"):
        return "callbacks= are given (they act on one fit each)"
    if clf.metrics is not None or routed(clf._keyword_params(), "metrics"):
        return "metrics= are given (the fused fit records each network's loss, not its metrics)"
    if isinstance(clf.batch_size, numbers.Integral) and clf.batch_size == -1:
        return "batch_size=-1 (one batch of all rows) is not fused"
    try:
        check_hidden_layer_sizes(clf.hidden_layer_sizes)
        params = check_routed_params(clf._keyword_params(), clf._build_function())
        if routed(params, "fit"):
            return f"fit__ parameters {sorted(routed(params, 'fit'))} are given"
        extra = sorted(set(routed(params, "compile")) - set(FUSABLE_COMPILE_KEYS))
        if extra:
            return f"compile__ parameters {extra} are given"
        reason = optimizer_is_fusable(make_optimizer(clf.optimizer, routed(params, "optimizer")))
        if reason:
            return reason
        loss = clf.loss or "binary_crossentropy"
        if not loss_is_fusable(make_loss(loss, routed(params, "loss"))):
            return f"loss={clf.loss!r} is not one of Keras' built-in per-row losses"
    except (TypeError, ValueError) as exc:
        return f"its parameters do not check ({exc})"
    return None


def _custom_network(clf) -> bool:
    return clf.model is not None or getattr(clf, "_keras_build_fn", None) is not None


def uses_vmap(clf) -> bool:
    """Whether ``clf``'s fits are fused by ``jax.vmap`` over its network (a network of its
    own, or any network on JAX, where that is faster than the grouped layers)."""
    return _custom_network(clf) or keras.backend.backend() == "jax"


def fused_description(estimator) -> str:
    """How the fused engine trains ``estimator``'s networks, for the verbose output."""
    _, clf = split_pipeline(estimator)
    what = "a network of its own" if _custom_network(clf) else "the built-in network"
    if uses_vmap(clf):
        return (f"{what} on JAX: every candidate and fold trains side by side, jax.vmap over "
                "its stateless call")  # fmt: skip
    return f"{what}: every candidate and fold trains side by side in one model"


def prepare_fit(estimator, X, y, sample_weight=None, templates: dict | None = None) -> PreparedFit:
    """Prepare a fit of a clone of ``estimator`` on ``X``, ``y`` up to its network.

    ``templates`` (a dict the caller keeps for one comparison) holds the networks already built
    for ``jax.vmap``, by seed, row shape and classes, so that each is built once.
    """
    from ._candidate import _request_sample_weight

    estimator = clone(estimator)
    prefix, clf = split_pipeline(estimator)
    if prefix is not None:
        if sample_weight is None:
            X = prefix.fit_transform(X, y)
        else:  # route the weights to every step that takes them, as a pipeline fit does
            with sklearn.config_context(enable_metadata_routing=True):
                _request_sample_weight(prefix)
                X = prefix.fit_transform(X, y, sample_weight=sample_weight)
    settings = clf._check_params(clf.epochs, warm=False)
    data = clf._check_data(X, y, sample_weight, False, None)
    vmapped = uses_vmap(clf)
    if vmapped and (data.dense or is_lazy(data.X) or np.ndim(data.y) != 1):
        raise NotFusableError(
            "the target has shape " + str(np.shape(data.y)) + " or X is on disk (networks "
            "trained by jax.vmap take one label per row and rows in memory)"
        )
    if not vmapped and (data.X.ndim != 2 or data.dense or is_lazy(data.X)):
        raise NotFusableError(
            "X has shape " + str(data.X.shape) + " (only 2-D tables in memory with one label per "
            "row are fused)"
        )
    train, _ = clf._prepare_rows(data, settings)  # validation rows only feed history_
    if vmapped:
        return _prepare_vmapped(estimator, prefix, clf, settings, train, templates)
    spec = network_spec(clf)
    default = "binary_crossentropy" if spec.n_units == 1 else "sparse_categorical_crossentropy"
    loss = make_loss(clf.loss or default, routed(settings.routed, "loss"))
    loss = clf.weighting_.make_loss(loss, target_type=clf.target_type_)
    if not loss_is_fusable(loss):
        raise NotFusableError(
            f"weighting={clf.weighting!r} trains with {type(loss).__name__}, not one of Keras' "
            "built-in per-row losses"
        )
    member = Member(
        train=train, loss=loss, initial_weights=mlp_initial_weights(spec, settings.seed),
        seed=settings.strategy_seed,
    )  # fmt: skip
    return PreparedFit(estimator, prefix, clf, member, spec=spec)


def _prepare_vmapped(estimator, prefix, clf, settings, train, templates) -> PreparedFit:
    """The member of a network trained by ``jax.vmap`` (``uses_vmap``).

    Its network is built as its fit builds it (the same seed, so the same initial variables),
    once per seed, row shape and classes: unweighted, so that the compiled loss is the one its
    weighting then replaces, as the fit's compile does (``weighting_.make_loss``).
    """
    key = (settings.seed, clf.X_shape_[1:], str(clf.X_dtype_), tuple(clf.classes_),
           clf.target_type_)  # fmt: skip
    templates = {} if templates is None or settings.seed is None else templates
    if key not in templates:
        weighting = clf.weighting_
        clf.weighting_ = resolve_weighting(None)
        try:
            clf._build_and_compile(settings)
        finally:
            clf.weighting_ = weighting
        model = clf.__dict__.pop("model_")
        spec = (key[1:3], tuple(tuple(v.shape) for v in model.variables))
        templates[key] = (model, clf.from_logits_, vmap_reason(model), network_variables(model),
                          spec)  # fmt: skip
    model, clf.from_logits_, reason, initial, spec = templates[key]
    loss = clf.weighting_.make_loss(loss_object(model.loss), target_type=clf.target_type_)
    reason = reason or optimizer_is_fusable(model.optimizer)
    if reason is None and not loss_is_fusable(loss):
        reason = f"it trains with {type(loss).__name__}, not one of Keras' per-row losses"
    if reason is not None:
        raise NotFusableError(f"the network cannot be fused: {reason}")
    member = Member(train=train, loss=loss, initial_weights=initial, seed=settings.strategy_seed)
    return PreparedFit(estimator, prefix, clf, member, spec=spec, template=model)


def install_network(prepared: PreparedFit, weights, history=None) -> Any:
    """Finish the prepared fit with trained ``weights``: the fitted estimator.

    The classifier builds and compiles its network as its own ``fit`` does, then takes the
    weights, and ``history_`` the per-epoch logs (empty where the fused fit has none).
    """
    clf = prepared.classifier
    clf._build_and_compile(clf._check_params(clf.epochs, warm=False))
    if prepared.template is None:
        clf.model_.set_weights(weights)
    else:
        assign_variables(clf.model_, weights)
    clf.history_ = dict(history or {})
    return prepared.estimator


def network_spec(clf) -> NetworkSpec:
    """The built-in network of a classifier whose target is known (after ``_check_data``)."""
    n_units, output_activation = clf._output_spec()
    return NetworkSpec(
        n_features=int(clf.n_features_in_), n_units=int(n_units),
        output_activation=output_activation,
        hidden_layer_sizes=check_hidden_layer_sizes(clf.hidden_layer_sizes),
        activation=clf.activation, dropout=float(clf.dropout),
    )  # fmt: skip


def train_settings(clf) -> TrainSettings:
    """The training parameters of a classifier, for a fused fit."""
    params = check_routed_params(clf._keyword_params(), clf._build_function())
    seed = clf._check_params(clf.epochs, warm=False).seed
    return TrainSettings(
        batch_size=int(clf.batch_size), epochs=int(clf.epochs), shuffle=bool(clf.shuffle),
        optimizer=clf.optimizer, optimizer_params=routed(params, "optimizer"),
        compile_kwargs=routed(params, "compile"), seed=seed,
    )  # fmt: skip


def member_proba(outputs: np.ndarray, clf) -> np.ndarray:
    """What ``clf.predict_proba`` returns for a network whose outputs are ``outputs``."""
    logits = bool(getattr(clf, "from_logits_", False))
    proba = outputs_to_proba(outputs, logits=logits, multilabel=False)
    if clf.prior_correction:
        return correct_prior(proba, clf.class_prior_, clf.training_prior_)
    return proba
