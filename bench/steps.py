"""Time named steps of the code under test by wrapping them in place (benchmarks only)."""

from __future__ import annotations

import time
from typing import Any


def time_steps(owner: Any, names: tuple[str, ...], totals: dict[str, float]) -> None:
    """Add each call's seconds of `owner.<name>` to `totals[name]`. A step the code under test
    lacks (an older revision) is skipped."""
    for name in names:
        original = getattr(owner, name, None)
        if original is None:
            continue

        def wrapper(*args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                totals[_name] = totals.get(_name, 0.0) + time.perf_counter() - started

        setattr(owner, name, wrapper)
