"""Which fact extractor is better on the seeds: the packaged spaCy model or the rules?

Run: .venv/bin/python bench/eval_facts.py
Scores each extractor against hand-labelled facts (bench/data/seed_facts_gold.json):
precision and recall with the kind required to match ("typed") and with any entity kind
accepted ("found"), then checks the seed findings the compare issue asks for.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from retold import Pipeline, Settings
from retold.facts import Fact, extract_facts, same_fact

ROOT = Path(__file__).resolve().parent.parent
GOLD = json.loads((ROOT / "bench" / "data" / "seed_facts_gold.json").read_text())


def score(extractor: str) -> dict[str, float]:
    pipeline = Pipeline(Settings(fact_extractor=extractor))
    gold_n = predicted_n = typed_hits = found_hits = predicted_hits = 0
    elapsed = 0.0
    for name, sentences_gold in GOLD.items():
        if name == "about":
            continue
        article = pipeline.load(ROOT / "examples" / name)
        assert len(article.sentences) == len(sentences_gold), name
        extract_facts(["Warm-up sentence in London."], "en", extractor)  # model load not timed
        started = time.perf_counter()
        facts = [
            f for f in extract_facts(article.sentence_texts, "en", extractor) if f.kind != "quote"
        ]
        elapsed += time.perf_counter() - started
        for index, labelled in enumerate(sentences_gold):
            gold = [Fact(kind, text, index) for kind, text in labelled]
            predicted = [f for f in facts if f.sentence == index]
            gold_n += len(gold)
            predicted_n += len(predicted)
            typed_hits += sum(
                any(p.kind == g.kind and same_fact(p, g) for p in predicted) for g in gold
            )
            found_hits += sum(any(same_fact(p, g) for p in predicted) for g in gold)
            predicted_hits += sum(any(same_fact(p, g) for g in gold) for p in predicted)
    return {
        "typed recall": typed_hits / gold_n,
        "found recall": found_hits / gold_n,
        "precision": predicted_hits / predicted_n if predicted_n else 0.0,
        "ms": elapsed * 1000,
    }


def seed_findings(extractor: str) -> str:
    result = Pipeline(Settings(fact_extractor=extractor)).compare(
        ROOT / "examples" / "000_00b604c149b801a8.txt",
        ROOT / "examples" / "001_603a41bd3f50bd22.txt",
    )
    removed = {f.text for f in result.facts.removed}
    added = {f.text for f in result.facts.added}
    changed = {(f.before, f.after) for f in result.facts.changed}
    checks = {
        "chiefs removed": {"Sergei Naryshkin", "Ivan Tertel"} <= removed,
        "date removed": any("Thursday" in t for t in removed),
        "Friday added": "Friday" in added,
        "summer->year": ("last summer", "last year") in changed,
    }
    return ", ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in checks.items())


def main() -> None:
    print(
        "| extractor | typed recall | found recall | precision | ms (18 sentences) | seed findings |"
    )
    print("|---|---|---|---|---|---|")
    for extractor in ("spacy", "rules"):
        s = score(extractor)
        print(
            f"| {extractor} | {s['typed recall']:.2f} | {s['found recall']:.2f} | {s['precision']:.2f} "
            f"| {s['ms']:.0f} | {seed_findings(extractor)} |"
        )


if __name__ == "__main__":
    main()
