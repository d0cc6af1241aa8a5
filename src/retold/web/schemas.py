"""The HTTP API's request and response bodies. Compare answers with the CLI's own CompareResult,
so `retold compare --json` and `POST /api/compare` share one schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from retold.result import Direction, Relation

MAX_TEXT_CHARS = 2_000_000


def exactly_one_of(*names: str) -> dict[str, Any]:
    """JSON Schema for "exactly one of these fields is given (and not null)"."""
    kinds = {"text": "string", "html": "string", "id": "integer"}
    return {
        "oneOf": [
            {"required": [name], "properties": {name: {"type": kinds[name]}}} for name in names
        ]
    }


class ArticleIn(BaseModel):
    """One article given inline: plain text, or an HTML page (main text is extracted), or the id
    of an article already in the corpus (compare only)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra=exactly_one_of("text", "html", "id")
    )

    text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS, description="Plain text")
    html: str | None = Field(default=None, max_length=MAX_TEXT_CHARS, description="An HTML page")
    id: int | None = Field(default=None, ge=1, le=2**63 - 1, description="A stored article's id")
    title: str | None = Field(default=None, max_length=2000)
    url: str | None = Field(
        default=None, max_length=4000, description="Kept as metadata, never fetched"
    )
    published: str | None = Field(default=None, max_length=100)
    site: str | None = Field(default=None, max_length=500)
    language: str | None = Field(default=None, max_length=20)
    name: str | None = Field(default=None, max_length=500, description="Shown as the source")

    @model_validator(mode="after")
    def exactly_one_body(self) -> ArticleIn:
        given = [k for k in ("text", "html", "id") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of 'text', 'html' or 'id'")
        return self


class NewArticleIn(ArticleIn):
    """An article to add to the corpus: text or html, never an id."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=exactly_one_of("text", "html"))

    @model_validator(mode="after")
    def not_an_id(self) -> NewArticleIn:
        if self.id is not None:
            raise ValueError("an article to add needs 'text' or 'html', not 'id'")
        return self


class CompareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    a: ArticleIn = Field(description="The side taken as the source")
    b: ArticleIn = Field(description="The side compared against it")


class SearchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: NewArticleIn = Field(description="The article to look for: text or html")
    top: int = Field(default=20, ge=1, le=100)


class SearchHitOut(BaseModel):
    article_id: int
    title: str | None
    source: str
    url: str | None
    published: str | None
    site: str | None
    language: str | None
    relation: Relation
    similarity: float
    direction: Direction = Field(
        description="Direction between the stored article (a) and the query (b)"
    )
    evidence: list[str]
    estimated_jaccard: float
    vector_similarity: float | None


class ArticleSummaryOut(BaseModel):
    id: int
    title: str | None
    source: str
    url: str | None
    published: str | None
    site: str | None
    language: str | None
    attribution: list[str]
    sentences: int
    exact_copies: list[dict[str, Any]] = Field(default_factory=list)


class EdgeOut(BaseModel):
    source: int
    derived: int | None = Field(description="None when the direction is unknown")
    other: int
    relation: Relation
    similarity: float
    direction: Direction
    confidence: float
    evidence: list[str]


class StorySummaryOut(BaseModel):
    id: int
    size: int
    title: str | None = Field(description="The original's title, else the first member's")
    original: int | None
    first_published: str | None
    last_published: str | None
    languages: list[str]
    sites: list[str]


class StoryOut(StorySummaryOut):
    members: list[int]
    copy_groups: list[list[int]]
    original_evidence: list[str]
    articles: list[ArticleSummaryOut]
    edges: list[EdgeOut]


class ArticleOut(BaseModel):
    id: int
    source: str
    title: str | None
    url: str | None
    published: str | None
    site: str | None
    author: str | None
    language: str | None
    attribution: list[str]
    chrome: list[str] = Field(description="Lines removed as page chrome")
    paragraphs: list[str]
    sentences: list[str]
    story: int | None = Field(description="The story family it belongs to, if any")
    exact_copies: list[dict[str, Any]]


class SentenceChangeOut(BaseModel):
    before: str
    after: str


class FactEditOut(BaseModel):
    kind: str
    before: str | None
    after: str | None


class VersionChangesOut(BaseModel):
    added: list[str] = Field(default_factory=list, description="Sentences new in this version")
    dropped: list[str] = Field(default_factory=list, description="Sentences it no longer has")
    changed: list[SentenceChangeOut] = Field(default_factory=list)
    facts: list[FactEditOut] = Field(default_factory=list, description="Facts that changed")
    correction_note: str | None = None
    title_before: str | None = None
    title_after: str | None = None
    silent_edit: bool = False


class VersionOut(BaseModel):
    number: int = Field(description="1 for the first fetch")
    fetched_at: str
    url: str | None
    title: str | None
    text: str
    silent_edit: bool = Field(description="A fact changed and the page carries no correction note")
    changes: VersionChangesOut = Field(description="What changed since the version before")


class HistoryOut(BaseModel):
    url: str | None
    article_id: int
    title: str | None
    silent_edits: int
    versions: list[VersionOut]


class AddedOut(BaseModel):
    status: str = Field(description="stored, duplicate (of article_id) or rejected")
    article_id: int | None
    reason: str | None = None
    story: int | None = None


class ErrorOut(BaseModel):
    error: str = Field(description="One line naming the input and the problem")
