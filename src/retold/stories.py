"""Story families, copy groups inside them, the original and the derivation graph.

Copy groups are weighted Louvain communities of the pairs that share text (duplicates,
near-duplicates, rewrites, translations), then settled by the pairs judged no copy. Families
are communities, not components, of the pairs that cover the same event: copy groups are
collapsed to one node each and weighted Louvain (networkx, fixed seeds) splits a component
where a few stray edges join two dense groups, so one wrong same-story edge cannot merge two
events; then the pairs judged another event get their say, and a page most of a story was
judged not to share an event with leaves it. Both are recomputed from the stored pairs, which
ingest extends incrementally.

A stage on plain data: the judged pairs and the articles' summaries are handed to it (by
`retold.corpus.stories` from the store, by the Spark job from its tables).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from retold.dates import parse_date
from retold.result import CompareResult

COPY_RELATIONS = {"duplicate", "near-duplicate", "rewrite", "translation"}
FAMILY_RELATIONS = COPY_RELATIONS | {"same-story"}


@dataclass
class Edge:
    source: int
    derived: int | None  # None when the direction is unknown: then `source` is just one end
    other: int
    relation: str
    similarity: float
    direction: str
    confidence: float
    evidence: list[str]


@dataclass
class Story:
    id: int
    members: list[int]
    copy_groups: list[list[int]]
    original: int | None
    original_evidence: list[str]
    edges: list[Edge] = field(default_factory=list)
    articles: dict[int, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dates = sorted(d for d in (a.get("published") for a in self.articles.values()) if d)
        return {
            "id": self.id,
            "size": len(self.members),
            "members": self.members,
            "copy_groups": self.copy_groups,
            "original": self.original,
            "original_evidence": self.original_evidence,
            "first_published": dates[0] if dates else None,
            "last_published": dates[-1] if dates else None,
            "languages": sorted(
                {a["language"] for a in self.articles.values() if a.get("language")}
            ),
            "sites": sorted({a["site"] for a in self.articles.values() if a.get("site")}),
            "articles": [self.articles[i] for i in self.members],
            "edges": [edge.__dict__ for edge in self.edges],
        }


@dataclass
class StoryDiff:
    """One member of a story against the member it derives from (or is linked to), as the story
    page shows each version's differences from its source."""

    parent: int
    child: int
    edge: Edge
    result: CompareResult


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return {root: sorted(members) for root, members in out.items()}


def copy_communities(pairs: list[dict[str, Any]]) -> list[list[int]]:
    """Copy groups among the articles of `pairs`' copy relations (each pair with a, b,
    relation, probability): weighted Louvain communities of the copy edges, so that one copy
    judged wrongly between two pages of two wire texts does not make the texts one group. A
    group linked by a single edge, a chain of write-throughs, stays whole (splitting it gains
    no modularity). Then the pairs judged no copy get their say (`settle_copies`)."""
    import networkx as nx

    graph = nx.Graph()
    for pair in pairs:
        if pair["relation"] in COPY_RELATIONS:
            _add_weight(graph, pair["a"], pair["b"], float(pair.get("probability", 0.5)))
    communities = _communities(graph, COPY_RESOLUTION)
    return settle_copies(communities, pairs, model_thresholds()[0])


def settle_copies(
    communities: list[list[int]], pairs: list[dict[str, Any]], threshold: float
) -> list[list[int]]:
    """Louvain reads only the copy pairs, so two wire texts of one press conference (the same
    quotes and figures, in other words) joined by two or three copies judged wrongly stay one
    group although most of their pairs were judged *not* copies. Here each page in turn goes
    to the group its pairs pull it to most: a copy pulls by its log-odds against the model's
    copy threshold (capped like the families' pairs), a pair judged the same event but no
    copy pushes by NOT_A_COPY, a pair judged another event by the cap."""
    members = {m for community in communities for m in community}
    weight: defaultdict[int, defaultdict[int, float]] = defaultdict(lambda: defaultdict(float))
    for pair in pairs:
        a, b = pair["a"], pair["b"]
        if a not in members or b not in members or a == b or "probability" not in pair:
            continue
        if pair["relation"] in COPY_RELATIONS:
            w = _capped_log_odds(float(pair["probability"]), threshold)
        elif pair["relation"] == "same-story":
            w = -NOT_A_COPY
        else:
            w = -MAX_PAIR_LOG_ODDS
        weight[a][b] += w
        weight[b][a] += w
    return _local_moves(communities, weight)


def family_communities(pairs: list[dict[str, Any]]) -> list[list[int]]:
    """Story families among the articles of `pairs` (each with a, b, relation, probability):
    pages joined by copies, directly or through others, stay whole (whichever copy groups they
    split into, they tell one story: splitting them here lost validation families 0.874 ->
    0.841 B³ F1); between them, weighted Louvain communities. Each such group keeps the weight
    of the judged pairs inside it as a loop, as Louvain keeps a community's inner weight when it
    merges it into one node: without it, a wire story reprinted four times weighed no more than
    a lone page, and two or three same-story edges to the next day's event merged the two."""
    import networkx as nx

    copies = UnionFind()
    for pair in pairs:
        if pair["relation"] in FAMILY_RELATIONS:
            copies.find(pair["a"])
            copies.find(pair["b"])
        if pair["relation"] in COPY_RELATIONS:
            copies.union(pair["a"], pair["b"])
    graph = nx.Graph()
    graph.add_nodes_from(sorted(copies.groups()))
    for pair in pairs:
        if pair["relation"] not in FAMILY_RELATIONS:
            continue
        u, v = copies.find(pair["a"]), copies.find(pair["b"])
        _add_weight(graph, min(u, v), max(u, v), float(pair.get("probability", 0.5)))
    groups = copies.groups()
    communities = _communities(graph, FAMILY_RESOLUTION)
    settled = settle_by_judgements(communities, pairs, groups, model_thresholds()[1])
    return sorted(sorted(m for root in community for m in groups[root]) for community in settled)


def model_thresholds() -> tuple[float, float]:
    """The packaged relation model's (copy, one event) thresholds: the probabilities at which it
    calls a pair a copy and one event; even odds without a packaged model."""
    from retold.relate import RelationModel

    model = RelationModel.packaged()
    return (model.copy_threshold, model.story_threshold) if model else (0.5, 0.5)


def settle_by_judgements(
    communities: list[list[int]],
    pairs: list[dict[str, Any]],
    groups: dict[int, list[int]],
    threshold: float,
) -> list[list[int]]:
    """Louvain sees only the pairs judged one event, so a page of the next day's event joined
    by two or three of them is pulled into a story whose other pages were mostly judged *not*
    its event. Here every judged pair between two atoms (copy groups, `groups` by root) counts for
    or against them: its log-odds of one event against the model's own threshold, `p` being
    the probability of one event (a pair judged another event, by the full judge or the
    screen, carries `1 - p`). In turn, an atom whose own community weighs against it leaves
    for the community that weighs most for it, or stands alone; a single page also moves to a
    community that weighs more for it than its own (a translation Louvain left on its own).
    These are the local moves of correlation clustering, started from Louvain's communities
    (real-news dev families B³ F1 0.863 -> 0.907, docs/thresholds.md). A group of several
    pages moves only to leave: in a large corpus most pairs between two big groups were never
    candidates, and those that were are the most alike, so the sum over the judged pairs
    leans toward one event and could carry a whole reprinted story over to the next day's
    event (the test of a reprinted story's weight)."""
    atom_of = {m: root for root, members in groups.items() for m in members}
    weight: defaultdict[int, defaultdict[int, float]] = defaultdict(lambda: defaultdict(float))
    for pair in pairs:
        u, v = atom_of.get(pair["a"]), atom_of.get(pair["b"])
        if u is None or v is None or u == v or "probability" not in pair:
            continue
        w = _log_odds_of_one_event(pair, threshold)
        weight[u][v] += w
        weight[v][u] += w
    return _local_moves(
        communities, weight, only_leave={a for a, m in groups.items() if len(m) > 1}
    )


def _local_moves(
    communities: list[list[int]],
    weight: Mapping[int, Mapping[int, float]],
    only_leave: Collection[int] = (),
) -> list[list[int]]:
    """Correlation clustering's local moves from `communities`: in turn, an atom goes to the
    community its weighted pairs pull it to most, or stands alone when its own weighs against
    it and no other weighs for it; the atoms of `only_leave` move only when their own
    community weighs against them. Until no atom moves (at most SETTLE_ROUNDS rounds)."""
    community_of = {atom: k for k, community in enumerate(communities) for atom in community}
    members = Counter(community_of.values())
    fresh = len(communities)
    for _ in range(SETTLE_ROUNDS):
        moved = False
        for atom in sorted(community_of):
            current = community_of[atom]
            pull: dict[int, float] = {}
            for other, w in weight.get(atom, {}).items():
                if other in community_of:
                    pull[community_of[other]] = pull.get(community_of[other], 0.0) + w
            stay = pull.get(current, 0.0)
            if stay >= 0 and atom in only_leave:
                continue
            best, best_pull = current, stay
            for community, total in sorted(pull.items()):
                if total > best_pull + 1e-9:
                    best, best_pull = community, total
            if best_pull < 0 and members[current] > 1:
                best, fresh = fresh, fresh + 1
            if best != current:
                members[current] -= 1
                members[best] += 1
                community_of[atom] = best
                moved = True
        if not moved:
            break
    settled: dict[int, list[int]] = {}
    for atom, community in community_of.items():
        settled.setdefault(community, []).append(atom)
    return sorted(sorted(atoms) for atoms in settled.values())


# A single pair's say is capped: one sure judgement must not outweigh several others (dev
# families 0.913 / 0.917 / 0.908 B³ F1 at caps 1.5 / 2 / 3).
MAX_PAIR_LOG_ODDS = 2.0
# What a pair judged one event but no copy says against a copy group: the stored probability
# is that of one event, not of a copy, so a constant, chosen on the real-news dev split.
NOT_A_COPY = 0.25
# Local moves end within a few rounds; this bounds them on any input.
SETTLE_ROUNDS = 20


def _log_odds_of_one_event(pair: dict[str, Any], threshold: float) -> float:
    probability = float(pair["probability"])
    one_event = probability if pair["relation"] in FAMILY_RELATIONS else 1.0 - probability
    return _capped_log_odds(one_event, threshold)


def _capped_log_odds(probability: float, threshold: float) -> float:
    """The log-odds of `probability` against those of `threshold`, within ±MAX_PAIR_LOG_ODDS."""
    p = min(max(probability, 1e-3), 1.0 - 1e-3)
    log_odds = math.log(p / (1.0 - p)) - math.log(threshold / (1.0 - threshold))
    return max(-MAX_PAIR_LOG_ODDS, min(MAX_PAIR_LOG_ODDS, log_odds))


def _add_weight(graph: Any, u: int, v: int, weight: float) -> None:
    previous = graph.get_edge_data(u, v, {"weight": 0.0})["weight"]
    graph.add_edge(u, v, weight=previous + weight)


def _communities(graph: Any, resolution: float) -> list[list[int]]:
    """Weighted Louvain communities of each connected component of `graph` (a component of one
    or two nodes is one community), each sorted, in order of their first member."""
    import networkx as nx

    found: list[list[int]] = []
    for component in nx.connected_components(graph):
        nodes = sorted(component)
        if len(nodes) <= 2:
            communities = [set(nodes)]
        else:
            communities = _best_louvain(graph.subgraph(nodes), resolution)
        found.extend(sorted(community) for community in communities)
    return sorted(found)


# Louvain is a greedy search whose answer depends on the order it visits nodes: over six
# seeds the validation split's families ranged 0.810-0.845 B³ F1. The partition of highest
# modularity among several seeds is steadier and better (docs/thresholds.md).
LOUVAIN_SEEDS = 8


def _best_louvain(graph: Any, resolution: float) -> list[set[int]]:
    import networkx as nx

    def modularity(communities: list[set[int]]) -> float:
        return float(
            nx.community.modularity(graph, communities, weight="weight", resolution=resolution)
        )

    candidates = [
        nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=seed)
        for seed in range(LOUVAIN_SEEDS)
    ]
    return max(candidates, key=modularity)  # the first of equals: the same answer every run


# Louvain's resolution: above 1 splits more readily. Chosen on the real-news dev split with
# the groups' inner weight kept (1.0 then split too readily: dev families B³ F1 0.828, 0.8 gave
# 0.872); bench/eval_realnews.py, docs/thresholds.md.
FAMILY_RESOLUTION = 0.8
# For copy groups: against union-find, the validation split's copy groups B³ F1 0.846 -> 0.892,
# ARI 0.466 -> 0.684 at 1.0 (stop 24). With the best of eight seeds, 0.7 did a little better on
# dev (ARI 0.859 -> 0.892) and on validation (0.665 -> 0.677); docs/thresholds.md.
COPY_RESOLUTION = 0.7


def story_families(pairs: list[dict[str, Any]], article_ids: Iterable[int] = ()) -> list[list[int]]:
    """The story families of `pairs`, and each of `article_ids` that is in none as a family of
    its own; sorted, each named by its first (smallest) member."""
    families_found = family_communities(pairs)
    in_family = {m for family in families_found for m in family}
    singletons = [[m] for m in article_ids if m not in in_family]
    return sorted(families_found + singletons)


def assemble_stories(
    families: list[list[int]],
    pairs: list[dict[str, Any]],
    duplicates: list[dict[str, Any]],
    articles: dict[int, dict[str, Any]],
) -> list[Story]:
    """One Story per family: its copy groups, edges and original, from the judged `pairs`, the
    exact `duplicates` set aside at ingest and each member's summary in `articles`."""
    group_of = {m: tuple(group) for group in copy_communities(pairs) for m in group}
    stories = []
    for members in families:
        root = members[0]
        member_set = set(members)
        story_pairs = [
            p for p in pairs if p["a"] in member_set and p["relation"] in FAMILY_RELATIONS
        ]
        groups = sorted({group_of.get(m, (m,)) for m in members}, key=lambda g: g[0])
        summaries = {m: dict(articles[m]) for m in members}
        for duplicate in duplicates:
            if duplicate["duplicate_of"] in member_set:
                summaries[duplicate["duplicate_of"]].setdefault("exact_copies", []).append(
                    duplicate
                )
        edges = [edge_from_pair(p) for p in story_pairs]
        original, evidence = infer_original(members, edges, summaries)
        stories.append(
            Story(
                id=root,
                members=members,
                copy_groups=[list(g) for g in groups],
                original=original,
                original_evidence=evidence,
                edges=edges,
                articles=summaries,
            )
        )
    return stories


def edge_from_pair(pair: dict[str, Any]) -> Edge:
    direction = pair["direction"]
    weight = _evidence_sum(pair["evidence"])
    if direction == "a->b":
        source, derived, other = pair["a"], pair["b"], pair["b"]
    elif direction == "b->a":
        source, derived, other = pair["b"], pair["a"], pair["a"]
    else:
        source, derived, other = pair["a"], None, pair["b"]
    confidence = round(min(1.0, abs(weight) / 4.0), 2) if derived is not None else 0.0
    return Edge(
        source,
        derived,
        other,
        pair["relation"],
        pair["similarity"],
        direction,
        confidence,
        pair["evidence"],
    )


def _evidence_sum(evidence: list[str]) -> float:
    for line in reversed(evidence):
        match = re.search(r"evidence sums to ([+-]?\d+(?:\.\d+)?)", line)
        if match:
            return float(match.group(1))
    return 0.0


def infer_original(
    members: list[int], edges: list[Edge], articles: dict[int, dict[str, Any]]
) -> tuple[int | None, list[str]]:
    """The member nothing is derived from but others are; else the earliest dated; else unknown."""
    derived = {e.derived for e in edges if e.derived is not None}
    sources = {e.source for e in edges if e.derived is not None}
    roots = sorted(sources - derived)
    if len(roots) == 1:
        children = [e.derived for e in edges if e.source == roots[0] and e.derived is not None]
        return roots[0], [f"{len(children)} article(s) derive from it and it derives from none"]
    dated = sorted(
        (parsed, m) for m in members if (parsed := parse_date(articles[m].get("published")))
    )
    if dated and (len(dated) == 1 or dated[0][0] < dated[1][0]):
        return dated[0][1], [f"earliest publication date in the family ({dated[0][0]})"]
    if len(roots) > 1:
        return None, [f"{len(roots)} candidate originals ({', '.join(map(str, roots))}): unknown"]
    return None, ["no direction evidence and no publication dates: unknown"]


def parent_edges(story: Story) -> list[tuple[int, int, Edge]]:
    """One edge per member but the root: the one that reaches it first from the original (or the
    first member), preferring directed edges, then copies over same-story links, then similarity."""

    def rank(edge: Edge) -> tuple[bool, bool, float]:
        return (edge.derived is not None, edge.relation in COPY_RELATIONS, edge.similarity)

    root = story.original if story.original is not None else story.members[0]
    reached = {root}
    chosen: list[tuple[int, int, Edge]] = []
    remaining = sorted(story.edges, key=rank, reverse=True)
    while remaining:
        for edge in remaining:
            target = edge.derived if edge.derived is not None else edge.other
            ends = {edge.source, target}
            if len(ends & reached) == 1 and (edge.derived is None or edge.source in reached):
                parent = next(iter(ends & reached))
                chosen.append((parent, next(iter(ends - reached)), edge))
                reached |= ends
                remaining.remove(edge)
                break
        else:
            break
    return chosen
