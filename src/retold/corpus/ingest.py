"""Ingest: records → cleaned articles → fingerprints and vectors (`retold.prepare`) → the store,
in batches that are committed whole, so that a run killed at any moment loses nothing and a
re-run adds nothing."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from retold.article import Article
from retold.clean import is_sentence
from retold.corpus.store import Store
from retold.errors import InputError
from retold.fingerprint import sentence_hash
from retold.ingest.records import Record, Reject
from retold.pipeline import Pipeline
from retold.prepare import Fingerprint, article_vectors, fingerprint
from retold.segment import segment


@dataclass
class IngestReport:
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    skipped: int = 0  # already in the store from an earlier run
    chrome_lines_learnt: int = 0
    new_ids: list[int] = field(default_factory=list)
    rejects: list[dict[str, str]] = field(default_factory=list)


def site_of(article: Article) -> str | None:
    if article.site:
        return article.site.lower()
    if article.url:
        match = re.match(r"^(?:\w+://)?(?:www\.)?([^/:]+)", article.url)
        return match.group(1).lower() if match else None
    return None


class Ingester:
    def __init__(
        self, store: Store, pipeline: Pipeline, on_vectors: Callable[[list[int], np.ndarray], None]
    ):
        self.store = store
        self.pipeline = pipeline
        self.settings = pipeline.settings
        self.on_vectors = on_vectors

    def run(
        self, records: Iterable[Record | Reject], advance: Callable[[int], None] = lambda n: None
    ) -> IngestReport:
        report = IngestReport()
        known = self.store.known_record_keys()
        batch: list[Record | Reject] = []
        for item in records:
            report.read += 1
            if item.key in known:
                report.skipped += 1
                advance(1)
                continue
            known.add(item.key)
            batch.append(item)
            if len(batch) >= self.settings.ingest_batch:
                self._commit(batch, report)
                advance(len(batch))
                batch = []
        if batch:
            self._commit(batch, report)
            advance(len(batch))
        return report

    def _commit(self, batch: list[Record | Reject], report: IngestReport) -> None:
        loaded, rejects = self._load(batch)
        new_ids: list[int] = []
        new_vectors: list[np.ndarray] = []
        with self.store.transaction() as connection:
            articles: list[tuple[Record, Article]] = []
            for record, article in loaded:
                report.chrome_lines_learnt += self._remove_site_chrome(connection, article)
                if article.sentences:
                    articles.append((record, article))
                else:
                    reason = "no article text once the site's recurring lines are removed"
                    rejects.append(Reject(record.key, article.source, "", reason))
            fingerprints = [fingerprint(a, self.settings) for _, a in articles]
            first_copies = self._first_copies(fingerprints)
            vectors = self._vectors([articles[i][1] for i in first_copies])
            stored_by_hash: dict[str, int] = {}
            for position, ((record, article), fp) in enumerate(
                zip(articles, fingerprints, strict=True)
            ):
                original = stored_by_hash.get(fp.text_hash) or self.store.article_id_by_text_hash(
                    fp.text_hash
                )
                if original is not None:
                    self.store.insert_duplicate(connection, record.key, article, original)
                    report.duplicates += 1
                    continue
                vector = None if vectors is None else vectors[first_copies.index(position)]
                article_id = self.store.insert_article(
                    connection, record.key, record.external_id, article, fp.text_hash,
                    fp.signature, fp.band_keys, fp.sentence_hashes, vector,
                )  # fmt: skip
                stored_by_hash[fp.text_hash] = article_id
                new_ids.append(article_id)
                if vector is not None:
                    new_vectors.append(vector)
                report.stored += 1
            for reject in rejects:
                self.store.insert_reject(
                    connection, reject.key, reject.source, reject.location, reject.reason
                )
                report.rejects.append(
                    {"record": reject.key, "source": reject.source,
                     "location": reject.location, "reason": reject.reason}
                )  # fmt: skip
                report.rejected += 1
        report.new_ids.extend(new_ids)
        if new_vectors:
            self.on_vectors(new_ids, np.stack(new_vectors))

    def _load(
        self, batch: list[Record | Reject]
    ) -> tuple[list[tuple[Record, Article]], list[Reject]]:
        loaded: list[tuple[Record, Article]] = []
        rejects: list[Reject] = []
        for item in batch:
            if isinstance(item, Reject):
                rejects.append(item)
                continue
            try:
                loaded.append((item, self.pipeline.load(item.document)))
            except InputError as exc:
                rejects.append(Reject(item.key, item.document.source, "", exc.reason))
        return loaded, rejects

    def _first_copies(self, fingerprints: list[Fingerprint]) -> list[int]:
        """Positions of the articles that will be stored: first of their text, new to the store."""
        seen: set[str] = set()
        positions = []
        for position, fp in enumerate(fingerprints):
            if fp.text_hash in seen or self.store.article_id_by_text_hash(fp.text_hash) is not None:
                continue
            seen.add(fp.text_hash)
            positions.append(position)
        return positions

    def _vectors(self, articles: list[Article]) -> np.ndarray | None:
        if not self.settings.embed_articles:
            return None
        return article_vectors(self.pipeline, articles)

    def _remove_site_chrome(self, connection: sqlite3.Connection, article: Article) -> int:
        """Lines that recur on many pages of one site are its furniture (CCNet-style line
        deduplication, learnt from the corpus as it grows): move them to chrome."""
        site = site_of(article)
        if site is None:
            return 0
        hashes = [sentence_hash(p) for p in article.paragraphs]
        placeholders = ",".join("?" * len(hashes))
        rows = connection.execute(
            "SELECT line_hash, pages FROM site_lines"
            f" WHERE site = ? AND line_hash IN ({placeholders})",
            [site, *hashes],
        )
        counts = {int(h): int(n) for h, n in rows}
        keep: list[str] = []
        learnt = 0
        tail = len(article.paragraphs) - 2
        for position, (paragraph, line_hash) in enumerate(
            zip(article.paragraphs, hashes, strict=True)
        ):
            # A real sentence recurs on a site's pages when the site runs updates of one story;
            # furniture that reads like a sentence stands at the foot of the page, or recurs on
            # many pages.
            needed = (
                self.settings.site_chrome_sentence_pages
                if is_sentence(paragraph, self.settings) and position < tail
                else self.settings.site_chrome_pages
            )
            if counts.get(line_hash, 0) >= needed:
                article.chrome.append(paragraph)
                learnt += 1
            else:
                keep.append(paragraph)
        connection.executemany(
            "INSERT INTO site_lines(site, line_hash, pages) VALUES (?, ?, 1)"
            " ON CONFLICT(site, line_hash) DO UPDATE SET pages = pages + 1",
            [(site, h) for h in set(hashes)],
        )
        if learnt:
            article.paragraphs = keep
            segment(article)
        return learnt
