"""Sentences and language."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from retold.article import Article, Sentence

# Languages news in this field comes in; restricting the identifier keeps short Russian and
# Ukrainian text from being called Belarusian (see shared/DEPENDENCIES.md).
NEWS_LANGUAGES = [
    "en", "fr", "de", "es", "it", "pt", "nl", "ru", "uk", "pl", "cs", "ro", "el", "tr", "ar",
    "he", "fa", "hi", "zh", "ja", "ko", "sv", "da", "no", "fi", "hu", "bg", "sr", "hr", "id",
]  # fmt: skip

# Segmenters miss a boundary after a mis-directed closing quote ('the West“. According'), a
# frequent machine-translation artefact; split there when a capital letter follows.
QUOTE_BOUNDARY = re.compile(r"(?:(?<=[.!?][”“\"»’])|(?<=[”“\"»’][.!?]))\s+(?=[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ])")


@lru_cache(maxsize=1)
def _language_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(NEWS_LANGUAGES)
    return identifier


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text to tell."""
    if len(re.findall(r"\w+", text)) < 3:
        return None
    language, _ = _language_identifier().classify(text[:5000])
    return str(language)


def split_sentences(paragraph: str, language: str | None) -> list[str]:
    import sentencex

    pieces: list[str] = []
    for sentence in sentencex.segment(language or "en", paragraph):
        pieces.extend(p.strip() for p in QUOTE_BOUNDARY.split(sentence) if p.strip())
    return pieces


def segment(article: Article) -> Article:
    """Fill in the article's language (when its source did not say) and its sentences."""
    if not article.language:
        article.language = detect_language(article.body)
    sentences: list[Sentence] = []
    for number, paragraph in enumerate(article.paragraphs):
        for text in split_sentences(paragraph, article.language):
            sentences.append(Sentence(index=len(sentences), text=text, paragraph=number))
    article.sentences = sentences
    return article
