"""``python -m skweight``: the command line (see ``skweight.cli``)."""

from __future__ import annotations

from .cli import main

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())
