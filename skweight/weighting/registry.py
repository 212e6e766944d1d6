"""Resolve the ``weighting=`` parameter into a strategy object.

Names map to factories here; adding a named strategy is one line in ``NAMED_STRATEGIES``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sklearn.base import clone

from .base import NoWeighting, WeightingStrategy
from .class_weights import ClassWeights
from .effective_number import EffectiveNumberWeights
from .focal import FocalLoss
from .resample import Resampler, is_sampler

#: Names accepted by ``weighting=`` and the strategy each one stands for.
NAMED_STRATEGIES: dict[str, Callable[[], WeightingStrategy]] = {
    "none": NoWeighting,
    "balanced": lambda: ClassWeights("balanced"),
    "effective_number": EffectiveNumberWeights,
    "focal": FocalLoss,
}


def resolve_weighting(weighting: Any) -> WeightingStrategy:
    """Return a fresh strategy object for a value of ``weighting=``.

    Accepts None, a registered name, a ``{class: weight}`` dict, a
    ``skweight.weighting.WeightingStrategy`` instance (cloned, never modified), or an
    object with ``fit_resample`` such as an imbalanced-learn sampler (wrapped in
    ``skweight.weighting.Resampler``, which clones it at every fit).
    """
    if weighting is None:
        return NoWeighting()
    if isinstance(weighting, str):
        factory = NAMED_STRATEGIES.get(weighting.lower())
        if factory is None:
            raise ValueError(
                f"weighting={weighting!r} is not a known strategy; valid names are "
                f"{sorted(NAMED_STRATEGIES)}, or pass None, a {{class: weight}} dict or a "
                "strategy object."
            )
        return factory()
    if isinstance(weighting, Mapping):
        return ClassWeights(dict(weighting))
    if isinstance(weighting, WeightingStrategy):
        return clone(weighting)
    if is_sampler(weighting):
        return Resampler(weighting)
    raise TypeError(
        "weighting must be None, one of "
        f"{sorted(NAMED_STRATEGIES)}, a {{class: weight}} dict, a WeightingStrategy or a "
        "sampler with fit_resample; "
        f"got {type(weighting).__name__}."
    )
