"""Train on images that stay on disk: HDF5 and np.memmap through cross-validation.

The digit images are written to an HDF5 file and a ``.npy`` file, then
cross-validated from disk through ``skweight.LazyRows``: each fold is a view of row
numbers, and ``fit``, ``predict`` and ``score`` read a batch at a time. The scores
equal those of the same rows in memory (``shuffle=False``: the same batches in the
same order), and per-epoch under-sampling draws its rows from the file.
"""

import os
import shutil
import tempfile
from pathlib import Path

import h5py
import numpy as np
from imblearn.under_sampling import RandomUnderSampler
from sklearn.model_selection import StratifiedKFold, cross_validate

from skweight import LazyRows, Resampler, WeightedKerasClassifier
from skweight.datasets import load_digit_images
from skweight.networks import small_cnn

EPOCHS = int(os.environ.get("SKWEIGHT_EXAMPLE_EPOCHS", 5))


def model(**params):
    return WeightedKerasClassifier(
        small_cnn, model__filters=(8, 16), epochs=EPOCHS, batch_size=32,
        optimizer__learning_rate=0.01, shuffle=False, random_state=0, **params,
    )  # fmt: skip


def main() -> None:
    X, y = load_digit_images()
    folder = Path(tempfile.mkdtemp())
    # --8<-- [start:files]
    with h5py.File(folder / "digits.h5", "w") as handle:
        handle.create_dataset(
            "X", data=X, chunks=(1, 8, 8, 1)
        )  # one chunk per image
    np.save(folder / "digits.npy", X)

    hdf5 = h5py.File(folder / "digits.h5", "r")["X"]
    memmap = np.load(folder / "digits.npy", mmap_mode="r")
    # --8<-- [end:files]
    cv = StratifiedKFold(3)
    print(f"{len(y)} images of 8x8, {int(y.sum())} of the digit 9")
    scores = {}
    for name, data in (
        ("in memory", X),
        ("HDF5", LazyRows(hdf5)),
        ("memmap", LazyRows(memmap)),
    ):
        # --8<-- [start:cv]
        result = cross_validate(model(weighting="balanced"), data, y, cv=cv,
                                scoring="balanced_accuracy")  # fmt: skip
        # --8<-- [end:cv]
        scores[name] = result["test_score"]
        folds = np.round(scores[name], 4).tolist()
        print(f"{name:<10}: balanced accuracy per fold {folds}")
    same = all(np.array_equal(scores["in memory"], s) for s in scores.values())
    print(f"from disk equal to in memory: {same}")

    per_epoch = Resampler(RandomUnderSampler(), per_epoch=True)
    fitted = model(weighting=per_epoch).fit(LazyRows(hdf5), y)
    prior = np.round(fitted.training_prior_, 2).tolist()
    rows = 2 * int(y.sum())
    print(f"per-epoch under-sampling from the file: {rows} rows per epoch, ", end="")
    print(f"training_prior_ {prior}")
    view = LazyRows(hdf5)[::2]
    print(f"a view of every other row: {view!r} (nothing read yet)")
    hdf5.file.close()
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
