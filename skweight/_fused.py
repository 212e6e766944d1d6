"""Train many networks of the built-in architecture in one Keras model, each as its own fit.

Each network (a ``Member``) comes with what ``BaseWeightedKeras.fit`` would train it on: the
rows, targets and weights its weighting strategy prepared (a ``TrainingSet``, resampled rows and
per-epoch draws included), its loss (cross-entropy, focal, ...), its initial weights and the seed
of its batch order. Members are trained together in *passes*, each pass one ``skweight._grouped``
model trained for as many steps as its longest member takes:

- every step feeds network ``k`` a batch of *its own* rows (the model gathers them by index from
  one pool holding every member's rows once), in the order a separate fit would see them
  (``skweight._fused_feed``): its rows shuffled at each of its epochs, the last batch of an
  epoch smaller; networks whose epochs take fewer steps (a fold, an under-sampled draw) run
  through their epochs faster, and the pass keeps each network's weights as they are at its
  own last step;
- the loss is the sum of the K networks' losses, each scaled exactly as a separate fit scales
  its own (its weighted per-row losses summed and divided by its own batch size; padded rows
  weigh 0), so each network's gradient is the gradient of its own loss;
- the optimizer's update is element-wise (Adam, SGD, RMSprop, ...), so network ``k``'s update
  depends only on its own gradient: K networks trained side by side are K separate fits that
  share the per-step overhead.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np

from ._fused_feed import StepFeed, pass_ends, split_passes, steps_per_epoch
from ._fused_history import NetworkLossHistory
from ._grouped import (
    NetworkSpec,
    SwapLeadingAxes,
    build_grouped_mlp,
    grouped_variables,
    network_of,
    set_network_weights,
)
from ._keras import default_compile_kwargs, make_optimizer, needs_one_hot, seed_keras
from .weighting.base import TrainingSet

#: Optimizers whose update of a weight depends only on that weight's gradient history.
ELEMENTWISE_OPTIMIZERS = (
    "SGD", "Adam", "AdamW", "Adamax", "Adagrad", "Adadelta", "RMSprop", "Nadam", "Ftrl", "Lion",
)  # fmt: skip

#: Compile settings the fused fit takes over from ``compile__*``; others make it sequential.
FUSABLE_COMPILE_KEYS = ("steps_per_execution", "jit_compile")

#: Members of the built-in network share a pass when their epochs take at least this share of
#: its longest one's steps (a small network's step costs little more than its dispatch).
PASS_RATIO = 0.5

#: Upper bound of the index and target arrays handed to one ``fit`` call.
CHUNK_BYTES = 64 * 2**20


@dataclass
class Member:
    """One network to train.

    Parameters
    ----------
    train : TrainingSet
        What its strategy prepared (``epoch_rows`` for per-epoch resampling).
    loss : keras.losses.Loss
        Its loss (a built-in Keras loss, see ``loss_is_fusable``).
    initial_weights : list of ndarray
        In the order of ``get_weights`` of a ``build_mlp`` model.
    seed : int or None
        Seed of its batch order.
    """

    train: TrainingSet
    loss: Any
    initial_weights: list[np.ndarray]
    seed: int | None = None


@dataclass(frozen=True)
class TrainSettings:
    """The estimator's training parameters, shared by every member of one fused fit."""

    batch_size: int
    epochs: int
    shuffle: bool = True
    optimizer: Any = "adam"
    optimizer_params: dict = field(default_factory=dict)
    compile_kwargs: dict = field(default_factory=dict)
    seed: int | None = None


def loss_is_fusable(loss: Any) -> bool:
    """True for Keras' own per-row losses (cross-entropy, focal, ...) and skweight's
    logit-adjusted cross-entropy, which a fused fit can evaluate network by network."""
    from keras.src.losses.losses import LossFunctionWrapper

    from .weighting.logit_adjustment import LogitAdjustedCrossentropy

    if isinstance(loss, LogitAdjustedCrossentropy):
        return True
    return isinstance(loss, LossFunctionWrapper) and type(loss).__module__.startswith("keras")


def optimizer_is_fusable(optimizer: keras.optimizers.Optimizer) -> str | None:
    """None if ``optimizer`` updates every weight on its own, else the reason it does not."""
    name = type(optimizer).__name__
    if name not in ELEMENTWISE_OPTIMIZERS:
        return f"optimizer {name} is not known to update each weight independently"
    config = optimizer.get_config()
    for key in ("clipnorm", "global_clipnorm"):
        if config.get(key) is not None:
            return f"optimizer {key}={config[key]} couples the networks' gradients"
    return None


class FusedLoss(keras.losses.Loss):
    """Sum over networks of each network's weighted loss.

    ``y_true`` has shape ``(batch, K, 3)``: each network's encoded target, its row weight
    (already divided by that network's batch size; 0 for padding) and the index of its loss in
    ``losses``; ``y_pred`` has shape ``(batch, K, units)``. Each of the Keras losses computes
    its per-row values exactly as in a separate fit; a network takes the values of its own.
    """

    def __init__(self, losses: Sequence[Any], n_units: int):
        super().__init__(name="fused_loss", reduction="sum")
        self.losses = list(losses)
        self.n_units = int(n_units)
        self._last: tuple = ()  # (y_true, y_pred, values) of the latest call

    def call(self, y_true, y_pred):
        values = self.network_values(y_true, y_pred)
        self._last = (y_true, y_pred, values)
        return keras.ops.sum(values, axis=1)

    def step_values(self, y_true, y_pred):
        """``network_values`` of the training step whose loss was computed on these very
        tensors (the step's metric, ``NetworkLossHistory``, reads them): not computed again."""
        last = self._last
        if last and last[0] is y_true and last[1] is y_pred:
            return last[2]
        return self.network_values(y_true, y_pred)

    def network_values(self, y_true, y_pred):
        """Every row's weighted loss in every network, shape ``(batch, K)``."""
        ops = keras.ops
        target, weight, kind = y_true[..., 0], y_true[..., 1], y_true[..., 2]
        total = 0.0
        for g, loss in enumerate(self.losses):
            values = loss.call(shaped_target(target, loss, self.n_units), y_pred) * weight
            if len(self.losses) > 1:
                values = ops.where(ops.equal(kind, float(g)), values, ops.zeros_like(values))
            total = total + values
        return total


def shaped_target(target, loss: Any, n_units: int):
    """Encoded class targets (a float tensor) as ``loss`` takes them against ``n_units`` outputs:
    a trailing axis for one unit, one-hot for a categorical loss, else the class index."""
    if n_units == 1:
        return keras.ops.expand_dims(target, -1)
    if needs_one_hot(loss):
        return keras.ops.one_hot(keras.ops.cast(target, "int32"), n_units)
    return target


def loss_kinds(losses: Sequence[Any]) -> tuple[list[Any], list[int]]:
    """The distinct losses (by class and configuration), and the index of each loss among them."""
    kinds: dict[str, int] = {}
    distinct, index = [], []
    for loss in losses:
        key = f"{type(loss).__name__}{sorted(loss.get_config().items())!r}"
        if key not in kinds:
            kinds[key] = len(distinct)
            distinct.append(loss)
        index.append(kinds[key])
    return distinct, index


class _RowGather(keras.layers.Layer):
    """Look rows up by index in a pool of rows: ``(batch, K)`` indices to ``(K, batch, F)``,
    networks first as the grouped network takes them."""

    def __init__(self, n_rows: int, n_features: int, **kwargs):
        super().__init__(**kwargs)
        self.pool_shape = (int(n_rows), int(n_features))

    def build(self, input_shape) -> None:
        self.pool = self.add_weight(
            shape=self.pool_shape, initializer="zeros", trainable=False, name="pool"
        )

    def call(self, index):
        return keras.ops.take(self.pool, keras.ops.swapaxes(index, 0, 1), axis=0)


class _Progress(keras.callbacks.Callback):
    """Report every finished step to ``advance(n_steps)``."""

    def __init__(self, advance: Callable[[int], None]):
        super().__init__()
        self.advance = advance
        self._done = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._done = 0

    def on_train_batch_end(self, batch, logs=None):
        self.advance(batch + 1 - self._done)
        self._done = batch + 1


@dataclass
class _Pass:
    """A pass: members trained together, each for its own steps; their weights once trained."""

    members: list[int]
    epoch_steps: list[int]  # each member's steps per epoch
    weights: list[np.ndarray] = field(default_factory=list)
    seconds: float = 0.0
    history: np.ndarray | None = None  # (epochs, members): each member's loss per epoch


class FusedNetworks:
    """Members trained side by side; ``weights(i)`` and ``predict`` read them back.

    Members whose epochs take at least ``pass_ratio`` times the steps of the longest one's
    share a pass (``split_passes``); a pass of ``k`` networks runs for its longest member's
    steps, so a shorter one's arithmetic is wasted while it waits (1 keeps only members of
    equal steps together, for networks whose arithmetic outweighs a step's dispatch). One
    Keras model of ``K`` networks (``K`` the size of the largest pass) is compiled once and
    trained pass after pass: before each its networks get their initial weights, the
    optimizer its initial state and the row pool the pass's rows. A pass of ``k < K`` networks
    is fed at width ``k``: the model runs the first ``k`` networks only.

    Parameters
    ----------
    spec : NetworkSpec
        The architecture every member shares.
    members : sequence of Member
    settings : TrainSettings
    pass_ratio : float
    """

    def __init__(self, spec: NetworkSpec, members: Sequence[Member], settings: TrainSettings,
                 pass_ratio: float = PASS_RATIO):  # fmt: skip
        self.spec = spec
        self.members = list(members)
        self.settings = settings
        epoch_steps = [steps_per_epoch(m, settings.batch_size) for m in self.members]
        self.passes: list[_Pass] = []
        self.rounds: list[list[int]] = []  # the passes (by index) that train at the same time
        for together in self._rounds(split_passes(epoch_steps, pass_ratio), epoch_steps):
            self.rounds.append(list(range(len(self.passes), len(self.passes) + len(together))))
            self.passes += [_Pass(index, [epoch_steps[i] for i in index]) for index in together]
        self._where = {i: (g, j) for g, group in enumerate(self.passes)
                       for j, i in enumerate(group.members)}  # fmt: skip
        self.width = max(len(g.members) for g in self.passes)
        self.losses, self._kind = loss_kinds([m.loss for m in self.members])
        self._core: keras.Model | None = None

    @property
    def total_steps(self) -> int:
        """Optimizer steps of the whole training (each pass's longest member's steps)."""
        return sum(max(g.epoch_steps) for g in self.passes) * self.settings.epochs

    def member_seconds(self, i: int) -> float:
        """Training time of member ``i``'s pass, shared equally among its members."""
        group = self.passes[self._where[i][0]]
        return group.seconds / len(group.members)

    def fit(self, advance: Callable[[int], None] | None = None) -> FusedNetworks:
        """Train every pass; ``advance(n)`` is called as steps finish."""
        if self.settings.seed is not None:
            seed_keras(self.settings.seed)
        pools = [_pool([self.members[i].train.X for i in g.members]) for g in self.passes]
        self._pool_rows = max(len(p) for p, _ in pools)
        self._compile()
        for together in self.rounds:
            self._run_round([self.passes[g] for g in together], [pools[g] for g in together],
                            advance)  # fmt: skip
        return self

    def _rounds(self, passes: list[list[int]], epoch_steps) -> list[list[list[int]]]:
        """The passes that train at the same time: one at a time in the grouped model."""
        return [[members] for members in passes]

    def _run_round(self, passes: list[_Pass], pools, advance) -> None:
        for group, pool in zip(passes, pools, strict=True):
            self._run_pass(group, pool, advance)

    def _compile(self) -> None:
        """Build and compile the grouped model, its optimizer's initial state kept aside."""
        settings = self.settings
        self._core = core = build_grouped_mlp(self.spec, self.width)
        index = keras.Input(shape=(None,), dtype="int32")
        self._gather = _RowGather(self._pool_rows, self.spec.n_features)
        outputs = SwapLeadingAxes()(core(self._gather(index)))  # (batch, K, units)
        self._model = model = keras.Model(index, outputs)
        loss = FusedLoss(self.losses, self.spec.n_units)
        self._history = NetworkLossHistory(loss, self.width, settings.epochs)
        model.compile(
            optimizer=make_optimizer(settings.optimizer, settings.optimizer_params),
            loss=loss, metrics=[self._history],
            **{**default_compile_kwargs(), **settings.compile_kwargs},
        )  # fmt: skip
        model.optimizer.build(model.trainable_variables)
        self._fresh = [keras.ops.convert_to_numpy(v.value) for v in model.optimizer.variables]

    def _feed(self, group: _Pass, offsets) -> StepFeed:
        """The pass's inputs, step by step."""
        members = [self.members[i] for i in group.members]
        settings = self.settings
        return StepFeed(members, offsets, [self._kind[i] for i in group.members],
                        group.epoch_steps, settings.batch_size, settings.epochs,
                        settings.shuffle)  # fmt: skip

    def _run_pass(self, group: _Pass, pool, advance) -> None:
        """Reset the model to the pass's initial state, then train it."""
        start = time.perf_counter()
        rows, offsets = pool
        model, core = self._model, self._core
        for variable, value in zip(model.optimizer.variables, self._fresh, strict=True):
            variable.assign(value)
        padded = np.zeros(self._gather.pool_shape, dtype="float32")
        padded[: len(rows)] = rows
        self._gather.pool.assign(padded)
        members = [self.members[i] for i in group.members]
        initial = [m.initial_weights for m in members]
        set_network_weights(core, initial + [initial[0]] * (self.width - len(members)))
        callbacks = [] if advance is None else [_Progress(advance)]
        self._history.clear(group.epoch_steps)
        group.weights = self._fit_pass(model, self._feed(group, offsets), callbacks)
        group.history = self._history.epoch_losses(len(members))
        group.seconds = time.perf_counter() - start

    def _fit_pass(self, model, feed: StepFeed, callbacks) -> list[np.ndarray]:
        """Fit the pass up to each member's last step in turn; each member's weights as they
        are at its last step."""
        batch, width = self.settings.batch_size, len(feed.members)
        kept: list[np.ndarray] = []
        position = 0
        for stop in pass_ends(feed, max(1, CHUNK_BYTES // (batch * width * 16))):
            x, y = feed.take(position, stop)
            model.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0,
                      callbacks=callbacks)  # fmt: skip
            position = stop
            ending = np.flatnonzero(feed.ends == stop)
            if len(ending):
                now = [keras.ops.convert_to_numpy(w.value) for w in grouped_variables(self._core)]
                kept = kept or [value.copy() for value in now]
                for value, new in zip(kept, now, strict=True):
                    value[ending] = new[ending]
        return kept

    def history(self, i: int) -> dict[str, list[float]]:
        """Member ``i``'s training loss per epoch, as its own fit's ``history_`` records it."""
        g, j = self._where[i]
        history = self.passes[g].history
        return {} if history is None else {"loss": [float(v) for v in history[:, j]]}

    def weights(self, i: int) -> list[np.ndarray]:
        """Member ``i``'s trained weights, in the order of a ``build_mlp`` model's."""
        g, j = self._where[i]
        return self._network_weights(self.passes[g], j)

    def _network_weights(self, group: _Pass, j: int) -> list[np.ndarray]:
        """Network ``j`` of a trained pass."""
        return network_of(group.weights, j)

    def predict(self, features: Sequence[np.ndarray], chunk_rows: int = 4096) -> list[np.ndarray]:
        """Each member's outputs, shape ``(n_rows, n_units)``, on its own ``features[i]``.

        Every ``features[i]`` has the same number of rows (member ``i``'s view of them, e.g.
        after its own preprocessing).
        """
        core = self._core
        n_rows = len(features[0])
        outputs: list[np.ndarray] = [np.empty((0, self.spec.n_units))] * len(self.members)
        for group in self.passes:
            for variable, value in zip(grouped_variables(core), group.weights, strict=True):
                variable.assign(value)
            parts = []
            for start in range(0, n_rows, chunk_rows):
                x = np.stack([features[i][start : start + chunk_rows] for i in group.members])
                parts.append(keras.ops.convert_to_numpy(core(x.astype("float32"))))
            out = np.concatenate(parts, axis=1)
            for j, i in enumerate(group.members):
                outputs[i] = out[j]
        return outputs


def _pool(arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, list[int]]:
    """Every distinct array once, stacked, and the offset of each array's first row in it."""
    seen: dict[int, int] = {}
    blocks, offsets, size = [], [], 0
    for array in arrays:
        if id(array) not in seen:
            seen[id(array)] = size
            array = np.asarray(array)  # integer token ids stay integer
            blocks.append(array.astype("float32") if array.dtype.kind == "f" else array)
            size += len(array)
        offsets.append(seen[id(array)])
    return np.concatenate(blocks), offsets
