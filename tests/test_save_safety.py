"""Saving never destroys a good save, and loading refuses what a save cannot hold.

Atomic saves (an interrupted re-save leaves the earlier save loadable), overwriting only when
asked, and loads that refuse oversized or over-compressed members, corrupt archives, truncated
arrays and networks that contradict the saved estimator, each with a ``ValueError``.
"""

from __future__ import annotations

import zipfile

import keras
import numpy as np
import pytest

from skweight import WeightedKerasClassifier
from skweight.persistence import MAX_MEMBER_BYTES, load, save

pytestmark = pytest.mark.core

SMALL = {"hidden_layer_sizes": (8,), "epochs": 1, "random_state": 0}


@pytest.fixture(scope="module")
def fitted(binary_data):
    X, y = binary_data
    return WeightedKerasClassifier(**SMALL).fit(X, y)


@pytest.fixture(scope="module")
def other(binary_data):
    X, y = binary_data
    return WeightedKerasClassifier(**{**SMALL, "hidden_layer_sizes": (4,)}).fit(X, y)


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("name", ["m.zip", "m"])
def test_existing_saves_are_replaced_only_when_asked(fitted, other, binary_data, tmp_path, name):
    X, _ = binary_data
    path = save(fitted, tmp_path / name)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        save(other, path)
    np.testing.assert_array_equal(load(path).predict_proba(X), fitted.predict_proba(X))
    save(other, path, overwrite=True)
    np.testing.assert_array_equal(load(path).predict_proba(X), other.predict_proba(X))
    assert _leftovers(tmp_path) == []  # no staging files or earlier copies left behind


def test_overwrite_never_deletes_a_folder_that_is_not_a_save(fitted, tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not a skweight save"):
        save(fitted, tmp_path, overwrite=True)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize("name", ["m.zip", "m"])
def test_an_interrupted_resave_leaves_the_earlier_save(
    fitted, other, binary_data, tmp_path, monkeypatch, name
):
    X, _ = binary_data
    path = save(fitted, tmp_path / name)

    import os

    real_replace, calls = os.replace, []

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # as if the process were stopped while writing

    def second_rename_interrupted(source, target):
        calls.append(target)  # the earlier save is moved aside, then the new one fails
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(source, target)

    if name.endswith(".zip"):
        monkeypatch.setattr(zipfile.ZipFile, "write", interrupted)
    else:
        monkeypatch.setattr("skweight._archive.os.replace", second_rename_interrupted)
    with pytest.raises(KeyboardInterrupt):
        save(other, path, overwrite=True)
    monkeypatch.undo()
    np.testing.assert_array_equal(load(path).predict_proba(X), fitted.predict_proba(X))
    assert _leftovers(tmp_path) == []


def test_member_size_limit_is_documented_and_adjustable(fitted, tmp_path):
    assert MAX_MEMBER_BYTES == 1 << 30
    path = save(fitted, tmp_path / "m.zip")
    with pytest.raises(ValueError, match="larger than 1000 bytes uncompressed"):
        load(path, max_member_bytes=1000)
    assert load(path, max_member_bytes=10 << 20).n_classes_ == 2


def test_a_zip_bomb_member_is_refused_before_it_is_extracted(fitted, tmp_path):
    path = save(fitted, tmp_path / "m.zip")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("arrays/99.npy", bytes(16 << 20))  # 16 MiB of zeros, ~16 KiB packed
    assert path.stat().st_size < 200_000
    with pytest.raises(ValueError, match="expands .*-fold"):
        load(path)


def test_saved_network_must_match_the_saved_estimator(fitted, binary_data, tmp_path):
    X, _ = binary_data
    path = save(fitted, tmp_path / "m")
    inputs = keras.Input((X.shape[1],))
    keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(inputs)).save(
        path / "model.keras"
    )
    with pytest.raises(ValueError, match=r"load: The model's output has shape \(3,\).*2 classes"):
        load(path)
    inputs = keras.Input((X.shape[1] + 2,))
    keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(inputs)).save(
        path / "model.keras"
    )
    with pytest.raises(ValueError, match=r"load: The network does not take rows of shape \(6,\)"):
        load(path)
