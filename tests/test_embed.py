"""The sentence-vector cache never loses a row of the call that fills it."""

from __future__ import annotations

import numpy as np

from retold.embed import Embedder


def test_a_call_larger_than_the_cache_returns_every_row() -> None:
    # A 10k-article link failed here: a batch that fills the cache evicted its own earlier hits.
    embedder = Embedder(cache_size=3)
    first = embedder.encode(["Rain in Paris.", "Snow in Oslo."], "multilingual")
    texts = ["Rain in Paris.", "Fog in London.", "Sun in Rome.", "Wind in Riga.", "Snow in Oslo."]
    rows = embedder.encode(texts, "multilingual")
    assert rows.shape == (5, 512)
    assert np.allclose(rows[0], first[0], atol=1e-6) and np.allclose(rows[4], first[1], atol=1e-6)
    alone = Embedder().encode(["Sun in Rome."], "multilingual")
    assert np.allclose(rows[2], alone[0], atol=1e-6)
    assert embedder.encode(texts[:1] * 4, "multilingual").shape == (4, 512)
