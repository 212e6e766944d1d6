"""Train many copies of any Keras network side by side on JAX, each as its own fit would.

``skweight._fused`` stacks copies of the built-in network as grouped dense layers; a network
from a build function cannot be restacked that way. On the JAX backend it need not be: every
Keras model has a pure ``stateless_call(trainable, non_trainable, x)``, and ``jax.vmap`` over
the networks' variables runs K copies of it as one program. ``VmappedNetworks`` keeps the
fused engine's grouping, row pool and batch order (``FusedNetworks``) and replaces its Keras
``fit`` by one compiled program per pass, each step written as Keras' JAX trainer writes it:

- the forward pass is the template network's ``stateless_call`` in training mode, with its
  regularisation losses; each network's loss is its own Keras loss on its own rows, every
  row's value times its weight divided by its own batch size (padded rows weigh 0), plus those
  regularisation losses: the value ``model.fit`` minimises on that batch;
- the update is the compiled optimizer's ``stateless_apply`` on the network's own gradient and
  optimizer state;
- ``jax.lax.scan`` runs a chunk of steps in one call (one compiled program per pass), ``jax.vmap``
  the K networks; a network past its own last step is left as it is (its ``active`` flag);
- on the CPU, one such program of small networks keeps one core busy: a pass can be dealt into
  lanes of equal shape (``lanes``), trained at the same time in threads of their own by the
  same compiled program (JAX runs it without Python's lock).

Layers that mix the rows of a batch (batch normalisation) would see the padding, so networks
with them are trained one by one (``vmap_reason``). Dropout draws from each network's own seed
state, as a separate fit's does, but the padded last batch of an epoch draws a mask of the full
batch's shape, so networks with dropout are trained as a separate fit would be, not to the bit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import keras
import numpy as np

from ._fused import CHUNK_BYTES, FusedLoss, FusedNetworks, Member, TrainSettings
from ._fused_feed import split_lanes

#: Fewest networks in a lane: a narrower program's step costs about as much as a wider one's.
MIN_LANE_WIDTH = 8

#: Layers whose training-mode output for a row depends on the other rows of its batch.
BATCH_MIXING_LAYERS = (keras.layers.BatchNormalization,)


def vmap_reason(model: keras.Model) -> str | None:
    """Why copies of ``model`` cannot be trained with ``jax.vmap`` (None: they can)."""
    for layer in model._flatten_layers(include_self=False):
        if isinstance(layer, BATCH_MIXING_LAYERS):
            return f"its {type(layer).__name__} layer mixes the rows of a batch"
    return None


def network_variables(model: keras.Model) -> list[np.ndarray]:
    """The values of ``model``'s trainable, then non-trainable variables (seed states too)."""
    variables = [*model.trainable_variables, *model.non_trainable_variables]
    return [np.array(keras.ops.convert_to_numpy(v.value)) for v in variables]


def assign_variables(model: keras.Model, values: Sequence[np.ndarray]) -> None:
    """Give ``model`` the values ``network_variables`` reads (of a network built alike)."""
    variables = [*model.trainable_variables, *model.non_trainable_variables]
    if len(variables) != len(values):
        raise ValueError(f"the network has {len(variables)} variables, got {len(values)} values")
    for variable, value in zip(variables, values, strict=True):
        variable.assign(value)


class _Lane:
    """One pass as the compiled program takes it: its state, row pool and inputs by chunk of
    steps, at ``width`` networks (the pass's own, then inactive padding)."""

    def __init__(self, group, feed, state, rows, width: int, chunk: int, epochs: int):
        self.group, self.feed, self.state, self.rows = group, feed, state, rows
        self.width, self.chunk, self.batch = width, chunk, feed.batch
        self.totals = np.zeros((epochs + 1, len(group.members)))  # row ``epochs``: after the end
        self.counts = np.zeros_like(self.totals)
        self._first: tuple | None = None

    def first_inputs(self) -> tuple:
        """What the program is called with first (its shapes and types are every call's)."""
        self._first = self.inputs(0)  # the feed hands out each step once
        return (self.state, *self._first, self.rows)

    def inputs(self, position: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row indices, targets and active flags of the chunk starting at step ``position``."""
        if position == 0 and self._first is not None:
            return self._first
        feed, chunk, batch, width = self.feed, self.chunk, self.batch, self.width
        upto = min(feed.total, position + chunk)
        index, target = feed.take(position, upto)
        n = index.shape[1]
        active = np.zeros((chunk, width), dtype=bool)
        active[:, :n] = np.arange(position, position + chunk)[:, None] < feed.ends[None, :]
        pad = (chunk - (upto - position)) * batch  # steps no network takes
        index = np.pad(index, ((0, pad), (0, width - n))).reshape(chunk, batch, width)
        target = np.pad(target, ((0, pad), (0, width - n), (0, 0)))
        return index, target.reshape(chunk, batch, width, 3), active

    def record(self, position: int, upto: int, values) -> None:
        """Add the chunk's batch losses, weighted by their rows, to each network's epoch."""
        n = len(self.group.members)
        sizes = self.feed.batch_rows(position, upto)
        epochs = np.minimum(self.feed.epoch_of(position, upto), len(self.totals) - 1)
        columns = np.broadcast_to(np.arange(n), epochs.shape)
        losses = np.asarray(values)[: upto - position, :n]
        np.add.at(self.totals, (epochs, columns), losses * sizes)
        np.add.at(self.counts, (epochs, columns), sizes)

    def history(self) -> np.ndarray:
        """Each network's loss per epoch, shape (epochs, networks)."""
        return self.totals[:-1] / np.maximum(self.counts[:-1], 1)


class VmappedNetworks(FusedNetworks):
    """Members that share ``template``'s architecture, trained with ``jax.vmap``.

    Parameters
    ----------
    spec : hashable
        What identifies the architecture (members with equal specs share ``template``).
    members : sequence of Member
        ``initial_weights`` as ``network_variables`` lists them.
    settings : TrainSettings
        Batch size, epochs, shuffling and seed (the optimizer is the template's).
    template : keras.Model
        One built and compiled copy of the network; its variables are never changed.
    pass_ratio : float
        See ``FusedNetworks``.
    lanes : int
        Each pass is dealt into up to this many lanes (of at least ``MIN_LANE_WIDTH``
        networks), trained at the same time in threads of their own by one compiled program:
        one XLA program of small networks runs on one CPU core.
    """

    def __init__(self, spec, members: Sequence[Member], settings: TrainSettings, template,
                 pass_ratio: float = 1.0, lanes: int = 1):  # fmt: skip
        self.lanes = int(lanes)
        super().__init__(spec, members, settings, pass_ratio)
        self.template = template

    def _compile(self) -> None:
        import jax

        model = self.template
        optimizer = model.optimizer
        if not optimizer.built:
            optimizer.build(model.trainable_variables)
        self._fresh = [keras.ops.convert_to_numpy(v.value) for v in optimizer.variables]
        self._n_trainable = len(model.trainable_variables)
        self._steps = jax.jit(self._steps_function(model, optimizer))
        self._forward = jax.jit(jax.vmap(self._forward_function(model)))

    def _steps_function(self, model, optimizer):
        import jax
        import jax.numpy as jnp

        fused_loss = FusedLoss(self.losses, int(model.output_shape[-1]))
        training = {"training": True} if getattr(model, "_call_has_training_arg", True) else {}

        def network_loss(trainable, non_trainable, x, target):
            y_pred, non_trainable, penalties = model.stateless_call(
                trainable, non_trainable, x, return_losses=True, **training
            )  # one network: its rows are the fused loss's rows of a single network
            total = jnp.sum(fused_loss.network_values(target[:, None], y_pred[:, None]))
            for penalty in penalties:
                total = total + penalty
            return total, non_trainable

        def step(state, index, target, active, pool):
            trainable, non_trainable, optimizer_state = state
            x = jnp.take(pool, index, axis=0)
            (value, non_trainable), grads = jax.value_and_grad(network_loss, has_aux=True)(
                trainable, non_trainable, x, target
            )
            trainable, optimizer_state = optimizer.stateless_apply(
                optimizer_state, grads, trainable
            )
            new = (trainable, non_trainable, optimizer_state)
            return jax.tree.map(lambda n, o: jnp.where(active, n, o), new, state), value

        networks = jax.vmap(step, in_axes=(0, 1, 1, 0, None))

        def steps(state, index, target, active, pool):
            return jax.lax.scan(
                lambda s, xs: networks(s, *xs, pool), state, (index, target, active)
            )

        return steps

    @staticmethod
    def _forward_function(model):
        def forward(trainable, non_trainable, x):
            outputs, _ = model.stateless_call(trainable, non_trainable, x, training=False)
            return outputs

        return forward

    def _rounds(self, passes, epoch_steps):
        """Each pass dealt into ``lanes`` lanes of equal shape, trained at the same time."""
        lanes = [max(1, min(self.lanes, len(members) // MIN_LANE_WIDTH)) for members in passes]
        return [
            split_lanes(members, epoch_steps, n) for members, n in zip(passes, lanes, strict=True)
        ]

    def _run_round(self, passes, pools, advance) -> None:
        """Train the lanes of one pass, each in a thread of its own, with one compiled program:
        every lane is fed at the width, pool size and chunk length of the widest."""
        if len(passes) == 1:
            self._run_pass(passes[0], pools[0], advance)
            return
        width = max(len(g.members) for g in passes)
        pool_rows = max(len(rows) for rows, _ in pools)
        total = max(max(g.epoch_steps) for g in passes) * self.settings.epochs
        lanes = [
            self._start(g, pool, width, pool_rows, total)
            for g, pool in zip(passes, pools, strict=True)
        ]
        steps = self._steps.lower(*lanes[0].first_inputs()).compile()
        lock = threading.Lock()

        def locked(n: int) -> None:
            with lock:
                advance(n)

        stop = threading.Event()  # an error or an interrupt: the other lanes stop too
        with ThreadPoolExecutor(len(lanes)) as threads:
            done = [threads.submit(self._train, lane, steps, advance and locked, stop)
                    for lane in lanes]  # fmt: skip
            try:
                for future in done:
                    future.result()
            finally:
                stop.set()

    def _run_pass(self, group, pool, advance) -> None:
        """Train the pass's members from their initial variables."""
        lane = self._start(group, pool, len(group.members), len(pool[0]), None)
        self._train(lane, self._steps, advance)

    def _start(self, group, pool, width: int, pool_rows: int, total: int | None) -> _Lane:
        """A pass's initial state and inputs, fed at ``width`` networks (the others inactive
        copies of the first), with a row pool of ``pool_rows`` rows, in chunks of steps
        (``total`` steps: the chunk length of a pass that long)."""
        rows, offsets = pool
        members = [self.members[i] for i in group.members]
        initial = [m.initial_weights for m in members]
        initial += [initial[0]] * (width - len(members))
        stacked = [np.stack(values) for values in zip(*initial, strict=True)]
        n_trainable = self._n_trainable
        state = (
            stacked[:n_trainable],
            stacked[n_trainable:],
            [np.broadcast_to(v, (width, *np.shape(v))).copy() for v in self._fresh],
        )
        if pool_rows > len(rows):
            rows = np.concatenate([rows, np.zeros((pool_rows - len(rows), *rows.shape[1:]),
                                                  rows.dtype)])  # fmt: skip
        feed, batch = self._feed(group, offsets), self.settings.batch_size
        total = feed.total if total is None else total
        chunk = max(1, min(total, CHUNK_BYTES // (batch * width * 16)))
        return _Lane(group, feed, state, rows, width, chunk, self.settings.epochs)

    def _train(self, lane: _Lane, steps, advance, stop: threading.Event | None = None) -> None:
        """Run a lane's chunks of steps (every chunk as long as the first, the last padded with
        steps no network takes), until ``stop`` is set; keep its networks' variables and loss
        per epoch."""
        start = time.perf_counter()
        state, feed = lane.state, lane.feed
        for position in range(0, feed.total, lane.chunk):
            if stop is not None and stop.is_set():
                return
            upto = min(feed.total, position + lane.chunk)
            state, values = steps(state, *lane.inputs(position), lane.rows)
            lane.record(position, upto, values)
            if advance is not None:
                advance(upto - position)
        n = len(lane.group.members)
        lane.group.weights = [np.asarray(v)[:n] for v in (*state[0], *state[1])]
        lane.group.history = lane.history()
        lane.group.seconds = time.perf_counter() - start

    def _network_weights(self, group, j: int) -> list[np.ndarray]:
        return [w[j] for w in group.weights]

    def predict(self, features: Sequence[np.ndarray], chunk_rows: int = 4096) -> list[np.ndarray]:
        """Each member's outputs on its own ``features[i]`` (the same rows for every member)."""
        n_rows = len(features[0])
        chunk = max(1, min(chunk_rows, n_rows))
        n_trainable = self._n_trainable
        outputs: list[np.ndarray] = [np.empty(0)] * len(self.members)
        for group in self.passes:
            trainable, non_trainable = group.weights[:n_trainable], group.weights[n_trainable:]
            parts = []
            for start in range(0, n_rows, chunk):
                x = np.stack([features[i][start : start + chunk] for i in group.members])
                short = chunk - x.shape[1]  # pad the last chunk: one compiled shape
                if short:
                    x = np.concatenate([x, np.zeros((x.shape[0], short, *x.shape[2:]), x.dtype)], 1)
                out = np.asarray(self._forward(trainable, non_trainable, x))
                parts.append(out[:, : chunk - short])
            out = np.concatenate(parts, axis=1)
            for j, i in enumerate(group.members):
                outputs[i] = out[j].reshape(n_rows, -1)
        return outputs
