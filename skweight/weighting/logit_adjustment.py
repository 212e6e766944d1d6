"""Logit-adjusted cross-entropy (Menon et al., 2021); ``tau=1`` is the balanced softmax.

The loss adds ``tau * log(prior)`` to the network's logits before the cross-entropy, where
``prior`` is the class mix of the training rows. A network trained that way outputs
``softmax(f) ∝ p(c|x) / prior[c] ** tau``: at ``tau=1`` the posterior under equal classes
(Ren et al.'s balanced softmax is the same loss). That is the posterior of a network trained
on the class mix ``prior ** (1 - tau)``, which the strategy reports as the mix it trains on, so
``prior_correction=True`` and every decision by cost (``skweight.decision``) turn the outputs
back into ``p(c|x)`` exactly: ``softmax(f + tau * log prior)``.

Unlike class weights, the adjustment changes no row's share of the gradient: rare classes get
a larger margin rather than a larger weight.
"""

from __future__ import annotations

import numbers
from typing import Any

import keras
import numpy as np

from .._params import Interval
from .base import TrainingSet, WeightingStrategy
from .focal import _loss_family
from .registry import register_strategy

#: Probabilities are clipped to [EPS, 1 - EPS] before their logarithm is taken.
EPS = 1e-7
#: The largest ``tau`` accepted (a larger one only scales the offsets further).
MAX_TAU = 10.0


def logit_adjusted_crossentropy(y_true, y_pred, offsets, from_logits: bool = False):
    """Cross-entropy of ``y_pred``'s logits plus ``offsets``, per row.

    Parameters
    ----------
    y_true : tensor
        One sigmoid unit: 0/1 targets of ``y_pred``'s shape. Several units: integer class
        indices, ``y_pred``'s shape without its last axis (or with a last axis of 1).
    y_pred : tensor
        Probabilities (logits with ``from_logits``), classes on the last axis.
    offsets : sequence of float
        Added to the logits: one for a single sigmoid unit (``tau * log(prior_1 / prior_0)``),
        else one per class (``tau * log(prior)``).
    from_logits : bool
        ``y_pred`` holds logits.
    """
    ops = keras.ops
    offsets = ops.convert_to_tensor(np.asarray(offsets, dtype="float32"))
    y_pred = ops.convert_to_tensor(y_pred)
    if y_pred.shape[-1] == 1:
        if not from_logits:
            p = ops.clip(y_pred, EPS, 1.0 - EPS)
            y_pred = ops.log(p) - ops.log1p(-p)
        y_true = ops.reshape(ops.cast(y_true, y_pred.dtype), ops.shape(y_pred))
        return keras.losses.binary_crossentropy(y_true, y_pred + offsets, from_logits=True)
    logits = y_pred if from_logits else ops.log(ops.clip(y_pred, EPS, 1.0))
    return keras.losses.sparse_categorical_crossentropy(y_true, logits + offsets, from_logits=True)


@keras.saving.register_keras_serializable(package="skweight")
class LogitAdjustedCrossentropy(keras.losses.Loss):
    """``logit_adjusted_crossentropy`` as a Keras loss (weighted and reduced like Keras' own).

    Parameters
    ----------
    offsets : sequence of float
        See ``logit_adjusted_crossentropy``.
    from_logits : bool, default=False
    """

    def __init__(
        self, offsets, from_logits: bool = False, reduction="sum_over_batch_size",
        name: str = "logit_adjusted_crossentropy", dtype=None,
    ):  # fmt: skip
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.offsets = [float(v) for v in offsets]
        self.from_logits = bool(from_logits)

    def call(self, y_true, y_pred):
        return logit_adjusted_crossentropy(y_true, y_pred, self.offsets, self.from_logits)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(), "offsets": self.offsets, "from_logits": self.from_logits,
        }  # fmt: skip


@register_strategy(
    names={
        "logit-adjusted": lambda: LogitAdjustment(),
        "balanced-softmax": lambda: LogitAdjustment(tau=1.0),
    },
    examples=lambda: [LogitAdjustment(), LogitAdjustment(tau=0.5)],
)
class LogitAdjustment(WeightingStrategy):
    """Train with the logit-adjusted cross-entropy: logits ``+ tau * log(prior)``.

    ``prior`` is the class mix of the training rows (weighted by ``sample_weight``). The
    network learns larger margins for rare classes instead of larger weights; its outputs are
    the posterior under the class mix ``prior ** (1 - tau)`` (equal classes at ``tau=1``),
    reported as ``training_prior_``, which ``prior_correction=True`` and the decisions by cost
    undo. ``weighting="logit-adjusted"`` and ``"balanced-softmax"`` are ``tau=1``.

    See also the guide page [Which strategy should I choose?](choosing-a-strategy.md).

    Parameters
    ----------
    tau : float in [0, 10], default=1.0
        Strength of the adjustment; 0 is the plain cross-entropy.

    Notes
    -----
    It replaces a cross-entropy loss (binary for one sigmoid unit, categorical for a softmax,
    integer or one-hot targets) and keeps its ``from_logits``; a label-smoothed loss is refused.
    One label per row: multi-label and dense targets take ``"balanced"`` or ``"focal"``.

    References
    ----------
    Menon, Jayasumana, Rawat, Jain, Veit and Kumar, "Long-tail learning via logit adjustment",
    ICLR 2021. Ren, Yu, Ma, Zhao, Yi and Li, "Balanced Meta-Softmax for Long-Tailed Visual
    Recognition", NeurIPS 2020.
    """

    needs_classes = True
    supports_multilabel = False
    changes_loss = True

    _parameter_constraints = {"tau": [Interval(numbers.Real, 0, MAX_TAU)]}

    def __init__(self, tau: float = 1.0):
        self.tau = tau

    def _fit_rows(self, rows, *, classes, random_state) -> TrainingSet:
        counts = np.bincount(rows.y, weights=rows.sample_weight, minlength=len(classes))
        self.prior_ = counts / counts.sum()
        return rows

    def training_prior(self, mix: np.ndarray) -> np.ndarray:
        """The class mix whose posterior the network learns: ``mix ** (1 - tau)``, normalised."""
        mix = np.asarray(mix, dtype=np.float64)
        present = mix > 0
        learnt = np.zeros_like(mix)
        learnt[present] = mix[present] ** (1.0 - float(self.tau))
        return learnt / learnt.sum()

    def _make_loss(self, default_loss: Any, *, target_type: str) -> Any:
        name = getattr(default_loss, "name", default_loss)
        family = _loss_family(default_loss)
        if family is None or "focal" in str(name):
            raise ValueError(
                "weighting=LogitAdjustment replaces a cross-entropy loss; the estimator's loss "
                f"is {name!r}. Use loss=None or a (binary or categorical) cross-entropy."
            )
        config = default_loss.get_config() if isinstance(default_loss, keras.losses.Loss) else {}
        if config.get("label_smoothing"):
            raise ValueError(
                f"weighting=LogitAdjustment does not take a label-smoothed loss "
                f"(label_smoothing={config['label_smoothing']}); use loss=None or one without."
            )
        log_prior = float(self.tau) * np.log(np.clip(self.prior_, 1e-12, None))
        offsets = [log_prior[1] - log_prior[0]] if family == "binary" else log_prior.tolist()
        return LogitAdjustedCrossentropy(offsets, from_logits=config.get("from_logits", False))
