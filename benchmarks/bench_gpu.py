"""Section 5: training throughput on a GPU with the JAX backend (run on a machine with a GPU).

1M x 64 rows, 512x512 MLP, 2 epochs, batch 1024. Samples per second of plain Keras (no
weights), SciKeras (none and ``class_weight="balanced"``) and skweight with None, "balanced",
focal loss and over-sampling, plus ``predict_proba`` on all rows against
``model.predict(batch_size=8192)``. Both the whole fit (compilation included) and the last
epoch alone (steady state) are reported.

Run it on its own, so that the backend is chosen before Keras is imported::

    python benchmarks/bench_gpu.py --out benchmarks/results_gpu.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ["KERAS_BACKEND"] = "jax"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import have_scikeras, machine, make_data, plain_mlp  # noqa: E402


def _epoch_timer():
    import keras

    class EpochTimer(keras.callbacks.Callback):
        """Record the wall time of every epoch."""

        def on_train_begin(self, logs=None):
            self.times = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self._start)

    return EpochTimer()


def main(argv=None) -> dict:
    """Run the GPU section and write its JSON; returns the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=64)
    parser.add_argument("--hidden", type=int, nargs="+", default=[512, 512])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--out", default=str(Path(__file__).with_name("results_gpu.json")))
    args = parser.parse_args(argv)

    import jax
    import keras
    from imblearn.over_sampling import RandomOverSampler

    from skweight import WeightedKerasClassifier
    from skweight import weighting as wmod

    X, y = make_data(args.rows, args.features, minority=0.1)
    hidden, epochs, batch = tuple(args.hidden), args.epochs, args.batch_size
    results: dict = {"machine": {**machine(), "jax_devices": [str(d) for d in jax.devices()]}}
    fits: dict = {}

    def record(label, seconds, timer, n_rows):
        fits[label] = {
            "seconds": seconds,
            "samples_per_s": n_rows * epochs / seconds,
            "last_epoch_samples_per_s": n_rows / timer.times[-1],
        }
        print(f"{label}: {fits[label]['samples_per_s']:,.0f} samples/s", flush=True)

    keras.utils.set_random_seed(0)
    timer, start = _epoch_timer(), time.perf_counter()
    model = plain_mlp(args.features, hidden)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(X, y, epochs=epochs, batch_size=batch, verbose=0, callbacks=[timer])
    record("plain_keras", time.perf_counter() - start, timer, len(y))

    if have_scikeras():
        from scikeras.wrappers import KerasClassifier

        for class_weight in (None, "balanced"):
            timer, start = _epoch_timer(), time.perf_counter()
            sk = KerasClassifier(
                model=plain_mlp,
                model__n_features=args.features,
                model__hidden=hidden,
                loss="binary_crossentropy",
                optimizer="adam",
                epochs=epochs,
                batch_size=batch,
                verbose=0,
                class_weight=class_weight,
                callbacks=[timer],
                random_state=0,
            ).fit(X, y)
            record(
                f"scikeras class_weight={class_weight}", time.perf_counter() - start, timer, len(y)
            )

    strategies: dict = {"None": None, "balanced": "balanced"}
    if "focal" in wmod.NAMED_STRATEGIES:
        strategies["focal"] = "focal"
    for label, value in (
        ("RandomOverSampler", RandomOverSampler(random_state=0)),
        ("Resampler(per_epoch)", getattr(wmod, "Resampler", None)),
    ):
        try:
            if label.startswith("Resampler"):
                value = value(RandomOverSampler(random_state=0), per_epoch=True)
            wmod.resolve_weighting(value)
            strategies[label] = value
        except (TypeError, ValueError):
            continue
    est = None
    for label, weighting in strategies.items():
        timer, start = _epoch_timer(), time.perf_counter()
        est = WeightedKerasClassifier(
            hidden_layer_sizes=hidden,
            weighting=weighting,
            epochs=epochs,
            batch_size=batch,
            callbacks=[timer],
            random_state=0,
        ).fit(X, y)
        # Throughput is counted in the user's rows, whatever a resampler trains on.
        record(f"skweight weighting={label}", time.perf_counter() - start, timer, len(y))
    results["fit"] = fits

    predict = {}  # each method runs once untimed first, so compilation is not counted
    est.predict_proba(X)
    start = time.perf_counter()
    est.predict_proba(X)
    predict["skweight.predict_proba"] = time.perf_counter() - start
    est.model_.predict(X, batch_size=8192, verbose=0)
    start = time.perf_counter()
    est.model_.predict(X, batch_size=8192, verbose=0)
    predict["model.predict(batch_size=8192)"] = time.perf_counter() - start
    if have_scikeras():
        sk.predict_proba(X[:1024])
        start = time.perf_counter()
        sk.predict_proba(X)
        predict["scikeras.predict_proba"] = time.perf_counter() - start
    results["predict_seconds_all_rows"] = predict
    reference = fits["plain_keras"]["samples_per_s"]
    results["goal"] = "skweight with any weighting >= plain Keras without weights (samples/s)"
    results["goal_met"] = all(
        v["samples_per_s"] >= reference for k, v in fits.items() if k.startswith("skweight")
    )
    results["config"] = vars(args)
    Path(args.out).write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
