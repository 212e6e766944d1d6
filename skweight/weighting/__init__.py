"""Weighting strategies: how classes and rows are weighted in the Keras loss."""

from .base import NoWeighting, TrainingSet, WeightingStrategy
from .class_weights import ClassWeights
from .registry import NAMED_STRATEGIES, resolve_weighting

__all__ = [
    "NAMED_STRATEGIES",
    "ClassWeights",
    "NoWeighting",
    "TrainingSet",
    "WeightingStrategy",
    "resolve_weighting",
]
