"""A short, bounded load test of `retold serve` on loopback: requests/s and latency percentiles
for the API's compare, search, story and article endpoints.

    .venv/bin/python bench/bench_web.py [--requests 40] [--concurrency 4]

It ingests the seeds and the test articles into a temporary corpus, starts the real server on a
free loopback port, and sends a fixed number of requests per endpoint from a thread pool."""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
SEED_A = ROOT / "examples" / "000_00b604c149b801a8.txt"
SEED_B = ROOT / "examples" / "001_603a41bd3f50bd22.txt"
DATA = ROOT / "tests" / "data"


def start_server(folder: Path) -> tuple[subprocess.Popen[str], str]:
    db = folder / "bench.db"
    subprocess.run(
        [sys.executable, "-m", "retold", "ingest", str(folder), "--db", str(db)],
        check=True, capture_output=True,
    )  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "retold", "serve", "--db", str(db), "--port", "0"],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "RETOLD_TOKEN": ""},
    )  # fmt: skip
    assert process.stdout is not None
    match = re.search(r"(http://127\.0\.0\.1:\d+)", process.stdout.readline())
    if not match:
        process.kill()
        raise SystemExit("the server did not print its address")
    return process, match.group(1)


def run(
    client: httpx.Client, requests: int, concurrency: int, method: str, path: str, body: Any
) -> dict[str, float]:
    def one(_: int) -> tuple[float, int]:
        started = time.perf_counter()
        response = client.request(method, path, json=body)
        return time.perf_counter() - started, response.status_code

    client.request(method, path, json=body)  # warm caches once, as a running server would be
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, range(requests)))
    wall = time.perf_counter() - started
    latencies = sorted(t for t, _ in results)
    failures = sum(1 for _, code in results if code >= 400)
    return {
        "rps": requests / wall,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[max(0, int(round(0.95 * len(latencies))) - 1)] * 1000,
        "failures": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for path in (SEED_A, SEED_B, *sorted(DATA.glob("*.txt")), *sorted(DATA.glob("*.html"))):
            shutil.copy(path, folder / path.name)
        process, base = start_server(folder)
        try:
            client = httpx.Client(base_url=base, timeout=300)
            stories = client.get("/api/stories").json()
            story_id = stories[0]["id"]
            article_id = stories[0]["original"] or 1
            seeds = {
                "a": {"text": SEED_A.read_text(encoding="utf-8")},
                "b": {"text": SEED_B.read_text(encoding="utf-8")},
            }
            query = {"query": {"text": (DATA / "port_strike_fr.txt").read_text(encoding="utf-8")}}
            cases = [
                ("POST /api/compare (seeds, inline)", "POST", "/api/compare", seeds),
                ("POST /api/compare (stored ids)", "POST", "/api/compare",
                 {"a": {"id": 1}, "b": {"id": 2}}),
                ("POST /api/search (fr query)", "POST", "/api/search", query),
                ("GET /api/stories/{id}", "GET", f"/api/stories/{story_id}", None),
                ("GET /api/articles/{id}", "GET", f"/api/articles/{article_id}", None),
            ]  # fmt: skip
            print(
                f"retold serve load test: {args.requests} requests per endpoint, "
                f"{args.concurrency} concurrent clients, loopback; {platform.machine()}, "
                f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
            )
            print("| endpoint | req/s | p50 ms | p95 ms | failures |\n|---|---:|---:|---:|---:|")
            for name, method, path, body in cases:
                figures = run(client, args.requests, args.concurrency, method, path, body)
                print(
                    f"| {name} | {figures['rps']:.1f} | {figures['p50']:.0f} | "
                    f"{figures['p95']:.0f} | {figures['failures']:.0f} |"
                )
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
