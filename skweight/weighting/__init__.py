"""Weighting strategies: how classes and rows are weighted in the Keras loss.

Values of the estimators' ``weighting=`` parameter:

| ``weighting=`` | what it does |
| --- | --- |
| ``None`` | every row weighs 1 (times ``sample_weight``) |
| ``"balanced"`` | ``ClassWeights``: ``n / (n_classes * n_c)`` per class (or per label) |
| ``{class: weight}`` | explicit class weights (``ClassWeights``) |
| ``"effective_number"`` | ``EffectiveNumberWeights`` (Cui et al.) |
| ``"focal"`` | ``FocalLoss`` (Keras' focal losses) |
| ``CostSensitiveWeights(...)`` | class weights from a cost matrix |
| an imbalanced-learn sampler (``fit_resample``) | ``Resampler``, once per fit or ``per_epoch`` |
| ``RecencyWeights(...)`` | exponential decay by time or row order |
| ``InverseVarianceWeights(...)`` | ``1 / variance`` per row |

Semantics shared by all strategies: rows with ``sample_weight`` 0 are removed first; the
user's ``sample_weight`` and the strategy's weights multiply; the final training weights are
normalised to mean 1 over the rows an epoch trains on (``normalize_weights=False`` turns that
off); validation rows are never resampled. Class weighting and resampling shift the class prior
the network learns (``training_prior_``); ``prior_correction=True`` undoes it, except for the
focal term, which has no closed form. Adding a strategy is one module and, for a named one, one
line in ``NAMED_STRATEGIES``.
"""

from .base import NoWeighting, TrainingSet, WeightingStrategy
from .class_weights import ClassWeights
from .cost import CostSensitiveWeights
from .effective_number import EffectiveNumberWeights
from .focal import FocalLoss
from .recency import RecencyWeights
from .registry import NAMED_STRATEGIES, resolve_weighting
from .resample import Resampler
from .variance import InverseVarianceWeights

__all__ = [
    "NAMED_STRATEGIES",
    "ClassWeights",
    "CostSensitiveWeights",
    "EffectiveNumberWeights",
    "FocalLoss",
    "InverseVarianceWeights",
    "NoWeighting",
    "RecencyWeights",
    "Resampler",
    "TrainingSet",
    "WeightingStrategy",
    "resolve_weighting",
]
