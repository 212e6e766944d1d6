"""Weighting strategies: how classes and rows are weighted in the Keras loss.

Values of the estimators' ``weighting=`` parameter:

| value | strategy |
| --- | --- |
| ``None`` | every row weighs 1 (times ``sample_weight``), ``NoWeighting`` |
| ``"balanced"`` | ``n / (n_classes * n_c)`` per class, or per label (``ClassWeights``) |
| ``{class: weight}`` | explicit class weights (``ClassWeights``) |
| ``"effective_number"`` | ``EffectiveNumberWeights`` (Cui et al.) |
| ``"focal"`` | ``FocalLoss`` (Keras' focal losses) |
| ``"logit-adjusted"``, ``"balanced-softmax"`` | ``LogitAdjustment`` (Menon et al.) |
| ``CostSensitiveWeights`` | class weights from a cost matrix |
| imbalanced-learn sampler (``fit_resample``) | ``Resampler``, once or ``per_epoch`` |
| ``RecencyWeights`` | exponential decay by time or row order |
| ``InverseVarianceWeights`` | ``1 / variance`` per row |

Semantics shared by all strategies (``WeightingStrategy.prepare``, the one template method):
rows with ``sample_weight`` 0 are removed first; the user's ``sample_weight`` and the strategy's
weights multiply; the final training weights are normalised to mean 1 over the rows an epoch
trains on (``normalize_weights=False`` turns that off); validation rows are never resampled.
Class weighting and resampling shift the class prior the network learns (``training_prior_``);
``prior_correction=True`` undoes it (for the logit adjustment too), except for the focal term,
which has no closed form.

Adding a strategy is one new module in this package whose class carries
``@register_strategy(...)`` (``skweight.weighting.registry``); the ``weighting=`` names, the
comparison's candidates, the command line, saving and the contract tests pick it up from there.
Its parameters are declared in ``_parameter_constraints`` with ``Interval``, ``Options``,
``Bool`` and ``Satisfies``; ``examples/custom_strategy.py`` writes one from scratch.
"""

from .._params import Bool, Interval, Options, Satisfies
from .base import PerClassWeights, TrainingSet, WeightingStrategy
from .registry import named_strategies, register_strategy, registered_strategies, resolve_weighting

# isort: off
# The strategies register in this order, which is the order of compare_weightings' default
# candidates; a module not imported here registers after them (see registry.py).
from .no_weighting import NoWeighting
from .class_weights import ClassWeights
from .focal import FocalLoss
from .logit_adjustment import LogitAdjustment
from .resample import Resampler
from .cost_sensitive import CostSensitiveWeights
from .effective_number import EffectiveNumberWeights
from .recency import RecencyWeights
from .variance import InverseVarianceWeights

# isort: on

__all__ = [
    "Bool",
    "ClassWeights",
    "CostSensitiveWeights",
    "EffectiveNumberWeights",
    "FocalLoss",
    "Interval",
    "InverseVarianceWeights",
    "LogitAdjustment",
    "NoWeighting",
    "Options",
    "PerClassWeights",
    "RecencyWeights",
    "Resampler",
    "Satisfies",
    "TrainingSet",
    "WeightingStrategy",
    "named_strategies",
    "register_strategy",
    "registered_strategies",
    "resolve_weighting",
]
