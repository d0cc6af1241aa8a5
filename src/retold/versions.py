"""Versions of one page: what changed between two fetches of a URL, and whether the outlet said so.

A changed fact (a figure, a date, a name, a quote) with no correction note on the page is a
silent edit, the thing NewsDiffs and diffengine were built to catch. A page's history is its
versions, oldest first, as the store hands them over (`retold.corpus.follow.page_history`).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from retold.article import Article
from retold.result import CompareResult

# Notes outlets put on a page they have corrected or updated, in the languages of the news.
CORRECTION_NOTE = re.compile(
    r"\b(?:"
    r"corrections?\s*:|clarification\s*:|updated?\s*:|editor'?s note\s*:"
    r"|this (?:article|story|report) (?:has been|was) (?:amended|updated|corrected|changed)"
    r"|an earlier version of this (?:article|story|report)"
    r"|korrektur\s*:|berichtigung|aktualisiert\s*:|in einer früheren version"
    r"|dieser artikel wurde (?:aktualisiert|korrigiert)"
    r"|rectificatif|mise à jour\s*:|une (?:précédente|version précédente)"
    r"|corrección\s*:|fe de erratas|actualización\s*:|una versión anterior"
    r"|correção\s*:|errata|atualização\s*:|uma versão anterior"
    r"|correzione\s*:|rettifica|aggiornamento\s*:"
    r"|correctie\s*:|rectificatie|sprostowanie|korekta\s*:|aktualizacja\s*:"
    r"|исправлени[ея]\s*:|поправка\s*:|обновлено\s*:|обновление\s*:"
    r"|виправлення\s*:|оновлено\s*:"
    r")",
    re.IGNORECASE,
)


@dataclass
class SentenceChange:
    before: str
    after: str


@dataclass
class FactEdit:
    kind: str
    before: str | None
    after: str | None


@dataclass
class VersionChanges:
    added: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    changed: list[SentenceChange] = field(default_factory=list)
    facts: list[FactEdit] = field(default_factory=list)
    correction_note: str | None = None
    title_before: str | None = None
    title_after: str | None = None

    @property
    def silent_edit(self) -> bool:
        return bool(self.facts) and self.correction_note is None

    @property
    def empty(self) -> bool:
        return not (self.added or self.dropped or self.changed or self.facts)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "silent_edit": self.silent_edit}


def correction_note(article: Article) -> str | None:
    """The page's correction or update note, wherever cleaning put it."""
    for line in [*article.paragraphs, *article.attribution, *article.chrome]:
        if CORRECTION_NOTE.search(line):
            return line
    return None


def version_changes(result: CompareResult, after: Article) -> VersionChanges:
    """Turn a comparison of the previous version (a) with the new one (b) into its changes."""
    before_sentences, after_sentences = result.a.sentences, result.b.sentences
    changed: list[SentenceChange] = []
    edited_a: set[int] = set()
    edited_b: set[int] = set()
    for link in result.alignment:
        before = " ".join(before_sentences[i] for i in link.a)
        now = " ".join(after_sentences[i] for i in link.b)
        if before != now:
            changed.append(SentenceChange(before, now))
            edited_a.update(link.a)
            edited_b.update(link.b)
    facts = [FactEdit(item.kind, item.before, item.after) for item in result.facts.changed]
    # A figure or date that vanished from, or appeared in, an edited sentence is a changed fact
    # too, even when the fact diff could not pair the old value with the new one.
    facts += [
        FactEdit(item.kind, item.text, None)
        for item in result.facts.removed
        if set(item.a) & edited_a
    ]
    facts += [
        FactEdit(item.kind, None, item.text)
        for item in result.facts.added
        if set(item.b) & edited_b
    ]
    title_changed = (result.a.title or "") != (result.b.title or "")
    return VersionChanges(
        added=[after_sentences[i] for i in result.added],
        dropped=[before_sentences[i] for i in result.dropped],
        changed=changed,
        facts=facts,
        correction_note=correction_note(after),
        title_before=result.a.title if title_changed else None,
        title_after=result.b.title if title_changed else None,
    )


@dataclass
class StoredVersion:
    """One fetch of a page as the store keeps it, with its changes from the version before."""

    article_id: int
    number: int
    url: str | None
    fetched_at: str
    title: str | None
    paragraphs: list[str]
    changes: dict[str, Any]
    silent_edit: bool


@dataclass
class PageHistory:
    """Every stored version of one page, oldest first, each with its changes from the one before."""

    url: str | None
    article_id: int
    title: str | None
    versions: list[StoredVersion]

    @property
    def silent_edits(self) -> int:
        return sum(1 for v in self.versions if v.silent_edit)

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "article_id": self.article_id,
            "title": self.title,
            "silent_edits": self.silent_edits,
            "versions": [version_dict(v) for v in self.versions],
        }


def version_dict(version: StoredVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "fetched_at": version.fetched_at,
        "url": version.url,
        "title": version.title,
        "text": "\n\n".join(version.paragraphs),
        "silent_edit": version.silent_edit,
        "changes": version.changes,
    }
