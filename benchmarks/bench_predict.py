"""Section 2: ``predict_proba`` latency (1 and 100 rows) and throughput (20k and 1M rows).

skweight's ``predict_proba`` is compared with the same trained Keras model called through
``predict_on_batch``, ``model(x)``, ``model.predict(batch_size=8192)`` and with SciKeras'
``predict_proba`` on a model of the same architecture.
"""

from __future__ import annotations

import statistics
from typing import Any

from ._common import have_scikeras, make_data, median_call_time, plain_mlp, timed


def _fit_models(cfg):
    import keras

    from skweight import WeightedKerasClassifier

    X, y = make_data(cfg["n_train"], cfg["n_features"])
    est = WeightedKerasClassifier(
        hidden_layer_sizes=tuple(cfg["hidden"]), epochs=1, random_state=0
    ).fit(X, y)
    scikeras = None
    if have_scikeras():
        from scikeras.wrappers import KerasClassifier

        scikeras = KerasClassifier(
            model=plain_mlp,
            model__n_features=X.shape[1],
            model__hidden=tuple(cfg["hidden"]),
            loss="binary_crossentropy",
            optimizer="adam",
            epochs=1,
            verbose=0,
            random_state=0,
        ).fit(X, y)
    keras.utils.set_random_seed(0)
    return est, scikeras


def _methods(est, scikeras, large: bool) -> dict[str, Any]:
    model = est.model_
    methods = {
        "skweight.predict_proba": est.predict_proba,
        "model.predict_on_batch": model.predict_on_batch,
        "model.predict(batch_size=8192)": lambda x: model.predict(x, batch_size=8192, verbose=0),
    }
    if not large:
        methods["model(x)"] = lambda x: model(x, training=False)
    if scikeras is not None:
        methods["scikeras.predict_proba"] = scikeras.predict_proba
    return methods


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    """Measure latency and throughput.

    Parameters
    ----------
    cfg : dict
        ``n_train``, ``n_features``, ``hidden``, ``latency_rows`` (list), ``latency_calls``,
        ``slow_calls`` (calls for the slow methods), ``throughput_rows`` (list),
        ``throughput_repeats``, ``scikeras_max_rows`` (skip SciKeras above this size).

    Returns
    -------
    dict
        ``latency_ms[rows][method]`` (median ms per call), ``throughput[rows][method]``
        (median seconds and rows per second), and the goals.
    """
    est, scikeras = _fit_models(cfg)
    latency: dict[str, dict[str, float]] = {}
    for n_rows in cfg["latency_rows"]:
        X, _ = make_data(n_rows, cfg["n_features"], seed=1)
        latency[str(n_rows)] = {}
        for name, method in _methods(est, scikeras, large=False).items():
            slow = name.startswith(("model.predict(", "scikeras"))
            calls = cfg["slow_calls"] if slow else cfg["latency_calls"]
            seconds = median_call_time(lambda m=method, x=X: m(x), calls)
            latency[str(n_rows)][name] = 1000.0 * seconds
            print(f"  latency {n_rows} rows {name}: {1000 * seconds:.3f} ms", flush=True)

    throughput: dict[str, dict[str, dict[str, float]]] = {}
    for n_rows in cfg["throughput_rows"]:
        X, _ = make_data(n_rows, cfg["n_features"], seed=2)
        throughput[str(n_rows)] = {}
        for name, method in _methods(est, scikeras, large=True).items():
            if name.startswith("scikeras") and n_rows > cfg["scikeras_max_rows"]:
                continue
            repeats = 1 if name.startswith("scikeras") else cfg["throughput_repeats"]
            method(X[: min(n_rows, 1024)])  # warm up
            seconds = statistics.median(
                timed(lambda m=method, x=X: m(x))[0] for _ in range(repeats)
            )
            throughput[str(n_rows)][name] = {"seconds": seconds, "rows_per_s": n_rows / seconds}
            print(f"  throughput {n_rows} rows {name}: {seconds:.3f} s", flush=True)

    one_row = latency.get("1", {}).get("skweight.predict_proba")
    large_ok = []
    for sizes in throughput.values():
        reference = sizes["model.predict(batch_size=8192)"]["seconds"]
        large_ok.append(sizes["skweight.predict_proba"]["seconds"] <= reference)
    return {
        "config": cfg,
        "latency_ms": latency,
        "throughput": throughput,
        "goals": {
            "one_row_le_1ms": one_row is not None and one_row <= 1.0,
            "large_at_least_as_fast_as_model_predict": bool(large_ok) and all(large_ok),
        },
    }
