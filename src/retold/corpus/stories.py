"""The corpus's story families: the stored pairs and articles handed to the stories stage."""

from __future__ import annotations

from typing import Any

from retold.corpus.store import Store
from retold.stories import Story, assemble_stories, story_families


def build_stories(store: Store, include_singletons: bool = False) -> list[Story]:
    pairs = store.pairs()
    families = story_families(pairs, store.article_ids() if include_singletons else [])
    articles = {m: article_summary(store, m) for family in families for m in family}
    return assemble_stories(families, pairs, store.duplicates(), articles)


def article_summary(store: Store, article_id: int) -> dict[str, Any]:
    stored = store.get(article_id)
    assert stored is not None
    a = stored.article
    return {
        "id": article_id,
        "title": a.title,
        "source": a.source,
        "url": a.url,
        "published": a.published,
        "site": a.site,
        "language": a.language,
        "attribution": a.attribution,
        "sentences": len(a.sentences),
    }
