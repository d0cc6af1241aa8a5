"""Listings of articles: RSS and Atom feeds, sitemaps and sitemap indexes (incl. Google News)."""

from __future__ import annotations

import io
import re
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
from usp.fetch_parse import XMLSitemapParser
from usp.objects.sitemap import AbstractSitemap
from usp.web_client.abstract_client import LocalWebClient

from retold.ingest.fetch import Fetched, Fetcher, FetchError, is_url, normalise_url

# Sitemaps are at most 50 MB uncompressed (sitemaps.org); a gzip past that is not a sitemap.
MAX_SITEMAP_BYTES = 50_000_000
MAX_INDEX_DEPTH = 3
ROOT_KINDS = {
    "rss": "rss",
    "rdf": "rss",
    "feed": "atom",
    "urlset": "sitemap",
    "sitemapindex": "sitemap-index",
}
_PROLOGUE = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.DOTALL | re.IGNORECASE)
_FIRST_TAG = re.compile(rb"\s*<(?:[\w.-]+:)?([\w.-]+)")


@dataclass(frozen=True)
class ListedItem:
    """One article a listing points to."""

    url: str
    title: str | None
    published: str | None


@dataclass(frozen=True)
class Listing:
    """A feed or sitemap; for a sitemap index, the pages of all the child sitemaps read."""

    url: str
    kind: str
    items: list[ListedItem]
    children: list[str]
    # Child sitemaps that could not be read, as "url: reason"; the rest are still listed.
    skipped: list[str] = field(default_factory=list)


def listing_of(fetched: Fetched) -> Listing | None:
    """The listing in a fetched body, or None when it is a page; judged by the root element."""
    body = _gunzipped(fetched.body)
    kind = ROOT_KINDS.get(_root_element(body) or "")
    if kind is None:
        return None
    if kind in ("rss", "atom"):
        return Listing(fetched.url, kind, _feed_items(body, fetched.final_url), [])
    return _sitemap(fetched.url, body, kind)


def read_listing(fetcher: Fetcher, url: str, max_children: int = 50) -> Listing:
    """Fetch a feed or sitemap; a sitemap index is read with its children (at most max_children,
    nested indexes up to a depth of 3), fetched through the same polite fetcher."""
    fetched = fetcher.fetch(url, accept="listing")
    listing = listing_of(fetched)
    if listing is None:
        raise FetchError(fetched.url, "not an RSS/Atom feed or sitemap")
    if listing.kind != "sitemap-index":
        return listing
    return _expanded(fetcher, listing, max_children)


def _expanded(fetcher: Fetcher, index: Listing, max_children: int) -> Listing:
    items: dict[str, ListedItem] = {}
    read: list[str] = []
    skipped: list[str] = []
    seen = {index.url}
    level = index.children
    for _depth in range(MAX_INDEX_DEPTH):
        level = [url for url in dict.fromkeys(level) if url not in seen]
        level = level[: max(0, max_children - len(read))]
        if not level:
            break
        seen.update(level)
        read.extend(level)
        next_level: list[str] = []
        answers = {
            answer.source if isinstance(answer, FetchError) else answer.url: answer
            for answer in fetcher.fetch_many(((url, None, None) for url in level), "listing")
        }
        for url in level:  # in the index's order, whatever order the answers came in
            answer = answers[url]
            if isinstance(answer, FetchError):
                skipped.append(str(answer))
                continue
            child = listing_of(answer)
            if child is None or child.kind not in ("sitemap", "sitemap-index"):
                skipped.append(f"{url}: not a sitemap")
                continue
            for item in child.items:
                known = items.get(item.url)
                # A page in a news sitemap and a plain one keeps its news title and date.
                if known is None or (known.title is None and known.published is None):
                    items[item.url] = item
            next_level.extend(child.children)
        level = next_level
    return Listing(index.url, index.kind, list(items.values()), read, skipped)


def _gunzipped(body: bytes) -> bytes:
    if not body.startswith(b"\x1f\x8b"):
        return body
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(body, MAX_SITEMAP_BYTES)
    except zlib.error:
        return b""
    return b"" if inflater.unconsumed_tail else data


def _root_element(body: bytes) -> str | None:
    """The root element's local name, lower-cased, read past the XML declaration and comments."""
    head = body[:65536].removeprefix(b"\xef\xbb\xbf")
    position = 0
    while prologue := _PROLOGUE.match(head, position):
        position = prologue.end()
    tag = _FIRST_TAG.match(head, position)
    return tag.group(1).decode("ascii", errors="replace").lower() if tag else None


def _feed_items(body: bytes, base_url: str) -> list[ListedItem]:
    # A file object, never a string: feedparser fetches a string that looks like a URL.
    feed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": base_url})
    items: dict[str, ListedItem] = {}
    for entry in feed.entries:
        link = urljoin(base_url, entry.get("link") or "")
        if not is_url(link):
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = time.strftime("%Y-%m-%dT%H:%M:%SZ", stamp) if stamp else None
        url = normalise_url(link)
        items.setdefault(url, ListedItem(url, entry.get("title") or None, published))
    return list(items.values())


def _sitemap(url: str, body: bytes, kind: str) -> Listing:
    children: list[str] = []

    def keep_children_unfetched(urls: list[str], level: int, parents: set[str]) -> list[str]:
        children.extend(normalise_url(child) for child in urls)
        return []

    # A web client that refuses to fetch: child sitemaps go through our polite Fetcher instead.
    parser = XMLSitemapParser(
        url=url,
        content=body.decode("utf-8", errors="replace"),
        recursion_level=0,
        web_client=LocalWebClient(),
        parent_urls=set(),
        recurse_list_callback=keep_children_unfetched,
    )
    sitemap: AbstractSitemap = parser.sitemap()
    items: dict[str, ListedItem] = {}
    for page in sitemap.pages:
        if not is_url(page.url):
            continue
        news = page.news_story
        page_url = normalise_url(page.url)
        published = _iso(news.publish_date) if news and news.publish_date else None
        items.setdefault(page_url, ListedItem(page_url, news.title if news else None, published))
    return Listing(url, kind, list(items.values()), children)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        return moment.isoformat(timespec="seconds")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
