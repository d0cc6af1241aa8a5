"""Ingest throughput (articles/s) and peak memory, with and without article vectors.

Run: .venv/bin/python bench/bench_ingest.py --articles 100000

Writes N synthetic 600-word articles (news template sentences with random fills; a quarter
are edited copies; `language` given as a feed would) to a JSONL file, then
ingests it into a fresh store in a child process per configuration (so that each peak RSS is its
own): fingerprints only, and fingerprints plus multilingual article vectors. Linking (judging
candidate pairs with the compare engine) is not included: it is measured in eval_corpus.py.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def write_feed(path: Path, articles: int) -> None:
    """~600-word English articles built from the labelled set's news templates with random
    fills (real words, so tokenisers and language id see text like news); one in four is an
    edited copy of an earlier one."""
    from labelled_set import FAMILIES, fills, paraphrase, render

    rng = random.Random(3)
    sentences = [t for family in FAMILIES.values() for t in family["en"] + family["independent"]]
    written: list[str] = []
    with path.open("w", encoding="utf-8") as handle:
        for number in range(articles):
            if written and rng.random() < 0.25:
                base = rng.choice(written[-1000:]).split("\n\n")
                text = "\n\n".join(paraphrase(base, rng))
            else:
                body: list[str] = []
                while sum(len(s.split()) for s in body) < 600:
                    body += render(rng.sample(sentences, 3), fills(rng))
                text = "\n\n".join(body)
                written.append(text)
            handle.write(json.dumps({"id": number, "text": text, "language": "en"}) + "\n")


def child(feed: Path, embed: bool) -> None:
    from retold.corpus.corpus import Corpus
    from retold.pipeline import Pipeline
    from retold.settings import Settings

    db = Path(tempfile.mkdtemp()) / "ingest.db"
    corpus = Corpus(db, pipeline=Pipeline(Settings(embed_articles=embed)))
    started = time.perf_counter()
    report = corpus.ingest([feed], link=False)
    elapsed = time.perf_counter() - started
    size = db.stat().st_size + sum(
        p.stat().st_size for p in db.parent.glob("ingest.db*") if p != db
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "stored": report.stored,
                "duplicates": report.duplicates,
                "seconds": elapsed,
                "peak_mb": peak,
                "store_mb": size / 1e6,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--child", choices=["embed", "no-embed"])
    parser.add_argument("--feed", type=Path)
    parser.add_argument(
        "--configs", nargs="+", default=["no-embed", "embed"], choices=["no-embed", "embed"]
    )
    args = parser.parse_args()
    if args.child:
        child(args.feed, args.child == "embed")
        return
    feed = Path(tempfile.mkdtemp()) / "feed.jsonl"
    write_feed(feed, args.articles)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; {args.articles:,} articles of 600 words"
    )
    print(
        "| configuration | articles/s | seconds | stored | exact duplicates | peak RSS MB | store MB |"
    )
    print("|---|---|---|---|---|---|---|")
    for config in args.configs:
        output = subprocess.run(
            [sys.executable, __file__, "--child", config, "--feed", str(feed)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(output.strip().splitlines()[-1])
        name = "fingerprints only" if config == "no-embed" else "fingerprints + article vectors"
        print(
            f"| {name} | {args.articles / r['seconds']:.0f} | {r['seconds']:.0f} | {r['stored']} | {r['duplicates']} | {r['peak_mb']:.0f} | {r['store_mb']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
