"""Near-duplicate stage: retold (rensa MinHash + numpy LSH banding) against datasketch's
MinHashLSH, same word 5-shingles, 128 permutations, 32 bands of 4 rows, same verification
(estimated Jaccard >= 0.5), in the same run.

Run: .venv/bin/python bench/bench_lsh.py [--documents N]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import near_duplicate_corpus  # noqa: E402

from retold.fingerprint import band_key_matrix, minhash_signature, shingles  # noqa: E402

PERMUTATIONS, BANDS, ROWS, THRESHOLD = 128, 32, 4, 0.5


def true_pairs(shingle_sets: list[set[str]], labels: list[int]) -> set[tuple[int, int]]:
    """Pairs whose exact shingle Jaccard reaches the threshold (searched within clusters:
    documents of different clusters share next to no 5-shingles)."""
    members: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        members[label].append(index)
    found = set()
    for group in members.values():
        for i, j in combinations(group, 2):
            x, y = shingle_sets[i], shingle_sets[j]
            if len(x & y) / len(x | y) >= THRESHOLD:
                found.add((i, j))
    return found


def run_retold(shingle_sets: list[set[str]]) -> tuple[set[tuple[int, int]], dict[str, float]]:
    started = time.perf_counter()
    signatures = np.stack([minhash_signature(s, PERMUTATIONS) for s in shingle_sets])
    signed = time.perf_counter()
    keys = band_key_matrix(signatures, BANDS)
    candidates: set[tuple[int, int]] = set()
    for band in range(BANDS):
        column = keys[:, band]
        order = np.argsort(column, kind="stable")
        sorted_keys = column[order]
        boundaries = np.flatnonzero(np.diff(sorted_keys)) + 1
        for bucket in np.split(order, boundaries):
            if len(bucket) > 1:
                candidates.update(combinations(sorted(bucket.tolist()), 2))
    indexed = time.perf_counter()
    verified = {
        (i, j) for i, j in candidates if np.mean(signatures[i] == signatures[j]) >= THRESHOLD
    }
    done = time.perf_counter()
    return verified, {
        "signatures": signed - started,
        "index+query": indexed - signed,
        "verify": done - indexed,
        "total": done - started,
        "candidates": len(candidates),
    }


def run_datasketch(shingle_sets: list[set[str]]) -> tuple[set[tuple[int, int]], dict[str, float]]:
    from datasketch import MinHash, MinHashLSH

    started = time.perf_counter()
    minhashes = []
    for shingle_set in shingle_sets:
        minhash = MinHash(num_perm=PERMUTATIONS, seed=1)
        minhash.update_batch([s.encode() for s in shingle_set])
        minhashes.append(minhash)
    signed = time.perf_counter()
    lsh = MinHashLSH(num_perm=PERMUTATIONS, params=(BANDS, ROWS))
    candidates: set[tuple[int, int]] = set()
    for index, minhash in enumerate(minhashes):
        for other in lsh.query(minhash):
            candidates.add((int(other), index))
        lsh.insert(index, minhash)
    indexed = time.perf_counter()
    verified = {(i, j) for i, j in candidates if minhashes[i].jaccard(minhashes[j]) >= THRESHOLD}
    done = time.perf_counter()
    return verified, {
        "signatures": signed - started,
        "index+query": indexed - signed,
        "verify": done - indexed,
        "total": done - started,
        "candidates": len(candidates),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--words", type=int, default=600)
    args = parser.parse_args()
    texts, labels = near_duplicate_corpus(args.documents, args.words)
    shingle_sets = [shingles(t) for t in texts]
    truth = true_pairs(shingle_sets, labels)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{len(texts)} documents of {args.words} words, {len(truth)} true pairs (Jaccard >= {THRESHOLD})"
    )
    results = {
        "retold (rensa + numpy bands)": run_retold(shingle_sets),
        "datasketch MinHashLSH": run_datasketch(shingle_sets),
    }
    print(
        "| implementation | signatures s | index+query s | verify s | total s | docs/s | candidates | pairs | recall | precision |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, (pairs, t) in results.items():
        recall = len(pairs & truth) / len(truth) if truth else 1.0
        precision = len(pairs & truth) / len(pairs) if pairs else 1.0
        print(
            f"| {name} | {t['signatures']:.2f} | {t['index+query']:.2f} | {t['verify']:.2f} | {t['total']:.2f} "
            f"| {len(texts) / t['total']:.0f} | {t['candidates']:.0f} | {len(pairs)} | {recall:.3f} | {precision:.3f} |"
        )
    (ours, ours_t), (peer, peer_t) = results.values()
    overlap = len(ours & peer) / len(ours | peer) if ours | peer else 1.0
    print(
        f"\nspeed-up over datasketch: {peer_t['total'] / ours_t['total']:.1f}x; pair sets agree on {overlap:.3f} (Jaccard of the two sets)"
    )


if __name__ == "__main__":
    main()
