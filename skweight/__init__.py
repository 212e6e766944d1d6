"""skweight: scikit-learn estimators around Keras 3 networks, with weighting made explicit."""

from ._quiet import silence_retracing_warning
from .classifier import WeightedKerasClassifier
from .regressor import WeightedKerasRegressor
from .weighting import (
    ClassWeights,
    CostSensitiveWeights,
    EffectiveNumberWeights,
    FocalLoss,
    InverseVarianceWeights,
    NoWeighting,
    RecencyWeights,
    Resampler,
    WeightingStrategy,
)

__version__ = "0.1.0"

silence_retracing_warning()

__all__ = [
    "ClassWeights",
    "CostSensitiveWeights",
    "EffectiveNumberWeights",
    "FocalLoss",
    "InverseVarianceWeights",
    "NoWeighting",
    "RecencyWeights",
    "Resampler",
    "WeightedKerasClassifier",
    "WeightedKerasRegressor",
    "WeightingStrategy",
    "__version__",
]
