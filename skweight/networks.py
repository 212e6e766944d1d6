"""Small ready-made networks for images and sequences, as build functions for ``model=``.

Each takes the facts an estimator passes to a build function (``X_shape_``, ``n_classes_``,
see ``WeightedKerasClassifier``) and its own parameters, routed as ``model__<name>``::

    WeightedKerasClassifier(model=small_unet, model__filters=(8, 16), weighting="balanced")

They end in one sigmoid unit for two classes and a softmax otherwise (``n_classes_=None``, as
for a regressor: one linear unit), so they suit both estimators. They are deliberately small:
starting points and the networks of the examples, the command line and the benchmarks, not
state-of-the-art models.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

__all__ = ["sequence_classifier", "sequence_tagger", "small_cnn", "small_unet"]


def _head(n_classes_: int | None) -> tuple[int, str | None]:
    if n_classes_ is None:
        return 1, None
    return (1, "sigmoid") if n_classes_ == 2 else (int(n_classes_), "softmax")


def small_cnn(
    X_shape_: tuple[int, ...], n_classes_: int | None = None, filters: Sequence[int] = (16, 32)
) -> keras.Model:
    """A convolutional classifier of images (n, h, w, c): one prediction per image.

    See also the guide page [How do I weight pixels for segmentation?](pixel-weights.md).

    Parameters
    ----------
    X_shape_ : tuple of int
        The shape of ``X`` at fit, (n, h, w, c).
    n_classes_ : int or None
    filters : sequence of int
        Filters of each 3x3 convolution block (each followed by 2x2 max pooling while the
        image is larger than 2x2).
    """
    if len(X_shape_) != 4:
        raise ValueError(f"small_cnn needs images X of shape (n, h, w, c); got {X_shape_}.")
    units, activation = _head(n_classes_)
    inputs = keras.Input(shape=X_shape_[1:])
    hidden = inputs
    for width in filters:
        hidden = keras.layers.Conv2D(int(width), 3, padding="same", activation="relu")(hidden)
        if min(hidden.shape[1], hidden.shape[2]) > 2:
            hidden = keras.layers.MaxPooling2D()(hidden)
    hidden = keras.layers.GlobalAveragePooling2D()(hidden)
    return keras.Model(inputs, keras.layers.Dense(units, activation=activation)(hidden))


def small_unet(
    X_shape_: tuple[int, ...], n_classes_: int | None = None, filters: Sequence[int] = (8, 16)
) -> keras.Model:
    """A small U-Net: one prediction per pixel of images (n, h, w, c).

    See also the guide page [How do I weight pixels for segmentation?](pixel-weights.md).

    An encoder of 3x3 convolutions and 2x2 pooling, one level per entry of ``filters``, a
    decoder that upsamples and concatenates the encoder's features of the same size, and a 1x1
    convolution per pixel: output (h, w, 1) with a sigmoid for two classes, (h, w, n_classes)
    with a softmax for more, (h, w, 1) linear for a regressor.

    Parameters
    ----------
    X_shape_ : tuple of int
        The shape of ``X`` at fit, (n, h, w, c); h and w must be divisible by
        ``2 ** (len(filters) - 1)``.
    n_classes_ : int or None
    filters : sequence of int
        Filters at each level, from the full resolution down.
    """
    if len(X_shape_) != 4:
        raise ValueError(f"small_unet needs images X of shape (n, h, w, c); got {X_shape_}.")
    factor = 2 ** (len(filters) - 1)
    if X_shape_[1] % factor or X_shape_[2] % factor:
        raise ValueError(
            f"small_unet with {len(filters)} levels needs image sides divisible by {factor}; "
            f"got {X_shape_[1]}x{X_shape_[2]}."
        )
    units, activation = _head(n_classes_)
    inputs = keras.Input(shape=X_shape_[1:])
    hidden, skips = inputs, []
    for level, width in enumerate(filters):
        hidden = keras.layers.Conv2D(int(width), 3, padding="same", activation="relu")(hidden)
        hidden = keras.layers.Conv2D(int(width), 3, padding="same", activation="relu")(hidden)
        if level < len(filters) - 1:
            skips.append(hidden)
            hidden = keras.layers.MaxPooling2D()(hidden)
    for width, skip in zip(reversed(filters[:-1]), reversed(skips), strict=True):
        hidden = keras.layers.UpSampling2D()(hidden)
        hidden = keras.layers.Concatenate()([hidden, skip])
        hidden = keras.layers.Conv2D(int(width), 3, padding="same", activation="relu")(hidden)
    outputs = keras.layers.Conv2D(units, 1, activation=activation)(hidden)
    return keras.Model(inputs, outputs)


def _sequence_body(X_shape_, X_dtype_, vocabulary: int | None, units: int, layer: str):
    """Inputs and per-timestep features of a sequence network."""
    if len(X_shape_) not in (2, 3):
        raise ValueError(
            f"sequence networks need X of shape (n, T, f), or (n, T) token ids; got {X_shape_}."
        )
    tokens = len(X_shape_) == 2
    if tokens and vocabulary is None:
        raise ValueError(
            "X of shape (n, T) holds token ids: pass model__vocabulary= (the number of "
            "distinct ids, max id + 1)."
        )
    dtype = "int32" if tokens else None
    inputs = keras.Input(shape=X_shape_[1:], dtype=dtype)
    hidden = keras.layers.Embedding(int(vocabulary), units)(inputs) if tokens else inputs
    if layer == "lstm":
        hidden = keras.layers.LSTM(units, return_sequences=True)(hidden)
    elif layer == "conv1d":
        hidden = keras.layers.Conv1D(units, 3, padding="same", activation="relu")(hidden)
    else:
        raise ValueError(f"layer must be 'lstm' or 'conv1d'; got {layer!r}.")
    return inputs, hidden


def sequence_tagger(
    X_shape_: tuple[int, ...],
    n_classes_: int | None = None,
    X_dtype_=None,
    units: int = 16,
    layer: str = "conv1d",
    vocabulary: int | None = None,
) -> keras.Model:
    """One prediction per timestep of sequences (n, T, f) or token ids (n, T).

    See also the guide page [How do I weight pixels for segmentation?](pixel-weights.md).

    Parameters
    ----------
    X_shape_ : tuple of int
    n_classes_ : int or None
    X_dtype_ : numpy dtype or None
    units : int
        Width of the recurrent or convolutional layer (and of the token embedding).
    layer : "conv1d" or "lstm"
    vocabulary : int or None
        Number of distinct token ids, for integer X of shape (n, T).
    """
    units_out, activation = _head(n_classes_)
    inputs, hidden = _sequence_body(X_shape_, X_dtype_, vocabulary, int(units), layer)
    return keras.Model(inputs, keras.layers.Dense(units_out, activation=activation)(hidden))


def sequence_classifier(
    X_shape_: tuple[int, ...],
    n_classes_: int | None = None,
    X_dtype_=None,
    units: int = 16,
    layer: str = "conv1d",
    vocabulary: int | None = None,
) -> keras.Model:
    """One prediction per sequence (n, T, f) or token-id row (n, T), pooled over time.

    See also the guide page [How do I weight pixels for segmentation?](pixel-weights.md).

    Parameters
    ----------
    X_shape_ : tuple of int
    n_classes_ : int or None
    X_dtype_ : numpy dtype or None
    units : int
        Width of the recurrent or convolutional layer (and of the token embedding).
    layer : "conv1d" or "lstm"
    vocabulary : int or None
        Number of distinct token ids, for integer X of shape (n, T).
    """
    units_out, activation = _head(n_classes_)
    inputs, hidden = _sequence_body(X_shape_, X_dtype_, vocabulary, int(units), layer)
    hidden = keras.layers.GlobalAveragePooling1D()(hidden)
    return keras.Model(inputs, keras.layers.Dense(units_out, activation=activation)(hidden))
