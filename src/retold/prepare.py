"""Preparing a cleaned article for the corpus: what it is indexed by. Its fingerprint (text hash,
MinHash signature, LSH band keys, sentence hashes) and its article vector.

One stage, called by the local store's ingest and by the Spark job alike, so that both index an
article by the very same keys."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retold.article import Article
from retold.embed import DIMENSIONS, ModelName
from retold.fingerprint import band_keys, minhash_signature, sentence_hash, shingles, text_hash
from retold.pipeline import LEAD_MODEL, Pipeline
from retold.settings import Settings


@dataclass
class Fingerprint:
    text_hash: str
    signature: np.ndarray
    band_keys: list[int]
    sentence_hashes: list[int]


def fingerprint(article: Article, settings: Settings) -> Fingerprint:
    signature = minhash_signature(shingles(article.body), settings.minhash_permutations)
    return Fingerprint(
        text_hash=text_hash(article.body),
        signature=signature,
        band_keys=band_keys(signature, settings.lsh_bands),
        sentence_hashes=[sentence_hash(s.text) for s in article.sentences],
    )


ARTICLE_VECTOR_MODEL: ModelName = LEAD_MODEL


def article_vectors(pipeline: Pipeline, articles: list[Article]) -> np.ndarray:
    """One vector per article, from its title and lead sentences encoded as one passage by the
    e5 model (~94 languages), so that an article and its translation land near each other
    whatever the two languages."""
    leads = [a.lead(pipeline.settings.lead_sentences) for a in articles]
    if not leads:
        return np.zeros((0, DIMENSIONS[ARTICLE_VECTOR_MODEL]), dtype=np.float32)
    return pipeline.embedder.encode(leads, ARTICLE_VECTOR_MODEL)
