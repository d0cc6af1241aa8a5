"""The compare engine: read, clean, segment, embed, align, diff facts and relate two articles."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import numpy as np

from retold.align import (
    AlignedGroup,
    Alignment,
    AlignmentThresholds,
    align,
    covered,
    passages,
    sentence_order,
)
from retold.article import Article, RawDocument
from retold.clean import clean
from retold.dates import parse_date
from retold.embed import Embedder, ModelName, choose_model, unit
from retold.errors import InputError
from retold.facts import Fact, FactChange, FactDiff, diff_facts, extract_facts
from retold.fingerprint import containment, jaccard, shingles, text_hash
from retold.ingest import read_document
from retold.relate import (
    PairMeasures,
    RelationModel,
    decide_relation,
    infer_direction,
    relation_evidence,
    reuse_view,
    text_similarity,
)
from retold.result import (
    AlignmentLink,
    ArticleView,
    CompareResult,
    FactDiffView,
    FactItem,
    Relation,
)
from retold.segment import segment
from retold.settings import DEFAULT_SETTINGS, Settings
from retold.specifics import Specifics, article_specifics, overlap

ArticleInput = str | Path | RawDocument | Article
# Article vectors and the pair's lede are encoded by e5 (~94 languages), whatever the languages.
LEAD_MODEL: ModelName = "e5"
Key = TypeVar("Key", bound=Hashable)
MODEL_NAMES = {
    "english": "all-MiniLM-L6-v2",
    "multilingual": "universal-sentence-encoder-multilingual-3",
    "e5": "multilingual-e5-small (4-bit)",
}


@dataclass
class PreparedArticle:
    article: Article
    facts: list[Fact]
    specifics: Specifics
    order_key: str  # the pair is always judged with the lower key first, so swapping is harmless
    lede_vector: np.ndarray | None = None  # e5 vector of the title and first sentence
    # Sentence vectors by model, filled on first need (a pair's languages choose the model) or
    # read back from a store that prepared them before.
    sentence_vectors: dict[ModelName, np.ndarray] = field(default_factory=dict)


@dataclass
class Judgement:
    """A pair as the engine saw it, in the order the caller gave."""

    result: CompareResult
    measures: PairMeasures


@dataclass(frozen=True)
class Screened:
    """A pair the cascade's screen settled: another event (or no event in common) by the
    measures that need no sentence vectors, so the full judge never ran."""

    relation: Relation
    probability: float  # that the pair is not one event, by the screen
    evidence: list[str]


# The stage that decided a stored pair.
SCREEN_STAGE, JUDGE_STAGE = "screen", "judge"


def models_needed(
    prepared: Mapping[Key, PreparedArticle], pairs: Iterable[tuple[Key, Key]]
) -> dict[ModelName, set[Key]]:
    """The articles whose sentence vectors of each model judging `pairs` will read: a pair's
    languages choose its model."""
    needed: dict[ModelName, set[Key]] = {}
    for a, b in pairs:
        model = choose_model(prepared[a].article.language, prepared[b].article.language)
        needed.setdefault(model, set()).update((a, b))
    return needed


class Pipeline:
    """Holds the settings and the heavy resources (models) so that they load once."""

    def __init__(
        self, settings: Settings = DEFAULT_SETTINGS, embedder: Embedder | None = None
    ) -> None:
        self.settings = settings
        self.embedder = embedder or Embedder(precision=settings.embedding_precision)
        self.relation_model = RelationModel.packaged()

    def load(self, item: ArticleInput) -> Article:
        """An input (path, raw text, RawDocument or Article) as a cleaned, segmented Article."""
        if isinstance(item, Article):
            return item if item.sentences else segment(item)
        if isinstance(item, RawDocument):
            document = item
        elif isinstance(item, Path) or (isinstance(item, str) and _looks_like_path(item)):
            document = read_document(item, self.settings)
        else:
            document = RawDocument(source="<text>", text=str(item))
        article = segment(clean(document, self.settings))
        if not article.sentences:
            kind = "HTML page" if document.extracted_from_html else "input"
            raise InputError(
                document.source, f"{kind} has no article text once page chrome is removed"
            )
        if len(article.sentences) > self.settings.max_sentences:
            raise InputError(
                document.source,
                f"{len(article.sentences)} sentences, over the limit of "
                f"{self.settings.max_sentences} for one article",
            )
        return article

    def prepare(self, item: ArticleInput) -> PreparedArticle:
        return self.prepare_many([self.load(item)])[0]

    def prepare_many(self, articles: list[Article]) -> list[PreparedArticle]:
        """What judging needs of each article beyond its text (facts, specifics, the lede's
        vector), the ledes encoded in one batch."""
        ledes = self.embedder.encode(
            [a.lead(self.settings.lede_sentences) for a in articles], LEAD_MODEL
        )
        return [
            PreparedArticle(
                article,
                extract_facts(
                    article.sentence_texts, article.language, self.settings.fact_extractor
                ),
                article_specifics(article.sentence_texts, article.language, article.title),
                order_key(article),
                lede,
            )
            for article, lede in zip(articles, ledes, strict=True)
        ]

    def sentence_vectors(self, prepared: PreparedArticle, model: ModelName) -> np.ndarray:
        self.encode_sentence_vectors([prepared], model, stored=False)
        return prepared.sentence_vectors[model]

    def encode_sentence_vectors(
        self, articles: list[PreparedArticle], model: ModelName, stored: bool = True
    ) -> None:
        """Give each of `articles` lacking them its sentence vectors of `model`, all encoded in
        one batch. `stored` rounds them to float16 as a store keeps them, so that a pair judged
        now or after a restart, by the local corpus or on Spark, sees the very same numbers."""
        missing = [p for p in articles if model not in p.sentence_vectors]
        texts = [t for p in missing for t in p.article.sentence_texts]
        if not texts:
            for p in missing:
                p.sentence_vectors[model] = np.zeros((0, self.embedder.dimension(model)))
            return
        encoded = self.embedder.encode(texts, model)
        if stored:
            encoded = encoded.astype(np.float16).astype(np.float32)
        offset = 0
        for p in missing:
            count = len(p.article.sentences)
            p.sentence_vectors[model] = encoded[offset : offset + count]
            offset += count

    def compare(self, a: ArticleInput, b: ArticleInput) -> CompareResult:
        """Both articles prepared together: their ledes in one e5 call, their sentences in one
        call of the pair's model (warm compare 432 -> 354 ms here, BENCHMARKS.md)."""
        pa, pb = self.prepare_many([self.load(a), self.load(b)])
        model = choose_model(pa.article.language, pb.article.language)
        self.encode_sentence_vectors([pa, pb], model, stored=False)
        return self.compare_prepared(pa, pb)

    def compare_prepared(self, pa: PreparedArticle, pb: PreparedArticle) -> CompareResult:
        return self.judge(pa, pb).result

    def screen(self, pa: PreparedArticle, pb: PreparedArticle) -> Screened | None:
        """The cascade's first judge: settles the pair as another event when the measures that
        need no sentence vectors say the full judge would not call it one event; None sends
        the pair on to the full judge (and always does without a fitted screen)."""
        screen = self.relation_model.screen if self.relation_model else None
        if screen is None:
            return None
        first, second = (pb, pa) if pb.order_key < pa.order_key else (pa, pb)
        model = choose_model(first.article.language, second.article.language)
        measures = self._text_measures(first, second, model)
        if measures.identical:
            return None
        one_event = screen.probability(measures)
        if one_event >= screen.threshold:
            return None
        evidence = [
            f"screened: one event with probability {one_event:.3f} by the text measures "
            f"(specifics, ledes, shingles, lengths, dates), under the screen's {screen.threshold}"
            "; sentences not aligned",
            f"lede similarity {measures.lede_similarity:.2f}, shared specifics "
            f"{measures.specifics_shared:.1f}, shingle Jaccard {measures.shingle_jaccard:.2f}",
        ]
        return Screened("related", round(1.0 - one_event, 4), evidence)

    def screen_pairs(
        self, prepared: Mapping[Key, PreparedArticle], pairs: list[tuple[Key, Key]]
    ) -> tuple[list[tuple[Key, Key, Screened]], list[tuple[Key, Key]]]:
        """Pairs the screen settles, and the pairs left for the full judge (whose articles
        alone need sentence vectors)."""
        settled: list[tuple[Key, Key, Screened]] = []
        left: list[tuple[Key, Key]] = []
        for a, b in pairs:
            verdict = self.screen(prepared[a], prepared[b])
            if verdict is None:
                left.append((a, b))
            else:
                settled.append((a, b, verdict))
        return settled, left

    def judge(self, pa: PreparedArticle, pb: PreparedArticle) -> Judgement:
        """Compare two prepared articles. The pair is measured in a canonical order and the
        alignment and fact diff turned back to the caller's, so that swapping the inputs swaps
        the sides of the result and flips the direction, and changes nothing else."""
        swapped = pb.order_key < pa.order_key
        first, second = (pb, pa) if swapped else (pa, pb)
        model = choose_model(first.article.language, second.article.language)
        alignment, fact_diff, measures = self._measure(first, second, model)
        if swapped:
            alignment, fact_diff = alignment.transposed(), fact_diff.transposed()
        a, b = pa.article, pb.article
        relation, probability = decide_relation(measures, self.settings, self.relation_model)
        direction, evidence = infer_direction(a, b, fact_diff, self.settings)
        evidence = [*relation_evidence(measures, relation, probability), *evidence]
        reuse = reuse_view(alignment, len(a.sentences), len(b.sentences))
        result = CompareResult(
            a=_view(a),
            b=_view(b),
            similarity=1.0 if measures.identical else measures.similarity,
            document_similarity=measures.document_similarity,
            relation=relation,
            probability=probability,
            direction=direction,
            evidence=evidence,
            alignment=[
                AlignmentLink(a=g.a, b=g.b, kind=g.kind, score=g.score) for g in alignment.groups
            ],
            added=alignment.added,
            dropped=alignment.dropped,
            facts=_facts_view(fact_diff),
            reuse=reuse,
            model=MODEL_NAMES[model],
        )
        return Judgement(result, measures)

    def _measure(
        self, pa: PreparedArticle, pb: PreparedArticle, model: ModelName
    ) -> tuple[Alignment, FactDiff, PairMeasures]:
        a, b = pa.article, pb.article
        cross_lingual = a.language != b.language
        vectors_a = self.sentence_vectors(pa, model)
        vectors_b = self.sentence_vectors(pb, model)
        alignment = align(
            a.sentence_texts,
            b.sentence_texts,
            vectors_a,
            vectors_b,
            self._thresholds(model),
            cross_lingual,
        )
        fact_diff = diff_facts(pa.facts, pb.facts, alignment, cross_lingual)
        measures = self._measures(pa, pb, alignment, vectors_a, vectors_b, fact_diff, model)
        return alignment, fact_diff, measures

    def _thresholds(self, model: ModelName) -> AlignmentThresholds:
        s = self.settings
        link = s.align_threshold(model)
        return AlignmentThresholds(
            link=link,
            merge_member=link - s.merge_member_margin,
            merge_gain=s.merge_gain,
            verbatim_ratio=s.verbatim_ratio,
        )

    def _measures(
        self,
        pa: PreparedArticle,
        pb: PreparedArticle,
        alignment: Alignment,
        vectors_a: np.ndarray,
        vectors_b: np.ndarray,
        fact_diff: FactDiff,
        model: ModelName,
    ) -> PairMeasures:
        n, m = len(pa.article.sentences), len(pb.article.sentences)
        linked_a = sum(len(g.a) for g in alignment.groups)
        linked_b = sum(len(g.b) for g in alignment.groups)
        document_similarity = 0.0
        if n and m:
            document_similarity = float(unit(vectors_a.mean(axis=0)) @ unit(vectors_b.mean(axis=0)))
        close = self.settings.close_link(model)
        close_a = sum(len(g.a) for g in alignment.groups if _close(g, close))
        close_b = sum(len(g.b) for g in alignment.groups if _close(g, close))
        runs = passages(alignment)
        in_passages_a, in_passages_b = covered(runs, "a"), covered(runs, "b")
        return replace(
            self._text_measures(pa, pb, model),
            similarity=text_similarity(alignment, n, m),
            document_similarity=round(max(0.0, min(1.0, document_similarity)), 4),
            coverage_a=linked_a / n if n else 0.0,
            coverage_b=linked_b / m if m else 0.0,
            all_verbatim=bool(alignment.groups)
            and all(g.kind == "verbatim" for g in alignment.groups),
            fact_conflicts=fact_diff.conflicts,
            facts_agreed=fact_diff.matched,
            facts_shared=fact_diff.shared,
            facts_only_a=fact_diff.only_in_a,
            facts_only_b=fact_diff.only_in_b,
            close_a=close_a / n if n else 0.0,
            close_b=close_b / m if m else 0.0,
            passages=len(runs),
            longest_passage=max((min(r.length_a, r.length_b) for r in runs), default=0),
            reused_a=in_passages_a / n if n else 0.0,
            reused_b=in_passages_b / m if m else 0.0,
            order=sentence_order(vectors_a, vectors_b),
        )

    def _text_measures(
        self, pa: PreparedArticle, pb: PreparedArticle, model: ModelName
    ) -> PairMeasures:
        """The measures that need neither sentence vectors nor an alignment (the rest at their
        empty values): all the screen reads, and the full judge's own values of them."""
        a, b = pa.article, pb.article
        cross_lingual = a.language != b.language
        shingles_a, shingles_b = _body_shingles(a.body), _body_shingles(b.body)
        specific = overlap(pa.specifics, pb.specifics)
        date_a, date_b = parse_date(a.published), parse_date(b.published)
        lede_similarity = 0.0
        if pa.lede_vector is not None and pb.lede_vector is not None:
            lede_similarity = float(np.clip(pa.lede_vector @ pb.lede_vector, 0.0, 1.0))
        return PairMeasures(
            identical=bool(a.body) and _body_hash(a.body) == _body_hash(b.body),
            cross_lingual=cross_lingual,
            similarity=0.0,
            document_similarity=0.0,
            coverage_a=0.0,
            coverage_b=0.0,
            shingle_jaccard=jaccard(shingles_a, shingles_b),
            all_verbatim=False,
            model=model,
            sentences_a=len(a.sentences),
            sentences_b=len(b.sentences),
            shingle_containment=max(
                containment(shingles_a, shingles_b), containment(shingles_b, shingles_a)
            )
            if not cross_lingual
            else 0.0,
            specifics_shared=specific.shared,
            specifics_containment=specific.containment,
            specifics_jaccard=specific.jaccard,
            date_gap_days=abs((date_a - date_b).days) if date_a and date_b else None,
            lede_similarity=round(lede_similarity, 4),
            days_shared=specific.days_shared,
            days_only_a=specific.days_only_a,
            days_only_b=specific.days_only_b,
        )


def order_key(article: Article) -> str:
    return f"{text_hash(article.body)}:{article.title or ''}:{article.url or ''}"


def _close(group: AlignedGroup, close_score: float) -> bool:
    return group.kind == "verbatim" or group.score >= close_score


def _looks_like_path(text: str) -> bool:
    return "\n" not in text and len(text) < 4096


def _view(article: Article) -> ArticleView:
    return ArticleView(
        source=article.source,
        title=article.title,
        language=article.language,
        url=article.url,
        published=article.published,
        site=article.site,
        author=article.author,
        attribution=article.attribution,
        chrome=article.chrome,
        sentences=article.sentence_texts,
    )


def _facts_view(diff: FactDiff) -> FactDiffView:
    def items(changes: list[FactChange]) -> list[FactItem]:
        return [
            FactItem(kind=c.kind, text=c.text, a=c.a, b=c.b, before=c.before, after=c.after)
            for c in changes
        ]

    return FactDiffView(
        added=items(diff.added), removed=items(diff.removed), changed=items(diff.changed)
    )


# An article meets ~10 candidates when it is linked, all in one batch: its shingles and hash are
# made once for them, not once a pair (they were a sixth of a judged pair's time).
@lru_cache(maxsize=512)
def _body_shingles(body: str) -> frozenset[str]:
    return frozenset(shingles(body))


@lru_cache(maxsize=512)
def _body_hash(body: str) -> str:
    return text_hash(body)
