"""Scaling out a search over weighting strategies with joblib backends.

GridSearchCV runs its fits through joblib, so the backend decides where they run:
"loky" (local processes, the default here), "dask" (a dask.distributed cluster) or
"ray" (a Ray cluster). Choose with SKWEIGHT_JOBLIB_BACKEND=loky|dask|ray; dask and
ray need their packages (``pip install "dask[distributed]"`` or ``pip install
"ray[default]"``). Each worker process imports Keras and trains its own network. Set
SKWEIGHT_EXAMPLE_EPOCHS to train for fewer epochs.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import time  # noqa: E402

import joblib  # noqa: E402
from sklearn.datasets import load_breast_cancer  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from skweight import WeightedKerasClassifier, make_cost_scorer  # noqa: E402

EPOCHS = int(os.environ.get("SKWEIGHT_EXAMPLE_EPOCHS", "10"))
BACKEND = os.environ.get("SKWEIGHT_JOBLIB_BACKEND", "loky")
N_JOBS = 2


def start_backend(name):
    """Connect joblib to a backend; return what to close afterwards, or None."""
    # --8<-- [start:backends]
    if name == "dask":
        from dask.distributed import Client

        # a local cluster here; Client("tcp://scheduler:8786") joins a running one
        return Client(n_workers=N_JOBS, threads_per_worker=1, processes=True)
    if name == "ray":
        import ray
        from ray.util.joblib import register_ray

        register_ray()  # adds the "ray" joblib backend
        ray.init(num_cpus=N_JOBS)  # or ray.init(address="auto") on a cluster
        return None
    # --8<-- [end:backends]
    return None


if (
    __name__ == "__main__"
):  # loky and dask start worker processes that import this file
    X, y = load_breast_cancer(return_X_y=True)
    y = 1 - y  # 1 = malignant
    # --8<-- [start:search]
    search = GridSearchCV(
        make_pipeline(
            StandardScaler(),
            WeightedKerasClassifier(
                hidden_layer_sizes=(16,), epochs=EPOCHS, random_state=0
            ),
        ),
        {"weightedkerasclassifier__weighting": [None, "balanced", {0: 1, 1: 5}]},
        scoring=make_cost_scorer(fp_cost=1, fn_cost=5),
        cv=3,
        n_jobs=N_JOBS,
    )
    client = start_backend(BACKEND)
    start = time.perf_counter()
    with joblib.parallel_config(backend=BACKEND):
        search.fit(X, y)
    # --8<-- [end:search]
    elapsed = time.perf_counter() - start
    if client is not None:
        client.close()
    n_fits = len(search.cv_results_["params"]) * search.n_splits_ + 1
    print(f"backend {BACKEND!r}, n_jobs={N_JOBS}: {n_fits} fits in {elapsed:.1f} s")
    print("best:", search.best_params_)
    print(f"best cross-validated cost per row: {-search.best_score_:.3f}")
