"""One pair: similarity, relation label, direction and the evidence for it."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from retold.align import Alignment, SentenceOrder, passages
from retold.article import Article
from retold.dates import day_label, parse_date
from retold.facts import FactChange, FactDiff
from retold.result import Direction, PassageView, Relation, ReuseView
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
    model: str = "english"
    sentences_a: int = 0
    sentences_b: int = 0
    shingle_containment: float = 0.0  # share of the shorter text's shingles in the longer
    close_a: float = 0.0  # share of a's sentences in verbatim or close links
    close_b: float = 0.0
    passages: int = 0  # runs of 2+ sentences reused in order
    longest_passage: int = 0
    reused_a: float = 0.0  # share of a's sentences inside reused passages
    reused_b: float = 0.0
    specifics_shared: float = 0.0  # rarity-weighted names, places, figures both name
    specifics_containment: float = 0.0
    specifics_jaccard: float = 0.0
    date_gap_days: int | None = None  # publication dates apart, when both are known
    order: SentenceOrder = SentenceOrder()  # mutual-best sentence pairs and their order
    lede_similarity: float = 0.0  # e5 cosine of the two ledes (title and first sentence)
    days_shared: tuple[str, ...] = ()  # days of the month both texts name ("#0603")
    days_only_a: tuple[str, ...] = ()
    days_only_b: tuple[str, ...] = ()


def text_similarity(alignment: Alignment, sentences_a: int, sentences_b: int) -> float:
    total = sentences_a + sentences_b
    if total == 0:
        return 0.0
    weighted = sum(g.score * (len(g.a) + len(g.b)) for g in alignment.groups)
    return round(min(1.0, weighted / total), 4)


COPY_CLASS, STORY_CLASS, OTHER_CLASS = "copy", "same-story", "different"


def pair_features(m: PairMeasures) -> dict[str, float]:
    """The measures as the relation model reads them: symmetric in the two sides, counts on a
    log scale, and the e5 model's compressed similarities given their own terms."""
    e5 = 1.0 if m.model == "e5" else 0.0
    shorter = min(m.sentences_a, m.sentences_b)
    longer = max(m.sentences_a, m.sentences_b)
    gap = m.date_gap_days
    order = m.order
    return {
        "similarity": m.similarity,
        "document_similarity": m.document_similarity,
        "e5_document_similarity": e5 * m.document_similarity,
        "e5_similarity": e5 * m.similarity,
        "coverage_min": min(m.coverage_a, m.coverage_b),
        "coverage_max": max(m.coverage_a, m.coverage_b),
        "close_min": min(m.close_a, m.close_b),
        "close_max": max(m.close_a, m.close_b),
        "reused_min": min(m.reused_a, m.reused_b),
        "reused_max": max(m.reused_a, m.reused_b),
        "passages": math.log1p(m.passages),
        "longest_passage": math.log1p(m.longest_passage),
        "shingle_jaccard": m.shingle_jaccard,
        "shingle_containment": m.shingle_containment,
        "specifics_containment": m.specifics_containment,
        "specifics_jaccard": m.specifics_jaccard,
        "specifics_shared": math.log1p(m.specifics_shared),
        "fact_conflicts": math.log1p(m.fact_conflicts),
        "facts_agreed": math.log1p(m.facts_agreed),
        "cross_lingual": 1.0 if m.cross_lingual else 0.0,
        "e5": e5,
        "shorter_sentences": math.log1p(shorter),
        "length_ratio": shorter / longer if longer else 0.0,
        "dates_known": 0.0 if gap is None else 1.0,
        "date_gap": 0.0 if gap is None else math.log1p(min(gap, 60)),
        "english_model": 1.0 if m.model == "english" else 0.0,
        "order_share": order.chain / shorter if shorter else 0.0,
        "order_chain": math.log1p(order.chain),
        "order_score": order.chain_score,
        "order_margin": order.chain_margin,
        "mutual_share": order.mutual / shorter if shorter else 0.0,
        "distinct_share": order.distinct / shorter if shorter else 0.0,
        "order_density": order.chain / order.spread if order.spread else 0.0,
        "order_longer_share": order.chain / longer if longer else 0.0,
        "contrast_min": min(order.contrast_a, order.contrast_b),
        "contrast_max": max(order.contrast_a, order.contrast_b),
        "lede_similarity": m.lede_similarity,
        "days_shared": math.log1p(len(m.days_shared)),
        # both name days of the month and none of them the same: two events of one week
        "days_differ": 1.0 if m.days_only_a and m.days_only_b and not m.days_shared else 0.0,
    }


# The measures that need no sentence vectors and no alignment: what the screen reads (the
# articles' specifics, ledes, shingles, lengths, languages and dates). Taken from
# `pair_features`, so that the screen and the full judge read the very same numbers.
SCREEN_FEATURES = (
    "specifics_containment", "specifics_jaccard", "specifics_shared", "cross_lingual", "e5",
    "english_model", "shorter_sentences", "length_ratio", "dates_known", "date_gap",
    "lede_similarity", "days_shared", "days_differ", "shingle_jaccard", "shingle_containment",
)  # fmt: skip


def screen_features(m: PairMeasures) -> dict[str, float]:
    values = pair_features(m)
    return {name: values[name] for name in SCREEN_FEATURES}


Node = tuple[int, float, int, int, bool, float]  # feature, threshold, left, right, leaf, value


@dataclass(frozen=True)
class RelationModel:
    """Gradient-boosted trees over `pair_features` (scikit-learn's HistGradientBoosting),
    fitted by bench/train_relations.py on the real-news dev split and the synthetic set and
    shipped as JSON: each tree a list of nodes, read here without pickle or scikit-learn."""

    features: list[str]
    classes: list[str]
    baseline: list[float]
    trees: list[list[list[Node]]]  # per boosting round, one tree per class
    copy_threshold: float
    story_threshold: float
    info: dict[str, Any]
    screen: ScreenModel | None = None

    @staticmethod
    def packaged() -> RelationModel | None:
        return _packaged_model()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RelationModel:
        trees = [
            [
                [
                    (int(n[0]), float(n[1]), int(n[2]), int(n[3]), bool(n[4]), float(n[5]))
                    for n in tree
                ]
                for tree in round_
            ]
            for round_ in data["trees"]
        ]
        return cls(
            features=list(data["features"]),
            classes=list(data["classes"]),
            baseline=[float(x) for x in data["baseline"]],
            trees=trees,
            copy_threshold=float(data["copy_threshold"]),
            story_threshold=float(data["story_threshold"]),
            info=dict(data.get("info", {})),
            screen=ScreenModel.from_json(data["screen"]) if data.get("screen") else None,
        )

    def probabilities(self, m: PairMeasures) -> dict[str, float]:
        values = pair_features(m)
        x = [values[name] for name in self.features]
        logits = list(self.baseline)
        for round_ in self.trees:
            for k, tree in enumerate(round_):
                logits[k] += _tree_value(tree, x)
        top = max(logits)
        exps = [math.exp(z - top) for z in logits]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}


@dataclass(frozen=True)
class ScreenModel:
    """The cascade's first judge: gradient-boosted trees over `screen_features` that estimate
    whether the full judge will call a pair one event (copy or same story), fitted by
    bench/train_relations.py to the full model's own decisions. A pair under `threshold` is
    settled as related without sentence vectors or alignment; the threshold lets through all
    but a set share of the pairs the full judge calls one event (out of fold on the dev
    split)."""

    features: list[str]
    baseline: float
    trees: list[list[Node]]  # one tree per boosting round
    threshold: float
    info: dict[str, Any]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScreenModel:
        return cls(
            features=list(data["features"]),
            baseline=float(data["baseline"]),
            trees=[
                [
                    (int(n[0]), float(n[1]), int(n[2]), int(n[3]), bool(n[4]), float(n[5]))
                    for n in tree
                ]
                for tree in data["trees"]
            ],
            threshold=float(data["threshold"]),
            info=dict(data.get("info", {})),
        )

    def probability(self, m: PairMeasures) -> float:
        """The chance that the full judge calls the pair one event."""
        values = screen_features(m)
        x = [values[name] for name in self.features]
        logit = self.baseline + sum(_tree_value(tree, x) for tree in self.trees)
        return 1.0 / (1.0 + math.exp(-logit))


def _tree_value(tree: list[Node], x: list[float]) -> float:
    node = tree[0]
    while not node[4]:
        node = tree[node[2]] if x[node[0]] <= node[1] else tree[node[3]]
    return node[5]


@lru_cache(maxsize=1)
def _packaged_model() -> RelationModel | None:
    path = resources.files("retold") / "data" / "relation_model.json"
    if not path.is_file():
        return None
    return RelationModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def decide_relation(
    m: PairMeasures, settings: Settings, model: RelationModel | None
) -> tuple[Relation, float]:
    """The relation and its probability: the fitted model where it is packaged, else the rules."""
    if m.identical:
        return "duplicate", 1.0
    if model is None:
        return label_relation(m, settings), 0.5
    p = model.probabilities(m)
    same_event = p[COPY_CLASS] + p[STORY_CLASS]
    if p[COPY_CLASS] >= model.copy_threshold:
        return copy_kind(m), round(p[COPY_CLASS], 4)
    if same_event >= model.story_threshold:
        return "same-story", round(same_event, 4)
    related = settings.related_threshold(m.model)
    other: Relation = "related" if m.document_similarity >= related else "unrelated"
    return other, round(1.0 - same_event, 4)


def copy_kind(m: PairMeasures) -> Relation:
    if m.cross_lingual:
        return "translation"
    if m.shingle_jaccard >= 0.75 or (m.all_verbatim and min(m.coverage_a, m.coverage_b) >= 0.9):
        return "near-duplicate"
    return "rewrite"


def relation_evidence(m: PairMeasures, relation: Relation, probability: float) -> list[str]:
    """Why the pair got its label, in the measures a reader can check."""
    lines = [f"relation {relation} with probability {probability:.2f}"]
    if m.passages or m.close_a or m.close_b:
        lines.append(
            f"text reuse: {m.close_a:.0%} of one side's and {m.close_b:.0%} of the other's "
            f"sentences taken over closely; {m.passages} reused passage(s), the longest "
            f"{m.longest_passage} sentences"
        )
    if m.order.chain >= 2:
        shorter = min(m.sentences_a, m.sentences_b)
        lines.append(
            f"sentence order: {m.order.chain} of the shorter side's {shorter} sentences are "
            f"each other's best match in the same order on both sides ({m.order.distinct} "
            "of them by a clear margin)"
        )
    lines.append(
        f"shared specifics (names, places, figures weighted by rarity): {m.specifics_shared:.1f}, "
        f"{m.specifics_containment:.0%} of the lighter side's"
    )
    if not m.cross_lingual and m.shingle_containment > 0:
        lines.append(f"{m.shingle_containment:.0%} of the shorter text's word sequences reused")
    if m.fact_conflicts:
        lines.append(
            f"{m.fact_conflicts} name(s), figure(s) or date(s) differ between linked sentences"
        )
    if m.days_shared:
        lines.append(f"both name {_days(m.days_shared)}")
    elif m.days_only_a and m.days_only_b:
        # measured in a canonical order, not the caller's: name the days without sides
        named = tuple(sorted(m.days_only_a + m.days_only_b))
        lines.append(f"they name no day in common: {_days(named)}")
    if m.date_gap_days is not None:
        lines.append(f"published {m.date_gap_days} day(s) apart")
    return lines


def reuse_view(alignment: Alignment, sentences_a: int, sentences_b: int) -> ReuseView:
    """Reused passages, and the share of each side's sentences that were taken over inside them
    (a sentence dropped or added within a passage's span is not counted as reused)."""
    runs = passages(alignment)
    spans_a = {i for r in runs for i in range(r.a_start, r.a_end + 1)}
    spans_b = {j for r in runs for j in range(r.b_start, r.b_end + 1)}
    in_a = len(spans_a & {i for g in alignment.groups for i in g.a})
    in_b = len(spans_b & {j for g in alignment.groups for j in g.b})
    return ReuseView(
        share_a=round(in_a / sentences_a, 4) if sentences_a else 0.0,
        share_b=round(in_b / sentences_b, 4) if sentences_b else 0.0,
        passages=[PassageView(a=[r.a_start, r.a_end], b=[r.b_start, r.b_end]) for r in runs],
    )


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


def _days(keys: tuple[str, ...]) -> str:
    return ", ".join(day_label(k) for k in keys)
