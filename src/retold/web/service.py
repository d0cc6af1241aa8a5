"""What the web pages and the HTTP API ask of the library, in one place, behind one lock.

The corpus holds one SQLite connection and the models; requests run on worker threads, so every
call into it is serialised here. Nothing here knows about HTTP."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import asdict
from pathlib import Path
from typing import Any

from retold.article import RawDocument
from retold.corpus.corpus import Added, Corpus, SearchHit
from retold.corpus.follow import page_history
from retold.corpus.stories import build_stories, story_diffs
from retold.errors import InputError
from retold.ingest import HTML_SUFFIXES, parse_document
from retold.ingest.html import read_html
from retold.pipeline import PreparedArticle
from retold.result import CompareResult
from retold.stories import Story, StoryDiff
from retold.versions import PageHistory
from retold.web.schemas import ArticleIn

UPLOAD_SUFFIXES = {".txt", ".json", *HTML_SUFFIXES}
UPLOAD_TYPES = {"text/plain", "text/html", "application/xhtml+xml", "application/json"}
QUERY_CACHE_SIZE = 64


class NotFound(LookupError):
    """An id the corpus does not hold."""


class UnsupportedUpload(ValueError):
    """An uploaded file that is not a text, HTML or JSON article."""


class Service:
    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.lock = threading.RLock()
        self._queries: OrderedDict[str, RawDocument] = OrderedDict()
        self._stories: tuple[tuple[int, ...], list[Story]] | None = None

    # -- turning request bodies into articles ------------------------------------------------
    @staticmethod
    def document_from(item: ArticleIn, side: str) -> RawDocument:
        source = item.name or item.url or f"<{side}>"
        if item.html is not None:
            document = read_html(item.html, source)
        else:
            document = RawDocument(source=source, text=item.text or "")
        for key in ("title", "url", "published", "site", "language"):
            value = getattr(item, key)
            if value:
                setattr(document, key, value)
        return document

    @staticmethod
    def document_from_upload(
        data: bytes, filename: str, content_type: str | None, side: str
    ) -> RawDocument:
        suffix = Path(filename).suffix.lower()
        media = (content_type or "").split(";")[0].strip().lower()
        if suffix not in UPLOAD_SUFFIXES and media not in UPLOAD_TYPES:
            raise UnsupportedUpload(
                f"{side}: {filename}: unsupported file type {media or suffix or 'unknown'};"
                " upload a .txt, .html or .json article"
            )
        if suffix not in UPLOAD_SUFFIXES:
            suffix = ".html" if "html" in media else ".json" if "json" in media else ".txt"
        return parse_document(data, filename, suffix)

    def prepared(self, item: ArticleIn | RawDocument, side: str) -> PreparedArticle:
        with self.lock:
            if isinstance(item, ArticleIn) and item.id is not None:
                return self.stored(item.id)
            document = item if isinstance(item, RawDocument) else self.document_from(item, side)
            return self.corpus.pipeline.prepare(document)

    def stored(self, article_id: int) -> PreparedArticle:
        with self.lock:
            try:
                return self.corpus.prepared(article_id)
            except KeyError:
                raise NotFound(f"no article {article_id}") from None

    # -- the library's operations ------------------------------------------------------------
    def compare(self, a: ArticleIn | RawDocument, b: ArticleIn | RawDocument) -> CompareResult:
        with self.lock:
            prepared_a, prepared_b = self.prepared(a, "a"), self.prepared(b, "b")
            return self.corpus.pipeline.compare_prepared(prepared_a, prepared_b)

    def remember_query(self, document: RawDocument) -> str:
        """Keep a search query for a while so that its results can link to a side-by-side view."""
        query_id = hashlib.sha256(document.text.encode("utf-8")).hexdigest()[:16]
        with self.lock:
            self._queries[query_id] = document
            self._queries.move_to_end(query_id)
            while len(self._queries) > QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
        return query_id

    def query(self, query_id: str) -> RawDocument:
        with self.lock:
            if query_id not in self._queries:
                raise NotFound(f"query {query_id} is no longer kept: search again")
            return self._queries[query_id]

    def search(self, query: ArticleIn | RawDocument, top: int = 20) -> list[SearchHit]:
        document = query if isinstance(query, RawDocument) else self.document_from(query, "query")
        with self.lock:
            return self.corpus.search(document, top)

    def add(self, item: ArticleIn | RawDocument) -> tuple[Added, int | None]:
        document = item if isinstance(item, RawDocument) else self.document_from(item, "article")
        with self.lock:
            added = self.corpus.add(document)
            story = self.story_of(added.article_id) if added.article_id is not None else None
            return added, story

    # -- stories and articles --------------------------------------------------------------
    def stories(self) -> list[Story]:
        """Families, rebuilt only when the store has changed since the last call."""
        with self.lock:
            counts = self.corpus.store.counts()
            version = (counts["articles"], counts["duplicates"], counts["pairs"])
            if self._stories is None or self._stories[0] != version:
                self._stories = (version, build_stories(self.corpus.store))
            return self._stories[1]

    def story(self, story_id: int) -> Story:
        found = next((s for s in self.stories() if s.id == story_id), None)
        if found is None:
            raise NotFound(f"no story {story_id}")
        return found

    def story_diffs(self, story: Story) -> list[StoryDiff]:
        with self.lock:
            return story_diffs(self.corpus, story)

    def story_of(self, article_id: int) -> int | None:
        return next((s.id for s in self.stories() if article_id in s.members), None)

    def article(self, article_id: int) -> dict[str, Any]:
        with self.lock:
            stored = self.corpus.get(article_id)
            if stored is None:
                raise NotFound(f"no article {article_id}")
            a = stored.article
            return {
                "id": article_id,
                "source": a.source,
                "title": a.title,
                "url": a.url,
                "published": a.published,
                "site": a.site,
                "author": a.author,
                "language": a.language,
                "attribution": a.attribution,
                "chrome": a.chrome,
                "paragraphs": a.paragraphs,
                "sentences": a.sentence_texts,
                "story": self.story_of(article_id),
                "exact_copies": self.corpus.store.duplicates_of(article_id),
                "history": page_history(self.corpus.store, article_id),
            }

    def history(self, article_id: int) -> PageHistory:
        with self.lock:
            found = page_history(self.corpus.store, article_id)
            if found is None:
                raise NotFound(f"no article {article_id}")
            return found

    def counts(self) -> dict[str, int]:
        with self.lock:
            return self.corpus.store.counts()

    def warm(self) -> None:
        """Load the models before the first request rather than during it."""
        text = "The council approved the budget on Monday. The mayor said taxes will not rise."
        self.compare(RawDocument("<warm-up>", text), RawDocument("<warm-up>", text))


def story_summary(story: Story) -> dict[str, Any]:
    data = story.to_dict()
    lead = story.articles[story.original if story.original is not None else story.members[0]]
    return {
        key: data[key]
        for key in (
            "id", "size", "original", "first_published", "last_published", "languages", "sites"
        )
    } | {"title": lead.get("title") or lead.get("source")}  # fmt: skip


def hit_dict(hit: SearchHit) -> dict[str, Any]:
    return asdict(hit)


__all__ = ["InputError", "NotFound", "Service", "UnsupportedUpload", "story_summary"]
