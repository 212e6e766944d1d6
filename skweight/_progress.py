"""One progress bar, with an estimated time left, for a whole comparison (``rich``, a Keras
dependency). Silent when disabled."""

from __future__ import annotations

from typing import Any


class ComparisonProgress:
    """A context manager around one ``rich`` progress bar.

    Parameters
    ----------
    total : float
        Units of work of the whole comparison (e.g. optimizer steps).
    description : str
        What is being done; ``phase`` changes it.
    enabled : bool
        False draws nothing.
    """

    def __init__(self, total: float, description: str, enabled: bool = True):
        self.total = float(total)
        self.description = description
        self.enabled = enabled
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> ComparisonProgress:
        if self.enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("[skweight] {task.description}"), BarColumn(),
                MofNCompleteColumn(), TextColumn("elapsed"), TimeElapsedColumn(),
                TextColumn("left"), TimeRemainingColumn(),
            )  # fmt: skip
            self._progress.start()
            self._task = self._progress.add_task(self.description, total=self.total)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def advance(self, units: float = 1) -> None:
        """Mark ``units`` more units as done."""
        if self._progress is not None:
            self._progress.advance(self._task, units)

    def grow(self, units: float) -> None:
        """Add ``units`` to the total (work found out about on the way)."""
        self.total += units
        if self._progress is not None:
            self._progress.update(self._task, total=self.total)

    def phase(self, description: str) -> None:
        """Change the description shown before the bar."""
        if self._progress is not None:
            self._progress.update(self._task, description=description)

    def finish(self) -> None:
        """Mark everything as done."""
        if self._progress is not None:
            self._progress.update(self._task, completed=self.total)


#: Open bars by token, so that fits cloned by a search (same process) can advance them.
_OPEN: dict[str, ComparisonProgress] = {}


def register(bar: ComparisonProgress) -> str:
    """Make ``bar`` reachable by the returned token until ``unregister``."""
    token = f"progress-{id(bar)}"
    _OPEN[token] = bar
    return token


def unregister(token: str) -> None:
    """Forget the bar of ``token``."""
    _OPEN.pop(token, None)


def advance(token: str | None, units: float = 1) -> bool:
    """Advance the bar of ``token``; False when there is none in this process."""
    bar = _OPEN.get(token) if token else None
    if bar is None:
        return False
    bar.advance(units)
    return True
