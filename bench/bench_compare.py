"""Speed of `retold compare`: cold start of the command, and warm compares of 800-word articles.

Run: .venv/bin/python bench/bench_compare.py [--runs N]   (or: make bench)
Prints a table; the figures go in BENCHMARKS.md with the machine they were measured on.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_A = ROOT / "examples" / "000_00b604c149b801a8.txt"
SEED_B = ROOT / "examples" / "001_603a41bd3f50bd22.txt"
DATA = ROOT / "tests" / "data"
BENCH_DATA = ROOT / "bench" / "data"
TARGET_WARM_MS = 150.0


def article_pair_of_800_words() -> tuple[str, str]:
    """A source of ~800 words and a rewrite of it: three stories, the second side rewritten,
    edited and reordered the way the seeds are."""
    from retold.ingest import read_document

    def body(path: Path) -> str:
        return read_document(path).text.strip()

    source = "\n\n".join(
        [
            body(SEED_A),
            body(DATA / "port_strike_original.txt"),
            body(DATA / "museum_other_story.txt"),
            body(DATA / "port_strike_same_story.txt"),
            body(BENCH_DATA / "court_ruling.txt"),
        ]
    )
    derived = "\n\n".join(
        [
            body(DATA / "museum_other_story.txt").replace("Monday", "Tuesday"),
            body(SEED_B),
            body(DATA / "port_strike_same_story.txt").replace("this week", "on Monday"),
            body(DATA / "port_strike_near_duplicate.txt"),
            body(BENCH_DATA / "court_ruling_rewrite.txt"),
        ]
    )
    return source, derived


def time_cold_start(runs: int) -> list[float]:
    command = [sys.executable, "-m", "retold", "compare", str(SEED_A), str(SEED_B), "--json"]
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def time_warm(runs: int, extractor: str) -> dict[str, list[float]]:
    from retold import Pipeline, Settings
    from retold.embed import choose_model

    pipeline = Pipeline(Settings(fact_extractor=extractor))
    source, derived = article_pair_of_800_words()
    pipeline.compare(source, derived)  # load the models once
    stages: dict[str, list[float]] = {"prepare": [], "compare": [], "total": []}
    for run in range(runs):
        pipeline.embedder.clear_cache()  # every run embeds every sentence afresh
        # A different last word each run, so no cache anywhere can answer from a previous run.
        a, b = f"{source} Run {run}.", f"{derived} Run {run}."
        # The steps of `Pipeline.compare`, timed apart.
        started = time.perf_counter()
        prepared_a, prepared_b = pipeline.prepare_many([pipeline.load(a), pipeline.load(b)])
        prepared = time.perf_counter()
        model = choose_model(prepared_a.article.language, prepared_b.article.language)
        pipeline.encode_sentence_vectors([prepared_a, prepared_b], model, stored=False)
        pipeline.compare_prepared(prepared_a, prepared_b)
        done = time.perf_counter()
        stages["prepare"].append((prepared - started) * 1000)
        stages["compare"].append((done - prepared) * 1000)
        stages["total"].append((done - started) * 1000)
    return stages


def row(name: str, values: list[float], note: str = "") -> str:
    median = statistics.median(values)
    p95 = sorted(values)[min(len(values) - 1, math.ceil(len(values) * 0.95) - 1)]
    return f"| {name:<42} | {median:>9.1f} | {p95:>9.1f} | {len(values):>4} | {note} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--cold-runs", type=int, default=3)
    args = parser.parse_args()

    source, derived = article_pair_of_800_words()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"articles: {len(source.split())} and {len(derived.split())} words"
    )
    print(f"| {'measure':<42} | median ms | p95 ms    | runs | note |")
    print(f"|{'-' * 44}|-----------|-----------|------|------|")
    print(row("cold start: seeds, process start to JSON", time_cold_start(args.cold_runs)))
    for extractor in ("spacy", "rules"):
        stages = time_warm(args.runs, extractor)
        verdict = "meets" if statistics.median(stages["total"]) < TARGET_WARM_MS else "misses"
        print(
            row(
                f"warm, 800 words, facts by {extractor}: total",
                stages["total"],
                f"{verdict} {TARGET_WARM_MS:.0f} ms target",
            )
        )
        print(row(f"  of which clean+segment+facts ({extractor})", stages["prepare"]))
        print(row("  of which embed+align+diff+relate", stages["compare"]))


if __name__ == "__main__":
    main()
