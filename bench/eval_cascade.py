"""The cascade against the full judge: how many pairs the screen settles, and whether the full
judge would have called any of them one event.

Run: .venv/bin/python bench/eval_cascade.py [--sets dev validation test synthetic] [--json out]

Each labelled set (bench/data/realnews/ by split, and the synthetic set) is ingested and linked
into a fresh corpus as `retold ingest` does: the screen settles the candidate pairs its text
measures show to be other events, the full judge takes the rest. Every pair the screen settled
is then judged again by the full judge (sentence vectors, alignment, fact diff) from the same
prepared articles. Pairs the full judge took are its own labels by construction (and
tests/test_prepare_once.py checks them against `retold compare`), so the screened pairs are
where the cascade can differ. Printed per set: candidate pairs, the share the screen settled,
the full judge's labels of those, and each screened pair it calls one event, with the truth of
its labels. Speed is measured by bench/bench_link.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realnews import Page, load_realnews, load_synthetic, true_class  # noqa: E402

from retold.corpus.corpus import Corpus  # noqa: E402
from retold.ingest.records import Record  # noqa: E402
from retold.pipeline import SCREEN_STAGE, Pipeline  # noqa: E402
from retold.stories import FAMILY_RELATIONS  # noqa: E402


def compare_set(name: str, pages: list[Page], pipeline: Pipeline) -> dict[str, Any]:
    model = pipeline.relation_model
    assert model is not None and model.screen is not None, "the packaged model has no screen"
    corpus = Corpus(Path(tempfile.mkdtemp()) / "cascade.db", pipeline=pipeline)
    corpus.ingest_records((Record(page.id, page.document()) for page in pages), link=False)
    candidates = corpus.link()
    keys = dict(corpus.store.connection.execute("SELECT id, record_key FROM articles").fetchall())
    screened = [
        (a, b)
        for a, b in corpus.store.connection.execute("SELECT a, b FROM pairs WHERE stage = ?",
                                                    (SCREEN_STAGE,))
    ]  # fmt: skip
    by_id = {page.id: page for page in pages}
    full_labels: Counter[str] = Counter()
    missed = []
    for a, b in screened:
        full = corpus.compare_ids(a, b)
        full_labels[full.relation] += 1
        if full.relation in FAMILY_RELATIONS:  # copies and same-story: one event
            x, y = by_id[keys[a]], by_id[keys[b]]
            missed.append({"a": x.id, "b": y.id, "full": full.relation, "truth": true_class(x, y)})
    corpus.close()
    truth = Counter(true_class(by_id[keys[a]], by_id[keys[b]]) for a, b in screened)
    return {
        "set": name,
        "pages": len(pages),
        "candidate_pairs": candidates,
        "screened": len(screened),
        "screened_share": round(len(screened) / max(1, candidates), 3),
        "full_judge_on_screened": dict(full_labels),
        "truth_of_screened": dict(truth),
        "one_event_by_full_judge": missed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sets", nargs="+", default=["dev", "validation", "test", "synthetic"],
        choices=["dev", "validation", "test", "synthetic"],
    )  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args()
    pipeline = Pipeline()
    reports = []
    for name in args.sets:
        pages = load_synthetic() if name == "synthetic" else load_realnews(name)
        reports.append(compare_set(name, pages, pipeline))
    header = (
        "set", "pages", "candidate pairs", "settled by the screen",
        "full judge on those: related / unrelated / one event", "truth of those: copy / same story",
    )  # fmt: skip
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in reports:
        labels, truth = r["full_judge_on_screened"], r["truth_of_screened"]
        cells = (
            r["set"], r["pages"], r["candidate_pairs"],
            f"{r['screened']} ({r['screened_share']:.0%})",
            f"{labels.get('related', 0)} / {labels.get('unrelated', 0)} / "
            f"{len(r['one_event_by_full_judge'])}",
            f"{truth.get('copy', 0)} / {truth.get('same-story', 0)}",
        )  # fmt: skip
        print("| " + " | ".join(str(c) for c in cells) + " |")
    for r in reports:
        for d in r["one_event_by_full_judge"]:
            print(f"{r['set']}: {d['a']} / {d['b']}: full judge {d['full']}, truth {d['truth']}")
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
