"""Following the web: named URLs, feeds and sitemaps fetched into the corpus, and a page fetched
again with a new text kept as a new version of the same article.

Each page is committed on its own as soon as it is fetched, so a watch stopped at any moment
loses no fetched page, and a restart resumes from what the store holds (its validators make an
unchanged page cost a 304).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from retold.article import RawDocument
from retold.corpus.corpus import Corpus, first_version
from retold.corpus.store import Store, WebPage
from retold.errors import InputError
from retold.fingerprint import text_hash
from retold.ingest import parse_document
from retold.ingest.feeds import ListedItem, Listing, listing_of, read_listing
from retold.ingest.fetch import Fetched, Fetcher, FetchError, normalise_url
from retold.ingest.records import Record
from retold.versions import PageHistory

PAGE_SUFFIXES = {"text/plain": ".txt", "application/json": ".json"}


@dataclass
class FollowEvent:
    kind: str  # new, version, unchanged, duplicate, rejected, failed, listing
    url: str
    article_id: int | None = None
    title: str | None = None
    detail: str | None = None
    silent_edit: bool = False

    def line(self) -> str:
        """One line for a person watching the terminal."""
        where = f" #{self.article_id}" if self.article_id is not None else ""
        title = f" {self.title!r}" if self.title else ""
        detail = f": {self.detail}" if self.detail else ""
        flag = " [silent edit]" if self.silent_edit else ""
        return f"{self.kind:<9} {self.url}{where}{title}{detail}{flag}"


@dataclass
class NewPage:
    """A fetched page the store has not seen, waiting for its batch."""

    fetched: Fetched
    document: RawDocument
    body_hash: str


@dataclass
class FollowReport:
    events: list[FollowEvent] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for e in self.events if e.kind == kind)

    @property
    def failed(self) -> list[FollowEvent]:
        return [e for e in self.events if e.kind in ("failed", "rejected")]


def read_source_list(path: Path) -> list[str]:
    """A watch list: one URL per line; blank lines and lines starting with # are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot be read as a list of URLs ({exc})") from exc
    urls = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not urls:
        raise InputError(str(path), "lists no URL")
    return urls


def page_key(url: str) -> str:
    return f"url:{url}"


def document_of(fetched: Fetched, item: ListedItem | None = None) -> RawDocument:
    """The fetched page as a RawDocument; a feed's title and date fill what the page lacks."""
    suffix = PAGE_SUFFIXES.get(fetched.content_type, ".html")
    document = parse_document(fetched.body, fetched.url, suffix)
    document.url = document.url or fetched.url
    if item is not None:
        document.title = document.title or item.title
        document.published = document.published or item.published
    return document


class Follower:
    """Fetches what the user named into a corpus. `stop` is checked between pages."""

    def __init__(
        self,
        corpus: Corpus,
        fetcher: Fetcher,
        on_event: Callable[[FollowEvent], None] = lambda e: None,
        stop: threading.Event | None = None,
    ) -> None:
        self.corpus = corpus
        self.store = corpus.store
        self.fetcher = fetcher
        self.on_event = on_event
        self.stop = stop or threading.Event()

    def follow(self, urls: Iterable[str]) -> FollowReport:
        """Fetch every named URL: a feed or sitemap brings its items, a page is itself."""
        report = FollowReport()
        pages: dict[str, ListedItem | None] = {}
        prefetched: dict[str, Fetched] = {}
        for url in dict.fromkeys(normalise_url(u) for u in urls):
            if self.stop.is_set():
                return report
            known = self.store.web_page(url)
            if known is not None and known.article_id is not None:
                pages.setdefault(url, None)  # a page followed before: fetched with validators
                continue
            try:
                fetched = self.fetcher.fetch(url, accept="listing")
                listing = listing_of(fetched)
                if listing is not None and listing.kind == "sitemap-index":
                    listing = read_listing(self.fetcher, url)
            except FetchError as exc:
                self._emit(report, FollowEvent("failed", url, detail=exc.reason))
                continue
            if listing is None:
                pages[url] = None
                prefetched[url] = fetched
            else:
                self._emit(report, self._listed(listing))
                for item in listing.items:
                    pages.setdefault(item.url, item)
        new: list[NewPage] = []
        for outcome in self._fetch_pages(pages, prefetched):
            if isinstance(outcome, FetchError):
                self._emit(report, FollowEvent("failed", outcome.source, detail=outcome.reason))
            else:
                taken = self.take(outcome, pages.get(outcome.url))
                if isinstance(taken, NewPage):
                    new.append(taken)
                else:
                    self._emit(report, taken)
            if len(new) >= self.corpus.settings.ingest_batch:
                self._store_new(new, report)
                new = []
            if self.stop.is_set():
                break  # the pages in hand are stored below; the rest waits for the next run
        self._store_new(new, report)
        return report

    def _listed(self, listing: Listing) -> FollowEvent:
        detail = f"{listing.kind} with {len(listing.items)} items"
        return FollowEvent("listing", listing.url, detail=detail)

    def _fetch_pages(
        self, pages: dict[str, ListedItem | None], prefetched: dict[str, Fetched]
    ) -> Iterator[Fetched | FetchError]:
        yield from prefetched.values()
        requests = []
        for url in pages:
            if url in prefetched:
                continue
            known = self.store.web_page(url)
            etag, modified = (known.etag, known.last_modified) if known else (None, None)
            requests.append((url, etag, modified))
        yield from self.fetcher.fetch_many(requests, accept="page")

    def _emit(self, report: FollowReport, event: FollowEvent) -> None:
        report.events.append(event)
        self.on_event(event)

    def take(self, fetched: Fetched, item: ListedItem | None = None) -> FollowEvent | NewPage:
        """Judge one fetched page: unchanged, a new version (stored now), or a new page (stored
        with the next batch, so that its vectors and its commit are shared)."""
        url = fetched.url
        known = self.store.web_page(url)
        if fetched.not_modified:
            if known is not None:
                self._save_page(known, fetched, known.article_id, known.text_hash)
            return FollowEvent("unchanged", url, known.article_id if known else None)
        try:
            document = document_of(fetched, item)
            article = self.corpus.pipeline.load(document)
        except InputError as exc:
            return FollowEvent("rejected", url, detail=exc.reason)
        body_hash = text_hash(article.body)
        if known is not None and known.text_hash == body_hash:
            self._save_page(known, fetched, known.article_id, body_hash)
            return FollowEvent("unchanged", url, known.article_id, article.title)
        own = self._own_article(url, known)
        if own is not None:
            changes = self.corpus.add_version(own, article, url, fetched.fetched_at)
            self._save_page(known, fetched, own, body_hash)
            summary = (
                f"+{len(changes.added)} -{len(changes.dropped)} ~{len(changes.changed)} sentences,"
                f" {len(changes.facts)} fact{'s' * (len(changes.facts) != 1)} changed"
            )
            return FollowEvent(
                "version", url, own, article.title, summary, silent_edit=changes.silent_edit
            )
        return NewPage(fetched, document, body_hash)

    def _own_article(self, url: str, known: WebPage | None) -> int | None:
        """The article this URL became, if it is its own (not a copy of another page's text)."""
        if known is None or known.article_id is None:
            return None
        stored = self.store.get(known.article_id)
        if stored is None or not stored.record_key.startswith(page_key(url)):
            return None
        return known.article_id

    def _store_new(self, pages: list[NewPage], report: FollowReport) -> None:
        """Ingest new pages as one batch, then record each URL and its first version."""
        if not pages:
            return
        records = []
        for page in pages:
            key = page_key(page.fetched.url)
            if self.store.record_status(key) is not None:  # its text was a copy or refused before
                key = f"{key}@{page.fetched.fetched_at}"
            records.append(Record(key, page.document))
        self.corpus.ingest_records(records, link=False)
        events = []
        with self.store.transaction() as connection:
            for page, record in zip(pages, records, strict=True):
                fetched = page.fetched
                status = self.store.record_status(record.key)
                assert status is not None
                state, article_id, reason = status
                if state == "rejected":
                    events.append(FollowEvent("rejected", fetched.url, detail=reason))
                    continue
                if state == "stored":
                    assert article_id is not None
                    stored = self.store.get(article_id)
                    assert stored is not None
                    version = first_version(stored.article, article_id, fetched.fetched_at)
                    self.store.insert_version(connection, version)
                own = article_id if state == "stored" else None
                self.store.save_web_page(
                    connection,
                    WebPage(fetched.url, own, page.body_hash, fetched.etag,
                            fetched.last_modified, fetched.fetched_at),
                )  # fmt: skip
                kind = "new" if state == "stored" else "duplicate"
                detail = None if state == "stored" else f"same text as article #{article_id}"
                events.append(
                    FollowEvent(kind, fetched.url, article_id, page.document.title, detail)
                )
        for event in events:
            self._emit(report, event)

    def _save_page(
        self, known: WebPage | None, fetched: Fetched, article_id: int | None, body_hash: str | None
    ) -> None:
        with self.store.transaction() as connection:
            self.store.save_web_page(
                connection,
                WebPage(
                    url=fetched.url,
                    article_id=article_id,
                    text_hash=body_hash,
                    etag=fetched.etag or (known.etag if known else None),
                    last_modified=fetched.last_modified or (known.last_modified if known else None),
                    checked_at=fetched.fetched_at,
                ),
            )


def watch(
    follower: Follower,
    urls: list[str],
    every: float,
    once: bool = False,
    on_round: Callable[[int, FollowReport, int], None] = lambda n, r, j: None,
) -> int:
    """Poll the URLs until `follower.stop` is set (or once); link after every round. A dead feed or
    host is reported in the round's events and tried again the next round. Returns the rounds run.
    """
    rounds = 0
    while not follower.stop.is_set():
        rounds += 1
        report = follower.follow(urls)
        judged = follower.corpus.link()
        on_round(rounds, report, judged)
        if once:
            break
        follower.stop.wait(every)
    return rounds


def page_history(store: Store, url_or_id: str | int) -> PageHistory | None:
    """The history of a followed URL (normalised as when it was fetched) or of an article id."""
    if isinstance(url_or_id, int) or str(url_or_id).isdigit():
        article_id: int | None = int(url_or_id)
        url = None
    else:
        url = normalise_url(str(url_or_id))
        page = store.web_page(url) or store.web_page(str(url_or_id))
        article_id = page.article_id if page is not None else None
    if article_id is None:
        return None
    stored = store.get(article_id)
    if stored is None:
        return None
    versions = store.versions(article_id)
    if not versions:  # an article that never came from a followed page has its one text
        versions = [first_version(stored.article, article_id)]
    return PageHistory(url or stored.article.url, article_id, stored.article.title, versions)
