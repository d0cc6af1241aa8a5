"""Ingest and link end to end: articles/s, where the time goes, pairs by deciding stage, peak RSS.

Run: .venv/bin/python bench/bench_link.py --articles 2000 [--before 2d480d6]

The feed (one JSONL file, written by `write_feed`, seeded) mixes what a news feed holds:
- every page of the real-news set (bench/data/realnews: 16 languages, wire copies, translations,
  rewrites, independent reports and hard negatives of the same weeks);
- events written from the labelled set's templates (bench/labelled_set.py `build`): an original
  with some of its copies (chrome-wrapped, trimmed, OCR-noised, reordered with an inserted
  sentence, paraphrased, French translation) and sometimes an independent report; a quarter of
  the synthetic articles;
- singletons for the rest: ~600-word articles of three random template paragraphs with random
  fills, each its own story. They share templates, so their article vectors sit far closer than
  a real feed's unrelated articles do (nearly every one has 20 candidates): a worst case for
  linking, not a typical one.

Each configuration runs in its own process (its peak RSS is its own) on a fresh store:
`ingest` (clean, fingerprint, article vectors) then `link` (candidates, preparation, sentence
vectors, judging), timed apart. `--before REF` runs the same feed through the code of a git
revision (checked out in a temporary worktree) in the same run, for a before/after table.
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def write_feed(path: Path, articles: int, seed: int = 7) -> dict[str, int]:
    from labelled_set import FAMILIES, build, fills, render
    from realnews import load_realnews

    rng = random.Random(seed)
    rows: list[dict[str, str | None]] = []
    for page in load_realnews():
        rows.append(
            {"id": page.id, "text": page.text, "title": page.title, "url": page.url,
             "published": page.published, "language": page.language, "kind": "realnews"}
        )  # fmt: skip
    real = len(rows)
    remaining = max(0, articles - real)
    synthetic_target = remaining // 4
    events = 0
    while sum(1 for r in rows if r["kind"] == "event") < synthetic_target:
        for record in build(1, seed * 1000 + events):
            if sum(1 for r in rows if r["kind"] == "event") < synthetic_target:
                rows.append({"id": f"event{events}-{record['id']}", "text": record["text"],
                             "language": None, "kind": "event"})  # fmt: skip
        events += 1
    sentences = [t for family in FAMILIES.values() for t in family["en"] + family["independent"]]
    number = 0
    while len(rows) < articles:
        body: list[str] = []
        while sum(len(s.split()) for s in body) < 600:
            body += render(rng.sample(sentences, 3), fills(rng))
        rows.append({"id": f"single{number}", "text": "\n\n".join(body), "language": "en",
                     "kind": "singleton"})  # fmt: skip
        number += 1
    rng.shuffle(rows)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows[:articles]:
            handle.write(json.dumps({k: v for k, v in row.items() if v is not None}) + "\n")
    kinds: dict[str, int] = {}
    for row in rows[:articles]:
        kinds[str(row["kind"])] = kinds.get(str(row["kind"]), 0) + 1
    return {"articles": min(articles, len(rows)), "realnews": real, "events": events, **kinds}


def child(feed: Path) -> None:
    """One configuration: ingest then link the feed into a fresh store; print one JSON line."""
    from retold.corpus.corpus import Corpus

    timers: dict[str, float] = {}

    def timed(owner: type, name: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # the code under test has no such step
            return

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                timers[name] = timers.get(name, 0.0) + time.perf_counter() - started

        setattr(owner, name, wrapper)

    for name in ("prepared_many", "prepared", "_sentence_vectors", "candidates"):
        timed(Corpus, name)
    db = Path(tempfile.mkdtemp()) / "link.db"
    corpus = Corpus(db)
    started = time.perf_counter()
    report = corpus.ingest([feed], link=False)
    ingested = time.perf_counter()
    judged = corpus.link()
    linked = time.perf_counter()
    stages: dict[str, int] = {}
    columns = {r[1] for r in corpus.store.connection.execute("PRAGMA table_info(pairs)")}
    stage_column = "stage" if "stage" in columns else "'judge'"
    for stage, count in corpus.store.connection.execute(
        f"SELECT {stage_column}, count(*) FROM pairs GROUP BY 1"
    ):
        stages[str(stage)] = int(count)
    relations = dict(
        corpus.store.connection.execute("SELECT relation, count(*) FROM pairs GROUP BY 1")
    )
    corpus.close()
    size = sum(p.stat().st_size for p in db.parent.iterdir())
    print(
        json.dumps(
            {
                "stored": report.stored,
                "ingest_seconds": ingested - started,
                "link_seconds": linked - ingested,
                "judged": judged,
                "stored_pairs": sum(stages.values()),
                "stages": stages,
                "relations": relations,
                "steps": timers,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "store_mb": size / 1e6,
            }
        )
    )


def run(feed: Path, source: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(source / "src"), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, str(HERE / "bench_link.py"), "--child", str(feed)],
        capture_output=True, text=True, env=env, check=True, cwd=source,
    )  # fmt: skip
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--before", help="a git revision to run on the same feed first")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    folder = Path(tempfile.mkdtemp())
    feed = folder / "feed.jsonl"
    mix = write_feed(feed, args.articles)
    configs: list[tuple[str, Path]] = []
    if args.before:
        worktree = folder / "before"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(worktree), args.before],
            check=True, capture_output=True, cwd=HERE.parent,
        )  # fmt: skip
        configs.append((f"before ({args.before})", worktree))
    configs.append(("now", HERE.parent))
    results = {}
    try:
        for name, source in configs:
            results[name] = run(feed, source)
    finally:
        if args.before:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(folder / "before")],
                check=False, capture_output=True, cwd=HERE.parent,
            )  # fmt: skip
    if args.json:
        print(json.dumps({"feed": mix, "results": results}, indent=2))
        return
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(f"feed: {json.dumps(mix)}")
    print(
        "| code | articles | ingest s | link s | articles/s (ingest + link) | pairs judged"
        " | pairs stored (by stage) | peak RSS MB | store MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        total = float(r["ingest_seconds"]) + float(r["link_seconds"])  # type: ignore[arg-type]
        print(
            f"| {name} | {r['stored']} | {r['ingest_seconds']:.1f} | {r['link_seconds']:.1f}"
            f" | {int(r['stored']) / total:.1f} | {r['judged']}"  # type: ignore[call-overload]
            f" | {r['stored_pairs']} {r['stages']} | {r['peak_mb']:.0f} | {r['store_mb']:.0f} |"
        )
    for name, r in results.items():
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in r["steps"].items())  # type: ignore[attr-defined]
        print(f"{name}: link steps (nested, inclusive): {steps}")


if __name__ == "__main__":
    main()
