"""Word shingles and the set measures built on them (MinHash signatures build on these)."""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Set as AbstractSet

import numpy as np

from retold.clean import UNSPACED_CHARACTERS

SHINGLE_WORDS = 5
# Han and kana are tokens one character each: Chinese and Japanese put no spaces between words,
# and shingles of whole clauses would miss a reprint with one character changed.
TOKEN = re.compile(f"[{UNSPACED_CHARACTERS}]|[^\\W{UNSPACED_CHARACTERS}]+")


def words(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    tokens = words(text)
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def jaccard(x: AbstractSet[str], y: AbstractSet[str]) -> float:
    if not x and not y:
        return 1.0
    return len(x & y) / len(x | y)


def containment(part: AbstractSet[str], whole: AbstractSet[str]) -> float:
    """Share of `part`'s shingles found in `whole`."""
    return len(part & whole) / len(part) if part else 0.0


def text_hash(text: str) -> str:
    """Hash of the normalised text: equal when texts differ only in case, spacing, punctuation."""
    return hashlib.blake2b(" ".join(words(text)).encode(), digest_size=16).hexdigest()


def minhash_signature(shingle_set: set[str], num_perm: int, seed: int = 1) -> np.ndarray:
    """MinHash signature (rensa, Rust) of a shingle set, as unsigned 32-bit integers."""
    from rensa import RMinHash

    minhash = RMinHash(num_perm=num_perm, seed=seed)
    minhash.update(list(shingle_set))  # order does not change a minimum
    return np.asarray(minhash.digest(), dtype=np.uint32)


def band_keys(signature: np.ndarray, bands: int) -> list[int]:
    """One LSH bucket key per band: signatures that agree on every row of a band share its key."""
    return [int(k) for k in band_key_matrix(signature[np.newaxis, :], bands)[0]]


def band_key_matrix(signatures: np.ndarray, bands: int) -> np.ndarray:
    """Band keys of many signatures at once (rows: documents, columns: bands), as int64.

    Each band's rows are folded into 64 bits with a multiply-xor mix; the band number is mixed
    in too, so one key column serves every band.
    """
    documents, permutations = signatures.shape
    rows = permutations // bands
    blocks = signatures[:, : bands * rows].astype(np.uint64).reshape(documents, bands, rows)
    with np.errstate(over="ignore"):
        key = np.broadcast_to(
            np.arange(bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15), (documents, bands)
        ).copy()
        for row in range(rows):
            key ^= blocks[:, :, row] + np.uint64(0x632BE59BD9B4E019) + (key << np.uint64(6))
            key *= np.uint64(0xFF51AFD7ED558CCD)
            key ^= key >> np.uint64(33)
    return key.view(np.int64)


def estimated_jaccard(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(x == y))


def sentence_hash(sentence: str) -> int:
    digest = hashlib.blake2b(" ".join(words(sentence)).encode(), digest_size=8).digest()
    return int(struct.unpack("<q", digest)[0])
