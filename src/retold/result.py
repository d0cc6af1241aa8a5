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


class PassageView(BaseModel):
    a: list[int] = Field(description="First and last sentence index in a")
    b: list[int] = Field(description="First and last sentence index in b")


class ReuseView(BaseModel):
    share_a: float = Field(ge=0, le=1, description="Share of a's sentences taken over by b")
    share_b: float = Field(ge=0, le=1, description="Share of b's sentences taken from a")
    passages: list[PassageView] = Field(
        description="Runs of two or more consecutive sentences reused in order"
    )


class CompareResult(BaseModel):
    schema_version: int = SCHEMA_VERSION
    a: ArticleView
    b: ArticleView
    similarity: float = Field(ge=0, le=1, description="Share of the two texts that correspond")
    document_similarity: float = Field(ge=0, le=1, description="Topical closeness of the articles")
    relation: Relation
    probability: float = Field(
        ge=0,
        le=1,
        description="Calibrated probability that the relation holds: for a copy relation that "
        "the texts share a source, for same-story that they report one event, for related and "
        "unrelated that they do not",
    )
    direction: Direction
    evidence: list[str]
    alignment: list[AlignmentLink]
    added: list[int] = Field(description="Indices into b.sentences with no counterpart in a")
    dropped: list[int] = Field(description="Indices into a.sentences with no counterpart in b")
    facts: FactDiffView
    reuse: ReuseView
    model: str = Field(description="Sentence-embedding model used for the alignment")

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)
