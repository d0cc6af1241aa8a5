"""Ingest and link end to end: articles/s, where the time goes, pairs by deciding stage, peak RSS.

Run: .venv/bin/python bench/bench_link.py --articles 2000 [--before 2d480d6]

The feed (one JSONL file, written by `write_feed`, seeded) mixes what a news feed holds:
- every page of the real-news set (bench/data/realnews: 16 languages, wire copies, translations,
  rewrites, independent reports and hard negatives of the same weeks);
- events written from the labelled set's templates (bench/labelled_set.py `build`): an original
  with some of its copies (chrome-wrapped, trimmed, OCR-noised, reordered with an inserted
  sentence, paraphrased, French translation) and sometimes an independent report; a quarter of
  the synthetic articles;
- singletons for the rest, each its own story, in the languages of a European news feed (English
  40 %, then German, French, Spanish, Russian, Portuguese, Italian, Polish, Ukrainian, Arabic):
  a title and 150-900 words (log-normal, median ~400) drawn from the language's word
  frequencies (`wordfreq`), each article with its own topic words (30 of the language's 2,000th
  to 20,000th commonest words, a fifth of its tokens), sentences of 8-30 words. They cost what a
  real article of that length costs to clean, encode and extract, and they are not one
  another's copies. How many candidates each article meets is printed (candidate pairs judged
  per article): the real pages and the events bring the neighbours; the singletons few.
  `--singletons templates` gives the earlier worst case instead: template paragraphs with
  random fills, whose vectors all sit near one another (nearly every article meets 20
  candidates).

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


FEED_LANGUAGES = {
    "en": 40, "de": 10, "fr": 10, "es": 10, "ru": 8, "pt": 6, "it": 6, "pl": 4, "uk": 3, "ar": 3,
}  # fmt: skip


def frequency_singleton(rng: random.Random) -> dict[str, str]:
    """An article of its own: a title and paragraphs drawn from one language's word
    frequencies, with topic words of its own."""
    language = rng.choices(list(FEED_LANGUAGES), weights=list(FEED_LANGUAGES.values()))[0]
    common, cumulative = _words(language)
    topic = rng.sample(common[2000:], 30)

    def sentence(length: int) -> str:
        words = rng.choices(common, cum_weights=cumulative, k=length)
        words = [rng.choice(topic) if rng.random() < 0.2 else w for w in words]
        return " ".join(words).capitalize() + "."

    target = min(900, max(150, int(rng.lognormvariate(6.0, 0.5))))
    paragraphs, count = [], 0
    while count < target:
        paragraph = [sentence(rng.randint(8, 30)) for _ in range(rng.randint(1, 3))]
        count += sum(len(s.split()) for s in paragraph)
        paragraphs.append(" ".join(paragraph))
    return {
        "title": sentence(rng.randint(6, 12)).rstrip("."),
        "text": "\n\n".join(paragraphs),
        "language": language,
    }


_WORDS: dict[str, tuple[list[str], list[float]]] = {}


def _words(language: str) -> tuple[list[str], list[float]]:
    """The language's 20,000 commonest words and Zipf cumulative weights for drawing them."""
    if language not in _WORDS:
        from itertools import accumulate

        from wordfreq import top_n_list

        words = [w for w in top_n_list(language, 20_000) if w.isalpha()]
        _WORDS[language] = (words, list(accumulate(1.0 / (r + 10) for r in range(len(words)))))
    return _WORDS[language]


def write_feed(
    path: Path, articles: int, seed: int = 7, singletons: str = "frequency"
) -> dict[str, int]:
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
        if singletons == "templates":
            body: list[str] = []
            while sum(len(s.split()) for s in body) < 600:
                body += render(rng.sample(sentences, 3), fills(rng))
            row = {"text": "\n\n".join(body), "language": "en"}
        else:
            row = frequency_singleton(rng)
        rows.append({"id": f"single{number}", **row, "kind": "singleton"})
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
    from steps import time_steps

    from retold.corpus.corpus import Corpus

    timers: dict[str, float] = {}
    time_steps(Corpus, ("prepared_many", "prepared", "_sentence_vectors", "candidates"), timers)
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
                "store": str(db),
            }
        )
    )


def run(feed: Path, source: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(source / "src"), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, str(HERE / "bench_link.py"), "--child", str(feed)],
        capture_output=True, text=True, env=env, cwd=source,
    )  # fmt: skip
    if out.returncode:
        sys.exit(f"bench_link: the run of {source} failed:\n{out.stderr[-4000:]}")
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--before", help="a git revision to run on the same feed first")
    parser.add_argument("--singletons", choices=["frequency", "templates"], default="frequency")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    folder = Path(tempfile.mkdtemp())
    feed = folder / "feed.jsonl"
    mix = write_feed(feed, args.articles, singletons=args.singletons)
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
        per_article = int(r["judged"]) / max(1, int(r["stored"]))  # type: ignore[call-overload]
        print(
            f"{name}: {per_article:.1f} candidate pairs judged per article; store {r.get('store')}"
        )


if __name__ == "__main__":
    main()
