"""Word shingles and the set measures built on them (MinHash signatures build on these)."""

from __future__ import annotations

import hashlib
import re
import struct

import numpy as np

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


def minhash_signature(shingle_set: set[str], num_perm: int, seed: int = 1) -> np.ndarray:
    """MinHash signature (rensa, Rust) of a shingle set, as unsigned 32-bit integers."""
    from rensa import RMinHash

    minhash = RMinHash(num_perm=num_perm, seed=seed)
    minhash.update(sorted(shingle_set))
    return np.asarray(minhash.digest(), dtype=np.uint32)


def band_keys(signature: np.ndarray, bands: int) -> list[int]:
    """One LSH bucket key per band: signatures that agree on every row of a band share its key.
    The band number is hashed in, so one key column serves every band."""
    rows = len(signature) // bands
    keys = []
    for band in range(bands):
        chunk = signature[band * rows : (band + 1) * rows].tobytes()
        digest = hashlib.blake2b(struct.pack("<H", band) + chunk, digest_size=8).digest()
        keys.append(struct.unpack("<q", digest)[0])
    return keys


def estimated_jaccard(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(x == y))


def sentence_hash(sentence: str) -> int:
    digest = hashlib.blake2b(" ".join(words(sentence)).encode(), digest_size=8).digest()
    return int(struct.unpack("<q", digest)[0])
