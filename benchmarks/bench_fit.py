"""Section 1: fit time of skweight against plain Keras and SciKeras, per weighting strategy.

Each contender fits a fresh 64x64 MLP for the same epochs and batch size on the same rows. The
plain Keras contender compiles with Keras' defaults (what a Keras user writes) and receives the
sample weights (and resampled rows) that skweight's strategy produces, so the only difference
is the wrapper. A second table sweeps ``steps_per_execution`` and ``jit_compile`` to check
skweight's ``default_compile_kwargs()``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import equivalent_training_set, have_scikeras, interleaved, make_data, plain_mlp


def candidate_strategies() -> dict[str, Any]:
    """Every ``weighting=`` value skweight accepts at run time, keyed by a readable label.

    Named strategies come from ``named_strategies()``; a class-weight dict, imbalanced-learn
    samplers and a per-epoch ``Resampler`` are added when skweight accepts them.
    """
    from imblearn.over_sampling import RandomOverSampler
    from imblearn.under_sampling import RandomUnderSampler

    from skweight import weighting as wmod

    candidates: dict[str, Any] = {name: name for name in wmod.named_strategies()}
    candidates["dict {1: 5}"] = {1: 5.0}
    candidates["RandomOverSampler"] = RandomOverSampler(random_state=0)
    candidates["RandomUnderSampler"] = RandomUnderSampler(random_state=0)
    if hasattr(wmod, "Resampler"):
        try:
            candidates["Resampler(per_epoch)"] = wmod.Resampler(
                RandomOverSampler(random_state=0), per_epoch=True
            )
        except TypeError:
            pass
    accepted = {}
    for label, value in candidates.items():
        try:
            wmod.resolve_weighting(value)
        except (TypeError, ValueError):
            continue
        accepted[label] = value
    return accepted


def _contenders(weighting, X, y, cfg, compile_kwargs=None, with_scikeras=True):
    import keras

    from skweight import WeightedKerasClassifier

    hidden, epochs, batch = tuple(cfg["hidden"]), cfg["epochs"], cfg["batch_size"]
    X_t, y_t, w, loss = equivalent_training_set(weighting, X, y)
    y_t = y_t.astype("float32").reshape(-1, 1)

    def plain():
        keras.utils.set_random_seed(0)
        model = plain_mlp(X.shape[1], hidden)
        model.compile(optimizer="adam", loss=loss)
        model.fit(X_t, y_t, sample_weight=w, epochs=epochs, batch_size=batch, verbose=0)

    def skweight():
        params = {f"compile__{k}": v for k, v in (compile_kwargs or {}).items()}
        WeightedKerasClassifier(
            hidden_layer_sizes=hidden,
            weighting=weighting,
            epochs=epochs,
            batch_size=batch,
            random_state=0,
            **params,
        ).fit(X, y)

    contenders = {"plain_keras": plain, "skweight": skweight}
    if with_scikeras and have_scikeras():
        from scikeras.wrappers import KerasClassifier

        def scikeras():
            clf = KerasClassifier(
                model=plain_mlp,
                model__n_features=X.shape[1],
                model__hidden=hidden,
                loss=loss,
                optimizer="adam",
                epochs=epochs,
                batch_size=batch,
                verbose=0,
                random_state=0,
            )
            clf.fit(X_t, y_t.ravel(), sample_weight=None if w is None else w.copy())

        contenders["scikeras"] = scikeras
    return contenders


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    """Time fits per strategy and the compile-settings sweep.

    Parameters
    ----------
    cfg : dict
        ``n_rows``, ``n_features``, ``hidden``, ``epochs``, ``batch_size``, ``repeats``,
        ``strategies`` (max number, None for all), ``sweep`` (list of compile-kwargs dicts).

    Returns
    -------
    dict
        ``strategies``: per strategy, seconds and ratios to plain Keras;
        ``compile_sweep``: per compile setting, skweight's ratio to plain Keras.
    """
    from skweight.base import default_compile_kwargs

    X, y = make_data(cfg["n_rows"], cfg["n_features"], minority=0.1)
    strategies = candidate_strategies()
    if cfg.get("strategies"):
        strategies = dict(list(strategies.items())[: cfg["strategies"]])
    per_strategy = {}
    for label, weighting in strategies.items():
        timings = interleaved(_contenders(weighting, X, y, cfg), cfg["repeats"], "plain_keras")
        per_strategy[label] = timings
        print(f"  fit {label}: skweight/plain = {timings['skweight']['ratio']:.2f}", flush=True)

    sweep = {}
    for kwargs in cfg["sweep"]:
        label = ", ".join(f"{k}={v}" for k, v in kwargs.items())
        contenders = _contenders("balanced", X, y, cfg, kwargs, with_scikeras=False)
        sweep[label] = interleaved(contenders, cfg["repeats"], "plain_keras")["skweight"]
        sweep[label]["settings"] = kwargs
        print(f"  sweep {label}: skweight/plain = {sweep[label]['ratio']:.2f}", flush=True)

    ratios = [t["skweight"]["ratio"] for t in per_strategy.values()]
    return {
        "config": {k: v for k, v in cfg.items() if k != "sweep"},
        "default_compile_kwargs": default_compile_kwargs(),
        "n_positive": int(np.sum(y)),
        "strategies": per_strategy,
        "compile_sweep": sweep,
        "goal": "skweight fit time / plain Keras fit time <= 1.00 at defaults, every strategy",
        "goal_met": bool(ratios) and max(ratios) <= 1.0,
    }
