"""Class-balanced weights by the effective number of samples (Cui et al., 2019)."""

from __future__ import annotations

import numbers

import numpy as np

from .._params import Interval
from .base import PerClassWeights
from .registry import register_strategy


@register_strategy(
    names={"effective_number": lambda: EffectiveNumberWeights()},
    examples=lambda: [EffectiveNumberWeights(beta=0.99)],
)
class EffectiveNumberWeights(PerClassWeights):
    """Weight class ``c`` in proportion to ``(1 - beta) / (1 - beta ** n_c)``.

    ``n_c`` is the number of training rows of class ``c`` (rows with ``sample_weight`` 0 not
    counted). ``1 - beta ** n_c`` over ``1 - beta`` is the "effective number" of samples: it
    grows like ``n_c`` for small classes and saturates at ``1 / (1 - beta)``, so ``beta=0``
    weighs every class the same and ``beta -> 1`` approaches inverse class frequency
    ("balanced"). The weights are scaled to sum to the number of classes, as in the paper.

    See also the guide page [Which strategy should I choose?](choosing-a-strategy.md).

    Parameters
    ----------
    beta : float in [0, 1), default=0.999

    References
    ----------
    Cui, Jia, Lin, Song and Belongie, "Class-Balanced Loss Based on Effective Number of
    Samples", CVPR 2019.
    """

    _parameter_constraints = {"beta": [Interval(numbers.Real, 0, 1, closed="left")]}

    def __init__(self, beta: float = 0.999):
        self.beta = beta

    def class_weight_vector(self, y: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """Return the weight of each class, in the order of ``classes``."""
        return self.class_weight_from_counts(np.bincount(y, minlength=len(classes)), classes)

    def class_weight_from_counts(self, counts: np.ndarray, classes: np.ndarray) -> np.ndarray:
        """The weights from the classes' counts."""
        counts = np.asarray(counts, dtype=np.float64)
        present = counts > 0
        weights = np.ones(len(classes))
        weights[present] = (1.0 - self.beta) / (1.0 - float(self.beta) ** counts[present])
        return weights * present.sum() / weights[present].sum()
