"""The one currency every stage passes on: an article and its sentences."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sentence:
    """One body sentence, with the paragraph it came from."""

    index: int
    text: str
    paragraph: int


@dataclass
class RawDocument:
    """What a reader produced, before cleaning: the text and whatever metadata the format had."""

    source: str
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    site: str | None = None
    author: str | None = None
    extracted_from_html: bool = False
    # Page text the HTML extractor left out (menus, ads, footers): reported as chrome.
    removed_lines: list[str] = field(default_factory=list)


@dataclass
class Article:
    """A cleaned article: body paragraphs, the chrome removed from it, and metadata."""

    source: str
    paragraphs: list[str]
    title: str | None = None
    chrome: list[str] = field(default_factory=list)
    attribution: list[str] = field(default_factory=list)
    url: str | None = None
    published: str | None = None
    site: str | None = None
    author: str | None = None
    language: str | None = None
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def sentence_texts(self) -> list[str]:
        return [s.text for s in self.sentences]

    def lead(self, sentences: int) -> str:
        """The title and first sentences as one passage: what an article vector encodes."""
        return " ".join([t for t in [self.title] if t] + self.sentence_texts[:sentences])
