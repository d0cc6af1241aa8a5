"""Quality of copy groups and story families on a labelled corpus.

Run: .venv/bin/python bench/eval_corpus.py LABELLED.jsonl
(LABELLED.jsonl: one article a line with `id`, `text`, `copy_group` and `story` labels, as
bench/labelled_set.py writes; a NEWS-COPY export in that shape works too.)

Ingests the file into a fresh corpus, builds families, and prints adjusted Rand index and
B-cubed precision/recall/F1 for copy groups and for story families, pair precision/recall,
and run time, for retold and for a MinHash-only baseline (connected components of LSH pairs
with estimated Jaccard >= 0.5) over the same store.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from sklearn.metrics import adjusted_rand_score

from retold.corpus.corpus import Corpus
from retold.fingerprint import estimated_jaccard
from retold.stories import COPY_RELATIONS, FAMILY_RELATIONS, UnionFind


def b_cubed(truth: list[str], predicted: list[str]) -> tuple[float, float, float]:
    by_truth: dict[str, set[int]] = defaultdict(set)
    by_predicted: dict[str, set[int]] = defaultdict(set)
    for index, (t, p) in enumerate(zip(truth, predicted, strict=True)):
        by_truth[t].add(index)
        by_predicted[p].add(index)
    precision = recall = 0.0
    for t, p in zip(truth, predicted, strict=True):
        overlap = len(by_truth[t] & by_predicted[p])
        precision += overlap / len(by_predicted[p])
        recall += overlap / len(by_truth[t])
    n = len(truth)
    precision, recall = precision / n, recall / n
    return precision, recall, 2 * precision * recall / (precision + recall)


def pair_scores(truth: list[str], predicted: list[str]) -> tuple[float, float]:
    def pairs(labels: list[str]) -> set[tuple[int, int]]:
        groups: dict[str, list[int]] = defaultdict(list)
        for index, label in enumerate(labels):
            groups[label].append(index)
        return {pair for members in groups.values() for pair in combinations(members, 2)}

    true_pairs, predicted_pairs = pairs(truth), pairs(predicted)
    hits = len(true_pairs & predicted_pairs)
    return (
        hits / len(predicted_pairs) if predicted_pairs else 1.0,
        hits / len(true_pairs) if true_pairs else 1.0,
    )


def components(corpus: Corpus, relations: set[str]) -> dict[int, int]:
    union = UnionFind()
    for article_id in corpus.store.article_ids():
        union.find(article_id)
    for pair in corpus.store.pairs():
        if pair["relation"] in relations:
            union.union(pair["a"], pair["b"])
    return {article_id: union.find(article_id) for article_id in corpus.store.article_ids()}


def minhash_components(corpus: Corpus, threshold: float = 0.5) -> dict[int, int]:
    union = UnionFind()
    ids = corpus.store.article_ids()
    signatures = {i: corpus.store.get(i).signature for i in ids}  # type: ignore[union-attr]
    for article_id in ids:
        union.find(article_id)
        keys = corpus.store.band_keys_of(article_id)
        for other in corpus.store.candidates_by_band_keys(keys):
            if (
                other != article_id
                and estimated_jaccard(signatures[article_id], signatures[other]) >= threshold
            ):
                union.union(article_id, other)
    return {i: union.find(i) for i in ids}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("labelled", type=Path)
    parser.add_argument(
        "--db", type=Path, default=None, help="Corpus file (default: a temporary one)"
    )
    args = parser.parse_args()
    records = [
        json.loads(line)
        for line in args.labelled.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    db = args.db or Path(tempfile.mkdtemp()) / "eval.db"
    corpus = Corpus(db)
    started = time.perf_counter()
    report = corpus.ingest([args.labelled], link=False)
    ingested = time.perf_counter()
    corpus.link()
    linked = time.perf_counter()

    key_to_id = {}
    rows = corpus.store.connection.execute("SELECT record_key, id FROM articles").fetchall()
    key_to_id.update({key: article_id for key, article_id in rows})
    for duplicate in corpus.store.duplicates():
        key_to_id[duplicate["record"]] = duplicate["duplicate_of"]
    line_keys = [f"{args.labelled}#L{n}" for n in range(1, len(records) + 1)]
    kept = [
        (record, key_to_id[key])
        for record, key in zip(records, line_keys, strict=True)
        if key in key_to_id
    ]

    predictions = {
        "retold": (components(corpus, COPY_RELATIONS), components(corpus, FAMILY_RELATIONS)),
        "MinHash only (LSH, Jaccard >= 0.5)": (minhash_components(corpus),) * 2,
    }
    print(
        f"{len(records)} labelled articles ({len(kept)} ingested, {report.rejected} rejected), "
        f"{len({r['copy_group'] for r in records})} copy groups, {len({r['story'] for r in records})} stories; "
        f"ingest {ingested - started:.1f} s, linking {linked - ingested:.1f} s"
    )
    print(
        "| method | level | ARI | B3 precision | B3 recall | B3 F1 | pair precision | pair recall |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for method, (copy_of, family_of) in predictions.items():
        for level, truth_field, predicted_of in (
            ("copy groups", "copy_group", copy_of),
            ("stories", "story", family_of),
        ):
            truth = [record[truth_field] for record, _ in kept]
            predicted = [str(predicted_of[article_id]) for _, article_id in kept]
            ari = adjusted_rand_score(truth, predicted)
            bp, br, bf = b_cubed(truth, predicted)
            pp, pr = pair_scores(truth, predicted)
            print(
                f"| {method} | {level} | {ari:.3f} | {bp:.3f} | {br:.3f} | {bf:.3f} | {pp:.3f} | {pr:.3f} |"
            )


if __name__ == "__main__":
    main()
