"""Searches in parallel: loky worker processes, a dask.distributed cluster and a local Ray runtime
through joblib."""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import threading

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from skweight import WeightedKerasClassifier, compare_weightings, make_cost_scorer

SMALL = {"hidden_layer_sizes": (8,), "epochs": 2, "random_state": 0}


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=160, n_features=5, n_informative=3, weights=[0.85], random_state=1
    )
    return X.astype(np.float32), y


def _search(n_jobs):
    return GridSearchCV(
        WeightedKerasClassifier(**SMALL, optimizer__learning_rate=0.02),
        {"weighting": [None, "balanced", {0: 1.0, 1: 20.0}]},
        scoring=make_cost_scorer(fp_cost=1, fn_cost=10),
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
        n_jobs=n_jobs,
        error_score="raise",
    )


def test_grid_search_with_two_loky_processes_matches_one_process(data):
    X, y = data
    serial = _search(1).fit(X, y)
    with joblib.parallel_config(backend="loky"):
        parallel = _search(2).fit(X, y)
    assert parallel.best_params_ == serial.best_params_
    np.testing.assert_allclose(
        parallel.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"], atol=1e-6
    )
    np.testing.assert_allclose(
        parallel.predict_proba(X), serial.predict_proba(X), rtol=1e-5, atol=1e-6
    )


def test_other_threads_drawing_random_numbers_do_not_change_the_network(data):
    """A dask worker's own threads draw from Python's ``random`` while a task runs."""
    X, y = data
    params = {**SMALL, "hidden_layer_sizes": (8, 4), "dropout": 0.2}
    quiet = WeightedKerasClassifier(**params).fit(X, y).predict_proba(X)
    stop = threading.Event()

    def draw():
        while not stop.is_set():
            random.random()

    thread = threading.Thread(target=draw, daemon=True)
    thread.start()
    try:
        busy = WeightedKerasClassifier(**params).fit(X, y).predict_proba(X)
    finally:
        stop.set()
        thread.join()
    np.testing.assert_array_equal(busy, quiet)


@pytest.mark.slow
def test_compare_weightings_on_a_dask_cluster(data):
    distributed = pytest.importorskip("distributed")
    X, y = data
    kwargs = {
        "strategies": ["none", "balanced"],
        "baselines": ["cost-decision"],
        "fp_cost": 1,
        "fn_cost": 10,
        "labels": [0, 1],
        "cv": 2,
        "n_repeats": 1,
        "verbose": 0,
        "random_state": 0,
    }
    estimator = WeightedKerasClassifier(**SMALL, optimizer__learning_rate=0.02)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        workers = set(client.scheduler_info()["workers"])
        assert len(workers) == 2
        with distributed.get_task_stream(client) as tasks, joblib.parallel_config("dask"):
            on_dask = compare_weightings(estimator, X, y, n_jobs=-1, **kwargs)
    ran_on = {task["worker"] for task in tasks.data}
    assert ran_on and ran_on <= workers  # the fits ran in the cluster's worker processes
    local = compare_weightings(estimator, X, y, n_jobs=1, **kwargs)
    assert on_dask.best_strategy_ == local.best_strategy_
    np.testing.assert_allclose(
        on_dask.table["cost_mean"].sort_index(), local.table["cost_mean"].sort_index(), atol=1e-6
    )


def _worker_pid(estimator, X, y) -> float:
    """A "score" that says which process scored the fold."""
    return float(os.getpid())


@pytest.mark.slow
def test_grid_search_on_a_local_ray_runtime(data):
    ray = pytest.importorskip("ray")
    from ray.util.joblib import register_ray

    X, y = data
    scoring = {"cost": make_cost_scorer(fp_cost=1, fn_cost=10), "pid": _worker_pid}

    def search(n_jobs):
        return _search(n_jobs).set_params(scoring=scoring, refit="cost")

    serial = search(1).fit(X, y)
    register_ray()
    folder = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # Ray's socket paths must be short
    ray.init(num_cpus=2, include_dashboard=False, _temp_dir=folder, log_to_driver=False)
    try:
        with joblib.parallel_config(backend="ray"):
            on_ray = search(2).fit(X, y)
    finally:
        ray.shutdown()
        shutil.rmtree(folder, ignore_errors=True)
    pids = {on_ray.cv_results_[f"split{i}_test_pid"][j] for i in range(2) for j in range(3)}
    assert os.getpid() not in pids  # every fold was fitted and scored in a Ray worker
    assert on_ray.best_params_ == serial.best_params_
    np.testing.assert_allclose(
        on_ray.cv_results_["mean_test_cost"], serial.cv_results_["mean_test_cost"], atol=1e-6
    )
