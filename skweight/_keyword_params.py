"""Parameters beyond the constructor's own: routed (``optimizer__learning_rate``) and the build
function's (``hidden_layer_dim``, SciKeras' bare keywords).

``KeywordParams`` is a base class of the estimators. The constructor keeps these keywords in
``_routed_params``; ``get_params`` lists them and ``set_params`` updates them, so ``clone`` and
searches treat them as any parameter. A subclass that declares a routed parameter in its own
``__init__`` (SciKeras' subclassing pattern) has it routed too, and one whose ``__init__``
passes ``**kwargs`` on keeps the base class's parameters in ``get_params``.
"""

from __future__ import annotations

import inspect
from typing import Any

from sklearn.base import BaseEstimator

from ._routing import is_routed

__all__ = ["KeywordParams"]


class KeywordParams:
    """Keyword-parameter handling shared by the estimators (see the module docstring)."""

    @classmethod
    def _base(cls) -> type:
        """``BaseWeightedKeras``, whose constructor holds the estimators' own parameters."""
        from .base import BaseWeightedKeras

        return BaseWeightedKeras

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        params = super().get_params(deep=deep)
        params.update(self._routed_params)
        return params

    @classmethod
    def _get_param_names(cls):
        """The constructor's parameters; a subclass whose ``__init__`` passes ``**kwargs`` on
        (SciKeras' subclassing pattern) also keeps the base class's, so that ``clone`` and
        searches see every parameter it was given."""
        names = set(super()._get_param_names())
        init = cls.__init__
        base = KeywordParams._base()
        if init is not base.__init__ and any(
            p.kind is p.VAR_KEYWORD for p in inspect.signature(init).parameters.values()
        ):
            names |= set(BaseEstimator._get_param_names.__func__(base))
        return sorted(names)

    def _keyword_params(self) -> dict[str, Any]:
        """The routed and build-function keyword parameters, those a subclass declares in its
        ``__init__`` (``optimizer__learning_rate=0.001``) included."""
        declared = BaseEstimator.get_params(self, deep=False)
        return {**{k: v for k, v in declared.items() if is_routed(k)}, **self._routed_params}

    def set_params(self, **params):
        own = set(super().get_params(deep=False))
        routed_updates = {
            key: value
            for key, value in params.items()
            if is_routed(key) or (key not in own and key in self._routed_params)
        }
        if routed_updates:
            self._routed_params = {**self._routed_params, **routed_updates}
        rest = {key: value for key, value in params.items() if key not in routed_updates}
        return super().set_params(**rest) if rest else self
