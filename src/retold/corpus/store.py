"""The store: one SQLite file in WAL mode. Everything an article needs to be matched again is
kept here (cleaned text, signature, band keys, sentence hashes, vector), so the vector index file
beside it can always be rebuilt from it."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retold.article import Article, Sentence
from retold.prepare import PreparationRecord
from retold.versions import StoredVersion

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    record_key TEXT NOT NULL UNIQUE,
    external_id TEXT,
    source TEXT NOT NULL,
    url TEXT, title TEXT, published TEXT, site TEXT, author TEXT, language TEXT,
    attribution TEXT NOT NULL, chrome TEXT NOT NULL, paragraphs TEXT NOT NULL,
    sentences TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    signature BLOB NOT NULL,
    vector BLOB
);
CREATE INDEX IF NOT EXISTS articles_text_hash ON articles(text_hash);
CREATE TABLE IF NOT EXISTS duplicates (
    record_key TEXT PRIMARY KEY,
    source TEXT NOT NULL, url TEXT, published TEXT, site TEXT,
    duplicate_of INTEGER NOT NULL REFERENCES articles(id)
);
CREATE TABLE IF NOT EXISTS rejects (
    record_key TEXT PRIMARY KEY, source TEXT NOT NULL, location TEXT NOT NULL, reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lsh (key INTEGER NOT NULL, article_id INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS lsh_key ON lsh(key);
CREATE TABLE IF NOT EXISTS sentence_hashes (hash INTEGER NOT NULL, article_id INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sentence_hashes_hash ON sentence_hashes(hash);
CREATE TABLE IF NOT EXISTS linked (article_id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS site_lines (
    site TEXT NOT NULL, line_hash INTEGER NOT NULL, pages INTEGER NOT NULL,
    PRIMARY KEY (site, line_hash)
);
CREATE TABLE IF NOT EXISTS pairs (
    a INTEGER NOT NULL, b INTEGER NOT NULL,
    relation TEXT NOT NULL, similarity REAL NOT NULL, direction TEXT NOT NULL,
    evidence TEXT NOT NULL,
    probability REAL NOT NULL DEFAULT 0.5,
    stage TEXT NOT NULL DEFAULT 'judge',
    PRIMARY KEY (a, b)
);
-- What judging needs of an article beyond its text, made once by `recipe` (the fact extractor
-- and the lede's model): facts, specifics and the lede's vector.
CREATE TABLE IF NOT EXISTS preparations (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id),
    recipe TEXT NOT NULL,
    facts TEXT NOT NULL, specifics TEXT NOT NULL, lede BLOB NOT NULL
);
-- Sentence vectors (float16, one row per sentence) by the model that made them.
CREATE TABLE IF NOT EXISTS sentence_vectors (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    model TEXT NOT NULL,
    vectors BLOB NOT NULL,
    PRIMARY KEY (article_id, model)
);
CREATE TABLE IF NOT EXISTS web_pages (
    url TEXT PRIMARY KEY,
    article_id INTEGER REFERENCES articles(id),
    text_hash TEXT,
    etag TEXT, last_modified TEXT,
    checked_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    number INTEGER NOT NULL,
    url TEXT,
    fetched_at TEXT NOT NULL,
    title TEXT,
    paragraphs TEXT NOT NULL,
    changes TEXT NOT NULL,
    silent_edit INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, number)
);
"""


@dataclass
class WebPage:
    """What the store knows of a URL it has fetched: the article it became and the validators
    that let the next fetch cost a 304 when nothing changed."""

    url: str
    article_id: int | None
    text_hash: str | None
    etag: str | None
    last_modified: str | None
    checked_at: str


@dataclass
class StoredArticle:
    id: int
    article: Article
    text_hash: str
    signature: np.ndarray
    vector: np.ndarray | None
    record_key: str


class Store:
    """The SQLite store. Writes happen inside `transaction()`: all of a batch or none of it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # The web server uses one Corpus from its worker threads, serialised by its own lock.
        self.connection = sqlite3.connect(
            self.path, isolation_level=None, timeout=30, check_same_thread=False
        )
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute("PRAGMA foreign_keys=ON")
        self.connection.executescript(SCHEMA)
        pair_columns = {row[1] for row in self.connection.execute("PRAGMA table_info(pairs)")}
        if "probability" not in pair_columns:  # a store written before relations had one
            self.connection.execute(
                "ALTER TABLE pairs ADD COLUMN probability REAL NOT NULL DEFAULT 0.5"
            )
        if "stage" not in pair_columns:  # a store written before the cascade named its stages
            self.connection.execute("ALTER TABLE pairs ADD COLUMN stage TEXT NOT NULL DEFAULT ''")
        # Files kept beside the store (the vector index) name the store they were made from.
        self.connection.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('store_id', ?)", (uuid.uuid4().hex,)
        )

    @property
    def identity(self) -> str:
        return self.meta("store_id") or ""

    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    # -- meta -------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.connection.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = ?",
            (key, value, value),
        )

    # -- what is already there ----------------------------------------------------------------
    def known_record_keys(self) -> set[str]:
        keys: set[str] = set()
        for table in ("articles", "duplicates", "rejects"):
            keys.update(k for (k,) in self.connection.execute(f"SELECT record_key FROM {table}"))
        return keys

    def article_id_by_text_hash(self, text_hash: str) -> int | None:
        row = self.connection.execute(
            "SELECT id FROM articles WHERE text_hash = ? LIMIT 1", (text_hash,)
        ).fetchone()
        return None if row is None else int(row[0])

    def counts(self) -> dict[str, int]:
        return {
            table: int(self.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("articles", "duplicates", "rejects", "pairs")
        }

    # -- writes (call inside a transaction) ------------------------------------------------
    def insert_article(
        self,
        connection: sqlite3.Connection,
        record_key: str,
        external_id: str | None,
        article: Article,
        text_hash: str,
        signature: np.ndarray,
        band_keys: list[int],
        sentence_hashes: list[int],
        vector: np.ndarray | None,
    ) -> int:
        cursor = connection.execute(
            "INSERT INTO articles (record_key, external_id, source, url, title, published, site,"
            " author, language, attribution, chrome, paragraphs, sentences, text_hash, signature,"
            " vector) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                record_key,
                external_id,
                article.source,
                article.url,
                article.title,
                article.published,
                article.site,
                article.author,
                article.language,
                json.dumps(article.attribution, ensure_ascii=False),
                json.dumps(article.chrome, ensure_ascii=False),
                json.dumps(article.paragraphs, ensure_ascii=False),
                json.dumps([[s.text, s.paragraph] for s in article.sentences], ensure_ascii=False),
                text_hash,
                signature.astype(np.uint32).tobytes(),
                None if vector is None else vector.astype(np.float32).tobytes(),
            ),
        )
        article_id = int(cursor.lastrowid or 0)
        connection.executemany(
            "INSERT INTO lsh(key, article_id) VALUES (?, ?)", [(k, article_id) for k in band_keys]
        )
        connection.executemany(
            "INSERT INTO sentence_hashes(hash, article_id) VALUES (?, ?)",
            [(h, article_id) for h in set(sentence_hashes)],
        )
        return article_id

    def insert_duplicate(
        self, connection: sqlite3.Connection, record_key: str, article: Article, duplicate_of: int
    ) -> None:
        connection.execute(
            "INSERT INTO duplicates(record_key, source, url, published, site, duplicate_of)"
            " VALUES (?,?,?,?,?,?)",
            (
                record_key,
                article.source,
                article.url,
                article.published,
                article.site,
                duplicate_of,
            ),
        )

    def insert_reject(
        self,
        connection: sqlite3.Connection,
        record_key: str,
        source: str,
        location: str,
        reason: str,
    ) -> None:
        connection.execute(
            "INSERT OR IGNORE INTO rejects(record_key, source, location, reason) VALUES (?,?,?,?)",
            (record_key, source, location, reason),
        )

    def upsert_pair(
        self,
        connection: sqlite3.Connection,
        a: int,
        b: int,
        relation: str,
        similarity: float,
        direction: str,
        evidence: list[str],
        probability: float = 0.5,
        stage: str = "judge",
    ) -> None:
        connection.execute(
            "INSERT INTO pairs(a, b, relation, similarity, direction, evidence, probability, stage)"
            " VALUES (?,?,?,?,?,?,?,?)"
            " ON CONFLICT(a, b) DO UPDATE SET relation=excluded.relation,"
            " similarity=excluded.similarity, direction=excluded.direction,"
            " evidence=excluded.evidence, probability=excluded.probability, stage=excluded.stage",
            (
                a, b, relation, similarity, direction,
                json.dumps(evidence, ensure_ascii=False), probability, stage,
            ),
        )  # fmt: skip

    def save_preparation(
        self,
        connection: sqlite3.Connection,
        article_id: int,
        recipe: str,
        record: PreparationRecord,
    ) -> None:
        connection.execute(
            "INSERT OR REPLACE INTO preparations(article_id, recipe, facts, specifics, lede)"
            " VALUES (?,?,?,?,?)",
            (article_id, recipe, record.facts, record.specifics, record.lede),
        )

    def preparations(self, article_ids: Iterable[int], recipe: str) -> dict[int, PreparationRecord]:
        """The preparations of these articles made by `recipe`; one made otherwise is absent."""
        found: dict[int, PreparationRecord] = {}
        for chunk in _chunks(list(article_ids)):
            rows = self.connection.execute(
                "SELECT article_id, facts, specifics, lede FROM preparations"
                f" WHERE recipe = ? AND article_id IN ({','.join('?' * len(chunk))})",
                [recipe, *chunk],
            )
            for article_id, facts, specifics, lede in rows:
                found[int(article_id)] = PreparationRecord(facts, specifics, lede)
        return found

    def save_sentence_vectors(
        self, connection: sqlite3.Connection, article_id: int, model: str, vectors: np.ndarray
    ) -> None:
        connection.execute(
            "INSERT OR REPLACE INTO sentence_vectors(article_id, model, vectors) VALUES (?,?,?)",
            (article_id, model, vectors.astype(np.float16).tobytes()),
        )

    def sentence_vectors(
        self, article_ids: Iterable[int], model: str, dimension: int
    ) -> dict[int, np.ndarray]:
        found: dict[int, np.ndarray] = {}
        for chunk in _chunks(list(article_ids)):
            rows = self.connection.execute(
                "SELECT article_id, vectors FROM sentence_vectors"
                f" WHERE model = ? AND article_id IN ({','.join('?' * len(chunk))})",
                [model, *chunk],
            )
            for article_id, blob in rows:
                vectors = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
                found[int(article_id)] = vectors.reshape(-1, dimension)
        return found

    def replace_article_text(
        self,
        connection: sqlite3.Connection,
        article_id: int,
        article: Article,
        text_hash: str,
        signature: np.ndarray,
        band_keys: list[int],
        sentence_hashes: list[int],
        vector: np.ndarray | None,
    ) -> None:
        """A new version of a page: the article keeps its id and takes the new text; its pairs
        are forgotten so that linking judges it again."""
        connection.execute(
            "UPDATE articles SET title = ?, published = ?, author = ?, language = ?,"
            " attribution = ?, chrome = ?, paragraphs = ?, sentences = ?, text_hash = ?,"
            " signature = ?, vector = ? WHERE id = ?",
            (
                article.title,
                article.published,
                article.author,
                article.language,
                json.dumps(article.attribution, ensure_ascii=False),
                json.dumps(article.chrome, ensure_ascii=False),
                json.dumps(article.paragraphs, ensure_ascii=False),
                json.dumps([[s.text, s.paragraph] for s in article.sentences], ensure_ascii=False),
                text_hash,
                signature.astype(np.uint32).tobytes(),
                None if vector is None else vector.astype(np.float32).tobytes(),
                article_id,
            ),
        )
        for table in ("lsh", "sentence_hashes", "linked", "preparations", "sentence_vectors"):
            connection.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
        connection.execute("DELETE FROM pairs WHERE a = ? OR b = ?", (article_id, article_id))
        connection.executemany(
            "INSERT INTO lsh(key, article_id) VALUES (?, ?)", [(k, article_id) for k in band_keys]
        )
        connection.executemany(
            "INSERT INTO sentence_hashes(hash, article_id) VALUES (?, ?)",
            [(h, article_id) for h in set(sentence_hashes)],
        )

    def insert_version(self, connection: sqlite3.Connection, version: StoredVersion) -> None:
        connection.execute(
            "INSERT INTO versions(article_id, number, url, fetched_at, title, paragraphs, changes,"
            " silent_edit) VALUES (?,?,?,?,?,?,?,?)",
            (
                version.article_id,
                version.number,
                version.url,
                version.fetched_at,
                version.title,
                json.dumps(version.paragraphs, ensure_ascii=False),
                json.dumps(version.changes, ensure_ascii=False),
                int(version.silent_edit),
            ),
        )

    def save_web_page(self, connection: sqlite3.Connection, page: WebPage) -> None:
        connection.execute(
            "INSERT INTO web_pages(url, article_id, text_hash, etag, last_modified, checked_at)"
            " VALUES (?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET article_id=excluded.article_id,"
            " text_hash=excluded.text_hash, etag=excluded.etag,"
            " last_modified=excluded.last_modified, checked_at=excluded.checked_at",
            (
                page.url, page.article_id, page.text_hash, page.etag, page.last_modified,
                page.checked_at,
            ),
        )  # fmt: skip

    # -- reads ------------------------------------------------------------------------------
    def web_page(self, url: str) -> WebPage | None:
        row = self.connection.execute(
            "SELECT url, article_id, text_hash, etag, last_modified, checked_at FROM web_pages"
            " WHERE url = ?",
            (url,),
        ).fetchone()
        return None if row is None else WebPage(*row)

    def versions(self, article_id: int) -> list[StoredVersion]:
        rows = self.connection.execute(
            "SELECT article_id, number, url, fetched_at, title, paragraphs, changes, silent_edit"
            " FROM versions WHERE article_id = ? ORDER BY number",
            (article_id,),
        )
        return [
            StoredVersion(
                article_id=int(a), number=int(n), url=url, fetched_at=fetched, title=title,
                paragraphs=json.loads(paragraphs), changes=json.loads(changes),
                silent_edit=bool(silent),
            )
            for a, n, url, fetched, title, paragraphs, changes, silent in rows
        ]  # fmt: skip

    def linked_ids(self) -> set[int]:
        return {int(i) for (i,) in self.connection.execute("SELECT article_id FROM linked")}

    def candidates_by_band_keys(self, keys: Iterable[int]) -> dict[int, int]:
        """Article ids sharing at least one LSH bucket with the keys, with how many they share."""
        keys = list(keys)
        if not keys:
            return {}
        placeholders = ",".join("?" * len(keys))
        rows = self.connection.execute(
            f"SELECT article_id, count(*) FROM lsh WHERE key IN ({placeholders})"
            " GROUP BY article_id",
            keys,
        )
        return {int(a): int(n) for a, n in rows}

    def get(self, article_id: int) -> StoredArticle | None:
        row = self.connection.execute(
            "SELECT id, record_key, source, url, title, published, site, author, language,"
            " attribution, chrome, paragraphs, sentences, text_hash, signature, vector"
            " FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        return None if row is None else _stored(row)

    def all_vectors(self, after_id: int = 0) -> Iterator[tuple[int, np.ndarray]]:
        rows = self.connection.execute(
            "SELECT id, vector FROM articles WHERE vector IS NOT NULL AND id > ? ORDER BY id",
            (after_id,),
        )
        for article_id, blob in rows:
            yield int(article_id), np.frombuffer(blob, dtype=np.float32)

    def pairs(self) -> list[dict[str, Any]]:
        rows = self.connection.execute(
            "SELECT a, b, relation, similarity, direction, evidence, probability, stage FROM pairs"
            " ORDER BY a, b"
        )
        return [
            {
                "a": a,
                "b": b,
                "relation": relation,
                "similarity": similarity,
                "direction": direction,
                "evidence": json.loads(evidence),
                "probability": probability,
                "stage": stage,
            }
            for a, b, relation, similarity, direction, evidence, probability, stage in rows
        ]

    def rejects(self) -> list[dict[str, str]]:
        rows = self.connection.execute(
            "SELECT record_key, source, location, reason FROM rejects ORDER BY rowid"
        )
        return [{"record": k, "source": s, "location": loc, "reason": r} for k, s, loc, r in rows]

    def vector_count(self) -> int:
        row = self.connection.execute("SELECT count(*) FROM articles WHERE vector IS NOT NULL")
        return int(row.fetchone()[0])

    def unlinked_ids(self) -> list[int]:
        rows = self.connection.execute(
            "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM linked) ORDER BY id"
        )
        return [int(i) for (i,) in rows]

    def mark_linked(self, connection: sqlite3.Connection, article_id: int) -> None:
        connection.execute("INSERT OR IGNORE INTO linked(article_id) VALUES (?)", (article_id,))

    def band_keys_of(self, article_id: int) -> list[int]:
        rows = self.connection.execute("SELECT key FROM lsh WHERE article_id = ?", (article_id,))
        return [int(k) for (k,) in rows]

    def duplicates(self) -> list[dict[str, Any]]:
        rows = self.connection.execute(
            "SELECT record_key, source, url, published, site, duplicate_of FROM duplicates"
            " ORDER BY rowid"
        )
        return [
            {"record": k, "source": s, "url": u, "published": p, "site": site, "duplicate_of": d}
            for k, s, u, p, site, d in rows
        ]

    def record_status(self, record_key: str) -> tuple[str, int | None, str | None] | None:
        """What became of a record: ("stored", id, None), ("duplicate", id of the stored copy,
        None) or ("rejected", None, reason); None if the store has never seen it."""
        row = self.connection.execute(
            "SELECT id FROM articles WHERE record_key = ?", (record_key,)
        ).fetchone()
        if row is not None:
            return "stored", int(row[0]), None
        row = self.connection.execute(
            "SELECT duplicate_of FROM duplicates WHERE record_key = ?", (record_key,)
        ).fetchone()
        if row is not None:
            return "duplicate", int(row[0]), None
        row = self.connection.execute(
            "SELECT reason FROM rejects WHERE record_key = ?", (record_key,)
        ).fetchone()
        if row is not None:
            return "rejected", None, str(row[0])
        return None

    def duplicates_of(self, article_id: int) -> list[dict[str, Any]]:
        return [d for d in self.duplicates() if d["duplicate_of"] == article_id]

    def article_ids(self) -> list[int]:
        return [int(i) for (i,) in self.connection.execute("SELECT id FROM articles ORDER BY id")]


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    # SQLite caps the parameters of one statement.
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _stored(row: tuple[Any, ...]) -> StoredArticle:
    (id_, record_key, source, url, title, published, site, author, language, attribution, chrome,
     paragraphs, sentences, text_hash, signature, vector) = row  # fmt: skip
    article = Article(
        source=source,
        paragraphs=json.loads(paragraphs),
        title=title,
        chrome=json.loads(chrome),
        attribution=json.loads(attribution),
        url=url,
        published=published,
        site=site,
        author=author,
        language=language,
        sentences=[
            Sentence(index=i, text=text, paragraph=paragraph)
            for i, (text, paragraph) in enumerate(json.loads(sentences))
        ],
    )
    return StoredArticle(
        id=int(id_),
        article=article,
        text_hash=text_hash,
        signature=np.frombuffer(signature, dtype=np.uint32),
        vector=None if vector is None else np.frombuffer(vector, dtype=np.float32),
        record_key=record_key,
    )
