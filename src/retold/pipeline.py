"""The compare engine: read, clean, segment, embed, align, diff facts and relate two articles."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retold.align import Alignment, AlignmentThresholds, align
from retold.article import Article, RawDocument
from retold.clean import clean
from retold.embed import Embedder, ModelName, choose_model, unit
from retold.errors import InputError
from retold.facts import Fact, FactChange, FactDiff, diff_facts, extract_facts
from retold.fingerprint import jaccard, shingles, text_hash
from retold.ingest import read_document
from retold.relate import PairMeasures, infer_direction, label_relation, text_similarity
from retold.result import (
    AlignmentLink,
    ArticleView,
    CompareResult,
    FactDiffView,
    FactItem,
)
from retold.segment import segment
from retold.settings import DEFAULT_SETTINGS, Settings

ArticleInput = str | Path | RawDocument | Article
MODEL_NAMES = {
    "english": "all-MiniLM-L6-v2",
    "multilingual": "universal-sentence-encoder-multilingual-3",
}


@dataclass
class PreparedArticle:
    article: Article
    facts: list[Fact]


class Pipeline:
    """Holds the settings and the heavy resources (models) so that they load once."""

    def __init__(
        self, settings: Settings = DEFAULT_SETTINGS, embedder: Embedder | None = None
    ) -> None:
        self.settings = settings
        self.embedder = embedder or Embedder(precision=settings.embedding_precision)

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
        article = self.load(item)
        facts = extract_facts(
            article.sentence_texts, article.language, self.settings.fact_extractor
        )
        return PreparedArticle(article, facts)

    def compare(self, a: ArticleInput, b: ArticleInput) -> CompareResult:
        return self.compare_prepared(self.prepare(a), self.prepare(b))

    def compare_prepared(self, pa: PreparedArticle, pb: PreparedArticle) -> CompareResult:
        a, b = pa.article, pb.article
        model = choose_model(a.language, b.language)
        cross_lingual = a.language != b.language
        vectors_a = self.embedder.encode(a.sentence_texts, model)
        vectors_b = self.embedder.encode(b.sentence_texts, model)
        alignment = align(
            a.sentence_texts,
            b.sentence_texts,
            vectors_a,
            vectors_b,
            self._thresholds(model),
            cross_lingual,
        )
        fact_diff = diff_facts(pa.facts, pb.facts, alignment, cross_lingual)
        measures = self._measures(a, b, alignment, vectors_a, vectors_b, cross_lingual, fact_diff)
        relation = label_relation(measures, self.settings)
        direction, evidence = infer_direction(a, b, fact_diff, self.settings)
        return CompareResult(
            a=_view(a),
            b=_view(b),
            similarity=1.0 if measures.identical else measures.similarity,
            document_similarity=measures.document_similarity,
            relation=relation,
            direction=direction,
            evidence=evidence,
            alignment=[
                AlignmentLink(a=g.a, b=g.b, kind=g.kind, score=g.score) for g in alignment.groups
            ],
            added=alignment.added,
            dropped=alignment.dropped,
            facts=_facts_view(fact_diff),
            model=MODEL_NAMES[model],
        )

    def _thresholds(self, model: ModelName) -> AlignmentThresholds:
        s = self.settings
        link = s.english_align_threshold if model == "english" else s.multilingual_align_threshold
        return AlignmentThresholds(
            link=link,
            merge_member=link - s.merge_member_margin,
            merge_gain=s.merge_gain,
            verbatim_ratio=s.verbatim_ratio,
        )

    def _measures(
        self,
        a: Article,
        b: Article,
        alignment: Alignment,
        vectors_a: np.ndarray,
        vectors_b: np.ndarray,
        cross_lingual: bool,
        fact_diff: FactDiff,
    ) -> PairMeasures:
        n, m = len(a.sentences), len(b.sentences)
        linked_a = sum(len(g.a) for g in alignment.groups)
        linked_b = sum(len(g.b) for g in alignment.groups)
        document_similarity = 0.0
        if n and m:
            document_similarity = float(unit(vectors_a.mean(axis=0)) @ unit(vectors_b.mean(axis=0)))
        return PairMeasures(
            identical=bool(a.body) and text_hash(a.body) == text_hash(b.body),
            cross_lingual=cross_lingual,
            similarity=text_similarity(alignment, n, m),
            document_similarity=round(max(0.0, min(1.0, document_similarity)), 4),
            coverage_a=linked_a / n if n else 0.0,
            coverage_b=linked_b / m if m else 0.0,
            shingle_jaccard=jaccard(shingles(a.body), shingles(b.body)),
            all_verbatim=bool(alignment.groups)
            and all(g.kind == "verbatim" for g in alignment.groups),
            fact_conflicts=fact_diff.conflicts,
            facts_agreed=fact_diff.matched,
            facts_shared=fact_diff.shared,
            facts_only_a=fact_diff.only_in_a,
            facts_only_b=fact_diff.only_in_b,
        )


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
