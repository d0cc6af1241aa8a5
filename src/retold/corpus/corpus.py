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
from retold.embed import DIMENSIONS
from retold.fingerprint import estimated_jaccard
from retold.ingest.records import FieldNames, Record, Reject, iter_records
from retold.pipeline import ArticleInput, Pipeline, PreparedArticle
from retold.prepare import ARTICLE_VECTOR_MODEL, article_vectors, fingerprint
from retold.result import CompareResult
from retold.settings import DEFAULT_SETTINGS, Settings
from retold.versions import StoredVersion, VersionChanges, version_changes

VECTOR_DIMENSION = DIMENSIONS[ARTICLE_VECTOR_MODEL]
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

    def link(self) -> int:
        """Judge every new article against its candidates with the compare engine; store pairs.
        An article is judged against the articles before it and, when it is a new version of an
        older page, against every linked article after it too; a pair is kept as (older, newer)."""
        judged = 0
        unlinked = self.store.unlinked_ids()
        waiting = set(unlinked)
        for article_id in unlinked:
            stored = self.store.get(article_id)
            assert stored is not None
            keys = self.store.band_keys_of(article_id)
            candidates = self.candidates(stored.signature, keys, stored.vector)
            results = []
            for other_id in sorted(c for c in candidates if c != article_id):
                if other_id > article_id and other_id in waiting:
                    continue  # judged when its own turn comes
                first, second = min(other_id, article_id), max(other_id, article_id)
                result = self.compare_ids(first, second)
                judged += 1
                if result.relation != "unrelated":
                    results.append((first, second, result))
            with self.store.transaction() as connection:
                for first, second, result in results:
                    self.store.upsert_pair(
                        connection, first, second, result.relation, result.similarity,
                        result.direction, result.evidence, result.probability,
                    )  # fmt: skip
                self.store.mark_linked(connection, article_id)
            waiting.discard(article_id)
        return judged

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
        if article_id not in self._prepared:
            stored = self.store.get(article_id)
            if stored is None:
                raise KeyError(article_id)
            self._prepared[article_id] = self.pipeline.prepare(stored.article)
            while len(self._prepared) > 256:
                self._prepared.popitem(last=False)
        self._prepared.move_to_end(article_id)
        return self._prepared[article_id]

    def compare_ids(self, a: int, b: int) -> CompareResult:
        return self.pipeline.compare_prepared(self.prepared(a), self.prepared(b))

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
        hits = []
        for candidate in ranked:
            result = self.pipeline.compare_prepared(self.prepared(candidate.article_id), query)
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
