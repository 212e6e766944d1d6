"""Section 5: training throughput on a GPU with the JAX backend (run on a machine with a GPU).

1M x 64 rows, 512x512 MLP, 2 epochs, batch 1024. Samples per second of plain Keras (no
weights), SciKeras (none and ``class_weight="balanced"``) and skweight with None, "balanced",
focal loss and over-sampling, plus ``predict_proba`` against ``model.predict(batch_size=8192)``.
An untimed warm-up fit absorbs the process's one-off start-up (CUDA, cuBLAS, autotuning), so the
first contender is not charged for it; then every contender runs ``--repeats`` times in rotating
order. Both the whole fit (the model's compilation included) and the last epoch alone (steady
state) are reported, in the user's rows per second and, for resamplers, in rows trained on.

Run it on its own, so that the backend is chosen before Keras is imported::

    python benchmarks/bench_gpu.py --out benchmarks/results_gpu.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", default=str(Path(__file__).with_name("results_gpu.json")))
    args = parser.parse_args(argv)

    import jax
    import keras
    import numpy as np
    from imblearn.over_sampling import RandomOverSampler

    from skweight import WeightedKerasClassifier
    from skweight.weighting import Resampler

    X, y = make_data(args.rows, args.features, minority=0.1)
    hidden, epochs, batch = tuple(args.hidden), args.epochs, args.batch_size
    balanced_rows = 2 * int(np.bincount(y).max())  # rows per epoch after random over-sampling
    devices = jax.devices()
    results: dict = {
        "machine": {
            **machine(),
            "jax_devices": [str(d) for d in devices],
            "device_kind": devices[0].device_kind,
        }
    }
    results["config"] = vars(args)
    runs: dict[str, list[tuple[float, float]]] = {}
    out = Path(args.out)

    def save():  # after every fit, so a run cut short still leaves its figures
        results["fit"] = {label: _summary(times, len(y), epochs) for label, times in runs.items()}
        for label, summary in results["fit"].items():
            if "RandomOverSampler" in label:
                summary["trained_rows_per_epoch"] = balanced_rows
                summary["last_epoch_trained_rows_per_s"] = (
                    balanced_rows / len(y) * summary["last_epoch_samples_per_s"]
                )
        out.write_text(json.dumps(results, indent=2))

    def plain(compile_kwargs):
        def fit(timer):
            model = plain_mlp(args.features, hidden)
            model.compile(optimizer="adam", loss="binary_crossentropy", **compile_kwargs)
            model.fit(X, y, epochs=epochs, batch_size=batch, verbose=0, callbacks=[timer])
            return model

        return fit

    def scikeras(class_weight):
        def fit(timer):
            from scikeras.wrappers import KerasClassifier

            return KerasClassifier(
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

        return fit

    def skweight(weighting):
        def fit(timer):
            return WeightedKerasClassifier(
                hidden_layer_sizes=hidden,
                weighting=weighting,
                epochs=epochs,
                batch_size=batch,
                callbacks=[timer],
                random_state=0,
            ).fit(X, y)

        return fit

    contenders = {
        "plain_keras": plain({}),
        "plain_keras steps_per_execution=32": plain({"steps_per_execution": 32}),
    }
    if have_scikeras():
        contenders["scikeras class_weight=None"] = scikeras(None)
        contenders["scikeras class_weight=balanced"] = scikeras("balanced")
    contenders.update(
        {
            "skweight weighting=None": skweight(None),
            "skweight weighting=balanced": skweight("balanced"),
            "skweight weighting=focal": skweight("focal"),
            "skweight weighting=RandomOverSampler": skweight(RandomOverSampler(random_state=0)),
            "skweight weighting=Resampler(RandomOverSampler, per_epoch)": skweight(
                Resampler(RandomOverSampler(random_state=0), per_epoch=True)
            ),
        }
    )

    keras.utils.set_random_seed(0)
    warm = plain_mlp(args.features, hidden)
    warm.compile(optimizer="adam", loss="binary_crossentropy")
    warm.fit(X[: 64 * batch], y[: 64 * batch], batch_size=batch, verbose=0)
    fitted: dict = {}
    names = list(contenders)
    for rep in range(args.repeats):
        for label in names[rep % len(names) :] + names[: rep % len(names)]:
            keras.utils.set_random_seed(rep)
            timer, start = _epoch_timer(), time.perf_counter()
            fitted[label] = contenders[label](timer)
            runs.setdefault(label, []).append((time.perf_counter() - start, timer.times[-1]))
            print(f"{label}: {len(y) * epochs / runs[label][-1][0]:,.0f} samples/s", flush=True)
            save()

    est = fitted["skweight weighting=None"]
    predictors = {
        "skweight.predict_proba": est.predict_proba,
        "model.predict(batch_size=8192)": lambda Z: est.model_.predict(
            Z, batch_size=8192, verbose=0
        ),
        "model.predict_on_batch": est.model_.predict_on_batch,
    }
    if "scikeras class_weight=None" in fitted:
        predictors["scikeras.predict_proba"] = fitted["scikeras class_weight=None"].predict_proba
    predict: dict = {}
    for n_rows in (1, 20_000, len(y)):
        for label, func in predictors.items():
            if label == "model.predict_on_batch" and n_rows > 20_000:
                continue  # one call on every row at once is not what a user runs
            predict.setdefault(label, {})[str(n_rows)] = _best_time(func, X[:n_rows])
        results["predict_seconds"] = predict
        save()
    reference = results["fit"]["plain_keras"]["samples_per_s"]
    skw = {k: v for k, v in results["fit"].items() if k.startswith("skweight")}
    results["goal"] = "skweight with any weighting >= plain Keras without weights (samples/s)"
    results["goal_met"] = all(v["samples_per_s"] >= reference for v in skw.values())
    results["goal_stretch"] = "skweight >= 2x plain Keras without weights (samples/s)"
    results["goal_stretch_met"] = all(v["samples_per_s"] >= 2 * reference for v in skw.values())
    save()
    return results


def _summary(times: list[tuple[float, float]], n_rows: int, epochs: int) -> dict:
    """Median whole-fit and last-epoch throughput over the repeats."""
    whole = statistics.median(t for t, _ in times)
    last = statistics.median(t for _, t in times)
    return {
        "seconds": whole,
        "samples_per_s": n_rows * epochs / whole,
        "last_epoch_samples_per_s": n_rows / last,
        "repeats": len(times),
    }


def _best_time(func, rows, calls: int = 3) -> float:
    """Fastest of ``calls`` timed ``func(rows)`` after one untimed call (which compiles)."""
    func(rows)
    best = float("inf")
    for _ in range(calls):
        start = time.perf_counter()
        func(rows)
        best = min(best, time.perf_counter() - start)
    return best


if __name__ == "__main__":
    main()
