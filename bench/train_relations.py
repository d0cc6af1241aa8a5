"""Fit the relation model on the real-news dev split plus the synthetic set; ship it as JSON.

Run: .venv/bin/python bench/train_relations.py   (writes src/retold/data/relation_model.json)

Every labelled pair is judged by the compare engine; its measures become `pair_features`; a
multinomial logistic regression (scikit-learn) learns copy / same-story / different. The two
decision thresholds are then chosen on the dev split: the copy threshold keeps false copies
among independent same-story pairs at or under 2 %, the story threshold keeps cross-story
pairs judged the same story at or under 0.5 %, each with the most recall that allows. The test
split is never read here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realnews import (  # noqa: E402
    judge_pairs,
    labelled_pairs,
    load_realnews,
    load_synthetic,
    prepare_all,
)

from retold.pipeline import Pipeline  # noqa: E402
from retold.relate import COPY_CLASS, OTHER_CLASS, STORY_CLASS, pair_features  # noqa: E402

CLASSES = [COPY_CLASS, STORY_CLASS, OTHER_CLASS]
OUTPUT = Path(__file__).resolve().parents[1] / "src" / "retold" / "data" / "relation_model.json"
MAX_FALSE_COPY = 0.02
MAX_FALSE_STORY = 0.005


def collect(pipeline: Pipeline, pages: list, cross_sample: int | None) -> list[tuple[dict, str]]:
    prepared = prepare_all(pipeline, pages)
    return [
        (pair_features(jp.judgement.measures), jp.truth)
        for jp in judge_pairs(pipeline, labelled_pairs(pages, cross_sample), prepared)
    ]


def pick_threshold(
    scores: np.ndarray, positive: np.ndarray, negative: np.ndarray, limit: float
) -> float:
    """The lowest threshold whose false rate among `negative` stays within `limit`."""
    for threshold in np.arange(0.05, 0.99, 0.01):
        false_rate = float(np.mean(scores[negative] >= threshold)) if negative.any() else 0.0
        if false_rate <= limit:
            return round(float(threshold), 2)
    return 0.99


def reliability(probabilities: np.ndarray, outcomes: np.ndarray, bins: int = 10) -> list[dict]:
    table = []
    edges = np.linspace(0, 1, bins + 1)
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (probabilities >= low) & (
            probabilities < high if high < 1 else probabilities <= high
        )
        if inside.any():
            table.append(
                {
                    "bin": f"{low:.1f}-{high:.1f}",
                    "pairs": int(inside.sum()),
                    "predicted": round(float(probabilities[inside].mean()), 3),
                    "observed": round(float(outcomes[inside].mean()), 3),
                }
            )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--C", type=float, default=0.5, help="inverse regularisation strength")
    args = parser.parse_args()
    started = time.perf_counter()
    pipeline = Pipeline()
    pipeline.relation_model = None  # measure with the rules, never with a model being replaced
    dev = collect(pipeline, load_realnews("dev"), cross_sample=None)
    synthetic = collect(pipeline, load_synthetic(), cross_sample=3000)
    names = list(dev[0][0])
    rows = dev + synthetic
    x = np.array([[f[n] for n in names] for f, _ in rows])
    y = np.array([CLASSES.index(t) for _, t in rows])
    # The real pages count as much as the synthetic ones although they are fewer pairs.
    weights = np.array(
        [1.0] * len(dev) + [len(dev) / max(1, len(synthetic)) * 0.5] * len(synthetic)
    )
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=args.C, max_iter=5000, class_weight="balanced")
    model.fit((x - mean) / scale, y, sample_weight=weights)

    dev_x = (x[: len(dev)] - mean) / scale
    dev_y = y[: len(dev)]
    p = model.predict_proba(dev_x)
    p_copy, p_event = p[:, 0], p[:, 0] + p[:, 1]
    copy_threshold = pick_threshold(p_copy, dev_y == 0, dev_y == 1, MAX_FALSE_COPY)
    story_threshold = pick_threshold(p_event, dev_y <= 1, dev_y == 2, MAX_FALSE_STORY)
    info = {
        "trained_on": {"dev_pairs": len(dev), "synthetic_pairs": len(synthetic)},
        "classes_in_dev": {c: int((dev_y == i).sum()) for i, c in enumerate(CLASSES)},
        "dev_copy_recall": round(float(np.mean(p_copy[dev_y == 0] >= copy_threshold)), 3),
        "dev_story_recall": round(float(np.mean(p_event[dev_y <= 1] >= story_threshold)), 3),
        "reliability_copy_dev": reliability(p_copy, (dev_y == 0).astype(float)),
        "reliability_same_event_dev": reliability(p_event, (dev_y <= 1).astype(float)),
        "C": args.C,
        "command": "bench/train_relations.py",
    }
    data = {
        "features": names,
        "classes": CLASSES,
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [[round(float(v), 6) for v in row] for row in model.coef_],
        "intercept": [round(float(v), 6) for v in model.intercept_],
        "copy_threshold": copy_threshold,
        "story_threshold": story_threshold,
        "info": info,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in info.items() if not k.startswith("reliability")}, indent=1))
    print(f"copy threshold {copy_threshold}, story threshold {story_threshold}")
    for name, coefs in sorted(zip(names, model.coef_.T, strict=True), key=lambda t: -abs(t[1][0])):
        print(f"{name:24s} " + " ".join(f"{c:+.2f}" for c in coefs))
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
