"""Following the news from URLs, feeds and sitemaps, and keeping every version of a page: against
a real HTTP server on 127.0.0.1 (tests/loopback.py), never beyond loopback."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cli
from fastapi.testclient import TestClient

from retold.corpus.corpus import Corpus
from retold.corpus.follow import Follower, page_history
from retold.ingest.fetch import Fetcher, FetchPolicy
from retold.pipeline import Pipeline

FAST = FetchPolicy(delay=0.0, timeout=3.0, retries=1, backoff=0.1)
RSS_PAGES = {"/news/waiting-list", "/news/harbour-strike-ends", "/news/council-budget"}


def polite_options() -> list[str]:
    return ["--delay", "0", "--timeout", "3"]


@pytest.fixture
def corpus(tmp_path: Path, pipeline: Pipeline) -> Corpus:
    return Corpus(tmp_path / "news.db", pipeline=pipeline)


def test_a_feed_brings_its_pages_with_their_titles_and_dates(loopback_site, corpus):  # type: ignore[no-untyped-def]
    with Fetcher(FAST) as fetcher:
        report = Follower(corpus, fetcher).follow([loopback_site.url("/feeds/rss.xml")])
    new = [e for e in report.events if e.kind == "new"]
    assert {e.url.removeprefix(loopback_site.base_url) for e in new} == RSS_PAGES
    harbour = next(e for e in new if "harbour" in e.url)
    assert "utm_" not in harbour.url  # tracking parameters do not make a second article
    stored = corpus.get(harbour.article_id)
    assert stored is not None
    assert stored.article.title == "Westmere dock workers vote to end three-week strike"
    assert stored.article.published is not None
    assert stored.article.published.startswith("2026-11-23")
    assert "three-week strike" in stored.article.body


def test_a_sitemap_index_and_an_atom_feed_in_one_run_store_each_page_once(loopback_site, corpus):  # type: ignore[no-untyped-def]
    urls = [loopback_site.url("/sitemap-index.xml"), loopback_site.url("/feeds/atom.xml")]
    with Fetcher(FAST) as fetcher:
        report = Follower(corpus, fetcher).follow(urls)
    assert report.count("failed") == 0, report.failed
    stored_urls = [corpus.get(i).article.url for i in corpus.store.article_ids()]  # type: ignore[union-attr]
    assert len(stored_urls) == len(set(stored_urls)) >= 4
    for page in loopback_site.requests_to("/news/council-budget"):
        assert page.user_agent.startswith("retold/")


def test_a_page_fetched_again_with_a_changed_figure_is_a_silent_edit(loopback_site, corpus):  # type: ignore[no-untyped-def]
    url = loopback_site.url("/news/waiting-list")
    with Fetcher(FAST) as fetcher:
        follower = Follower(corpus, fetcher)
        first = follower.follow([url]).events[0]
        second = follower.follow([url]).events[0]
        third = follower.follow([url]).events[0]
    assert first.kind == "new"
    assert second.kind == "version" and second.article_id == first.article_id
    assert second.silent_edit
    assert third.kind == "unchanged"  # the server answered 304 to the stored validators
    assert loopback_site.requests_to("/news/waiting-list")[-1].status == 304
    assert corpus.store.counts()["articles"] == 1

    history = page_history(corpus.store, url)
    assert history is not None
    data = history.to_dict()
    assert data["url"] == url and data["silent_edits"] == 1
    assert [v["number"] for v in data["versions"]] == [1, 2]
    changes = data["versions"][1]["changes"]
    assert {"kind": "number", "before": "4,200", "after": "4,700"} in changes["facts"]
    [changed] = changes["changed"]
    assert "4,200" in changed["before"] and "4,700" in changed["after"]
    assert changes["correction_note"] is None
    assert "4,700" in data["versions"][1]["text"] and "4,200" in data["versions"][0]["text"]
    # The article now reads as its newest version and is matched on it.
    stored = corpus.get(first.article_id)
    assert stored is not None and "4,700" in stored.article.body


def test_a_corrected_page_is_a_version_but_not_a_silent_edit(loopback_site, corpus):  # type: ignore[no-untyped-def]
    url = loopback_site.url("/news/bridge-closure")
    with Fetcher(FAST) as fetcher:
        follower = Follower(corpus, fetcher)
        follower.follow([url])
        page = (Path(__file__).parent / "fixtures" / "web" / "bridge-closure.html").read_text()
        page = page.replace("{{base}}", loopback_site.base_url)
        figure = next(w for w in page.split() if w.strip(",.").isdigit() and len(w) > 1)
        edited = page.replace(figure, str(int(figure.strip(",.")) + 7), 1).replace(
            "</article>",
            "<p>Correction: an earlier version of this article gave a wrong figure.</p></article>",
        )
        loopback_site.set_page("/news/bridge-closure", edited)
        event = follower.follow([url]).events[0]
    assert event.kind == "version"
    assert not event.silent_edit
    history = page_history(corpus.store, url)
    assert history is not None
    assert history.versions[-1].changes["correction_note"].startswith("Correction:")


def test_a_new_version_is_linked_again_to_its_copies(loopback_site, corpus):  # type: ignore[no-untyped-def]
    with Fetcher(FAST) as fetcher:
        follower = Follower(corpus, fetcher)
        follower.follow([loopback_site.url("/news/waiting-list")])
        page = (Path(__file__).parent / "fixtures" / "web" / "waiting-list-v1.html").read_text()
        reprint = page.replace(
            "</article>",
            "<p>The hospital trust did not answer questions from this newspaper about how"
            " many of the patients had waited for more than a year.</p></article>",
        )
        loopback_site.set_page("/copies/waiting", reprint)
        follower.follow([loopback_site.url("/copies/waiting")])
        corpus.link()
        [before] = corpus.store.pairs()
        assert before["relation"] == "near-duplicate"
        follower.follow([loopback_site.url("/news/waiting-list")])  # its second version
        assert corpus.store.pairs() == []  # judged again, not kept from the old text
        corpus.link()
    [pair] = corpus.store.pairs()
    assert pair["relation"] in ("near-duplicate", "rewrite")


def test_api_and_article_page_show_the_versions(loopback_site, tmp_path, pipeline):  # type: ignore[no-untyped-def]
    from retold.web.app import ServerConfig, asgi_app
    from retold.web.service import Service

    db = tmp_path / "news.db"
    corpus = Corpus(db, pipeline=pipeline)
    url = loopback_site.url("/news/waiting-list")
    with Fetcher(FAST) as fetcher:
        follower = Follower(corpus, fetcher)
        article_id = follower.follow([url]).events[0].article_id
        follower.follow([url])
        loopback_site.set_page("/news/waiting-list", "<html><body><p><script>alert(1)</script>"
                               "The waiting list stood at 4,900 on Monday, the trust said, "
                               "in figures that were revised again.</p></body></html>")  # fmt: skip
        follower.follow([url])
    client = TestClient(asgi_app(ServerConfig(db=db), Service(corpus)))
    answer = client.get(f"/api/articles/{article_id}/versions")
    assert answer.status_code == 200
    data = answer.json()
    assert data["url"] == url
    assert [v["number"] for v in data["versions"]] == [1, 2, 3]
    assert data["versions"][1]["silent_edit"] is True
    assert client.get("/api/articles/999/versions").status_code == 404
    page = client.get(f"/articles/{article_id}").text
    assert "Version 3" in page and "silent edit" in page
    assert "<script>alert" not in page


def test_cli_ingest_feeds_history_and_compare_urls(loopback_site, tmp_path):  # type: ignore[no-untyped-def]
    db = tmp_path / "news.db"
    rss, atom = loopback_site.url("/feeds/rss.xml"), loopback_site.url("/feeds/atom.xml")
    done = run_cli("ingest", rss, atom, "--db", db, "--json", *polite_options())
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["web"]["new"] >= 4 and summary["web"]["failed"] == 0

    again = run_cli("ingest", rss, "--db", db, "--json", *polite_options())
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["web"]["version"] == 1  # the waiting list changed

    url = loopback_site.url("/news/waiting-list")
    shown = run_cli("history", url, "--db", db, "--json", "--html", tmp_path / "history.html")
    assert shown.returncode == 0, shown.stderr
    history = json.loads(shown.stdout)
    assert history["url"] == url and len(history["versions"]) == 2
    assert history["versions"][1]["silent_edit"] is True
    assert "fetched_at" in history["versions"][1]
    html = (tmp_path / "history.html").read_text()
    assert "silent edit" in html and "4,700" in html
    terminal = run_cli("history", url, "--db", db)
    assert "silent edit" in terminal.stdout and "4,200" in terminal.stdout

    missing = run_cli("history", loopback_site.url("/nowhere"), "--db", db)
    assert missing.returncode == 2 and "no stored page" in missing.stderr

    compared = run_cli(
        "compare", loopback_site.url("/news/harbour-strike-ends"),
        loopback_site.url("/redirect"), "--json",
    )  # fmt: skip
    assert compared.returncode == 0, compared.stderr
    assert json.loads(compared.stdout)["relation"] == "duplicate"

    found = run_cli("search", loopback_site.url("/news/bridge-closure"), "--db", db, "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)[0]["relation"] == "duplicate"


def test_cli_ingest_reports_each_failed_url_and_exits_nonzero_when_all_fail(
    loopback_site, tmp_path
):  # type: ignore[no-untyped-def]
    db = tmp_path / "news.db"
    bad = [loopback_site.url("/report.pdf"), loopback_site.url("/private/memo")]
    done = run_cli("ingest", *bad, "--db", db, *polite_options())
    assert done.returncode == 2
    assert "not a web page or feed (application/pdf)" in done.stdout
    assert "robots.txt disallows it" in done.stdout
    assert not loopback_site.requests_to("/private/memo")

    mixed = run_cli("ingest", *bad, loopback_site.url("/news/council-budget"), "--db", db)
    assert mixed.returncode == 0  # partial failure: listed, not fatal

    compared = run_cli("compare", loopback_site.url("/report.pdf"), loopback_site.url("/big"))
    assert compared.returncode == 2
    assert compared.stderr.count("\n") == 1 and "application/pdf" in compared.stderr


def test_watch_survives_a_dead_feed_stops_on_sigterm_and_resumes(loopback_site, tmp_path):  # type: ignore[no-untyped-def]
    from loopback import closed_port_url

    db = tmp_path / "news.db"
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(
        "# the outlets we follow\n"
        f"{closed_port_url('/feed.xml')}\n{loopback_site.url('/feeds/rss.xml')}\n",
        encoding="utf-8",
    )
    watcher = subprocess.Popen(
        [sys.executable, "-m", "retold", "watch", str(feeds), "--db", str(db), "--every", "1s",
         *polite_options()],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines: list[str] = []
    assert watcher.stdout is not None
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = watcher.stdout.readline()
        lines.append(line)
        if line.startswith("new"):
            break
    watcher.send_signal(signal.SIGTERM)
    out, err = watcher.communicate(timeout=120)
    lines += out.splitlines()
    assert watcher.returncode == 0, err
    assert any(line.startswith("failed") and "feed.xml" in line for line in lines)
    reported_new = [line.split()[1] for line in lines if line.startswith("new")]
    assert reported_new

    store = Corpus(db, read_only=True).store
    for url in reported_new:  # every page it said it stored is there
        assert store.web_page(url) is not None
    resumed = run_cli("watch", feeds, "--db", db, "--once", "--json", *polite_options())
    assert resumed.returncode == 0, resumed.stderr
    events = [json.loads(line) for line in resumed.stdout.splitlines()]
    newly = {e["url"] for e in events if e["kind"] == "new"}
    assert not newly & set(reported_new)  # nothing stored twice
    stored = Corpus(db, read_only=True).store
    assert stored.counts()["articles"] == len(RSS_PAGES)
