"""The corpus's story families: the stored pairs and articles handed to the stories stage, and
each family's diffs computed by the compare engine for the story page to render."""

from __future__ import annotations

from typing import Any

from retold.corpus.corpus import Corpus
from retold.corpus.store import Store
from retold.stories import Story, StoryDiff, assemble_stories, parent_edges, story_families


def build_stories(store: Store, include_singletons: bool = False) -> list[Story]:
    """The stored pairs' story families (and, with `include_singletons`, every other article as
    a family of its own), each with its copy groups, edges, original and members' summaries."""
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


def story_diffs(corpus: Corpus, story: Story) -> list[StoryDiff]:
    """Each member against its parent in the derivation graph (`parent_edges`)."""
    return [
        StoryDiff(parent, child, edge, corpus.compare_ids(parent, child))
        for parent, child, edge in parent_edges(story)
    ]
