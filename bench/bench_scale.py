"""Search latency and store size as the corpus grows (10k, 100k, 1M articles).

Run: .venv/bin/python bench/bench_scale.py --sizes 10000 100000 1000000

The stores are filled with synthetic fingerprints and vectors (MinHash signatures of synthetic
600-word documents with near-copies, band keys, random unit vectors for the articles' vectors)
written straight into the same SQLite schema and usearch index that ingest writes, so that the
measured search path is the real one: LSH bucket lookup in SQLite, HNSW search in usearch,
signature fetch for the estimated Jaccard of each candidate. Judging the candidates with the
compare engine is not included (it costs the same at any corpus size: see bench_compare.py).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import near_duplicate_corpus  # noqa: E402

from retold.corpus.corpus import Corpus  # noqa: E402
from retold.fingerprint import band_key_matrix, minhash_signature, shingles  # noqa: E402
from retold.settings import DEFAULT_SETTINGS  # noqa: E402

DIM = 512


def signatures_for(count: int, rng: np.random.Generator) -> np.ndarray:
    """Real MinHash signatures for a pool of documents, reused with perturbation to reach `count`
    (computing a million real ones would time the signing, not the search)."""
    texts, _ = near_duplicate_corpus(min(count, 20_000), words=600)
    pool = np.stack(
        [minhash_signature(shingles(t), DEFAULT_SETTINGS.minhash_permutations) for t in texts]
    )
    picks = rng.integers(0, len(pool), size=count)
    signatures = pool[picks].copy()
    repeat = np.arange(count) >= len(pool)
    noise = rng.integers(
        0, 2**32, size=(int(repeat.sum()), signatures.shape[1]), dtype=np.uint64
    ).astype(np.uint32)
    mask = rng.random((int(repeat.sum()), signatures.shape[1])) < 0.6
    signatures[repeat] = np.where(
        mask, noise, signatures[repeat]
    )  # most rows of a re-used one differ
    return signatures


def build(path: Path, count: int, rng: np.random.Generator) -> dict[str, float]:
    corpus = Corpus(path)
    started = time.perf_counter()
    signatures = signatures_for(count, rng)
    keys = band_key_matrix(signatures, DEFAULT_SETTINGS.lsh_bands)
    connection = corpus.store.connection
    index = corpus.vectors  # opened (and synced) before the rows go in
    chunk = 50_000
    with corpus.store.transaction():
        connection.execute("DROP INDEX IF EXISTS lsh_key")
        for start in range(0, count, chunk):
            stop = min(count, start + chunk)
            vectors = rng.standard_normal((stop - start, DIM)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            connection.executemany(
                "INSERT INTO articles (id, record_key, source, attribution, chrome, paragraphs, sentences,"
                " text_hash, signature, vector) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    (i + 1, f"synthetic#{i}", f"synthetic/{i}", "[]", "[]", "[]", "[]", f"h{i}",
                     signatures[i].tobytes(), vectors[i - start].tobytes())
                    for i in range(start, stop)
                ),
            )  # fmt: skip
            connection.executemany(
                "INSERT INTO lsh(key, article_id) VALUES (?, ?)",
                ((int(k), i + 1) for i in range(start, stop) for k in keys[i]),
            )
            index.add(list(range(start + 1, stop + 1)), vectors)
        connection.execute("CREATE INDEX lsh_key ON lsh(key)")
    index.save()
    built = time.perf_counter() - started
    size = path.stat().st_size + Path(str(path) + ".usearch").stat().st_size
    corpus.close()
    return {"build s": built, "store MB": size / 1e6}


def query(path: Path, queries: int, rng: np.random.Generator) -> list[float]:
    corpus = Corpus(path)
    count = corpus.store.counts()["articles"]
    timings = []
    for _ in range(queries):
        article_id = int(rng.integers(1, count + 1))
        stored = corpus.store.get(article_id)
        assert stored is not None
        keys = [
            int(k)
            for k in band_key_matrix(stored.signature[np.newaxis, :], DEFAULT_SETTINGS.lsh_bands)[0]
        ]
        started = time.perf_counter()
        corpus.candidates(stored.signature, keys, stored.vector)
        timings.append((time.perf_counter() - started) * 1000)
    corpus.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    rng = np.random.default_rng(5)
    folder = args.dir or Path(tempfile.mkdtemp())
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print("| articles | build s | store MB (SQLite + index) | search p50 ms | search p95 ms |")
    print("|---|---|---|---|---|")
    for size in args.sizes:
        path = folder / f"scale-{size}.db"
        for leftover in (path, Path(f"{path}.usearch"), Path(f"{path}.usearch.owner")):
            leftover.unlink(missing_ok=True)
        built = build(path, size, rng)
        timings = sorted(query(path, args.queries, rng))
        p95 = timings[min(len(timings) - 1, int(np.ceil(0.95 * len(timings))) - 1)]
        print(
            f"| {size:,} | {built['build s']:.0f} | {built['store MB']:.0f} | {statistics.median(timings):.1f} | {p95:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
