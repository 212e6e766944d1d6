"""No weighting: every row weighs the same (only the user's ``sample_weight`` applies)."""

from __future__ import annotations

from .base import WeightingStrategy
from .registry import Candidate, register_strategy


@register_strategy(
    names={"none": lambda: NoWeighting()},
    candidates=[Candidate("none", simplicity=1, make=lambda cost_matrix, random_state: None)],
    examples=lambda: [NoWeighting()],
)
class NoWeighting(WeightingStrategy):
    """Every row weighs the same (only the user's ``sample_weight`` applies).

    See also the guide page [How do weights enter the loss?](weights-in-the-loss.md).
    """

    supports_dense_targets = True
