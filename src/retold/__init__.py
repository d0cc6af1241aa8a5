"""retold: trace how news stories are copied, rewritten and translated across outlets."""

from __future__ import annotations

from functools import lru_cache

from retold.article import Article
from retold.corpus.corpus import Corpus
from retold.errors import InputError, RetoldError
from retold.pipeline import ArticleInput, Pipeline
from retold.result import CompareResult
from retold.settings import Settings

__version__ = "0.1.0"


@lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    return Pipeline()


def compare(a: ArticleInput, b: ArticleInput) -> CompareResult:
    """Explain how article `b` relates to article `a` (paths, texts, or loaded Articles)."""
    return default_pipeline().compare(a, b)


def load(item: ArticleInput) -> Article:
    """Read, clean and segment one article."""
    return default_pipeline().load(item)


__all__ = [
    "Article",
    "CompareResult",
    "Corpus",
    "InputError",
    "Pipeline",
    "RetoldError",
    "Settings",
    "compare",
    "load",
]
