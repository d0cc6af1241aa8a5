"""The corpus: ingest of mixed inputs, idempotence, kill -9 safety, rejects, search, stories."""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA, SEED_A, SEED_B, run_cli

from retold.corpus.corpus import Corpus
from retold.corpus.stories import build_stories


def write_warc(path: Path, pages: list[tuple[str, bytes]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, html in pages:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(html), http_headers=headers
                )
            )
        image_headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                "https://example.org/logo.png",
                "response",
                payload=io.BytesIO(b"\x89PNG"),
                http_headers=image_headers,
            )
        )


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mixed")
    (folder / "seeds").mkdir()
    for seed in (SEED_A, SEED_B):
        (folder / "seeds" / seed.name).write_bytes(seed.read_bytes())
    original = (DATA / "port_strike_original.txt").read_text()
    lines = [
        json.dumps(
            {
                "id": "fr-1",
                "text": (DATA / "port_strike_fr.txt").read_text(),
                "published": "2024-03-19",
                "site": "Le Port",
            }
        ),
        "{this is not json",
        json.dumps({"id": "empty", "text": "   "}),
        json.dumps({"id": "copy", "text": original, "site": "Copy Site"}),
    ]
    with gzip.open(folder / "feed.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    with (folder / "more.csv").open("w", encoding="utf-8", newline="") as handle:
        import csv

        writer = csv.DictWriter(handle, fieldnames=["text", "title", "published"])
        writer.writeheader()
        writer.writerow(
            {
                "text": (DATA / "port_strike_ru.txt").read_text(),
                "title": "Забастовка",
                "published": "2024-03-20",
            }
        )
    html = (DATA / "port_strike_copy_with_chrome.html").read_bytes()
    write_warc(folder / "crawl.warc.gz", [("https://harbour.example/strike", html)])
    (folder / "museum.txt").write_bytes((DATA / "museum_other_story.txt").read_bytes())
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    return folder


@pytest.fixture(scope="module")
def corpus(mixed_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    db = tmp_path_factory.mktemp("db") / "news.db"
    corpus = Corpus(db)
    corpus.ingest([mixed_folder])
    return corpus


def test_mixed_folder_is_ingested_with_rejects_named(corpus: Corpus, mixed_folder: Path) -> None:
    counts = corpus.store.counts()
    assert counts["articles"] == 6  # two seeds, fr, ru, the strike (warc), museum
    assert counts["duplicates"] == 1  # the JSONL copy of the strike is the WARC page's text
    reasons = {(Path(r["source"]).name, r["location"], r["reason"]) for r in corpus.store.rejects()}
    assert (
        "feed.jsonl.gz",
        "line 2",
        "malformed JSON (Expecting property name enclosed in double quotes)",
    ) in reasons
    assert any(
        name == "feed.jsonl.gz" and loc == "line 3" and "text" in reason
        for name, loc, reason in reasons
    )
    assert ("binary.txt", "", "binary data, not text") in reasons


def test_metadata_from_each_format_is_kept(corpus: Corpus) -> None:
    articles = [corpus.get(i) for i in corpus.store.article_ids()]
    by_language = {a.article.language: a.article for a in articles if a is not None}
    assert by_language["fr"].site == "Le Port" and by_language["fr"].published == "2024-03-19"
    assert by_language["ru"].title == "Забастовка" and by_language["ru"].published == "2024-03-20"
    warc = next(
        a.article
        for a in articles
        if a is not None and a.article.url == "https://harbour.example/strike"
    )
    assert warc.title == "Rotterdam dockworkers strike over pay"


def test_running_the_same_ingest_again_adds_nothing(corpus: Corpus, mixed_folder: Path) -> None:
    before = corpus.store.counts()
    report = corpus.ingest([mixed_folder])
    assert report.stored == 0 and report.duplicates == 0 and report.rejected == 0
    assert corpus.store.counts() == before


def test_search_finds_the_rewrite_and_translations(corpus: Corpus) -> None:
    hits = corpus.search(SEED_B, top=5)
    assert [(Path(h.source).name, h.relation) for h in hits[:2]] == [
        (SEED_B.name, "duplicate"),
        (SEED_A.name, "rewrite"),
    ]
    strike = corpus.search(DATA / "port_strike_near_duplicate.txt", top=10)
    relations = {h.language: h.relation for h in strike}
    assert relations == {"en": "near-duplicate", "fr": "translation", "ru": "translation"}


def test_stories_group_copies_and_find_the_original(corpus: Corpus) -> None:
    stories = build_stories(corpus.store)
    assert len(stories) == 2
    seeds = next(s for s in stories if len(s.members) == 2)
    original = corpus.get(seeds.original)
    assert original is not None and Path(original.article.source).name == SEED_A.name
    strike = next(s for s in stories if len(s.members) == 3)
    assert len(strike.copy_groups) == 1
    assert {corpus.get(i).article.language for i in strike.members} == {"en", "fr", "ru"}  # type: ignore[union-attr]
    # the WARC copy is dated by its page metadata (2024-03-18), before the fr and ru versions
    assert corpus.get(strike.original).article.url == "https://harbour.example/strike"  # type: ignore[union-attr]


def synthetic_feed(path: Path, count: int) -> None:
    pool = [
        line.strip()
        for source in DATA.glob("*.txt")
        for line in source.read_text().splitlines()
        if len(line.split()) > 8
        and source.name != "port_strike_ru.txt"
        and source.name != "port_strike_fr.txt"
    ]
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            sentences = rng.sample(pool, 6)
            text = "\n\n".join(f"{s[:-1]} in report {number}-{k}." for k, s in enumerate(sentences))
            handle.write(json.dumps({"id": number, "text": text}) + "\n")


def test_kill_9_during_ingest_loses_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    synthetic_feed(feed, 400)
    db = tmp_path / "killed.db"
    command = [
        sys.executable,
        "-m",
        "retold",
        "ingest",
        str(feed),
        "--db",
        str(db),
        "--no-link",
        "--json",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(db, timeout=1) as connection:
                    stored = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if stored >= 64:
                break
    assert process.poll() is None, "ingest finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert 0 < stored < 400
    completed = run_cli("ingest", feed, "--db", db, "--no-link", "--json")
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["skipped"] >= stored
    with sqlite3.connect(db) as connection:
        keys = [k for (k,) in connection.execute("SELECT record_key FROM articles")]
        vectors = connection.execute(
            "SELECT count(*) FROM articles WHERE vector IS NOT NULL"
        ).fetchone()[0]
    assert len(keys) == 400 and len(set(keys)) == 400
    assert vectors == 400
    corpus = Corpus(db)
    assert len(corpus.vectors) == 400  # the index file caught up with the store


def test_cli_ingest_search_stories_story(mixed_folder: Path, tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    ingested = run_cli("ingest", mixed_folder, "--db", db, "--json")
    assert ingested.returncode == 0, ingested.stderr
    assert json.loads(ingested.stdout)["corpus"]["articles"] == 6
    found = run_cli("search", SEED_A, "--db", db, "--top", "3", "--json")
    assert found.returncode == 0, found.stderr
    assert [h["relation"] for h in json.loads(found.stdout)][:2] == ["duplicate", "rewrite"]
    listed = json.loads(run_cli("stories", "--db", db, "--json").stdout)
    assert sorted(s["size"] for s in listed) == [2, 3]
    seeds_story = next(s for s in listed if s["size"] == 2)
    page = tmp_path / "story.html"
    shown = run_cli("story", str(seeds_story["id"]), "--db", db, "--html", page, "--json")
    assert shown.returncode == 0, shown.stderr
    html = page.read_text()
    assert "<svg" in html and "denied the allegations" in html
    assert run_cli("story", "999", "--db", db).returncode == 2
    assert run_cli("search", SEED_A, "--db", tmp_path / "missing.db").returncode == 2


def test_csv_field_names_are_configurable(tmp_path: Path) -> None:
    feed = tmp_path / "feed.csv"
    feed.write_text(
        "body,headline\n" + '"' + (DATA / "museum_other_story.txt").read_text() + '",Museum\n'
    )
    db = tmp_path / "fields.db"
    default = json.loads(run_cli("ingest", feed, "--db", db, "--json").stdout)
    assert default["rejects"][0]["reason"] == "no 'text' column"
    named = run_cli(
        "ingest",
        feed,
        "--db",
        tmp_path / "named.db",
        "--text-field",
        "body",
        "--title-field",
        "headline",
        "--json",
    )
    assert json.loads(named.stdout)["corpus"]["articles"] == 1
    assert Corpus(tmp_path / "named.db").get(1).article.title == "Museum"  # type: ignore[union-attr]


def test_search_maps_the_vector_index_instead_of_loading_it(corpus: Corpus) -> None:
    reader = Corpus(corpus.store.path, read_only=True)
    assert reader.vectors.memory_mapped
    assert [h.relation for h in reader.search(SEED_A, top=2)] == ["duplicate", "rewrite"]


def test_a_store_made_again_does_not_use_the_old_stores_vector_index(tmp_path: Path) -> None:
    """Deleting the database and ingesting again leaves the old vector index file beside it:
    the new store must not crash on the old ids nor search the old articles' vectors."""
    folder = tmp_path / "first"
    folder.mkdir()
    for name in ("museum_other_story.txt", "port_strike_original.txt"):
        (folder / name).write_bytes((DATA / name).read_bytes())
    db = tmp_path / "news.db"
    Corpus(db).ingest([folder])
    for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        leftover.unlink(missing_ok=True)
    assert Path(f"{db}.usearch").exists()
    corpus = Corpus(db)
    report = corpus.ingest([SEED_A, SEED_B])
    assert report.stored == 2
    assert [h.relation for h in corpus.search(SEED_A, top=2)] == ["duplicate", "rewrite"]
    reader = Corpus(db, read_only=True)
    assert [h.relation for h in reader.search(SEED_A, top=2)] == ["duplicate", "rewrite"]


def test_export_writes_pairs_clusters_and_graph(corpus: Corpus, tmp_path: Path) -> None:
    import csv

    import networkx as nx

    from retold.corpus.export import export

    written = export(corpus.store, tmp_path / "out")
    pairs = list(csv.DictReader(written["pairs"].open(encoding="utf-8")))
    assert {p["relation"] for p in pairs} >= {"rewrite", "translation"}
    clusters = list(csv.DictReader(written["clusters"].open(encoding="utf-8")))
    assert len(clusters) == corpus.store.counts()["articles"]
    assert sum(row["is_original"] == "True" for row in clusters) == 2
    graph = nx.read_graphml(written["graphml"])
    assert graph.number_of_nodes() == len(clusters)
    assert any(data["relation"] == "rewrite" for _, _, data in graph.edges(data=True))
    assert json.loads(written["graph_json"].read_text())[0]["members"]


def test_story_page_escapes_hostile_metadata(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>"
    text = (DATA / "port_strike_original.txt").read_text()
    feed = tmp_path / "hostile.jsonl"
    feed.write_text(
        json.dumps(
            {
                "text": text,
                "title": hostile,
                "url": "javascript:alert(2)",
                "published": "2024-03-18",
            }
        )
        + "\n"
        + json.dumps(
            {
                "text": text.replace("busiest harbour", "busiest port"),
                "site": "<img src=x onerror=alert(3)>",
            }
        )
        + "\n"
    )
    db = tmp_path / "hostile.db"
    assert run_cli("ingest", feed, "--db", db, "--json").returncode == 0
    story_id = json.loads(run_cli("stories", "--db", db, "--json").stdout)[0]["id"]
    page = tmp_path / "story.html"
    assert run_cli("story", str(story_id), "--db", db, "--html", page).returncode == 0
    html = page.read_text()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and 'href="javascript' not in html


def test_lines_recurring_across_a_site_are_learnt_as_chrome(tmp_path: Path) -> None:
    footer = "Follow Harbour Daily on every social network for the latest news from the port."
    stories = [
        (DATA / name).read_text().strip()
        for name in (
            "port_strike_original.txt",
            "museum_other_story.txt",
            "port_strike_same_story.txt",
        )
    ] + [SEED_A.read_text().strip(), (DATA / "port_strike_ru.txt").read_text().strip()]
    feed = tmp_path / "site.jsonl"
    feed.write_text(
        "".join(
            json.dumps({"text": f"{text}\n\n{footer}", "site": "Harbour Daily"}) + "\n"
            for text in stories
        )
    )
    corpus = Corpus(tmp_path / "site.db")
    report = corpus.ingest([feed], link=False)
    assert report.chrome_lines_learnt == 2  # pages 4 and 5: the line was seen on 3 pages before
    articles = [corpus.get(i).article for i in corpus.store.article_ids()]  # type: ignore[union-attr]
    assert [footer in a.chrome for a in articles] == [False, False, False, True, True]
    assert not any(footer in s for s in articles[4].sentence_texts)


def test_a_real_sentence_recurring_in_a_sites_updates_stays_text(tmp_path: Path) -> None:
    lead = "Dockworkers at the port of Rotterdam walked off the job on Monday, halting ships."
    updates = [
        f"{lead}\n\nBy {hour}:00 the union said {ships} ships were waiting at anchor outside the port."
        f"\n\nTerminal operators said talks would resume on {day}, a week after they broke down."
        for hour, ships, day in [(9, 12, "Tuesday"), (11, 20, "Wednesday"), (13, 31, "Thursday"),
                                 (15, 38, "Friday"), (17, 44, "Saturday")]
    ]  # fmt: skip
    feed = tmp_path / "updates.jsonl"
    feed.write_text(
        "".join(json.dumps({"text": text, "site": "Harbour Daily"}) + "\n" for text in updates)
    )
    corpus = Corpus(tmp_path / "updates.db")
    corpus.ingest([feed], link=False)
    articles = [corpus.get(i).article for i in corpus.store.article_ids()]  # type: ignore[union-attr]
    assert len(articles) == 5
    assert all(lead in a.paragraphs for a in articles)
    corpus.close()
