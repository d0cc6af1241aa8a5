"""Preparing a cleaned article for the corpus: what it is indexed by (its fingerprint: text hash,
MinHash signature, LSH band keys, sentence hashes; and its article vector), and what judging it
needs, kept so that it is made once (facts, specifics, the lede's vector, sentence vectors).

One stage, called by the local store's ingest and by the Spark job alike, so that both index an
article by the very same keys."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from retold.article import Article
from retold.embed import DIMENSIONS, ModelName, model_identity
from retold.facts import Fact
from retold.fingerprint import band_keys, minhash_signature, sentence_hash, shingles, text_hash
from retold.pipeline import LEAD_MODEL, Pipeline, PreparedArticle, order_key
from retold.settings import Settings
from retold.specifics import SPECIFICS_VERSION, Specifics


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


@dataclass
class PreparationRecord:
    """A prepared article as plain values for a store: facts and specifics as JSON, the lede's
    vector as float32 bytes."""

    facts: str
    specifics: str
    lede: bytes


def preparation_recipe(settings: Settings) -> str:
    """What a stored preparation was made with. One made with another fact extractor, lede
    length or lede model is made again, never mixed with the new ones."""
    return (
        f"facts={settings.fact_extractor};lede={settings.lede_sentences};"
        f"specifics={SPECIFICS_VERSION};"
        f"{model_identity(LEAD_MODEL)}"
    )


def preparation_record(prepared: PreparedArticle) -> PreparationRecord:
    assert prepared.lede_vector is not None
    return PreparationRecord(
        facts=json.dumps(
            [[f.kind, f.text, f.sentence] for f in prepared.facts], ensure_ascii=False
        ),
        specifics=json.dumps(prepared.specifics.weights, ensure_ascii=False),
        lede=prepared.lede_vector.astype(np.float32).tobytes(),
    )


def prepared_from_record(article: Article, record: PreparationRecord) -> PreparedArticle:
    return PreparedArticle(
        article=article,
        facts=[Fact(kind, text, sentence) for kind, text, sentence in json.loads(record.facts)],
        specifics=Specifics(json.loads(record.specifics)),
        order_key=order_key(article),
        lede_vector=np.frombuffer(record.lede, dtype=np.float32).copy(),
    )
