"""Sentence vectors: the cache never loses a row of the call that fills it; every script of a
language reads alike."""

from __future__ import annotations

import numpy as np
import pytest

from retold.embed import Embedder
from retold.settings import DEFAULT_SETTINGS


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


def test_english_vectors_in_bfloat16_agree_with_float32() -> None:
    # bfloat16 weights are what a CPU with native bfloat16 runs; the stored vectors keep one
    # model identity, so they must stay interchangeable with float32 ones.
    sentences = [
        "The two intelligence services agreed to cooperate against Western interference.",
        "Dockworkers walked out on Monday, halting container traffic at the port.",
        "The museum reopened its east wing after a two-year restoration.",
        "Police said three people were injured.",
    ]
    full = Embedder(precision="float32").encode(sentences, "english")
    half = Embedder(precision="bfloat16").encode(sentences, "english")
    assert half.dtype == np.float32
    assert np.allclose(np.linalg.norm(half, axis=1), 1.0, atol=1e-5)
    assert float((full * half).sum(axis=1).min()) > 0.999
    assert float(np.abs(full @ full.T - half @ half.T).max()) < 0.01


def test_a_traditional_chinese_translation_scores_as_its_simplified_twin() -> None:
    # Kabul, August 2021: KTSF's Traditional Chinese rendering of the AP sentence. USE read it
    # at 0.48 against the English, under the link threshold, and aligned nothing of the page.
    english = "Pentagon spokesman John Kirby said the two blasts were near an airport entrance."
    traditional = "美國國防部發言人John Kirby已證實爆炸事故，他表示其中一宗在機場入口附近發生。"
    simplified = "美国国防部发言人John Kirby已证实爆炸事故，他表示其中一宗在机场入口附近发生。"
    rows = Embedder().encode([english, traditional, simplified], "multilingual")
    assert float(rows[0] @ rows[1]) == pytest.approx(float(rows[0] @ rows[2]), abs=1e-4)
    assert float(rows[0] @ rows[1]) >= DEFAULT_SETTINGS.multilingual_align_threshold
