"""Focal loss (Lin et al., 2017) on Keras' built-in focal cross-entropy losses."""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from typing import Any

import keras
import numpy as np

from .._params import Interval, Options, Satisfies, numbers_at_least
from .base import TrainingSet, WeightingStrategy
from .elements import class_totals
from .registry import Candidate, register_strategy

#: The largest focusing parameter ``gamma`` accepted.
MAX_GAMMA = 100.0

_BINARY = (keras.losses.BinaryCrossentropy, keras.losses.BinaryFocalCrossentropy)
_CATEGORICAL = (
    keras.losses.CategoricalCrossentropy,
    keras.losses.SparseCategoricalCrossentropy,
    keras.losses.CategoricalFocalCrossentropy,
)
_BINARY_NAMES = {"binary_crossentropy", "binary_focal_crossentropy"}
_CATEGORICAL_NAMES = {
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "categorical_focal_crossentropy",
}


def _loss_family(loss: Any) -> str | None:
    name = loss.lower() if isinstance(loss, str) else getattr(loss, "__name__", "")
    if isinstance(loss, _BINARY) or name in _BINARY_NAMES:
        return "binary"
    if isinstance(loss, _CATEGORICAL) or name in _CATEGORICAL_NAMES:
        return "categorical"
    return None


@register_strategy(
    names={"focal": lambda: FocalLoss()},
    candidates=[Candidate("focal", simplicity=7, make=lambda cost_matrix, random_state: "focal")],
    examples=lambda: [FocalLoss(), FocalLoss(gamma=1.0, alpha="balanced")],
)
class FocalLoss(WeightingStrategy):
    """Train with the focal loss ``-alpha_t (1 - p_t) ** gamma log(p_t)``.

    The focal term down-weights rows the network already classifies well, so the loss
    concentrates on hard rows, which in imbalanced problems are mostly minority rows. It replaces
    the cross-entropy loss: Keras' ``BinaryFocalCrossentropy`` for a single sigmoid output (and
    for multi-label targets), ``CategoricalFocalCrossentropy`` for softmax outputs; integer
    labels are one-hot encoded by the estimator. ``from_logits`` and ``label_smoothing`` of the
    replaced loss carry over.

    See also the guide page [Which strategy should I choose?](choosing-a-strategy.md).

    Parameters
    ----------
    gamma : float in [0, 100], default=2.0
        Focusing parameter; 0 gives (alpha-weighted) cross-entropy. Lin et al. found 2 best; a
        gamma above 100 is refused, as it makes the loss vanish in float32.
    alpha : None, "balanced", float or sequence of float, default=None
        Class weights inside the loss. None: none. ``"balanced"``: inversely proportional to
        class frequency in the training rows (binary: class 1 weighs the fraction of class-0
        rows and class 0 the fraction of class-1 rows; multiclass: ``n / (n_classes * n_c)``).
        A float in [0, 1] (binary only) weighs class 1 by ``alpha`` and class 0 by
        ``1 - alpha``. A sequence gives one weight per class, not all zero (for one sigmoid
        output it is turned into ``alpha = a_1 / (a_0 + a_1)``, which rescales the loss).

    Notes
    -----
    The focal term has no closed-form effect on the learnt class prior, so the estimator keeps
    ``training_prior_`` equal to ``class_prior_`` and ``prior_correction`` does not change the
    probabilities of a focal model (not even the part due to ``alpha``). Combined with a
    ``loss=`` that is already a focal loss, the focal strategy replaces it and warns.

    References
    ----------
    Lin, Goyal, Girshick, He and Dollar, "Focal Loss for Dense Object Detection", ICCV 2017.
    """

    needs_classes = True
    supports_dense_targets = True
    changes_loss = True

    _parameter_constraints = {
        "gamma": [
            Satisfies(
                lambda g: Interval(numbers.Real, 0, MAX_GAMMA).holds(g),
                f"a number >= 0 (at most {MAX_GAMMA:g}: a larger gamma makes the loss of all "
                "but hopeless rows vanish in float32)",
            )
        ],
        "alpha": [
            None,
            Options(("balanced",)),
            Interval(numbers.Real, 0, 1, closed="both"),
            Satisfies(
                lambda a: numbers_at_least(0).holds(a) and sum(float(v) for v in a) > 0,
                "a sequence of numbers >= 0, not all zero",
            ),
        ],
    }

    def __init__(self, gamma: float = 2.0, alpha: None | str | float | Sequence[float] = None):
        self.gamma = gamma
        self.alpha = alpha

    def _fit_rows(self, rows, *, classes, random_state) -> TrainingSet:
        if rows.y.ndim == 2 and not rows.dense:  # multi-label: one binary problem per label
            self.positive_fraction_ = rows.y.mean(axis=0)
        else:  # one label per row, or per counted element of a dense target
            if rows.dense:
                self.class_counts_ = class_totals(rows.y, rows.sample_weight, None, len(classes))[0]
            else:
                self.class_counts_ = np.bincount(rows.y, minlength=len(classes))
        return rows

    def _balanced_alpha(self, family: str) -> Any:
        if hasattr(self, "positive_fraction_"):
            return np.clip(1.0 - self.positive_fraction_, 0.0, 1.0).astype("float32")
        counts = self.class_counts_.astype(np.float64)
        if family == "binary":
            return float(counts[0] / counts.sum())
        present = counts > 0
        alpha = np.ones(len(counts))
        alpha[present] = counts.sum() / (present.sum() * counts[present])
        return alpha.tolist()

    def _alpha(self, family: str, n_classes: int) -> Any:
        alpha = self.alpha
        if alpha is None:
            return None
        if isinstance(alpha, str):
            return self._balanced_alpha(family)
        if np.ndim(alpha) == 0:
            value = float(alpha)
            if family != "binary" or not 0 <= value <= 1:
                raise ValueError(
                    f"FocalLoss: a number alpha={alpha!r} must be in [0, 1] and needs a binary "
                    "target; for multiclass pass one weight per class or 'balanced'."
                )
            return value
        values = np.asarray(alpha, dtype=np.float64)
        if values.shape != (n_classes,) or not np.isfinite(values).all() or (values < 0).any():
            raise ValueError(
                f"FocalLoss: alpha={alpha!r} must list {n_classes} finite non-negative class "
                "weights, one per class in the order of classes_."
            )
        if family == "binary":
            return float(values[1] / values.sum())
        return values.tolist()

    def _make_loss(self, default_loss: Any, *, target_type: str) -> Any:
        family = _loss_family(default_loss)
        if family is None:
            raise ValueError(
                "weighting='focal' replaces a cross-entropy loss; the estimator's loss is "
                f"{getattr(default_loss, 'name', default_loss)!r}. Use loss=None or a "
                "cross-entropy loss with the focal strategy."
            )
        if isinstance(default_loss, (keras.losses.BinaryFocalCrossentropy,
                                     keras.losses.CategoricalFocalCrossentropy)):  # fmt: skip
            warnings.warn(
                "weighting='focal' replaces loss=" + type(default_loss).__name__ + " (already a "
                "focal loss) with its own gamma and alpha; set only one of the two.",
                UserWarning,
                stacklevel=4,
            )
        config = default_loss.get_config() if isinstance(default_loss, keras.losses.Loss) else {}
        common = {
            "gamma": float(self.gamma),
            "from_logits": bool(config.get("from_logits", False)),
            "label_smoothing": float(config.get("label_smoothing", 0.0)),
        }
        n_classes = len(getattr(self, "class_counts_", ())) or 2
        alpha = self._alpha(family, n_classes)
        if family == "binary":
            if alpha is None:
                return keras.losses.BinaryFocalCrossentropy(**common)
            return keras.losses.BinaryFocalCrossentropy(
                apply_class_balancing=True, alpha=alpha, **common
            )
        return keras.losses.CategoricalFocalCrossentropy(
            alpha=1.0 if alpha is None else alpha, **common
        )
