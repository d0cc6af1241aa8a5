"""The result of comparing two articles: one typed object with one JSON form (schema v1)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Relation = Literal[
    "duplicate", "near-duplicate", "rewrite", "translation", "same-story", "related", "unrelated"
]
Direction = Literal["a->b", "b->a", "unknown"]
SCHEMA_VERSION = 1


class ArticleView(BaseModel):
    source: str = Field(description="Path or name the article was read from")
    title: str | None
    language: str | None = Field(description="ISO 639-1 code")
    url: str | None = None
    published: str | None = None
    site: str | None = None
    author: str | None = None
    attribution: list[str] = Field(description="Attribution lines, e.g. 'Source: ...'")
    chrome: list[str] = Field(description="Lines removed as page chrome")
    sentences: list[str] = Field(description="Body sentences, indexed from 0")


class AlignmentLink(BaseModel):
    a: list[int]
    b: list[int]
    kind: Literal["verbatim", "paraphrase", "translation"]
    score: float = Field(ge=0, le=1)


class FactItem(BaseModel):
    kind: Literal["date", "number", "person", "organisation", "place", "quote"]
    text: str
    a: list[int] = Field(default_factory=list, description="Sentence indices in a")
    b: list[int] = Field(default_factory=list, description="Sentence indices in b")
    before: str | None = Field(default=None, description="For changed facts: the text in a")
    after: str | None = Field(default=None, description="For changed facts: the text in b")


class FactDiffView(BaseModel):
    added: list[FactItem]
    removed: list[FactItem]
    changed: list[FactItem]


class CompareResult(BaseModel):
    schema_version: int = SCHEMA_VERSION
    a: ArticleView
    b: ArticleView
    similarity: float = Field(ge=0, le=1, description="Share of the two texts that correspond")
    document_similarity: float = Field(ge=0, le=1, description="Topical closeness of the articles")
    relation: Relation
    direction: Direction
    evidence: list[str]
    alignment: list[AlignmentLink]
    added: list[int] = Field(description="Indices into b.sentences with no counterpart in a")
    dropped: list[int] = Field(description="Indices into a.sentences with no counterpart in b")
    facts: FactDiffView
    model: str = Field(description="Sentence-embedding model used for the alignment")

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)
