"""Fetch throughput against a loopback news site (tests/loopback.py), and politeness honoured.

    .venv/bin/python bench/bench_fetch.py [--pages 300] [--polite-pages 12] [--delay 1.0]

Rows:
- fetch, politeness off: `Fetcher.fetch_many` over N pages on one host, delay 0, 8 in flight;
- fetch, polite: the default policy (2 in flight per host, `--delay` between starts) over pages
  split across two host names of the same server (127.0.0.1 and localhost), with the smallest gap
  seen between two request starts to one host, from the server's own log;
- feed → corpus: `retold ingest <rss>`'s path (Follower: fetch, clean, store, versions), politeness
  off, without and with linking, pages/s;
- refetch, unchanged: the same pages again with their stored validators (304s).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from loopback import LoopbackSite  # noqa: E402

from retold.article import RawDocument  # noqa: E402
from retold.corpus.corpus import Corpus  # noqa: E402
from retold.corpus.follow import Follower  # noqa: E402
from retold.ingest.fetch import Fetcher, FetchPolicy  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "web"
WARM = RawDocument("warm-up", "The council approved the budget on Monday. Taxes will not rise.")
STORIES = ["harbour-strike-ends", "council-budget", "bridge-closure", "flood-defences"]


def build_site(site: LoopbackSite, pages: int) -> list[str]:
    """N distinct pages (a numbered sentence keeps their texts apart) and an RSS feed of them."""
    paths = []
    for number in range(pages):
        story = STORIES[number % len(STORIES)]
        html = (FIXTURES / f"{story}.html").read_text(encoding="utf-8")
        html = html.replace(
            "</article>",
            f"<p>This is report number {number} in the series, filed from desk {number % 17}"
            f" by correspondent {number * 7919 % 1000}.</p></article>",
        )
        path = f"/bench/{story}-{number}"
        site.set_page(path, html)
        paths.append(path)
    items = "".join(
        f"<item><title>Report {i}</title><link>{site.url(p)}</link>"
        "<pubDate>Mon, 23 Nov 2026 09:10:00 +0000</pubDate></item>"
        for i, p in enumerate(paths)
    )
    site.set_page(
        "/bench/rss.xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title>{items}'
        "</channel></rss>",
        content_type="application/rss+xml",
    )
    return paths


def fetch_rate(urls: list[str], policy: FetchPolicy) -> tuple[float, int]:
    with Fetcher(policy) as fetcher:
        start = time.perf_counter()
        outcomes = list(fetcher.fetch_many((u, None, None) for u in urls))
        elapsed = time.perf_counter() - start
    failed = sum(1 for o in outcomes if isinstance(o, Exception))
    return len(urls) / elapsed, failed


def smallest_gap(site: LoopbackSite, prefix: str, host: str) -> float:
    starts = sorted(
        r.started
        for r in site.requests
        if r.path.startswith(prefix) and r.headers.get("host", "").startswith(host)
    )
    return min((b - a for a, b in zip(starts, starts[1:], strict=False)), default=float("nan"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--polite-pages", type=int, default=12)
    parser.add_argument("--delay", type=float, default=FetchPolicy().delay)
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    with LoopbackSite() as site:
        paths = build_site(site, args.pages)
        urls = [site.url(p) for p in paths]
        off = FetchPolicy(delay=0.0, per_host=8)
        rate, failed = fetch_rate(urls, off)
        rows.append(
            ("fetch, politeness off (8 in flight)", f"{rate:,.0f} pages/s", f"{failed} failed")
        )

        site.clear_log()
        port = site.base_url.rsplit(":", 1)[1]
        half = args.polite_pages // 2
        polite_urls = [site.url(p) for p in paths[:half]] + [
            f"http://localhost:{port}{p}" for p in paths[half : args.polite_pages]
        ]
        polite = FetchPolicy(delay=args.delay)
        rate, failed = fetch_rate(polite_urls, polite)
        gap_a = smallest_gap(site, "/bench/", "127.0.0.1")
        gap_b = smallest_gap(site, "/bench/", "localhost")
        rows.append(
            (
                f"fetch, polite (2 per host, delay {args.delay:g} s, 2 hosts)",
                f"{rate:,.2f} pages/s",
                f"smallest gap between starts: {gap_a:.3f} s / {gap_b:.3f} s",
            )
        )

        with tempfile.TemporaryDirectory() as folder:
            for link in (False, True):
                corpus = Corpus(Path(folder) / f"bench-{link}.db")
                corpus.pipeline.compare(WARM, WARM)
                with Fetcher(off) as fetcher:
                    follower = Follower(corpus, fetcher)
                    start = time.perf_counter()
                    report = follower.follow([site.url("/bench/rss.xml")])
                    judged = corpus.link() if link else 0
                    elapsed = time.perf_counter() - start
                    label = "feed → corpus" + (" + link" if link else "")
                    rows.append(
                        (
                            f"{label}, politeness off",
                            f"{report.count('new') / elapsed:,.1f} pages/s",
                            f"{report.count('new')} new, {len(report.failed)} failed"
                            + (f", {judged:,} pairs judged" if link else ""),
                        )
                    )
                    if link:
                        start = time.perf_counter()
                        again = follower.follow([site.url("/bench/rss.xml")])
                        elapsed = time.perf_counter() - start
                        rows.append(
                            (
                                "refetch of the feed's pages, unchanged (304)",
                                f"{again.count('unchanged') / elapsed:,.1f} pages/s",
                                f"{again.count('unchanged')} unchanged",
                            )
                        )
                corpus.close()
    width = max(len(r[0]) for r in rows)
    print(f"{'run':<{width}}  {'rate':>16}  notes")
    for name, rate_text, notes in rows:
        print(f"{name:<{width}}  {rate_text:>16}  {notes}")


if __name__ == "__main__":
    main()
