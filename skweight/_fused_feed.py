"""What each network of a fused pass is fed at every step: its own batches, epoch after epoch.

A pass trains networks whose epochs take different numbers of steps (over- or under-sampled
rows, a refit on every row, a tuned threshold's inner folds) side by side, for as many steps as
its longest network takes. Network ``k``'s steps follow one another as in its own fit: at the
start of each of its epochs its rows are put in order (shuffled by its own generator, or drawn
anew by a per-epoch resampler), then fed ``batch`` at a time, the last batch of an epoch
smaller. Each row's weight is divided by the number of rows in its batch, as a separate fit
averages its batch's losses. After its last step a network gets empty batches (weight 0), and
the pass keeps the network as it was at that step.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def epoch_order(member, epoch: int, rng: np.random.Generator | None) -> np.ndarray:
    """Indices into ``member.train`` that ``epoch`` trains on, in batch order."""
    train = member.train
    rows = np.arange(len(train.y)) if train.epoch_rows is None else train.epoch_rows(epoch)
    rows = np.asarray(rows, dtype=np.intp)
    return rows if rng is None else rng.permutation(rows)


def steps_per_epoch(member, batch: int) -> int:
    """Optimizer steps of one of ``member``'s epochs (a per-epoch draw keeps its size)."""
    return math.ceil(len(epoch_order(member, 0, None)) / batch)


class StepFeed:
    """The inputs of a pass's steps, handed out in order, a range of steps at a time.

    Parameters
    ----------
    members : sequence of Member
    offsets : sequence of int
        Where each member's rows start in the pass's row pool.
    kinds : sequence of int
        The index of each member's loss among the fused loss's losses.
    epoch_steps : sequence of int
        Each member's steps per epoch.
    batch, epochs : int
    shuffle : bool
        Shuffle each member's rows every epoch with ``default_rng(member.seed)``.
    """

    def __init__(self, members, offsets, kinds, epoch_steps, batch: int, epochs: int,
                 shuffle: bool):  # fmt: skip
        self.members, self.offsets, self.kinds = list(members), list(offsets), list(kinds)
        self.epoch_steps = np.asarray(epoch_steps, dtype=np.int64)
        self.batch, self.epochs = int(batch), int(epochs)
        self.rngs = [np.random.default_rng(m.seed) if shuffle else None for m in self.members]
        self.epoch_rows = np.array([len(epoch_order(m, 0, None)) for m in self.members])
        self.ends = self.epoch_steps * self.epochs  # each member's last step + 1
        self.total = int(self.ends.max())
        self._epoch = [-1] * len(self.members)
        self._blocks: list[tuple[np.ndarray, np.ndarray]] = [None] * len(self.members)  # type: ignore[list-item]

    def take(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Steps ``start`` to ``stop`` (never behind an earlier call's): the pool index of each
        position, shape ``(n_positions, K)``, and its target, weight and loss index, shape
        ``(n_positions, K, 3)``, ``batch`` positions per step."""
        width, batch = len(self.members), self.batch
        index = np.zeros(((stop - start) * batch, width), dtype="int32")
        target = np.zeros(((stop - start) * batch, width, 3), dtype="float32")
        for j, kind in enumerate(self.kinds):
            target[:, j, 2] = kind
            per_epoch = int(self.epoch_steps[j])
            step = start
            while step < min(stop, int(self.ends[j])):
                epoch, within = divmod(step, per_epoch)
                upto = min(stop, (epoch + 1) * per_epoch)
                block_index, block_target = self._block(j, epoch)
                source = slice(within * batch, (within + upto - step) * batch)
                at = slice((step - start) * batch, (upto - start) * batch)
                index[at, j] = block_index[source]
                target[at, j, :2] = block_target[source]
                step = upto
        return index, target

    def batch_rows(self, start: int, stop: int) -> np.ndarray:
        """Rows in each member's batch at steps ``start`` to ``stop``, shape ``(steps, K)``
        (0 after its last step)."""
        steps = np.arange(start, stop)[:, None]
        within = steps % self.epoch_steps[None, :]
        size = np.clip(self.epoch_rows[None, :] - within * self.batch, 0, self.batch)
        return np.where(steps < self.ends[None, :], size, 0)

    def epoch_of(self, start: int, stop: int) -> np.ndarray:
        """Each member's epoch at steps ``start`` to ``stop``, shape ``(steps, K)``."""
        return np.arange(start, stop)[:, None] // self.epoch_steps[None, :]

    def _block(self, j: int, epoch: int) -> tuple[np.ndarray, np.ndarray]:
        """Member ``j``'s pool indices and (target, weight) of ``epoch``, made once, in order."""
        if epoch != self._epoch[j]:
            if epoch < self._epoch[j]:
                raise RuntimeError("a StepFeed hands out steps in order only")
            for e in range(self._epoch[j] + 1, epoch + 1):  # each epoch's draw, in turn
                rows = epoch_order(self.members[j], e, self.rngs[j])
            self._blocks[j] = self._arrays(j, rows)
            self._epoch[j] = epoch
        return self._blocks[j]

    def _arrays(self, j: int, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        batch, train = self.batch, self.members[j].train
        positions = int(self.epoch_steps[j]) * batch
        rows = rows[:positions]  # a per-epoch draw keeps its first epoch's size
        n = len(rows)
        size = np.minimum(batch, n - (np.arange(n) // batch) * batch)  # rows in each one's batch
        weights = train.sample_weight
        weight = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)[rows]
        index = np.zeros(positions, dtype="int32")
        target = np.zeros((positions, 2), dtype="float32")
        index[:n] = self.offsets[j] + rows
        target[:n, 0] = train.y[rows]
        target[:n, 1] = weight / size
        return index, target


def pass_ends(feed: StepFeed, chunk_steps: int) -> list[int]:
    """Where a pass stops between its calls: every member's last step, and at most
    ``chunk_steps`` apart."""
    ends = sorted({int(e) for e in feed.ends})
    stops, position = [], 0
    for end in ends:
        while end - position > chunk_steps:
            position += chunk_steps
            stops.append(position)
        stops.append(end)
        position = end
    return stops


def split_passes(epoch_steps: Sequence[int], ratio: float) -> list[list[int]]:
    """Members (by index) grouped into passes: each pass holds the members whose epochs take
    at least ``ratio`` times the steps of its longest one's, so that a short network idles for
    at most ``1 - ratio`` of a pass."""
    order = sorted(range(len(epoch_steps)), key=lambda i: -epoch_steps[i])
    passes: list[list[int]] = []
    longest = 0
    for i in order:
        if not passes or epoch_steps[i] < ratio * longest:
            passes.append([])
            longest = epoch_steps[i]
        passes[-1].append(i)
    return [sorted(p) for p in passes]


def split_lanes(members: Sequence[int], epoch_steps: Sequence[int], lanes: int) -> list[list[int]]:
    """A pass's ``members`` dealt into at most ``lanes`` lanes of (nearly) equal width and
    steps: longest first, each to the next lane in turn. Empty lanes are dropped."""
    order = sorted(members, key=lambda i: -epoch_steps[i])
    dealt = [sorted(order[k::lanes]) for k in range(max(1, lanes))]
    return [lane for lane in dealt if lane]
