"""Weighting strategies: how classes and rows are weighted in the Keras loss."""

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
