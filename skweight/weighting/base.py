"""The weighting-strategy contract: one template method between the data and the Keras fit.

``WeightingStrategy.prepare`` is the only entry point the estimator calls to get its training
rows. It always does the same five things, in order:

1. check the strategy's parameters against ``_parameter_constraints`` (declarative, once);
2. check the target against the capabilities the class declares (``needs_classes``,
   ``supports_multilabel``, ``supports_dense_targets``), with one wording for each refusal;
3. drop the rows whose ``sample_weight`` is 0, so that they influence nothing;
4. call the one hook, ``_fit_rows``, which learns what it needs from the training rows and
   returns what to train on;
5. finalise the weights: drop rows the strategy weighted 0 and scale to mean 1.

Dense targets (one label or value per element of a row: masks, per-timestep labels) go through
the same steps; a strategy that accepts them declares ``supports_dense_targets``. Their weights
are those of ``skweight.weighting.elements``: per row or per element, times a per-class factor
that is applied batch by batch.

A strategy implements the hook through one of three families: a per-class strategy subclasses
``PerClassWeights`` and implements ``class_weight_vector``; a per-row strategy implements
``row_weights``; anything else (resampling) implements ``_fit_rows`` itself. A strategy that
changes the loss sets ``changes_loss`` and implements ``_make_loss``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator

from .._params import check_params
from .elements import class_totals


@dataclass
class TrainingSet:
    """What a strategy hands to Keras: rows, encoded targets and per-row loss weights.

    ``sample_weight`` is None when every row weighs the same. ``epoch_rows`` is None unless the
    strategy resamples at every epoch: then ``X``, ``y`` and ``sample_weight`` are the candidate
    rows and ``epoch_rows(epoch)`` returns the indices (into them, repeats allowed) that epoch
    trains on, so that no resampled copy of ``X`` is ever made.

    For a dense target (``dense``: ``y`` holds one label or value per element of a row),
    ``sample_weight`` is per row (n,) or per element (``y``'s shape), and ``class_weight``
    (classifiers) is the per-class factor every element's weight is multiplied by; it is
    applied batch by batch (``skweight.weighting.elements``), never expanded to ``y``'s size.
    """

    X: np.ndarray
    y: np.ndarray
    sample_weight: np.ndarray | None
    epoch_rows: Callable[[int], np.ndarray] | None = None
    class_weight: np.ndarray | None = None
    dense: bool = False

    def epoch_targets(self, epoch: int = 0) -> tuple[np.ndarray, np.ndarray | None]:
        """Return the targets and weights of the rows one epoch trains on."""
        if self.epoch_rows is None:
            return self.y, self.sample_weight
        index = self.epoch_rows(epoch)
        weights = None if self.sample_weight is None else self.sample_weight[index]
        return self.y[index], weights

    def mean_weight(self) -> float:
        """Mean training weight over the rows an epoch sees (1 when unweighted).

        Dense targets: the mean over the elements with positive weight.
        """
        if not self.dense:
            _, weights = self.epoch_targets(0)
            return 1.0 if weights is None else float(weights.mean())
        rows = None if self.epoch_rows is None else self.epoch_rows(0)
        if self.y.dtype.kind == "f":  # dense regression: no classes, no ignored element
            weights = self.sample_weight
            if weights is None:
                return 1.0
            weights = weights if rows is None else weights[rows]
            return float(weights[weights > 0].mean())
        n_classes = (
            len(self.class_weight) if self.class_weight is not None else int(self.y.max()) + 1
        )
        counts, mass = class_totals(
            self.y, self.sample_weight, self.class_weight, n_classes, rows=rows
        )
        return float(mass.sum() / counts.sum()) if counts.sum() else 1.0

    def reweighted(self, factor: np.ndarray | None) -> TrainingSet:
        """The same rows with their weights multiplied by ``factor`` (None: unchanged)."""
        return replace(self, sample_weight=multiply_weights(self.sample_weight, factor))


def multiply_weights(first: np.ndarray | None, second: np.ndarray | None) -> np.ndarray | None:
    """Product of two optional weights (None means all ones); per-row times per-element
    weights broadcast the row's weight over its elements."""
    if first is None:
        return second
    if second is None:
        return first
    if first.ndim != second.ndim:
        if first.ndim > second.ndim:
            first, second = second, first
        first = first.reshape(first.shape + (1,) * (second.ndim - first.ndim))
    return first * second


def drop_zero_weight_rows(
    X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None, *, dense: bool = False
) -> TrainingSet:
    """Remove rows whose ``sample_weight`` is 0, so that they cannot influence anything.

    A dense target's row goes when all its elements weigh 0 or are ignored.
    """
    keep = None
    if sample_weight is not None and not sample_weight.all():
        keep = sample_weight.reshape(len(sample_weight), -1).any(axis=1)
    if dense and y.dtype.kind in "iu":
        counted = (y.reshape(len(y), -1) >= 0).any(axis=1)
        keep = counted if keep is None else keep & counted
    if keep is None or keep.all():
        return TrainingSet(X, y, sample_weight, dense=dense)
    weights = None if sample_weight is None else sample_weight[keep]
    return TrainingSet(X[keep], y[keep], weights, dense=dense)


def finalize_weights(train: TrainingSet, *, normalize: bool) -> TrainingSet:
    """Drop zero-weight rows and, if ``normalize``, scale the weights to mean 1.

    Weights that end up all equal become None, so Keras runs its unweighted path.
    """
    if train.dense:
        return _finalize_dense(train, normalize=normalize)
    weights = train.sample_weight
    if weights is None:
        return train
    X, y = train.X, train.y
    keep = weights > 0
    if not keep.all():
        if train.epoch_rows is not None:
            raise ValueError("A per-epoch strategy must drop zero-weight rows itself.")
        X, y, weights = X[keep], y[keep], weights[keep]
    if np.ptp(weights) == 0 and (normalize or weights[0] == 1):
        return replace(train, X=X, y=y, sample_weight=None)
    if normalize:
        weights = weights / replace(train, X=X, y=y, sample_weight=weights).mean_weight()
    return replace(train, X=X, y=y, sample_weight=weights)


def _finalize_dense(train: TrainingSet, *, normalize: bool) -> TrainingSet:
    """Dense targets: drop all-zero rows, then scale to mean 1 over the counted elements."""
    class_weight = train.class_weight
    if class_weight is not None and np.ptp(class_weight) == 0 and normalize:
        class_weight = None  # equal class factors change nothing once normalised
    train = replace(train, class_weight=class_weight)
    if train.epoch_rows is None and train.sample_weight is not None:
        kept = drop_zero_weight_rows(train.X, train.y, train.sample_weight, dense=True)
        train = replace(train, X=kept.X, y=kept.y, sample_weight=kept.sample_weight)
    if not normalize:
        return train
    return _scaled_to_mean_one(train)


def _scaled_to_mean_one(train: TrainingSet) -> TrainingSet:
    """Dense targets: weights scaled to mean 1 over the counted elements, the scale going into
    the class factor when there is one (no float copy of ``y``'s size)."""
    if train.sample_weight is None and train.class_weight is None:
        return train
    scale = 1.0 / train.mean_weight()
    if train.class_weight is not None:
        return replace(train, class_weight=np.asarray(train.class_weight) * scale)
    return replace(train, sample_weight=train.sample_weight * scale)


def target_kind(y: np.ndarray, classes: np.ndarray | None, dense: bool = False) -> str:
    """``"continuous"`` (no classes), ``"dense"`` (one target per element of a row),
    ``"multilabel"`` (a 2-D indicator) or ``"labels"``."""
    if dense:
        return "dense"
    if classes is None:
        return "continuous"
    return "multilabel" if y.ndim == 2 else "labels"


def loss_balances_classes(loss: Any) -> bool:
    """Return True if ``loss`` already weights classes (a focal loss with class balancing)."""
    import keras

    if isinstance(loss, keras.losses.BinaryFocalCrossentropy):
        return bool(loss.get_config().get("apply_class_balancing"))
    if isinstance(loss, keras.losses.CategoricalFocalCrossentropy):
        return np.ndim(loss.get_config().get("alpha")) > 0
    return False


class WeightingStrategy(BaseEstimator):
    """Base class of skweight's weighting strategies.

    Strategies are hyperparameters: the estimator works on a clone (its ``weighting_``), so the
    object the user passed is never modified. ``prepare`` records what the strategy learnt from
    the training rows on that clone (attributes ending in ``_``), for ``validation_weights``
    and ``make_loss``. Rows with ``sample_weight`` 0 are removed before the strategy sees them,
    so they influence neither counts (``"balanced"``), nor neighbours (SMOTE), nor the fit.

    Capabilities are declared as class attributes and checked by ``prepare``:

    - ``needs_classes``: works on class labels (refused by the regressor);
    - ``supports_multilabel``: accepts a multi-label indicator ``y``;
    - ``supports_dense_targets``: accepts one target per element of a row (masks, sequences);
    - ``resamples_rows``: may return other rows than it was given;
    - ``changes_loss``: may replace the estimator's loss (``_make_loss``);
    - ``balances_classes``: re-weights classes (warns if the loss already balances them).

    See also the guide page [How do weights enter the loss?](weights-in-the-loss.md).
    """

    needs_classes: ClassVar[bool] = False
    supports_multilabel: ClassVar[bool] = True
    supports_dense_targets: ClassVar[bool] = False
    resamples_rows: ClassVar[bool] = False
    changes_loss: ClassVar[bool] = False
    balances_classes: ClassVar[bool] = False

    #: ``{parameter: [constraint, ...]}``, see ``skweight._params``.
    _parameter_constraints: ClassVar[dict[str, list]] = {}

    _TEMPLATE = ("check_params", "prepare", "validation_weights", "validation_set", "make_loss")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        overridden = sorted(set(cls._TEMPLATE) & set(vars(cls)))
        if overridden:
            raise TypeError(
                f"{cls.__name__} overrides {overridden}, which every strategy shares; implement "
                "the hooks instead (class_weight_vector, row_weights, _fit_rows, _make_loss)."
            )

    # ------------------------------------------------------------------ the template
    def check_params(self) -> None:
        """Raise a ``ValueError`` naming the first parameter that is not valid."""
        check_params(
            self.get_params(deep=False), self._parameter_constraints, owner=type(self).__name__
        )

    def prepare(
        self,
        X: np.ndarray,
        y: np.ndarray,
        sample_weight: np.ndarray | None,
        *,
        classes: np.ndarray | None,
        random_state: int | None,
        normalize: bool = True,
        dense: bool = False,
    ) -> TrainingSet:
        """Return the rows, targets and final weights to train on.

        Parameters
        ----------
        X, y : ndarray
            Training rows and encoded targets (class indices into ``classes``, a 0/1
            indicator matrix for multi-label targets, or floats for regression).
        sample_weight : ndarray or None
            The user's per-row weights, multiplied with the strategy's.
        classes : ndarray or None
            The class labels (None for regression).
        random_state : int or None
            Seed of any random choice the strategy makes.
        normalize : bool, default=True
            Scale the final weights to mean 1 over the rows an epoch trains on (dense
            targets: over the elements that count).
        dense : bool, default=False
            ``y`` holds one target per element of each row (``IGNORED`` for an ignored label);
            ``sample_weight`` may then also have ``y``'s shape.
        """
        self.check_params()
        self._check_target(y, classes, dense)
        rows = drop_zero_weight_rows(X, y, sample_weight, dense=dense)
        train = self._fit_rows(rows, classes=classes, random_state=random_state)
        if not self.resamples_rows and len(train.y) != len(rows.y):
            raise RuntimeError(
                f"{type(self).__name__} returned {len(train.y)} rows for {len(rows.y)}; a "
                "strategy that changes the rows must declare resamples_rows = True."
            )
        return finalize_weights(train, normalize=normalize)

    def validation_weights(
        self,
        X: np.ndarray,
        y: np.ndarray,
        sample_weight: np.ndarray | None,
        *,
        normalize: bool = True,
    ) -> np.ndarray | None:
        """Weights of validation rows for the weighted validation loss (after ``prepare``).

        They are the weights these rows would have in training, without resampling them, so
        that ``val_loss`` estimates the same quantity as the training ``loss``.
        """
        weights = multiply_weights(sample_weight, self.row_weights(X, y))
        if weights is None:
            return None
        weights = np.asarray(weights, dtype=np.float64)
        if normalize and weights.sum() > 0:
            weights = weights / weights.mean()
        return weights

    def validation_set(self, rows: TrainingSet, *, normalize: bool = True) -> TrainingSet:
        """The validation rows weighted for the weighted validation loss (after ``prepare``).

        Rows: ``validation_weights``. Dense targets: the elements also carry the class factor
        the strategy learnt (``class_weights_``), normalised over the counted elements.
        """
        weights = self.validation_weights(
            rows.X, rows.y, rows.sample_weight, normalize=normalize and not rows.dense
        )
        if not rows.dense:
            return replace(rows, sample_weight=weights)
        class_weight = getattr(self, "class_weights_", None)
        weighted = replace(rows, sample_weight=weights, class_weight=class_weight)
        return _scaled_to_mean_one(weighted) if normalize else weighted

    def make_loss(self, default_loss: Any, *, target_type: str) -> Any:
        """Return the loss to train with (after ``prepare``).

        A class-balancing strategy warns when the loss already balances classes.
        """
        if self.balances_classes and loss_balances_classes(default_loss):
            warnings.warn(
                f"weighting={self!r} re-weights classes and loss={type(default_loss).__name__} "
                "already balances them (alpha with class balancing): the classes are weighted "
                "twice. Use one of the two, or weighting=None.",
                UserWarning,
                stacklevel=3,
            )
        if not self.changes_loss:
            return default_loss
        return self._make_loss(default_loss, target_type=target_type)

    # ------------------------------------------------------------------ hooks
    def _fit_rows(
        self, rows: TrainingSet, *, classes: np.ndarray | None, random_state: int | None
    ) -> TrainingSet:
        """The hook: learn from the training rows and return what to train on.

        ``rows`` has no zero-weight row. The default multiplies each row's weight by
        ``row_weights``.
        """
        return rows.reweighted(self.row_weights(rows.X, rows.y))

    def row_weights(self, X: np.ndarray, y: np.ndarray) -> np.ndarray | None:
        """The strategy's weight of each row (None: all ones), once it has seen the training rows.

        Used for the training rows and for validation rows alike.
        """
        return None

    def _make_loss(self, default_loss: Any, *, target_type: str) -> Any:
        """Hook of strategies with ``changes_loss``: the loss that replaces ``default_loss``."""
        return default_loss

    def training_prior(self, mix: np.ndarray) -> np.ndarray:
        """The class mix whose posterior the network learns, from the (weighted) class mix
        ``mix`` of the rows it trains on (after ``prepare``; the estimator's
        ``training_prior_``). The mix itself unless the loss shifts it (``LogitAdjustment``)."""
        return mix

    def _check_target(self, y: np.ndarray, classes: np.ndarray | None, dense: bool) -> None:
        kind = target_kind(y, classes, dense)
        if kind == "dense" and not self.supports_dense_targets:
            raise ValueError(
                f"weighting={self!r} supports one target per row, not a y with one per element "
                f"(shape {y.shape}); for masks and per-timestep targets use one of "
                f"{_names_of(lambda s: s.supports_dense_targets, 'ClassWeights')}."
            )
        if classes is None and self.needs_classes:
            raise ValueError(
                f"weighting={self!r} needs a classifier: it works on class labels, and a "
                "regressor has none. Use sample_weight or a per-row strategy "
                f"({', '.join(_names_of(lambda s: not s.needs_classes, 'RecencyWeights'))})."
            )
        if kind == "multilabel" and not self.supports_multilabel:
            raise ValueError(
                f"weighting={self!r} supports one label per row, not a multi-label y; for a "
                "multi-label y use None, 'balanced' (per label), 'focal' or one of "
                f"{_names_of(lambda s: s.supports_multilabel, 'ClassWeights')}. If the 2-D "
                "0/1 y is one label per element (per-timestep labels), pass dense_target=True."
            )


def _names_of(capable: Callable[[type], bool], fallback: str) -> list[str]:
    """Names of the registered strategies with a capability (for error messages)."""
    from .registry import registered_strategies

    names = [entry.cls.__name__ for entry in registered_strategies() if capable(entry.cls)]
    return names or [fallback]


class PerClassWeights(WeightingStrategy):
    """Base of strategies that give every row of class ``c`` the weight ``w_c``.

    Subclasses implement only ``class_weight_vector``. ``prepare`` computes the class weights
    from the training rows and keeps them as ``class_weights_``, so validation rows are weighted
    with the training rows' class weights.

    See also the guide page [How do weights enter the loss?](weights-in-the-loss.md);
    ``examples/custom_strategy.py`` writes one.
    """

    needs_classes = True
    supports_multilabel = False
    supports_dense_targets = True
    balances_classes = True

    def class_weight_vector(self, y: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """Return the weight of each class, in the order of ``classes``."""
        raise NotImplementedError

    def class_weight_from_counts(self, counts: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """The class weights from the classes' counts (dense targets: counted elements).

        The default expands the counts into labels for ``class_weight_vector``; a strategy that
        needs only the counts overrides it, so millions of pixels are never expanded.
        """
        dtype = np.min_scalar_type(max(len(classes) - 1, 0))
        return self.class_weight_vector(np.repeat(np.arange(len(classes), dtype=dtype), counts),
                                        classes)  # fmt: skip

    def _fit_rows(self, rows, *, classes, random_state) -> TrainingSet:
        if rows.dense:
            counts, _ = class_totals(rows.y, rows.sample_weight, None, len(classes))
            weights = self.class_weight_from_counts(counts, classes)
        else:
            weights = self.class_weight_vector(rows.y, classes)
        self.class_weights_ = np.asarray(weights, dtype=float)
        if rows.dense:  # applied batch by batch, from each element's label
            factor = self.class_weights_
            if rows.class_weight is not None:
                factor = rows.class_weight * factor
            return replace(rows, class_weight=factor)
        return super()._fit_rows(rows, classes=classes, random_state=random_state)

    def row_weights(self, X, y) -> np.ndarray | None:
        weights = getattr(self, "class_weights_", None)
        return None if weights is None or y.ndim != 1 else weights[y]
