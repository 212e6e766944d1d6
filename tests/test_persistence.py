"""Saving and loading: safe save/load, pickle, joblib, deepcopy and clone round trips."""

from __future__ import annotations

import copy
import json
import pickle
import zipfile

import joblib
import keras
import numpy as np
import pytest
from imblearn.over_sampling import RandomOverSampler
from sklearn.base import clone

from skweight import FocalLoss, WeightedKerasClassifier, WeightedKerasRegressor
from skweight.persistence import load, save

pytestmark = pytest.mark.core

SMALL = {"hidden_layer_sizes": (8,), "epochs": 2, "random_state": 0}

STRATEGIES = {
    "none": None,
    "balanced": "balanced",
    "dict": {0: 1.0, 1: 3.0},
    "focal": FocalLoss(gamma=1.0),
    "oversample": RandomOverSampler(random_state=0),
}


def _same_params(a, b) -> None:
    assert repr(a.get_params(deep=False)) == repr(b.get_params(deep=False))


@pytest.fixture(scope="module")
def fitted(binary_data):
    X, y = binary_data
    return {
        name: WeightedKerasClassifier(**SMALL, weighting=w).fit(X, y)
        for name, w in STRATEGIES.items()
    }


@pytest.mark.parametrize("name", list(STRATEGIES))
@pytest.mark.parametrize("archive", [False, True])
def test_save_load_round_trip_gives_identical_predictions(fitted, binary_data, tmp_path, name,
                                                          archive):  # fmt: skip
    X, _ = binary_data
    model = fitted[name]
    path = tmp_path / ("saved.zip" if archive else "saved")
    model.save(path)
    restored = WeightedKerasClassifier.load(path)
    np.testing.assert_array_equal(restored.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    _same_params(restored, model)
    assert repr(restored.weighting_) == repr(model.weighting_)
    assert restored.history_ == model.history_
    np.testing.assert_array_equal(restored.training_prior_, model.training_prior_)


def test_round_trip_keeps_string_labels_feature_names_and_regressors(binary_data, regression_data,
                                                                     tmp_path):  # fmt: skip
    import pandas as pd

    X, y = binary_data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    labels = np.where(y == 1, "yes", "no").astype(object)
    clf = WeightedKerasClassifier(**SMALL, prior_correction=True).fit(frame, labels)
    restored = load(save(clf, tmp_path / "clf"))
    assert restored.classes_.dtype == object and restored.classes_.tolist() == ["no", "yes"]
    assert restored.feature_names_in_.tolist() == frame.columns.tolist()
    np.testing.assert_array_equal(restored.predict(frame), clf.predict(frame))

    Xr, yr = regression_data
    reg = WeightedKerasRegressor(**SMALL).fit(Xr, np.column_stack([yr, -yr]))
    restored = WeightedKerasRegressor.load(reg.save(tmp_path / "reg.zip"))
    np.testing.assert_array_equal(restored.predict(Xr), reg.predict(Xr))
    with pytest.raises(TypeError, match="not a WeightedKerasClassifier"):
        WeightedKerasClassifier.load(tmp_path / "reg.zip")


def test_loaded_estimator_continues_training(fitted, binary_data, tmp_path):
    X, y = binary_data
    restored = WeightedKerasClassifier.load(fitted["balanced"].save(tmp_path / "m"))
    restored.partial_fit(X, y)
    assert len(restored.history_["loss"]) == SMALL["epochs"] + 1


@pytest.mark.parametrize(
    "params, name",
    [
        ({"model": lambda n_features_in_: None}, "parameter model"),
        ({"callbacks": [keras.callbacks.EarlyStopping()]}, "parameter callbacks"),
        ({"loss": keras.losses.BinaryCrossentropy()}, "parameter loss"),
        ({"optimizer": keras.optimizers.SGD()}, "parameter optimizer"),
        ({"random_state": np.random.RandomState(0)}, "parameter random_state"),
    ],
)
def test_save_refuses_code_and_objects_naming_the_parameter(tmp_path, params, name):
    with pytest.raises(TypeError, match=f"{name}(\\[0\\])?=.*not plain data"):
        save(WeightedKerasClassifier(**{**SMALL, **params}), tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_excluded_build_function_is_passed_back_on_load(binary_data, tmp_path):
    X, y = binary_data

    def build(n_features_in_, width=4):
        inputs = keras.Input((n_features_in_,))
        hidden = keras.layers.Dense(width, activation="relu")(inputs)
        return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(hidden))

    clf = WeightedKerasClassifier(build, **SMALL, model__width=3).fit(X, y)
    save(clf, tmp_path / "m", exclude=["model"])
    restored = load(tmp_path / "m", model=build)
    assert restored.model is build and restored.get_params()["model__width"] == 3
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    with pytest.raises(ValueError, match="exclude names unknown"):
        save(clf, tmp_path / "n", exclude=["no_such_param"])


def test_model_instance_parameter_is_saved_as_a_keras_file(binary_data, tmp_path):
    X, y = binary_data
    inputs = keras.Input((X.shape[1],))
    template = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(inputs))
    clf = WeightedKerasClassifier(template, **SMALL).fit(X, y)
    restored = load(save(clf, tmp_path / "m.zip"))
    assert isinstance(restored.model, keras.Model)
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_save_into_a_non_empty_directory_is_refused(fitted, tmp_path):
    (tmp_path / "other.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="path="):
        fitted["none"].save(tmp_path)
    assert (tmp_path / "other.txt").read_text() == "keep me"


# ---------------------------------------------------------------------------- tampered files
class _Payload:
    """Creates a marker file when unpickled: stands in for any code in a pickle."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _saved(model, tmp_path):
    path = tmp_path / "saved"
    save(model, path)
    return path


def test_pickle_payload_in_an_array_is_not_unpickled(fitted, tmp_path):
    path = _saved(fitted["balanced"], tmp_path)
    marker = tmp_path / "pwned-pickle"
    payload = np.array([_Payload(marker)], dtype=object)
    np.save(path / "arrays" / "0.npy", payload, allow_pickle=True)  # replaces classes_
    with pytest.raises(ValueError, match="never does"):
        load(path)
    assert not marker.exists()
    np.load(path / "arrays" / "0.npy", allow_pickle=True)  # the payload is live: unsafe loading
    assert marker.exists()  # would have run it


def test_lambda_layer_with_code_is_refused(fitted, binary_data, tmp_path):
    X, _ = binary_data
    path = _saved(fitted["none"], tmp_path)
    marker = tmp_path / "pwned-lambda"
    target = str(marker)
    inputs = keras.Input((X.shape[1],))
    touched = keras.layers.Lambda(lambda x: (open(target, "w").close(), x)[1])(inputs)
    evil = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(touched))
    marker.unlink()  # building the model ran the function once
    evil.save(path / "model.keras")
    with pytest.raises(ValueError, match="safe mode"):
        load(path)
    assert not marker.exists()
    keras.saving.load_model(path / "model.keras", safe_mode=False)  # the payload is live
    assert marker.exists()


@pytest.mark.parametrize(
    "where, value",
    [
        ("estimator", "subprocess.Popen"),
        ("weighting", {"$object": "os.system", "params": {"$dict": [["command", "touch {m}"]]}}),
        ("weighting", {"$object": "builtins.eval", "params": {"$dict": [["source", "1"]]}}),
        ("array", {"$array": "../../outside.npy"}),
        ("dtype", {"$dtype": "O"}),
    ],
)
def test_manifest_naming_forbidden_classes_or_files_is_refused(fitted, tmp_path, where, value):
    path = _saved(fitted["balanced"], tmp_path)
    marker = tmp_path / "pwned-json"
    manifest = json.loads((path / "skweight.json").read_text())
    value = json.loads(json.dumps(value).replace("{m}", str(marker)))
    if where == "estimator":
        manifest["estimator"] = value
    elif where == "weighting":
        manifest["params"]["weighting"] = value
    elif where == "array":
        manifest["attributes"]["classes_"] = value
    else:
        manifest["attributes"]["target_type_"] = value
    (path / "skweight.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="not allowed|not a skweight estimator|not a saved array"):
        load(path)
    assert not marker.exists()


def test_zip_with_foreign_members_is_refused(fitted, tmp_path):
    archive = fitted["none"].save(tmp_path / "m.zip")
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("../escape.py", "print('hi')")
    with pytest.raises(ValueError, match="not part of a skweight save"):
        load(archive)
    assert not (tmp_path.parent / "escape.py").exists()
    with pytest.raises(ValueError, match="path="):
        load(tmp_path / "m.txt")


# ---------------------------------------------------------------------------- pickle and friends
def _joblib_round_trip(model, tmp_path):
    joblib.dump(model, tmp_path / "model.joblib")
    return joblib.load(tmp_path / "model.joblib")


@pytest.mark.parametrize("name", ["none", "balanced", "focal", "oversample"])
def test_pickle_joblib_deepcopy_clone_round_trips(fitted, binary_data, tmp_path, name):
    X, y = binary_data
    model = fitted[name]
    expected = model.predict_proba(X)
    for restored in (
        pickle.loads(pickle.dumps(model)),
        _joblib_round_trip(model, tmp_path),
        copy.deepcopy(model),
    ):
        np.testing.assert_array_equal(restored.predict_proba(X), expected)
        _same_params(restored, model)
    fresh = clone(model)
    _same_params(fresh, model)
    assert not hasattr(fresh, "model_")
    np.testing.assert_array_equal(fresh.fit(X, y).predict_proba(X), expected)
