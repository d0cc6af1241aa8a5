"""The local pipeline's stage functions, wrapped for Spark's mapInPandas / applyInPandas.

Nothing here re-implements a stage: cleaning, segmenting, fingerprinting, article vectors, the
compare engine and original inference are the very functions `retold ingest` uses. Each Python
worker loads the pipeline (and its models) once and keeps it for every batch it is given."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from retold.article import Article, Sentence
from retold.errors import InputError
from retold.ingest.jsonobj import document_from_record
from retold.pipeline import JUDGE_STAGE, SCREEN_STAGE, Pipeline, models_needed
from retold.prepare import article_vectors, fingerprint
from retold.settings import Settings
from retold.stories import (
    copy_communities,
    edge_from_pair,
    family_communities,
    infer_original,
)

VECTOR_BANDS = 64
HYPERPLANE_SEED = 20261122

PREPARED_SCHEMA = (
    "order_key long, record_key string, external_id string, source string, title string, "
    "url string, published string, site string, author string, language string, "
    "attribution array<string>, chrome array<string>, paragraphs array<string>, "
    "sentences array<string>, sentence_paragraphs array<int>, text_hash string, "
    "signature array<long>, band_keys array<long>, vector array<float>, reject string"
)
PAIR_SCHEMA = (
    "a long, b long, relation string, similarity double, direction string, evidence array<string>,"
    " probability double, stage string"
)
PAIR_COLUMNS = [
    "a", "b", "relation", "similarity", "direction", "evidence", "probability", "stage",
]  # fmt: skip
FAMILY_SCHEMA = "id long, story long"
COPY_GROUP_SCHEMA = "id long, copy_group long"
ORIGINAL_SCHEMA = "story long, original long, original_evidence array<string>"
RECORD_FIELDS = ("text", "title", "url", "published", "language", "site", "author")


@lru_cache(maxsize=1)
def worker_pipeline(settings_json: str) -> Pipeline:
    """One pipeline per Python worker: the models load on first use and stay loaded."""
    return Pipeline(Settings(**json.loads(settings_json)))


@lru_cache(maxsize=4)
def hyperplanes(dimension: int, count: int) -> np.ndarray:
    """Random hyperplanes for SimHash bucketing of article vectors, the same on every worker."""
    rng = np.random.default_rng(HYPERPLANE_SEED)
    return rng.standard_normal((count, dimension)).astype(np.float32)


def bits_per_band(articles: int) -> int:
    """Enough sign bits per band that a bucket holds ~32 articles on average (6 to 14): the
    bucket count grows with the corpus so buckets stay small; recall per band falls with it
    (a pair at cosine 0.8 shares one of 64 bands with probability 1 − (1 − 0.8^bits)^64:
    > 99.9 % at 6 bits, 97 % at 10, 83 % at 14)."""
    return int(min(14, max(6, np.ceil(np.log2(max(articles, 1) / 32)))))


def vector_band_batches(batches: Iterator[pd.DataFrame], bits: int) -> Iterator[pd.DataFrame]:
    """(id, vector) → (id, key): one SimHash key per band of `bits` sign bits."""
    weights = 1 << np.arange(bits, dtype=np.int64)
    for batch in batches:
        if batch.empty:
            continue
        vectors = np.stack([np.asarray(v, dtype=np.float32) for v in batch["vector"]])
        planes = hyperplanes(vectors.shape[1], VECTOR_BANDS * bits)
        signs = (vectors @ planes.T > 0).reshape(len(vectors), VECTOR_BANDS, bits)
        keys = (signs.astype(np.int64) @ weights) + (np.arange(VECTOR_BANDS) << 20)
        yield pd.DataFrame(
            {"id": np.repeat(batch["id"].to_numpy(), VECTOR_BANDS), "key": keys.reshape(-1)}
        )


def _text_or_none(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def prepare_batches(batches: Iterator[pd.DataFrame], settings_json: str) -> Iterator[pd.DataFrame]:
    """Records (one row each, fields as columns) → cleaned, segmented, fingerprinted articles
    with their vector; a record that cannot be read keeps its reason in `reject`."""
    pipeline = worker_pipeline(settings_json)
    settings = pipeline.settings
    for batch in batches:
        rows: list[dict[str, Any]] = []
        articles: list[Article] = []
        positions: list[int] = []
        for record in batch.to_dict("records"):
            row: dict[str, Any] = {
                "order_key": int(record["order_key"]), "record_key": record["record_key"],
                "external_id": _text_or_none(record.get("id")), "source": record["source"],
            }  # fmt: skip
            try:
                fields = {k: _text_or_none(record.get(k)) for k in RECORD_FIELDS}
                document = document_from_record(fields, record["source"])
                article = pipeline.load(document)
            except InputError as exc:
                rows.append({**row, "reject": exc.reason})
                continue
            fp = fingerprint(article, settings)
            row |= {
                "title": article.title, "url": article.url, "published": article.published,
                "site": article.site, "author": article.author, "language": article.language,
                "attribution": article.attribution, "chrome": article.chrome,
                "paragraphs": article.paragraphs, "sentences": article.sentence_texts,
                "sentence_paragraphs": [s.paragraph for s in article.sentences],
                "text_hash": fp.text_hash, "signature": fp.signature.astype(np.int64).tolist(),
                "band_keys": fp.band_keys, "reject": None,
            }  # fmt: skip
            positions.append(len(rows))
            rows.append(row)
            articles.append(article)
        if articles and settings.embed_articles:
            for position, vector in zip(
                positions, article_vectors(pipeline, articles), strict=True
            ):
                rows[position]["vector"] = vector.astype(np.float32).tolist()
        columns = [c.split()[0] for c in PREPARED_SCHEMA.split(", ")]
        # object dtype keeps a rejected record's missing arrays as None, not NaN
        yield pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], dtype=object)


def article_from_row(row: dict[str, Any]) -> Article:
    """A stored article rebuilt from its columns, exactly as the local store rebuilds it."""
    return Article(
        source=row["source"],
        paragraphs=list(row["paragraphs"]),
        title=row["title"], chrome=list(row["chrome"]), attribution=list(row["attribution"]),
        url=row["url"], published=row["published"], site=row["site"], author=row["author"],
        language=row["language"],
        sentences=[
            Sentence(index=i, text=text, paragraph=int(paragraph))
            for i, (text, paragraph) in enumerate(
                zip(row["sentences"], row["sentence_paragraphs"], strict=True)
            )
        ],
    )  # fmt: skip


# Pairs judged together: their articles prepared, and sentence vectors encoded, in one batch.
JUDGE_SLICE = 1024


def judge_batches(batches: Iterator[pd.DataFrame], settings_json: str) -> Iterator[pd.DataFrame]:
    """Candidate pairs (each row holds both articles' columns, prefixed a_ and b_) → the compare
    engine's relation, similarity, direction and evidence; unrelated pairs are dropped. Each
    batch's articles are prepared and their sentence vectors encoded in one go per model, as
    the local corpus does, so both judge from the very same numbers."""
    pipeline = worker_pipeline(settings_json)
    for batch in batches:
        # An Arrow batch holds up to 10,000 pairs: judged in slices, memory stays bounded.
        for start in range(0, len(batch), JUDGE_SLICE):
            yield _judge_rows(pipeline, batch.iloc[start : start + JUDGE_SLICE])


def _judge_rows(pipeline: Pipeline, batch: pd.DataFrame) -> pd.DataFrame:
    rows = batch.to_dict("records")
    articles: dict[int, Article] = {}
    for row in rows:
        for side in ("a", "b"):
            article_id = int(row[f"{side}_id"])
            if article_id not in articles:
                columns = {k[2:]: v for k, v in row.items() if k.startswith(f"{side}_")}
                articles[article_id] = article_from_row(columns)
    ids = list(articles)
    prepared = dict(zip(ids, pipeline.prepare_many([articles[i] for i in ids]), strict=True))
    pairs = [(int(row["a_id"]), int(row["b_id"])) for row in rows]
    screened, left = pipeline.screen_pairs(prepared, pairs)
    for model, needed in models_needed(prepared, left).items():
        pipeline.encode_sentence_vectors([prepared[i] for i in sorted(needed)], model)
    out: list[tuple[Any, ...]] = [
        (a, b, verdict.relation, 0.0, "unknown", verdict.evidence, verdict.probability,
         SCREEN_STAGE)
        for a, b, verdict in screened
    ]  # fmt: skip
    for a, b in left:
        result = pipeline.compare_prepared(prepared[a], prepared[b])
        if result.relation != "unrelated":
            out.append(
                (a, b, result.relation, result.similarity, result.direction, result.evidence,
                 result.probability, JUDGE_STAGE)
            )  # fmt: skip
    return pd.DataFrame(out, columns=PAIR_COLUMNS)


def communities_of_component(group: pd.DataFrame) -> pd.DataFrame:
    """One connected component's family pairs, and the pairs judged another event inside it,
    → its story families, as the local `retold stories` splits them (each family named by its
    smallest id)."""
    pairs = group[["a", "b", "relation", "probability"]].to_dict("records")
    rows = [{"id": m, "story": family[0]} for family in family_communities(pairs) for m in family]
    return pd.DataFrame(rows, columns=["id", "story"])


def copy_groups_of_component(group: pd.DataFrame) -> pd.DataFrame:
    """One connected component of copy pairs, and the other pairs judged inside it → its copy
    groups, as the local corpus splits them (each group named by its smallest id)."""
    pairs = group[["a", "b", "relation", "probability"]].to_dict("records")
    rows = [{"id": m, "copy_group": found[0]} for found in copy_communities(pairs) for m in found]
    return pd.DataFrame(rows, columns=["id", "copy_group"])


def original_of_story(group: pd.DataFrame) -> pd.DataFrame:
    """One family's pairs (with each end's publication date) → its original, as the local
    `retold stories` infers it."""
    story = int(group["story"].iloc[0])
    edges = [
        edge_from_pair({**pair, "evidence": list(pair["evidence"])})
        for pair in group.to_dict("records")
    ]
    articles: dict[int, dict[str, Any]] = {}
    for pair in group.to_dict("records"):
        articles[int(pair["a"])] = {"published": pair["a_published"]}
        articles[int(pair["b"])] = {"published": pair["b_published"]}
    original, evidence = infer_original(sorted(articles), edges, articles)
    return pd.DataFrame([{"story": story, "original": original, "original_evidence": evidence}])
