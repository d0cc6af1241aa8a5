"""Judgement on real news: the test split of bench/data/realnews/ (and the synthetic set).

Run: .venv/bin/python bench/eval_realnews.py [--split test] [--json out.json] [--before old.json]

`--split validation` measures the eight stories held out from training to decide between
variants of the model (bench/data/realnews/GUIDE.md), so that the test split stays unread.

Pairs: every pair of pages within a story file (a story with its hard negatives) and every pair
across story files, each judged by `retold compare`'s engine. Printed: per-relation precision
and recall (copy relations, same-story, different), copy-pair recall with the false-copy rate
among independent same-story pairs, story-pair recall with the rate of cross-story pairs judged
the same story or closer, and the same per language pair. Families: the pages are ingested into
a fresh corpus, linked, and grouped into stories as `retold stories` does; B-cubed F1 and ARI
against the labelled events. `--before` prints a saved run (e.g. of an earlier commit, run with
PYTHONPATH pointing at its src/) beside this one. Only the public API is used, so an earlier
version of retold can be measured with this same script.

A split holds 8–9 stories, so the pair figures come with 95 % intervals from drawing the
stories again with replacement; a saved run keeps its judgement of every pair of one event (and
of the cross-event pairs it judged one event), so that a later run given it as `--before` also
prints the interval of the change, pair by pair on the same draws. A change whose interval
spans zero is one this split cannot tell from chance.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_corpus import b_cubed  # noqa: E402
from realnews import Page, labelled_pairs, load_realnews, load_synthetic, true_class  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402

from retold.corpus.corpus import Corpus  # noqa: E402
from retold.corpus.stories import build_stories  # noqa: E402
from retold.ingest.records import Record  # noqa: E402
from retold.pipeline import Pipeline  # noqa: E402

COPY = {"duplicate", "near-duplicate", "rewrite", "translation"}
SAME_EVENT = COPY | {"same-story"}


def predicted_class(relation: str) -> str:
    return "copy" if relation in COPY else "same-story" if relation == "same-story" else "different"


def pair_metrics(rows: list[tuple[str, str]]) -> dict[str, Any]:
    """rows: (truth class, predicted relation)."""
    truth_counts = Counter(t for t, _ in rows)
    out: dict[str, Any] = {"pairs": dict(truth_counts)}
    for cls in ("copy", "same-story", "different"):
        predicted = [t for t, r in rows if predicted_class(r) == cls]
        hits = sum(1 for t in predicted if t == cls)
        out[f"{cls}_precision"] = round(hits / len(predicted), 3) if predicted else None
        out[f"{cls}_recall"] = round(hits / truth_counts[cls], 3) if truth_counts[cls] else None
    copies = [r for t, r in rows if t == "copy"]
    independent = [r for t, r in rows if t == "same-story"]
    same_event = [r for t, r in rows if t != "different"]
    cross = [r for t, r in rows if t == "different"]
    out["copy_pair_recall"] = _share(copies, COPY)
    out["false_copy_rate_same_story"] = _share(independent, COPY)
    out["story_pair_recall"] = _share(same_event, SAME_EVENT)
    out["cross_story_same_or_closer"] = _share(cross, SAME_EVENT)
    return out


def _share(relations: list[str], accepted: set[str]) -> float | None:
    if not relations:
        return None
    return round(sum(1 for r in relations if r in accepted) / len(relations), 4)


def judge_all(
    pipeline: Pipeline, pages: list[Page], cross_sample: int | None
) -> list[dict[str, Any]]:
    prepared = {}
    for page in pages:
        try:
            prepared[page.id] = pipeline.prepare(page.document())
        except Exception as exc:
            print(f"{page.id}: {exc}", file=sys.stderr)
    judged = []
    for x, y in labelled_pairs(pages, cross_sample):
        if x.id not in prepared or y.id not in prepared:
            continue
        result = pipeline.compare_prepared(prepared[x.id], prepared[y.id])
        judged.append(
            {
                "x": x.id,
                "y": y.id,
                "stories": (x.base_story, y.base_story),
                "languages": "-".join(
                    sorted(str(prepared[p.id].article.language or "?") for p in (x, y))
                ),
                "truth": true_class(x, y),
                "relation": result.relation,
            }
        )
    return judged


# The four pair figures of the targets: which truth they count, which relations they accept.
PAIR_FIGURES = {
    "copy_pair_recall": ({"copy"}, COPY),
    "false_copy_rate_same_story": ({"same-story"}, COPY),
    "story_pair_recall": ({"copy", "same-story"}, SAME_EVENT),
    "cross_story_same_or_closer": ({"different"}, SAME_EVENT),
}
BOOTSTRAP_ROUNDS = 2000


def kept_pairs(judged: list[dict[str, Any]]) -> list[list[str]]:
    """What a later run needs to compare pair by pair with this one: every pair of one event,
    and the pairs of two events judged the same event or closer (all others were judged apart)."""
    return [
        [r["x"], r["y"], r["relation"]]
        for r in judged
        if r["truth"] != "different" or r["relation"] in SAME_EVENT
    ]


def story_intervals(judged: list[dict[str, Any]], before: list[list[str]] | None) -> dict[str, Any]:
    """95 % intervals of the pair figures, and of their change against `before` (the kept pairs
    of an earlier run on the same split), when the stories are drawn again with replacement: a
    split holds a handful of stories, and which ones it holds moves the figures more than most
    changes to the engine do. A pair within a story counts as often as its story is drawn; a
    pair across two stories, the product."""
    import numpy as np

    stories = sorted({s for r in judged for s in r["stories"]})
    index = {s: i for i, s in enumerate(stories)}
    earlier = {(x, y): relation for x, y, relation in before} if before is not None else None
    groups: Counter[tuple[int, int, str, bool, bool, bool, bool]] = Counter()
    for r in judged:
        then = "related"
        if earlier is not None:
            then = earlier.get((r["x"], r["y"]), earlier.get((r["y"], r["x"]), "related"))
        a, b = index[r["stories"][0]], index[r["stories"][1]]
        now = r["relation"]
        groups[
            (a, b, r["truth"], now in COPY, now in SAME_EVENT, then in COPY, then in SAME_EVENT)
        ] += 1
    keys = list(groups)
    counts = np.array([groups[k] for k in keys], dtype=float)
    first, second = np.array([k[0] for k in keys]), np.array([k[1] for k in keys])
    rng = np.random.default_rng(0)
    draws = rng.multinomial(len(stories), [1 / len(stories)] * len(stories), BOOTSTRAP_ROUNDS)
    weights = counts * np.where(
        first == second, draws[:, first], draws[:, first] * draws[:, second]
    )
    out: dict[str, Any] = {"rounds": BOOTSTRAP_ROUNDS, "stories": len(stories)}
    for name, (truths, accepted) in PAIR_FIGURES.items():
        position = 0 if accepted is COPY else 1
        counted = np.array([k[2] in truths for k in keys])
        hit_now = np.array([k[3 + position] for k in keys])
        hit_then = np.array([k[5 + position] for k in keys])
        total = (weights * counted).sum(axis=1)
        valid = total > 0
        now_share = (weights * (counted & hit_now)).sum(axis=1)[valid] / total[valid]
        out[name] = [round(float(v), 3) for v in np.percentile(now_share, [2.5, 97.5])]
        if earlier is not None:
            then_share = (weights * (counted & hit_then)).sum(axis=1)[valid] / total[valid]
            change = now_share - then_share
            out[f"{name}_change"] = [round(float(v), 3) for v in np.percentile(change, [2.5, 97.5])]
    return out


def family_metrics(pages: list[Page]) -> dict[str, Any]:
    db = Path(tempfile.mkdtemp()) / "realnews.db"
    corpus = Corpus(db)
    started = time.perf_counter()
    corpus.ingest_records(Record(page.id, page.document()) for page in pages)
    elapsed = time.perf_counter() - started
    ids = dict(corpus.store.connection.execute("SELECT record_key, id FROM articles").fetchall())
    for duplicate in corpus.store.duplicates():
        ids[duplicate["record"]] = duplicate["duplicate_of"]
    family_of: dict[int, int] = {}
    copy_of: dict[int, int] = {}
    for story in build_stories(corpus.store, include_singletons=True):
        for member in story.members:
            family_of[member] = story.id
        for group in story.copy_groups:
            for member in group:
                copy_of[member] = group[0]
    kept = [p for p in pages if p.id in ids]
    truth_story = [p.story for p in kept]
    truth_copy = [p.copy_group for p in kept]
    predicted_story = [str(family_of.get(ids[p.id], -ids[p.id])) for p in kept]
    predicted_copy = [str(copy_of.get(ids[p.id], -ids[p.id])) for p in kept]
    corpus.close()
    sp, sr, sf = b_cubed(truth_story, predicted_story)
    cp, cr, cf = b_cubed(truth_copy, predicted_copy)
    return {
        "pages": len(kept),
        "families_b3_precision": round(sp, 3),
        "families_b3_recall": round(sr, 3),
        "families_b3_f1": round(sf, 3),
        "families_ari": round(adjusted_rand_score(truth_story, predicted_story), 3),
        "copy_groups_b3_f1": round(cf, 3),
        "copy_groups_ari": round(adjusted_rand_score(truth_copy, predicted_copy), 3),
        **corpus_pair_figures(kept, predicted_story, predicted_copy),
        "ingest_and_link_seconds": round(elapsed, 1),
    }


def corpus_pair_figures(
    pages: list[Page], family: list[str], copy_group: list[str]
) -> dict[str, float | None]:
    """The pair figures as the corpus answers them: two pages are copies when it puts them in
    one copy group, one event when in one family. A pair inside a wire family that shares too
    little text to be judged a copy on its own is a copy here when the group links it through
    the others."""
    rows = []
    for i, j in combinations(range(len(pages)), 2):
        relation = (
            "rewrite"
            if copy_group[i] == copy_group[j]
            else "same-story"
            if family[i] == family[j]
            else "related"
        )
        rows.append((true_class(pages[i], pages[j]), relation))
    figures = pair_metrics(rows)
    return {f"corpus_{key}": figures[key] for key in PAIR_FIGURES}


def by_language_pair(judged: list[dict[str, Any]]) -> dict[str, Any]:
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in judged:
        groups[row["languages"]].append((row["truth"], row["relation"]))
    table = {}
    for languages, rows in sorted(groups.items()):
        metrics = pair_metrics(rows)
        if metrics["pairs"].get("copy", 0) + metrics["pairs"].get("same-story", 0) >= 3:
            table[languages] = {
                k: metrics[k]
                for k in (
                    "pairs",
                    "copy_pair_recall",
                    "story_pair_recall",
                    "cross_story_same_or_closer",
                )
            }
    return table


def evaluate(split: str, synthetic: bool, before: dict[str, Any] | None = None) -> dict[str, Any]:
    pipeline = Pipeline()
    report: dict[str, Any] = {}
    pages = load_realnews(split)
    started = time.perf_counter()
    judged = judge_all(pipeline, pages, cross_sample=None)
    report["realnews"] = {
        "split": split,
        "pages": len(pages),
        "stories": len({p.base_story for p in pages}),
        "languages": len({p.language for p in pages}),
        "pair_seconds": round(time.perf_counter() - started, 1),
        **pair_metrics([(r["truth"], r["relation"]) for r in judged]),
        **family_metrics(pages),
        "by_language_pair": by_language_pair(judged),
        "intervals": story_intervals(judged, (before or {}).get("realnews", {}).get("kept_pairs")),
        "kept_pairs": kept_pairs(judged),
    }
    if synthetic:
        pages = load_synthetic()
        judged = judge_all(pipeline, pages, cross_sample=3000)
        report["synthetic"] = {
            "pages": len(pages),
            **pair_metrics([(r["truth"], r["relation"]) for r in judged]),
            **family_metrics(pages),
        }
    return report


HEADLINE = [
    "copy_pair_recall",
    "false_copy_rate_same_story",
    "story_pair_recall",
    "cross_story_same_or_closer",
    "copy_precision",
    "copy_recall",
    "same-story_precision",
    "same-story_recall",
    "different_precision",
    "different_recall",
    "families_b3_precision",
    "families_b3_recall",
    "families_b3_f1",
    "families_ari",
    "copy_groups_b3_f1",
    "copy_groups_ari",
    *(f"corpus_{key}" for key in PAIR_FIGURES),
]


def print_table(report: dict[str, Any], before: dict[str, Any] | None) -> None:
    for part in ("realnews", "synthetic"):
        if part not in report:
            continue
        now = report[part]
        old = (before or {}).get(part, {})
        title = f"{part} ({now.get('split', 'all')}, {now['pages']} pages)"
        print(f"\n{title}\n{'measure':32s} {'before':>8s} {'after':>8s}")
        for key in HEADLINE:
            print(f"{key:32s} {_fmt(old.get(key)):>8s} {_fmt(now.get(key)):>8s}")
        print(f"{'pairs by truth':32s} {now['pairs']}")
        intervals = now.get("intervals")
        if intervals:
            print(
                f"\n95 % intervals, stories drawn again ({intervals['stories']} stories, "
                f"{intervals['rounds']} draws): after, and the change from before"
            )
            for key in PAIR_FIGURES:
                change = intervals.get(f"{key}_change")
                shown = f"{change[0]:+.3f} .. {change[1]:+.3f}" if change else "-"
                low, high = intervals[key]
                print(f"{key:32s} {low:.3f} .. {high:.3f}   change {shown}")
    if "realnews" in report:
        print("\nby language pair (after): copy recall / story recall / cross-story false, pairs")
        for languages, row in report["realnews"]["by_language_pair"].items():
            print(
                f"  {languages:8s} {_fmt(row['copy_pair_recall']):>6s} "
                f"{_fmt(row['story_pair_recall']):>6s} {_fmt(row['cross_story_same_or_closer']):>6s}"
                f"  {row['pairs']}"
            )


def _fmt(value: Any) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="test", choices=["dev", "validation", "test"])
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument("--before", type=Path, help="a saved report to print beside this one")
    parser.add_argument("--no-synthetic", action="store_true")
    args = parser.parse_args()
    before = json.loads(args.before.read_text(encoding="utf-8")) if args.before else None
    report = evaluate(args.split, synthetic=not args.no_synthetic, before=before)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print_table(report, before)


if __name__ == "__main__":
    main()
