"""Precise exceptions: one base class, each naming the input and the reason."""

from __future__ import annotations


class RetoldError(Exception):
    """Base class of every error retold raises on purpose."""


class InputError(RetoldError):
    """An input could not be read as an article."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
