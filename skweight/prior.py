"""Prior correction: undo the class-prior shift that weighting and resampling cause.

A network trained on rows whose class mix is ``training_prior`` estimates
``q(c|x) ∝ p(x|c) · training_prior[c]``. Under the real class mix ``class_prior`` the
probability is ``p(c|x) ∝ q(c|x) · class_prior[c] / training_prior[c]``, renormalised over the
classes (Saerens et al., 2002; Elkan, 2001). Weighting every row of class ``c`` by ``w_c``
gives ``training_prior[c] ∝ class_prior[c] · w_c``, so the correction divides by ``w_c``.

Focal loss reshapes the loss per row rather than per class; it has no closed-form correction.
"""

from __future__ import annotations

import numpy as np


def correct_prior(
    proba: np.ndarray, class_prior: np.ndarray, training_prior: np.ndarray
) -> np.ndarray:
    """Return ``proba`` re-weighted from ``training_prior`` to ``class_prior``.

    See also the guide page [How do I decide by cost?](cost-decisions.md).

    Parameters
    ----------
    proba : ndarray of shape (n_samples, n_classes) or (n_samples, ..., n_classes)
        Probabilities of a model trained under ``training_prior`` (classes on the last axis,
        so that dense probabilities, one row of classes per pixel, are corrected per pixel).
    class_prior, training_prior : ndarray of shape (n_classes,)
        The real class mix and the mix the model was trained on.
    """
    class_prior = np.asarray(class_prior, dtype=np.float64)
    training_prior = np.asarray(training_prior, dtype=np.float64)
    ratio = np.divide(
        class_prior, training_prior, out=np.zeros_like(class_prior), where=training_prior > 0
    )
    proba = np.asarray(proba, dtype=np.float64)
    if ratio[0] > 0 and np.all(ratio == ratio[0]):  # trained on the real mix: nothing to undo
        return proba
    adjusted = proba * ratio
    total = adjusted.sum(axis=-1, keepdims=True)
    uniform = np.full_like(adjusted, 1 / adjusted.shape[-1])
    return np.divide(adjusted, total, out=uniform, where=total > 0)
