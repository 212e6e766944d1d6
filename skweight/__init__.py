"""skweight: scikit-learn estimators around Keras 3 networks, with weighting made explicit."""

from ._quiet import silence_retracing_warning
from .classifier import WeightedKerasClassifier
from .compare import compare_weightings
from .constant import ConstantCostClassifier
from .cost import expected_cost, make_cost_scorer
from .decision import MinimumCostClassifier, cost_threshold, minimum_cost_predict
from .fold_average import FoldAverageClassifier
from .multi_io import MultiInput, MultiOutput
from .regressor import WeightedKerasRegressor
from .result import ComparisonResult
from .rows import LazyRows
from .weighting import (
    ClassWeights,
    CostSensitiveWeights,
    EffectiveNumberWeights,
    FocalLoss,
    InverseVarianceWeights,
    LogitAdjustment,
    NoWeighting,
    RecencyWeights,
    Resampler,
    WeightingStrategy,
)

__version__ = "0.1.0"

silence_retracing_warning()

__all__ = [
    "ClassWeights",
    "ComparisonResult",
    "ConstantCostClassifier",
    "CostSensitiveWeights",
    "EffectiveNumberWeights",
    "FocalLoss",
    "FoldAverageClassifier",
    "InverseVarianceWeights",
    "LazyRows",
    "LogitAdjustment",
    "MinimumCostClassifier",
    "MultiInput",
    "MultiOutput",
    "NoWeighting",
    "RecencyWeights",
    "Resampler",
    "WeightedKerasClassifier",
    "WeightedKerasRegressor",
    "WeightingStrategy",
    "__version__",
    "compare_weightings",
    "cost_threshold",
    "expected_cost",
    "make_cost_scorer",
    "minimum_cost_predict",
]
