"""A scikit-learn regressor around a Keras 3 network."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin

from .base import BaseWeightedKeras
from .persistence import register_savable


@register_savable
class WeightedKerasRegressor(RegressorMixin, BaseWeightedKeras):
    """Keras 3 regressor; ``y`` may have one column or several (multi-output).

    The default loss is mean squared error on a linear output layer. See
    ``skweight.base.BaseWeightedKeras`` for the parameters.

    Attributes
    ----------
    n_outputs_ : int
    target_type_ : str
        ``"continuous"`` (``y`` of shape (n_samples,)) or ``"continuous-multioutput"`` (``y``
        of shape (n_samples, n_outputs), which ``predict`` returns).
    n_features_in_ : int
    model_ : keras.Model
    weighting_ : WeightingStrategy
    history_ : dict of list
    """

    _target_validation_kwargs = {"multi_output": True, "y_numeric": True}

    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch, continuing from the current network if there is one."""
        return self._fit(X, y, sample_weight, epochs=1, warm=True)

    def predict(self, X) -> np.ndarray:
        """Return predictions of shape (n_samples,) or (n_samples, n_outputs)."""
        outputs = self._forward(X).astype(np.float64)
        return outputs if self.target_type_ == "continuous-multioutput" else outputs[:, 0]

    # ------------------------------------------------------------------ hooks
    def _encode_target(self, y, *, reset: bool, classes=None) -> np.ndarray:
        y = np.asarray(y, dtype="float32")
        if reset:
            self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
            self.target_type_ = "continuous" if y.ndim == 1 else "continuous-multioutput"
        elif (1 if y.ndim == 1 else y.shape[1]) != self.n_outputs_:
            raise ValueError(
                f"y has {1 if y.ndim == 1 else y.shape[1]} output column(s); the fitted network "
                f"has {self.n_outputs_}."
            )
        return y.reshape(len(y), -1)

    def _output_spec(self) -> tuple[int, None]:
        return self.n_outputs_, None

    def _allowed_output_units(self) -> tuple[int, ...]:
        return (self.n_outputs_,)

    def _target_summary(self) -> str:
        return f"{self.n_outputs_} regression target(s)"

    def _default_loss(self) -> str:
        return "mse"

    def _keras_target(self, y: np.ndarray, one_hot: bool) -> np.ndarray:
        return y

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
