"""Sentences and language."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from retold.article import Article, Sentence

# Languages news in this field comes in (57, all that the identifier and the e5 encoder share
# and that carry news in volume). Restricting the identifier to them keeps it from answering
# with rare languages on short text.
NEWS_LANGUAGES = [
    "en", "fr", "de", "es", "it", "pt", "nl", "ru", "uk", "be", "pl", "cs", "sk", "sl", "ro",
    "el", "tr", "ar", "he", "fa", "hi", "ur", "bn", "zh", "ja", "ko", "sv", "da", "no", "fi",
    "hu", "bg", "sr", "hr", "bs", "mk", "sq", "lt", "lv", "et", "id", "ms", "vi", "th", "tl",
    "sw", "ca", "gl", "eu", "ka", "hy", "az", "kk", "ta", "ga", "is", "af",
]  # fmt: skip
# Short Russian and Ukrainian text is often scored Belarusian (shared/DEPENDENCIES.md); real
# Belarusian writes the short u "ў", which neither of the others has.
BELARUSIAN_LETTER = "ў"

# Segmenters miss a boundary after a mis-directed closing quote ('the West“. According'), a
# frequent machine-translation artefact; split there when a capital letter follows.
QUOTE_BOUNDARY = re.compile(r"(?:(?<=[.!?][”“\"»’])|(?<=[”“\"»’][.!?]))\s+(?=[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ])")


@lru_cache(maxsize=2)
def _language_identifier(with_belarusian: bool = True) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([c for c in NEWS_LANGUAGES if with_belarusian or c != "be"])
    return identifier


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text to tell."""
    if len(re.findall(r"\w+", text)) < 3:
        return None
    sample = text[:5000]
    language, _ = _language_identifier().classify(sample)
    if language == "be" and BELARUSIAN_LETTER not in sample.lower():
        language, _ = _language_identifier(with_belarusian=False).classify(sample)
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
