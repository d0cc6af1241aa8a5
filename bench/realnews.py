"""The real-news labelled set (bench/data/realnews/) and the synthetic set as labelled pairs.

Shared by bench/train_relations.py (fits the relation model on the dev split) and
bench/eval_realnews.py (reports on the test split, or on the validation split when deciding
between variants). Pairs are judged by the compare engine
(`Pipeline.judge`); each pair's measures and its true class are kept.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING

from retold.article import RawDocument

if TYPE_CHECKING:  # kept out of the import so that an earlier retold can be evaluated too
    from retold.pipeline import Judgement, Pipeline, PreparedArticle

# The classes of relate.py's model, spelt out for the same reason.
COPY_CLASS, STORY_CLASS, OTHER_CLASS = "copy", "same-story", "different"

ROOT = Path(__file__).resolve().parent
REALNEWS = ROOT / "data" / "realnews"
SYNTHETIC = ROOT / "data" / "labelled.jsonl"
# Pages of two events that share this much of their word 5-shingles were written to one template.
HARD_CONTAINMENT = 0.1
# The stored pages begin with the crawl's date note (" date 2021-05-23 ..."): page metadata,
# not article text.
DATE_NOTE = re.compile(r"^\s*date (\d{4}-\d{2}(?:-\d{2})?)\s+")


@dataclass(frozen=True)
class Page:
    id: str
    story: str
    copy_group: str
    language: str | None
    text: str
    url: str | None = None
    title: str | None = None
    published: str | None = None
    split: str = "synthetic"
    base_story: str = ""  # the story a hard negative was chosen against (or its own story)

    def document(self) -> RawDocument:
        return RawDocument(
            source=self.id,
            text=self.text,
            title=self.title,
            url=self.url,
            published=self.published,
        )


def load_realnews(split: str | None = None) -> list[Page]:
    splits = json.loads((REALNEWS / "split.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((REALNEWS / "stories").glob("*.jsonl")):
        story_file = path.stem
        story_split = splits[story_file]
        if split is not None and story_split != split:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            text, published = row["text"], row.get("published")
            note = DATE_NOTE.match(text)
            if note:
                text = text[note.end() :]
                if published is None and len(note.group(1)) == 10:
                    published = note.group(1)
            pages.append(
                Page(
                    id=row["id"],
                    story=row["story"],
                    copy_group=row["copy_group"],
                    language=row.get("lang"),
                    text=text,
                    url=row.get("url"),
                    title=row.get("title"),
                    published=published,
                    split=story_split,
                    base_story=story_file,
                )
            )
    return pages


def load_synthetic() -> list[Page]:
    pages = []
    for number, line in enumerate(SYNTHETIC.read_text(encoding="utf-8").splitlines()):
        row = json.loads(line)
        pages.append(
            Page(
                id=f"synthetic-{number}",
                story=f"synthetic-{row['story']}",
                copy_group=f"synthetic-{row['copy_group']}",
                language=None,
                text=row["text"],
                base_story=f"synthetic-{row['story']}",
            )
        )
    return pages


def true_class(x: Page, y: Page) -> str:
    if x.copy_group == y.copy_group:
        return COPY_CLASS
    if x.story == y.story:
        return STORY_CLASS
    return OTHER_CLASS


@dataclass
class JudgedPair:
    x: Page
    y: Page
    truth: str
    judgement: Judgement

    @property
    def relation(self) -> str:
        return self.judgement.result.relation


def labelled_pairs(
    pages: list[Page], cross_sample: int | None, seed: int = 7, hard_across: bool = False
) -> list[tuple[Page, Page]]:
    """Every pair within a story file (a story with its hard negatives), and pairs across story
    files: all of them, or a random sample of `cross_sample`. With `hard_across`, every pair
    across files that shares word sequences (template-written events: one wording, other names
    and figures) is kept besides the sample: those are the pairs a corpus's candidate search
    puts before the judge, and a random sample holds few of them."""
    within = [(x, y) for x, y in combinations(pages, 2) if x.base_story == y.base_story]
    across = [(x, y) for x, y in combinations(pages, 2) if x.base_story != y.base_story]
    hard: list[tuple[Page, Page]] = []
    if hard_across:
        from retold.fingerprint import containment, shingles

        grams = {page.id: shingles(page.text) for page in pages}

        def shared(x: Page, y: Page) -> float:
            a, b = grams[x.id], grams[y.id]
            return max(containment(a, b), containment(b, a))

        hard = [(x, y) for x, y in across if shared(x, y) >= HARD_CONTAINMENT]
        across = [(x, y) for x, y in across if shared(x, y) < HARD_CONTAINMENT]
    if cross_sample is not None and len(across) > cross_sample:
        across = random.Random(seed).sample(across, cross_sample)
    return within + hard + across


def prepare_all(pipeline: Pipeline, pages: list[Page]) -> dict[str, PreparedArticle]:
    prepared = {}
    for page in pages:
        try:
            prepared[page.id] = pipeline.prepare(page.document())
        except Exception as exc:  # a page the engine refuses is reported, not fatal
            print(f"{page.id}: {exc}", file=sys.stderr)
    return prepared


def judge_pairs(
    pipeline: Pipeline, pairs: list[tuple[Page, Page]], prepared: dict[str, PreparedArticle]
) -> Iterator[JudgedPair]:
    for x, y in pairs:
        if x.id in prepared and y.id in prepared:
            judgement = pipeline.judge(prepared[x.id], prepared[y.id])
            yield JudgedPair(x, y, true_class(x, y), judgement)
