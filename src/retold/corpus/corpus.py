"""The corpus: a store, its indexes and the compare engine, behind one object."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from retold.article import Article, RawDocument
from retold.corpus.ingest import Ingester, IngestReport
from retold.corpus.store import Store, StoredArticle
from retold.corpus.vectors import VectorIndex
from retold.embed import DIMENSIONS, ModelName, choose_model, model_identity
from retold.fingerprint import estimated_jaccard
from retold.ingest.records import FieldNames, Record, Reject, iter_records
from retold.pipeline import (
    JUDGE_STAGE,
    SCREEN_STAGE,
    ArticleInput,
    Pipeline,
    PreparedArticle,
    models_needed,
)
from retold.prepare import (
    ARTICLE_VECTOR_MODEL,
    article_vectors,
    fingerprint,
    preparation_recipe,
    preparation_record,
    prepared_from_record,
)
from retold.result import CompareResult
from retold.settings import DEFAULT_SETTINGS, Settings
from retold.versions import StoredVersion, VersionChanges, version_changes

VECTOR_DIMENSION = DIMENSIONS[ARTICLE_VECTOR_MODEL]
# Prepared articles (with their sentence vectors, ~50 KB each) kept in memory between batches.
PREPARED_IN_MEMORY = 1024
DEFAULT_FIELDS = FieldNames()


@dataclass
class Candidate:
    article_id: int
    shared_buckets: int = 0
    estimated_jaccard: float = 0.0
    vector_similarity: float | None = None


@dataclass
class Added:
    status: str  # stored, duplicate (article_id is the stored copy) or rejected
    article_id: int | None
    reason: str | None = None


@dataclass
class SearchHit:
    article_id: int
    title: str | None
    source: str
    url: str | None
    published: str | None
    site: str | None
    language: str | None
    relation: str
    similarity: float
    direction: str
    evidence: list[str] = field(default_factory=list)
    estimated_jaccard: float = 0.0
    vector_similarity: float | None = None


class Corpus:
    """A persistent corpus in one SQLite file (plus its vector index file beside it)."""

    def __init__(
        self,
        path: str | Path,
        settings: Settings = DEFAULT_SETTINGS,
        pipeline: Pipeline | None = None,
        read_only: bool = False,
    ) -> None:
        self.read_only = read_only
        self.store = Store(path)
        self.pipeline = pipeline or Pipeline(settings)
        self.settings = self.pipeline.settings
        self._vectors: VectorIndex | None = None
        self._prepared: OrderedDict[int, PreparedArticle] = OrderedDict()

    def close(self) -> None:
        self.store.close()

    @property
    def vectors(self) -> VectorIndex:
        if self._vectors is None:
            self._vectors = VectorIndex.beside(self.store, VECTOR_DIMENSION, self.read_only)
        return self._vectors

    # -- ingest -----------------------------------------------------------------------------
    def ingest(
        self,
        inputs: list[Path],
        fields: FieldNames = DEFAULT_FIELDS,
        advance: Callable[[int], None] = lambda n: None,
        link: bool = True,
    ) -> IngestReport:
        if self.read_only:
            raise RuntimeError("this corpus was opened read-only")
        return self.ingest_records(iter_records(inputs, fields, self.settings), advance, link)

    def ingest_records(
        self,
        records: Iterable[Record | Reject],
        advance: Callable[[int], None] = lambda n: None,
        link: bool = True,
    ) -> IngestReport:
        if self.read_only:
            raise RuntimeError("this corpus was opened read-only")
        ingester = Ingester(self.store, self.pipeline, on_vectors=self.vectors.add)
        report = ingester.run(records, advance)
        self.vectors.save()
        if link:
            self.link()
        return report

    def add(self, document: RawDocument) -> Added:
        """Ingest one article (as the HTTP API does) and link it to its copies. The same text at
        the same URL is one record: adding it again changes nothing."""
        identity = f"{document.url or ''}\n{document.title or ''}\n{document.text}"
        key = "added:" + hashlib.sha256(identity.encode("utf-8")).hexdigest()
        self.ingest_records([Record(key, document)])
        status = self.store.record_status(key)
        assert status is not None
        state, article_id, reason = status
        return Added(state, article_id, reason)

    # -- candidates and judging -------------------------------------------------------------
    def candidates(
        self, signature: np.ndarray, band_keys: list[int], vector: np.ndarray | None
    ) -> dict[int, Candidate]:
        found: dict[int, Candidate] = {}
        for article_id, shared in self.store.candidates_by_band_keys(band_keys).items():
            found[article_id] = Candidate(article_id, shared_buckets=shared)
        if vector is not None:
            for article_id, similarity in self.vectors.search(
                vector, self.settings.vector_candidates
            ):
                if similarity >= self.settings.vector_candidate_min:
                    found.setdefault(article_id, Candidate(article_id)).vector_similarity = round(
                        similarity, 4
                    )
        for candidate in found.values():
            stored = self.store.get(candidate.article_id)
            if stored is not None:
                candidate.estimated_jaccard = round(
                    estimated_jaccard(signature, stored.signature), 4
                )
        return found

    def link(self, advance: Callable[[int], None] = lambda n: None) -> int:
        """Judge every new article against its candidates; store the pairs. An article is judged
        against the articles before it and, when it is a new version of an older page, against
        every linked article after it too; a pair is kept as (older, newer). Articles go in
        batches: what judging needs of them is prepared (or read back); the screen settles the
        pairs that its text measures show to be other events; the sentence vectors of the rest
        are encoded for all the batch's pairs at once, then each is judged with no model run.
        Every stored pair names the stage that decided it."""
        judged = 0
        unlinked = self.store.unlinked_ids()
        waiting = set(unlinked)
        batch_size = self.settings.ingest_batch
        for start in range(0, len(unlinked), batch_size):
            batch = unlinked[start : start + batch_size]
            planned: list[tuple[int, int]] = []
            for article_id in batch:
                stored = self.store.get(article_id)
                assert stored is not None
                keys = self.store.band_keys_of(article_id)
                candidates = self.candidates(stored.signature, keys, stored.vector)
                for other_id in sorted(c for c in candidates if c != article_id):
                    if other_id > article_id and other_id in waiting:
                        continue  # judged when its own turn comes
                    planned.append((min(other_id, article_id), max(other_id, article_id)))
            prepared = self.prepared_many({i for pair in planned for i in pair})
            screened, left = self.pipeline.screen_pairs(prepared, planned)
            self._sentence_vectors(prepared, models_needed(prepared, left))
            results = [
                (a, b, self.pipeline.compare_prepared(prepared[a], prepared[b])) for a, b in left
            ]
            judged += len(planned)
            with self.store.transaction() as connection:
                for first, second, verdict in screened:
                    self.store.upsert_pair(
                        connection, first, second, verdict.relation, 0.0, "unknown",
                        verdict.evidence, verdict.probability, SCREEN_STAGE,
                    )  # fmt: skip
                for first, second, result in results:
                    if result.relation == "unrelated":
                        continue
                    self.store.upsert_pair(
                        connection, first, second, result.relation, result.similarity,
                        result.direction, result.evidence, result.probability, JUDGE_STAGE,
                    )  # fmt: skip
                for article_id in batch:
                    self.store.mark_linked(connection, article_id)
            waiting.difference_update(batch)
            advance(len(batch))
        return judged

    def _prepare_pairs(self, pairs: list[tuple[int, int]]) -> dict[int, PreparedArticle]:
        """Both sides of every pair, prepared, with the sentence vectors of the model the pair's
        languages call for, made in batches across articles."""
        prepared = self.prepared_many({i for pair in pairs for i in pair})
        self._sentence_vectors(prepared, models_needed(prepared, pairs))
        return prepared

    def _sentence_vectors(
        self, prepared: dict[int, PreparedArticle], needed: dict[ModelName, set[int]]
    ) -> None:
        """Give each prepared article the sentence vectors of the models `needed` lists it for:
        read back from the store, or encoded in one batch per model and stored."""
        for model, ids in needed.items():
            missing = sorted(i for i in ids if model not in prepared[i].sentence_vectors)
            identity = model_identity(model)
            for article_id, vectors in self.store.sentence_vectors(
                missing, identity, DIMENSIONS[model]
            ).items():
                prepared[article_id].sentence_vectors[model] = vectors
            missing = [i for i in missing if model not in prepared[i].sentence_vectors]
            if not missing:
                continue
            self.pipeline.encode_sentence_vectors([prepared[i] for i in missing], model)
            if not self.read_only:
                with self.store.transaction() as connection:
                    for article_id in missing:
                        self.store.save_sentence_vectors(
                            connection, article_id, identity,
                            prepared[article_id].sentence_vectors[model],
                        )  # fmt: skip

    # -- versions of a page -----------------------------------------------------------------
    def add_version(
        self, article_id: int, article: Article, url: str | None, fetched_at: str
    ) -> VersionChanges:
        """Store a new text of a stored article (its page changed): the diff against the previous
        text is kept as a version, and the article is matched and linked again."""
        if self.read_only:
            raise RuntimeError("this corpus was opened read-only")
        stored = self.store.get(article_id)
        if stored is None:
            raise KeyError(article_id)
        result = self.pipeline.compare(stored.article, article)
        changes = version_changes(result, article)
        fp = fingerprint(article, self.settings)
        vector = (
            article_vectors(self.pipeline, [article])[0] if self.settings.embed_articles else None
        )
        earlier = self.store.versions(article_id)
        with self.store.transaction() as connection:
            if not earlier:  # stored from a file or feed before its page was followed
                self.store.insert_version(connection, first_version(stored.article, article_id))
            self.store.replace_article_text(
                connection, article_id, article, fp.text_hash, fp.signature, fp.band_keys,
                fp.sentence_hashes, vector,
            )  # fmt: skip
            self.store.insert_version(
                connection,
                StoredVersion(
                    article_id=article_id,
                    number=len(earlier) + (1 if earlier else 2),
                    url=url,
                    fetched_at=fetched_at,
                    title=article.title,
                    paragraphs=article.paragraphs,
                    changes=changes.to_dict(),
                    silent_edit=changes.silent_edit,
                ),
            )
        if vector is not None:
            self.vectors.replace(article_id, vector)
            self.vectors.save()
        self._prepared.pop(article_id, None)
        return changes

    def versions(self, article_id: int) -> list[StoredVersion]:
        return self.store.versions(article_id)

    def prepared(self, article_id: int) -> PreparedArticle:
        return self.prepared_many({article_id})[article_id]

    def prepared_many(self, article_ids: Iterable[int]) -> dict[int, PreparedArticle]:
        """What judging needs of these articles: kept in memory for the last few hundred, read
        back from the store, or prepared in one batch and stored (outside a read-only corpus)."""
        ids = list(dict.fromkeys(article_ids))
        found = {i: self._prepared[i] for i in ids if i in self._prepared}
        wanted = [i for i in ids if i not in found]
        if wanted:
            recipe = preparation_recipe(self.settings)
            records = self.store.preparations(wanted, recipe)
            articles = {}
            for article_id in wanted:
                stored = self.store.get(article_id)
                if stored is None:
                    raise KeyError(article_id)
                articles[article_id] = stored.article
            for article_id, record in records.items():
                found[article_id] = prepared_from_record(articles[article_id], record)
            fresh = [i for i in wanted if i not in records]
            made = self.pipeline.prepare_many([articles[i] for i in fresh])
            if fresh and not self.read_only:
                with self.store.transaction() as connection:
                    for article_id, prepared in zip(fresh, made, strict=True):
                        self.store.save_preparation(
                            connection, article_id, recipe, preparation_record(prepared)
                        )
            found.update(zip(fresh, made, strict=True))
        for article_id, prepared in found.items():
            self._prepared[article_id] = prepared
            self._prepared.move_to_end(article_id)
        while len(self._prepared) > PREPARED_IN_MEMORY:
            self._prepared.popitem(last=False)
        return found

    def compare_ids(self, a: int, b: int) -> CompareResult:
        prepared = self._prepare_pairs([(a, b)])
        return self.pipeline.compare_prepared(prepared[a], prepared[b])

    def get(self, article_id: int) -> StoredArticle | None:
        return self.store.get(article_id)

    # -- search -----------------------------------------------------------------------------
    def search(self, item: ArticleInput, top: int = 20) -> list[SearchHit]:
        """Articles of the corpus that copy, rewrite, translate or cover the same story as `item`,
        best first, each judged by the compare engine."""
        query = self.pipeline.prepare(item)
        fp = fingerprint(query.article, self.settings)
        vector = (
            article_vectors(self.pipeline, [query.article])[0]
            if self.settings.embed_articles
            else None
        )
        candidates = self.candidates(fp.signature, fp.band_keys, vector)
        ranked = sorted(
            candidates.values(),
            key=lambda c: (c.estimated_jaccard, c.vector_similarity or 0.0),
            reverse=True,
        )[: max(top * 2, top)]
        prepared = self.prepared_many(c.article_id for c in ranked)
        needed: dict[ModelName, set[int]] = {}
        for article_id, candidate_prepared in prepared.items():
            model = choose_model(candidate_prepared.article.language, query.article.language)
            needed.setdefault(model, set()).add(article_id)
        self._sentence_vectors(prepared, needed)
        hits = []
        for candidate in ranked:
            result = self.pipeline.compare_prepared(prepared[candidate.article_id], query)
            if result.relation == "unrelated":
                continue
            stored_view = result.a
            hits.append(
                SearchHit(
                    article_id=candidate.article_id,
                    title=stored_view.title,
                    source=stored_view.source,
                    url=stored_view.url,
                    published=stored_view.published,
                    site=stored_view.site,
                    language=stored_view.language,
                    relation=result.relation,
                    similarity=result.similarity,
                    direction=result.direction,
                    evidence=result.evidence,
                    estimated_jaccard=candidate.estimated_jaccard,
                    vector_similarity=candidate.vector_similarity,
                )
            )
        hits.sort(key=lambda h: (RELATION_RANK[h.relation], -h.similarity))
        return hits[:top]


def first_version(article: Article, article_id: int, fetched_at: str = "") -> StoredVersion:
    return StoredVersion(
        article_id=article_id,
        number=1,
        url=article.url,
        fetched_at=fetched_at,
        title=article.title,
        paragraphs=article.paragraphs,
        changes={},
        silent_edit=False,
    )


RELATION_RANK = {
    "duplicate": 0,
    "near-duplicate": 1,
    "rewrite": 2,
    "translation": 3,
    "same-story": 4,
    "related": 5,
    "unrelated": 6,
}
