"""`retold serve` as a user meets it: a real server on loopback, driven by headless Chromium.
Screenshots land in tests/artifacts/web/ for a person to look at."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from conftest import DATA, ROOT, SEED_A, SEED_B, run_cli

SHOTS = ROOT / "tests" / "artifacts" / "web"


@contextmanager
def serving(db: Path) -> Iterator[str]:
    """`retold serve` on a free loopback port; its base URL once the models are loaded."""
    process = subprocess.Popen(
        [sys.executable, "-m", "retold", "serve", "--db", str(db), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RETOLD_TOKEN": ""},
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # printed once the models are loaded and the port is bound
    match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
    assert match, (
        f"no address in {line!r}; stderr: {process.stderr.read() if process.stderr else ''}"
    )
    try:
        yield match.group(1).rstrip("/")
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seeds and the port-strike family ingested by the CLI, then served on a free port."""
    folder = tmp_path_factory.mktemp("served")
    for path in (SEED_A, SEED_B, *sorted(DATA.glob("port_strike_*"))):
        shutil.copy(path, folder / path.name)
    db = folder / "news.db"
    assert run_cli("ingest", folder, "--db", db).returncode == 0
    with serving(db) as address:
        yield address


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_server_binds_loopback_and_answers_the_api(server: str) -> None:
    assert server.startswith("http://127.0.0.1:")
    health = httpx.get(f"{server}/healthz", timeout=30).json()
    assert health["articles"] >= 6
    stories = httpx.get(f"{server}/api/stories", timeout=30).json()
    assert len(stories) == 2
    missing = httpx.get(f"{server}/api/articles/424242", timeout=30)
    assert missing.status_code == 404 and missing.json() == {"error": "no article 424242"}


def test_refuses_to_bind_beyond_loopback_without_a_token(tmp_path: Path) -> None:
    result = run_cli("serve", "--db", tmp_path / "x.db", "--host", "0.0.0.0", "--create")
    assert result.returncode == 2
    assert "set --token or RETOLD_TOKEN" in result.stderr and len(result.stderr.splitlines()) == 1


def test_compare_page_shows_the_seed_rewrite(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/compare")
    shoot(page, "1-compare-form")
    page.fill("#a_text", SEED_A.read_text(encoding="utf-8"))
    page.set_input_files("#b_file", str(SEED_B))
    page.click("#compare")
    page.wait_for_selector("#relation")
    shoot(page, "2-compare-seeds")
    assert page.inner_text("#relation") == "rewrite"
    assert page.inner_text("#direction") == "a->b"
    added = page.locator("#alignment tr.added td.b")
    assert added.count() == 1 and "denied the allegations" in added.inner_text()
    dropped = page.locator("#alignment tr.dropped td.a")
    assert "Naryshkin" in dropped.inner_text()
    assert page.locator("mark.fact-removed", has_text="Sergei Naryshkin").is_visible()
    assert page.locator("mark.fact-changed", has_text="last summer").is_visible()
    chrome = page.locator("details", has_text="lines removed as page chrome").last
    chrome.click()
    assert "Must read" in chrome.inner_text()
    page.close()


def test_search_then_compare_then_story_then_article(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/search")
    page.fill("#text", (DATA / "port_strike_original.txt").read_text(encoding="utf-8"))
    page.click("#search")
    page.wait_for_selector("#hits")
    shoot(page, "3-search")
    rows = page.locator("#hits tr")
    relations = page.locator("#hits .rel").all_inner_texts()
    assert rows.count() - 1 == len(relations) >= 4
    assert "translation" in relations and relations[0] in ("duplicate", "near-duplicate")
    translation_row = page.locator("#hits tr", has=page.locator(".rel", has_text="translation"))
    translation_row.first.locator("a.compare-link").click()
    page.wait_for_selector("#relation")
    assert page.inner_text("#relation") == "translation"
    shoot(page, "4-compare-translation")

    page.goto(f"{server}/stories")
    shoot(page, "5-stories")
    page.select_option("select[name=language]", "fr")
    page.click("text=Filter")
    links = page.locator("#stories td:nth-child(2) a")
    assert links.count() == 1
    links.first.click()
    page.wait_for_selector("#graph")
    shoot(page, "6-story")
    assert page.locator("#graph .node").count() >= 4
    assert page.locator("#graph .node.original").count() == 1
    assert page.locator("#timeline tr").count() >= 5
    page.locator("#graph a").first.click()
    page.wait_for_selector("#family")
    shoot(page, "7-article")
    assert "story #" in page.inner_text("#family")
    assert page.locator("#text p.paragraph").count() >= 2
    page.close()


def test_hostile_article_runs_no_script_in_the_browser(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    text = (DATA / "port_strike_original.txt").read_text(encoding="utf-8")
    body = {
        "text": text.replace("\n\n", "\n\n<img src=x onerror=\"document.title='pwned'\"> ", 1),
        "title": "<script>document.title='pwned'</script>Dockers",
        "url": "javascript:document.title='pwned'",
        "site": "<b onmouseover=alert(1)>evil</b>",
    }
    added = httpx.post(f"{server}/api/articles", json=body, timeout=120).json()
    dialogs: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in (f"/articles/{added['article_id']}", f"/stories/{added['story']}", "/stories", "/"):
        page.goto(f"{server}{path}")
        assert page.title() != "pwned", f"a script ran on {path}"
    page.goto(f"{server}/articles/{added['article_id']}")
    shoot(page, "8-hostile-article")
    assert "<script>document.title='pwned'</script>Dockers" in page.inner_text("#title")
    assert page.locator("#url a").count() == 0, "a javascript: URL is shown, never linked"
    page.close()
    assert dialogs == []


def test_the_server_keeps_serving_while_loaded(server: str) -> None:
    """Concurrent API calls share one corpus connection and one set of models: all answered."""
    from concurrent.futures import ThreadPoolExecutor

    body = {"query": {"text": (DATA / "port_strike_fr.txt").read_text(encoding="utf-8")}, "top": 5}

    def search(_: int) -> int:
        return httpx.post(f"{server}/api/search", json=body, timeout=120).status_code

    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(search, range(12)))
    assert codes == [200] * 12


def test_article_page_shows_the_versions_of_a_followed_page(loopback_site, tmp_path, browser):  # type: ignore[no-untyped-def]
    db = tmp_path / "news.db"
    url = loopback_site.url("/news/waiting-list")
    for _ in range(2):  # the second fetch finds a figure changed with no correction note
        assert run_cli("ingest", url, "--db", db, "--delay", "0").returncode == 0
    with serving(db) as address:
        versions = httpx.get(f"{address}/api/articles/1/versions", timeout=30).json()
        assert [v["number"] for v in versions["versions"]] == [1, 2]
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(f"{address}/articles/1")
        page.wait_for_selector("#versions")
        shoot(page, "9-article-versions")
        newest = page.locator("#version-2")
        assert "silent edit" in newest.inner_text()
        assert "4,200" in newest.locator("del").first.inner_text()
        assert "4,700" in newest.locator("ins").first.inner_text()
