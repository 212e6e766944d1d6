"""Section 1b: skweight's compile defaults under the JAX backend (runs on CPU, in a subprocess).

Keras runs a JAX train step op by op unless it is jit-compiled, and Keras' own default
(``jit_compile="auto"``) compiles it on JAX. This section fits the same small MLP with plain
Keras (defaults), skweight at its defaults, and skweight with ``compile__jit_compile="auto"``,
so that a compile default that suits TensorFlow but not JAX shows up without a GPU.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _child(cfg: dict[str, Any]) -> dict[str, Any]:
    import keras

    from benchmarks._common import interleaved, make_data, plain_mlp
    from skweight import WeightedKerasClassifier

    X, y = make_data(cfg["n_rows"], cfg["n_features"], minority=0.1)
    hidden, epochs, batch = tuple(cfg["hidden"]), cfg["epochs"], cfg["batch_size"]

    def plain():
        keras.utils.set_random_seed(0)
        model = plain_mlp(X.shape[1], hidden)
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(X, y, epochs=epochs, batch_size=batch, verbose=0)

    def skweight(**params):
        return lambda: WeightedKerasClassifier(
            hidden_layer_sizes=hidden, epochs=epochs, batch_size=batch, random_state=0, **params
        ).fit(X, y)

    contenders = {
        "plain_keras": plain,
        "skweight (defaults)": skweight(),
        "skweight compile__jit_compile='auto'": skweight(compile__jit_compile="auto"),
    }
    return {
        "backend": keras.backend.backend(),
        **interleaved(contenders, cfg["repeats"], "plain_keras"),
    }


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    """Run the comparison in a fresh process with ``KERAS_BACKEND=jax``.

    Parameters
    ----------
    cfg : dict
        ``n_rows``, ``n_features``, ``hidden``, ``epochs``, ``batch_size``, ``repeats``.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KERAS_BACKEND": "jax"}
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_jax", json.dumps(cfg)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"config": cfg, "error": proc.stderr.strip().splitlines()[-1:]}
    timings = json.loads(lines[-1])
    for label, t in timings.items():
        if isinstance(t, dict):
            print(f"  jax {label}: ratio to plain {t['ratio']:.2f}", flush=True)
    return {"config": cfg, "timings": timings}


if __name__ == "__main__":
    print(json.dumps(_child(json.loads(sys.argv[1]))), flush=True)
