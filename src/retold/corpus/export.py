"""Exports of a corpus's judgements: pairs and clusters as CSV, the derivation graph as GraphML
and JSON. The same objects `retold stories --json` prints, in the shapes other tools read."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from retold.corpus.store import Store
from retold.corpus.stories import build_stories
from retold.stories import Story

PAIR_COLUMNS = [
    "a", "b", "relation", "similarity", "direction", "evidence", "probability", "stage",
]  # fmt: skip
CLUSTER_COLUMNS = [
    "article_id", "story", "copy_group", "is_original",
    "title", "source", "url", "published", "site", "language",
]  # fmt: skip
METADATA = ("title", "source", "url", "published", "site", "language")


def export(store: Store, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stories = build_stories(store, include_singletons=True)
    written = {
        "pairs": _pairs_csv(store, folder / "pairs.csv"),
        "clusters": _clusters_csv(stories, folder / "clusters.csv"),
        "graphml": _graphml(stories, folder / "graph.graphml"),
        "graph_json": folder / "graph.json",
    }
    (folder / "graph.json").write_text(
        json.dumps([s.to_dict() for s in stories], indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return written


def _pairs_csv(store: Store, path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=PAIR_COLUMNS)
        writer.writeheader()
        for pair in store.pairs():
            writer.writerow({**pair, "evidence": " | ".join(pair["evidence"])})
    return path


def _clusters_csv(stories: list[Story], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CLUSTER_COLUMNS)
        writer.writeheader()
        for story in stories:
            group_of = {m: group[0] for group in story.copy_groups for m in group}
            for member in story.members:
                article = story.articles[member]
                writer.writerow(
                    {
                        "article_id": member,
                        "story": story.id,
                        "copy_group": group_of.get(member, member),
                        "is_original": member == story.original,
                        **{key: article[key] for key in METADATA},
                    }
                )
    return path


def _graphml(stories: list[Story], path: Path) -> Path:
    import networkx as nx

    graph = nx.DiGraph()
    for story in stories:
        for member in story.members:
            article = story.articles[member]
            graph.add_node(
                member,
                story=story.id,
                original=member == story.original,
                **{
                    k: str(article[k] or "")
                    for k in ("title", "source", "url", "published", "site", "language")
                },
            )
        for edge in story.edges:
            target = edge.derived if edge.derived is not None else edge.other
            graph.add_edge(
                edge.source,
                target,
                relation=edge.relation,
                similarity=edge.similarity,
                direction=edge.direction,
                confidence=edge.confidence,
                evidence=" | ".join(edge.evidence),
            )
    nx.write_graphml(graph, path)
    return path
