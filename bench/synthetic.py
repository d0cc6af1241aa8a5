"""Synthetic corpora for the benchmarks: documents of a Zipf-distributed vocabulary, with
near-copies made by small edits. Deterministic for a given seed."""

from __future__ import annotations

import random
import string


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 10))))
    return sorted(words)


def zipf_words(vocab: list[str], count: int, rng: random.Random) -> list[str]:
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]
    return rng.choices(vocab, weights=weights, k=count)


def edited(words: list[str], rate: float, vocab: list[str], rng: random.Random) -> list[str]:
    """Substitute, delete or insert about `rate` of the words; sometimes cut the end."""
    out: list[str] = []
    for word in words:
        roll = rng.random()
        if roll < rate / 3:
            continue
        if roll < 2 * rate / 3:
            out.append(rng.choice(vocab))
            continue
        out.append(word)
        if roll < rate:
            out.append(rng.choice(vocab))
    if rng.random() < 0.3:
        out = out[: int(len(out) * rng.uniform(0.85, 1.0))]
    return out


def near_duplicate_corpus(
    documents: int, words: int = 600, seed: int = 13
) -> tuple[list[str], list[int]]:
    """Documents and their cluster labels: a quarter are originals, the rest edited copies."""
    rng = random.Random(seed)
    vocab = vocabulary(20_000, rng)
    texts: list[str] = []
    labels: list[int] = []
    cluster = 0
    while len(texts) < documents:
        base = zipf_words(vocab, words, rng)
        texts.append(" ".join(base))
        labels.append(cluster)
        for _ in range(rng.randint(0, 5)):
            if len(texts) >= documents:
                break
            texts.append(" ".join(edited(base, rng.uniform(0.01, 0.12), vocab, rng)))
            labels.append(cluster)
        cluster += 1
    return texts, labels
