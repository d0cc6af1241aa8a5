"""Word shingles and the set measures built on them (MinHash signatures build on these)."""

from __future__ import annotations

import hashlib
import re

SHINGLE_WORDS = 5


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    tokens = words(text)
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def jaccard(x: set[str], y: set[str]) -> float:
    if not x and not y:
        return 1.0
    return len(x & y) / len(x | y)


def containment(part: set[str], whole: set[str]) -> float:
    """Share of `part`'s shingles found in `whole`."""
    return len(part & whole) / len(part) if part else 0.0


def text_hash(text: str) -> str:
    """Hash of the normalised text: equal when texts differ only in case, spacing, punctuation."""
    return hashlib.blake2b(" ".join(words(text)).encode(), digest_size=16).hexdigest()
