"""One pair: similarity, relation label, direction and the evidence for it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retold.align import Alignment
from retold.article import Article
from retold.dates import parse_date
from retold.facts import FactChange, FactDiff
from retold.result import Direction, Relation
from retold.settings import Settings


@dataclass(frozen=True)
class PairMeasures:
    identical: bool
    cross_lingual: bool
    similarity: float  # share of the two texts that correspond, weighted by link score
    document_similarity: float
    coverage_a: float  # share of a's sentences linked to b
    coverage_b: float
    shingle_jaccard: float
    all_verbatim: bool
    fact_conflicts: int = 0  # names, places, figures, dates that differ between linked sentences
    facts_agreed: int = 0  # ... that agree between linked sentences
    facts_shared: int = 0  # ... of a that b names anywhere
    facts_only_a: int = 0  # ... of a that b lacks or changed
    facts_only_b: int = 0


def text_similarity(alignment: Alignment, sentences_a: int, sentences_b: int) -> float:
    total = sentences_a + sentences_b
    if total == 0:
        return 0.0
    weighted = sum(g.score * (len(g.a) + len(g.b)) for g in alignment.groups)
    return round(min(1.0, weighted / total), 4)


def label_relation(m: PairMeasures, settings: Settings) -> Relation:
    if m.identical:
        return "duplicate"
    copy = _copy_relation(m, settings)
    if copy is not None and not _another_event(m, settings):
        return copy
    # The same event means the same people, places or figures, not only the same topic; and
    # text that matches while its names and figures do not is another event in the same words
    # (agency templates, automated reports), not a copy.
    same_event = m.facts_shared >= 1 and m.facts_shared > m.fact_conflicts
    if copy is None and m.document_similarity >= settings.same_story_similarity and same_event:
        return "same-story"
    if m.document_similarity >= settings.related_similarity:
        return "related"
    return "unrelated"


def _copy_relation(m: PairMeasures, settings: Settings) -> Relation | None:
    shorter_coverage = max(m.coverage_a, m.coverage_b) if m.coverage_a and m.coverage_b else 0.0
    both_coverage = min(m.coverage_a, m.coverage_b)
    if not m.cross_lingual and (
        m.shingle_jaccard >= settings.near_duplicate_jaccard
        or (m.all_verbatim and both_coverage >= 0.9)
    ):
        return "near-duplicate"
    if m.cross_lingual and both_coverage >= settings.rewrite_coverage:
        return "translation"
    if (
        not m.cross_lingual
        and shorter_coverage >= settings.rewrite_coverage
        and both_coverage >= 0.3
    ):
        return "rewrite"
    return None


def _another_event(m: PairMeasures, settings: Settings) -> bool:
    """Linked sentences disagree on names and figures more than they agree, or each side has
    several identifying facts the other lacks and they share fewer than that."""
    exclusive = min(m.facts_only_a, m.facts_only_b)
    return (
        m.fact_conflicts >= settings.min_fact_conflicts and m.fact_conflicts > m.facts_agreed
    ) or (exclusive >= settings.min_fact_conflicts and m.facts_shared < exclusive)


@dataclass(frozen=True)
class Vote:
    toward: Direction
    weight: float
    reason: str


def infer_direction(
    a: Article, b: Article, facts: FactDiff, settings: Settings
) -> tuple[Direction, list[str]]:
    """Weigh the evidence for which side derives from which; 'unknown' when it is thin."""
    votes = [
        *_publication_votes(a, b),
        *_attribution_votes(a, b),
        *_specificity_votes(facts),
    ]
    score = sum(v.weight if v.toward == "a->b" else -v.weight for v in votes)
    evidence = [
        f"{v.reason} ({'+' if v.toward == 'a->b' else '-'}{v.weight:g} for a->b)" for v in votes
    ]
    if abs(score) >= settings.direction_min_weight:
        direction: Direction = "a->b" if score > 0 else "b->a"
        evidence.append(f"evidence sums to {score:+g}: {direction}")
    else:
        direction = "unknown"
        evidence.append(
            f"evidence sums to {score:+g}, short of ±{settings.direction_min_weight:g}: "
            "direction unknown"
        )
    return direction, evidence


def _publication_votes(a: Article, b: Article) -> list[Vote]:
    date_a, date_b = parse_date(a.published), parse_date(b.published)
    if date_a is None or date_b is None or date_a == date_b:
        return []
    earlier, later = ("a", "b") if date_a < date_b else ("b", "a")
    return [
        Vote(
            "a->b" if earlier == "a" else "b->a",
            3.0,
            f"{earlier} was published first ({min(date_a, date_b)}; {later} on "
            f"{max(date_a, date_b)})",
        )
    ]


def _attribution_votes(a: Article, b: Article) -> list[Vote]:
    """A side that credits another outlet is the derived one; more so if it names the other."""
    sides: tuple[tuple[str, Article, Article, Direction], ...] = (
        ("b", b, a, "a->b"),
        ("a", a, b, "b->a"),
    )
    votes: list[Vote] = []
    for side, article, other, toward in sides:
        if not article.attribution:
            continue
        line = article.attribution[0]
        other_names = {n.lower() for n in (other.site, _domain(other.url)) if n}
        if any(name in line.lower() for name in other_names):
            votes.append(Vote(toward, 3.0, f"{side} credits the other side's outlet: '{line}'"))
        elif not other.attribution:
            reason = f"{side} credits another outlet ('{line}'); the other credits none"
            votes.append(Vote(toward, 1.0, reason))
    return votes


def _specificity_votes(facts: FactDiff) -> list[Vote]:
    """Copies lose full names and calendar dates more often than they invent them.

    Symmetric by construction: swapping a and b swaps the vote.
    """
    only_a = [f.text for f in facts.removed if is_specific(f)]
    only_b = [f.text for f in facts.added if is_specific(f)]
    if abs(len(only_a) - len(only_b)) < 2:
        return []
    toward: Direction = "a->b" if len(only_a) > len(only_b) else "b->a"
    richer, poorer = ("a", "b") if toward == "a->b" else ("b", "a")
    names, fewer = (only_a, only_b) if toward == "a->b" else (only_b, only_a)
    reason = (
        f"{richer} has {len(names)} full names or calendar dates that {poorer} lacks "
        f"({', '.join(names[:4])}); {poorer} has {len(fewer)} that {richer} lacks"
    )
    return [Vote(toward, 1.0, reason)]


def is_specific(fact: FactChange) -> bool:
    if fact.kind == "person":
        return len(fact.text.split()) >= 2
    if fact.kind == "date":
        return bool(re.search(r"\d|day\b", fact.text, re.IGNORECASE))
    return False


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    match = re.match(r"^(?:\w+://)?(?:www\.)?([^/:]+)", url)
    return match.group(1) if match else None
