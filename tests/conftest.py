from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from retold import CompareResult, Pipeline

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEED_A = ROOT / "examples" / "000_00b604c149b801a8.txt"
SEED_B = ROOT / "examples" / "001_603a41bd3f50bd22.txt"


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="session")
def seeds(pipeline: Pipeline) -> CompareResult:
    return pipeline.compare(SEED_A, SEED_B)


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run the installed `retold` command as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "retold", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Debian's Chromium, driven by Playwright (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def loopback_site():  # type: ignore[no-untyped-def]
    """A real news site on 127.0.0.1 (tests/loopback.py), fresh for each test."""
    from loopback import LoopbackSite

    with LoopbackSite() as site:
        yield site
