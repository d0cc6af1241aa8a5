"""The HTML report: escaped text, and what a reader sees in a real browser (Chromium)."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT

from retold import CompareResult, Pipeline
from retold.report.html import render_compare_html

ARTIFACTS = ROOT / "tests" / "artifacts"

HOSTILE = (
    "<script>alert('title')</script> Council <img src=x onerror=alert(1)>\n"
    "The council voted <script>document.title='pwned'</script> on Friday to build a tram line "
    "to the airport, ending a decade of debate.\n"
    'Construction starts next spring, said <a href="javascript:alert(2)">the mayor</a>, '
    "and will take four years.\n"
)


def test_article_text_is_escaped(pipeline: Pipeline) -> None:
    benign = HOSTILE.replace("<script>document.title='pwned'</script> ", "")
    page = render_compare_html(pipeline.compare(HOSTILE, benign))
    assert "<script>" not in page and "<img" not in page and "<a href" not in page
    assert "&lt;script&gt;" in page and "onerror=alert(1)&gt;" in page


def open_report(browser, result: CompareResult, tmp_path: Path, name: str):  # type: ignore[no-untyped-def]
    report = tmp_path / f"{name}.html"
    report.write_text(render_compare_html(result), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    page.goto(report.as_uri())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    return page


def test_report_shows_the_alignment_side_by_side(
    browser, seeds: CompareResult, tmp_path: Path
) -> None:
    page = open_report(browser, seeds, tmp_path, "seeds-report")
    assert page.inner_text("#relation") == "rewrite"
    assert page.inner_text("#direction") == "a->b"
    rows = page.locator("#alignment tr")
    assert rows.count() == 1 + len(seeds.alignment) + len(seeds.added) + len(seeds.dropped)
    added = page.locator("#alignment tr.added td.b")
    assert added.count() == 1 and "denied the allegations" in added.inner_text()
    assert added.is_visible()
    dropped = page.locator("#alignment tr.dropped td.a")
    assert "Naryshkin" in dropped.inner_text()
    assert page.locator("mark.fact-removed", has_text="Sergei Naryshkin").is_visible()
    assert page.locator("mark.fact-changed", has_text="last summer").is_visible()
    background = dropped.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)"
    page.close()


def test_hostile_text_runs_no_script_in_the_browser(
    browser, pipeline: Pipeline, tmp_path: Path
) -> None:
    benign = HOSTILE.replace("<script>document.title='pwned'</script> ", "")
    dialogs: list[str] = []
    result = pipeline.compare(HOSTILE, benign)
    report = tmp_path / "hostile.html"
    report.write_text(render_compare_html(result), encoding="utf-8")
    page = browser.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(report.as_uri())
    assert dialogs == []
    assert "pwned" not in page.title()
    assert "<script>document.title='pwned'</script>" in page.inner_text("#alignment")
    page.close()
