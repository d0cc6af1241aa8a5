"""Sentence alignment: which sentences of the derived side come from which of the source.

Competitive linking on sentence-embedding similarity finds one-to-one links in any order
(so reordered paragraphs are followed); then a sentence left over is merged into the group of
its neighbour when the merged text matches the other side better than the group alone did
(one sentence rewritten as two, or two condensed into one). What stays unlinked is `dropped`
on the source side and `added` on the derived side.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from rapidfuzz.fuzz import ratio as indel_ratio

from retold.embed import unit

AlignmentKind = Literal["verbatim", "paraphrase", "translation"]


@dataclass
class AlignedGroup:
    a: list[int]
    b: list[int]
    kind: AlignmentKind = "paraphrase"
    score: float = 0.0


@dataclass
class Alignment:
    groups: list[AlignedGroup] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    added: list[int] = field(default_factory=list)

    def transposed(self) -> Alignment:
        """The same alignment seen from the other side: a and b swapped."""
        groups = [
            AlignedGroup(a=list(g.b), b=list(g.a), kind=g.kind, score=g.score) for g in self.groups
        ]
        groups.sort(key=lambda g: (g.b[0], g.a[0]))
        return Alignment(groups=groups, dropped=list(self.added), added=list(self.dropped))

    def partner_of_a(self) -> dict[int, AlignedGroup]:
        return {i: g for g in self.groups for i in g.a}

    def partner_of_b(self) -> dict[int, AlignedGroup]:
        return {j: g for g in self.groups for j in g.b}


@dataclass(frozen=True)
class AlignmentThresholds:
    link: float  # cosine for a one-to-one link
    merge_member: float  # cosine a sentence needs with the other side to join a group
    merge_gain: float  # how much the merge must raise the group's similarity
    verbatim_ratio: float


def align(
    sentences_a: list[str],
    sentences_b: list[str],
    vectors_a: np.ndarray,
    vectors_b: np.ndarray,
    thresholds: AlignmentThresholds,
    cross_lingual: bool,
) -> Alignment:
    if not sentences_a or not sentences_b:
        return Alignment(dropped=list(range(len(sentences_a))), added=list(range(len(sentences_b))))
    similarity = vectors_a @ vectors_b.T
    groups = _link_one_to_one(similarity, thresholds.link)
    _merge_neighbours(groups, similarity, vectors_a, vectors_b, thresholds)
    for group in groups:
        group.a.sort()
        group.b.sort()
        group.score = _group_score(group, vectors_a, vectors_b)
        group.kind = _kind(group, sentences_a, sentences_b, cross_lingual, thresholds)
    groups.sort(key=lambda g: (g.b[0], g.a[0]))
    used_a = {i for g in groups for i in g.a}
    used_b = {j for g in groups for j in g.b}
    return Alignment(
        groups=groups,
        dropped=[i for i in range(len(sentences_a)) if i not in used_a],
        added=[j for j in range(len(sentences_b)) if j not in used_b],
    )


def _link_one_to_one(similarity: np.ndarray, threshold: float) -> list[AlignedGroup]:
    """Competitive linking: take the most similar free pair until none passes the threshold."""
    rows, cols = np.nonzero(similarity >= threshold)
    order = np.argsort(-similarity[rows, cols], kind="stable")
    used_a: set[int] = set()
    used_b: set[int] = set()
    groups: list[AlignedGroup] = []
    for k in order:
        i, j = int(rows[k]), int(cols[k])
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        groups.append(AlignedGroup(a=[i], b=[j], score=float(similarity[i, j])))
    return groups


def _merge_neighbours(
    groups: list[AlignedGroup],
    similarity: np.ndarray,
    vectors_a: np.ndarray,
    vectors_b: np.ndarray,
    thresholds: AlignmentThresholds,
) -> None:
    """Attach unlinked sentences to a neighbour's group while that makes the group match better."""
    changed = True
    while changed:
        changed = False
        for side in ("a", "b"):
            for group in groups:
                if _try_extend(group, side, groups, similarity, vectors_a, vectors_b, thresholds):
                    changed = True


def _try_extend(
    group: AlignedGroup,
    side: str,
    groups: list[AlignedGroup],
    similarity: np.ndarray,
    vectors_a: np.ndarray,
    vectors_b: np.ndarray,
    thresholds: AlignmentThresholds,
) -> bool:
    size = len(vectors_a) if side == "a" else len(vectors_b)
    used = {i for g in groups for i in getattr(g, side)}
    members: list[int] = getattr(group, side)
    others: list[int] = group.b if side == "a" else group.a
    current = _group_score(group, vectors_a, vectors_b)
    best: tuple[float, int] | None = None
    for neighbour in (min(members) - 1, max(members) + 1):
        if not 0 <= neighbour < size or neighbour in used:
            continue
        own = (
            similarity[neighbour, others] if side == "a" else similarity[others, neighbour]
        ).max()
        if own < thresholds.merge_member:
            continue
        trial = AlignedGroup(
            a=group.a + [neighbour] if side == "a" else group.a,
            b=group.b + [neighbour] if side == "b" else group.b,
        )
        score = _group_score(trial, vectors_a, vectors_b)
        if score >= current + thresholds.merge_gain and (best is None or score > best[0]):
            best = (score, neighbour)
    if best is None:
        return False
    members.append(best[1])
    group.score = best[0]
    return True


def _group_score(group: AlignedGroup, vectors_a: np.ndarray, vectors_b: np.ndarray) -> float:
    merged_a = unit(vectors_a[group.a].sum(axis=0))
    merged_b = unit(vectors_b[group.b].sum(axis=0))
    return round(float(np.clip(merged_a @ merged_b, 0.0, 1.0)), 4)


def _kind(
    group: AlignedGroup,
    sentences_a: list[str],
    sentences_b: list[str],
    cross_lingual: bool,
    thresholds: AlignmentThresholds,
) -> AlignmentKind:
    if cross_lingual:
        return "translation"
    text_a = comparable_text(" ".join(sentences_a[i] for i in group.a))
    text_b = comparable_text(" ".join(sentences_b[j] for j in group.b))
    similar = indel_ratio(text_a, text_b, score_cutoff=thresholds.verbatim_ratio * 100)
    return "verbatim" if similar else "paraphrase"


def comparable_text(text: str) -> str:
    """Lower case, letters and digits only: typography and spacing differences do not count."""
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


@dataclass(frozen=True)
class Passage:
    """A run of reused text: consecutive sentences of a linked, in order, to consecutive
    sentences of b (passim's reused passages, at sentence level)."""

    a_start: int
    a_end: int  # inclusive
    b_start: int
    b_end: int

    @property
    def length_a(self) -> int:
        return self.a_end - self.a_start + 1

    @property
    def length_b(self) -> int:
        return self.b_end - self.b_start + 1


def covered(runs: list[Passage], side: str) -> int:
    """How many distinct sentences of one side ("a" or "b") the passages cover."""
    indices: set[int] = set()
    for run in runs:
        start, end = (run.a_start, run.a_end) if side == "a" else (run.b_start, run.b_end)
        indices.update(range(start, end + 1))
    return len(indices)


def passages(alignment: Alignment, min_sentences: int = 2, max_gap: int = 1) -> list[Passage]:
    """Runs of at least `min_sentences` linked groups that follow each other on both sides,
    allowing `max_gap` inserted or dropped sentences between two links."""
    groups = sorted(alignment.groups, key=lambda g: (min(g.a), min(g.b)))
    runs: list[list[AlignedGroup]] = []
    for group in groups:
        if runs:
            last = runs[-1][-1]
            gap_a = min(group.a) - max(last.a) - 1
            gap_b = min(group.b) - max(last.b) - 1
            if 0 <= gap_a <= max_gap and 0 <= gap_b <= max_gap:
                runs[-1].append(group)
                continue
        runs.append([group])
    found = []
    for run in runs:
        passage = Passage(
            a_start=min(run[0].a), a_end=max(run[-1].a), b_start=min(run[0].b), b_end=max(run[-1].b)
        )
        if min(sum(len(g.a) for g in run), sum(len(g.b) for g in run)) >= min_sentences:
            found.append(passage)
    return found


@dataclass(frozen=True)
class SentenceOrder:
    """How a copy shows through the raw similarities, whatever the link threshold: sentences
    that are each other's best match (mutual best), the longest chain of them in the same order
    on both sides, and how far each of those stands out from the runner-up. A translation keeps
    the order of its source even where its scores sit under the link threshold; two reports of
    one event have best matches too, but in no particular order and barely above the rest."""

    chain: int = 0  # mutual-best pairs in one increasing order on both sides
    chain_score: float = 0.0  # their mean cosine
    chain_margin: float = 0.0  # their mean lead over the next best in their row and column
    mutual: int = 0  # mutual-best pairs in any order
    distinct: int = 0  # chain pairs that lead their row and column by a clear margin
    spread: int = 0  # sentences the chain spans, on its wider side
    contrast_a: float = 0.0  # mean lead of a sentence's best match over its typical match
    contrast_b: float = 0.0


# A chain pair "leads clearly" when it beats the next best cell of its row and column by this.
DISTINCT_LEAD = 0.05


def sentence_order(vectors_a: np.ndarray, vectors_b: np.ndarray) -> SentenceOrder:
    if not len(vectors_a) or not len(vectors_b):
        return SentenceOrder()
    similarity = vectors_a @ vectors_b.T
    best_of_a = similarity.argmax(axis=1)
    best_of_b = similarity.argmax(axis=0)
    pairs = [(i, int(j)) for i, j in enumerate(best_of_a) if best_of_b[j] == i]
    chain = _longest_increasing(pairs)
    contrast_a = float((similarity.max(axis=1) - np.median(similarity, axis=1)).mean())
    contrast_b = float((similarity.max(axis=0) - np.median(similarity, axis=0)).mean())
    if not chain:
        return SentenceOrder(mutual=len(pairs))
    scores = [float(similarity[i, j]) for i, j in chain]
    margins = [_lead(similarity, i, j) for i, j in chain]
    return SentenceOrder(
        chain=len(chain),
        chain_score=round(sum(scores) / len(scores), 4),
        chain_margin=round(sum(margins) / len(margins), 4),
        mutual=len(pairs),
        distinct=sum(margin >= DISTINCT_LEAD for margin in margins),
        spread=max(chain[-1][0] - chain[0][0], chain[-1][1] - chain[0][1]) + 1,
        contrast_a=round(contrast_a, 4),
        contrast_b=round(contrast_b, 4),
    )


def _lead(similarity: np.ndarray, i: int, j: int) -> float:
    """How much (i, j) beats the best other cell of its row and column; 0 for a 1×1 matrix."""
    others = np.concatenate([np.delete(similarity[i], j), np.delete(similarity[:, j], i)])
    if not len(others):
        return 0.0
    return max(0.0, float(similarity[i, j] - others.max()))


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of (i, j) pairs, sorted by i, whose j also increase
    (patience sorting, n log n: a 3,000-sentence article stays cheap)."""
    pairs = sorted(pairs)
    tails: list[int] = []  # tails[k]: index of the pair ending the best chain of length k + 1
    tail_values: list[int] = []
    previous = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        position = bisect_left(tail_values, j)
        if position:
            previous[k] = tails[position - 1]
        if position == len(tails):
            tails.append(k)
            tail_values.append(j)
        else:
            tails[position] = k
            tail_values[position] = j
    chain = []
    k = tails[-1] if tails else -1
    while k >= 0:
        chain.append(pairs[k])
        k = previous[k]
    return chain[::-1]
