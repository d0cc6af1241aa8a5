"""The Spark job against the local single-process pipeline on the same synthetic feed: wall time
by stage, and whether the two agree on copy groups.

    .venv/bin/python bench/bench_spark.py --articles 3000 [--master local[2]] [--partitions 8]

The feed is bench_ingest.py's: ~600-word articles from news templates, one in four an edited
copy. The local pipeline is `Corpus.ingest` (ingest, then link every candidate with the compare
engine), the same work `retold ingest` does."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ingest import write_feed  # noqa: E402

from retold import Corpus  # noqa: E402
from retold.corpus.stories import build_stories  # noqa: E402
from retold.spark.job import JobOptions, run, session  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "feed.jsonl"
        write_feed(feed, args.articles)

        started = time.perf_counter()
        corpus = Corpus(Path(tmp) / "local.db")
        corpus.ingest([feed], link=False)
        local_ingest = time.perf_counter() - started
        corpus.link()
        local_total = time.perf_counter() - started
        hashes = {i: corpus.store.get(i).text_hash for i in corpus.store.article_ids()}  # type: ignore[union-attr]
        local_groups = {
            frozenset(hashes[m] for m in group)
            for story in build_stories(corpus.store)
            for group in story.copy_groups
        }
        local_pairs = corpus.store.counts()["pairs"]
        corpus.close()

        spark = session(args.master, args.partitions)
        started = time.perf_counter()
        out = Path(tmp) / "spark"
        report = run(
            JobOptions(inputs=[str(feed)], output=str(out), partitions=args.partitions), spark
        )
        spark_total = time.perf_counter() - started
        spark.stop()
        articles = pd.read_parquet(out / "articles")
        clusters = pd.read_parquet(out / "clusters")
        spark_hashes = dict(zip(articles["id"], articles["text_hash"], strict=True))
        spark_groups = {
            frozenset(spark_hashes[i] for i in members)
            for members in clusters.groupby("copy_group")["article_id"].apply(list)
        }

    print(
        f"{args.articles} synthetic articles; {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Spark master {args.master}, {args.partitions} partitions"
    )
    print("| stage | Spark s | local s |\n|---|---:|---:|")
    stages = list(report.seconds_by_stage.items())
    print(f"| {stages[0][0]} | {stages[0][1]:.1f} | {local_ingest:.1f} (ingest) |")
    for name, seconds in stages[1:-1]:
        print(f"| {name} | {seconds:.1f} | |")
    print(f"| {stages[-1][0]} | {stages[-1][1]:.1f} | {local_total - local_ingest:.1f} (link) |")
    print(f"| **total** | **{spark_total:.1f}** | **{local_total:.1f}** |")
    print(
        f"\nSpark/local wall-time ratio {spark_total / local_total:.2f}; "
        f"{report.articles} articles, {report.candidate_pairs} candidate pairs, "
        f"{report.judged_pairs} judged related (local {local_pairs}); "
        f"copy groups in stories: Spark {len(spark_groups)}, local {len(local_groups)}, "
        f"identical: {spark_groups == local_groups}; skipped buckets {len(report.skipped_buckets)}"
    )


if __name__ == "__main__":
    main()
