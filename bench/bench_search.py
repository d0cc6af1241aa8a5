"""`retold search --top 20` end to end, judging included, on a linked store: p50 and p95, and where
the time goes (preparing the query, finding candidates, preparing them, judging them).

Run: .venv/bin/python bench/bench_search.py --store PATH [--queries 50]

PATH is any store made by `retold ingest` (bench/bench_link.py leaves its store behind and
prints its path). Each query is a stored article's text with one sentence appended, so it is
not an exact duplicate and goes the whole way: prepared (facts, specifics and lede: `prepare`;
its e5 article vector: `article_vectors`), candidates from LSH and the vector index, each candidate's stored preparation read
back, the query's sentence vectors encoded, every candidate judged. The store is opened
read-only, as `retold search` opens it. How the candidate lookup grows to 1M articles is
bench/bench_scale.py's (2.6 ms p50 at 1M).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import time
from pathlib import Path

from steps import time_steps

import retold.corpus.corpus as corpus_module
from retold.article import RawDocument
from retold.corpus.corpus import Corpus

WARM_UP = 10


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(len(ordered) * share) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    corpus = Corpus(args.store, read_only=True)
    steps: dict[str, float] = {}

    ids = corpus.store.article_ids()
    rng = random.Random(11)
    picks = rng.sample(ids, min(args.queries + WARM_UP, len(ids)))
    queries = []
    for article_id in picks:
        stored = corpus.store.get(article_id)
        assert stored is not None
        article = stored.article
        text = "\n\n".join([*article.paragraphs, "This sentence was added to the query."])
        queries.append(RawDocument(source=f"query-{article_id}", text=text, title=article.title))
    for query in queries[:WARM_UP]:  # models and word lists loaded outside the timed queries
        corpus.search(query, top=args.top)
    time_steps(corpus.pipeline, ("prepare", "compare_prepared"), steps)
    time_steps(corpus, ("candidates", "prepared_many", "_sentence_vectors"), steps)
    time_steps(corpus_module, ("article_vectors",), steps)
    timings, hits = [], []
    for query in queries[WARM_UP:]:
        started = time.perf_counter()
        found = corpus.search(query, top=args.top)
        timings.append((time.perf_counter() - started) * 1000)
        hits.append(len(found))
    corpus.close()
    count = len(timings)
    result = {
        "store_articles": len(ids),
        "queries": count,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "mean_ms": round(statistics.mean(timings), 1),
        "mean_hits": round(sum(hits) / count, 1),
        "ms_per_query_by_step": {k: round(v * 1000 / count, 1) for k, v in steps.items()},
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(f"store: {args.store} ({len(ids)} articles), top {args.top}, {count} queries")
    by_step: dict[str, float] = result["ms_per_query_by_step"]  # type: ignore[assignment]
    print("| p50 ms | p95 ms | mean ms | hits a query | " + " | ".join(by_step) + " |")
    print("|---" * (4 + len(by_step)) + "|")
    print(
        f"| {result['p50_ms']} | {result['p95_ms']} | {result['mean_ms']} | {result['mean_hits']}"
        f" | {' | '.join(str(v) for v in by_step.values())} |"
    )
    print("(steps: mean ms a query; prepare and compare_prepared are the pipeline's)")


if __name__ == "__main__":
    main()
