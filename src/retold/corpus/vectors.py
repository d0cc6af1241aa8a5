"""The approximate vector index over article vectors (usearch HNSW), kept in a file beside the
database. The database is the source of truth: on open, vectors the file lacks (a run killed
before it saved) are added back from the store, and a file made from another store (the
database deleted and made again, or replaced by an older copy) is rebuilt from this one."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from retold.corpus.store import Store


class VectorIndex:
    def __init__(
        self,
        path: Path,
        ndim: int,
        memory_mapped: bool = False,
        owner: str = "",
        fresh: bool = False,  # leave the file alone: it is another store's
    ) -> None:
        from usearch.index import Index

        self.path = path
        self.ndim = ndim
        self.owner = owner  # the identity of the store the vectors come from
        self.index = Index(ndim=ndim, metric="cos", dtype="f32", connectivity=16)
        self.memory_mapped = memory_mapped and path.exists() and not fresh
        if self.memory_mapped:
            self.index.view(str(path))  # searched from the file, not read into memory
        elif path.exists() and not fresh:
            self.index.load(str(path))

    @classmethod
    def beside(cls, store: Store, ndim: int, read_only: bool = False) -> VectorIndex:
        """The index file beside the store. Read-only use maps it from disk; if the file lags the
        store (a killed run), it is loaded and caught up instead; if it was made from another
        store, or holds more vectors than this one, it is rebuilt from the store."""
        path = store.path.with_name(store.path.name + ".usearch")
        owner = store.identity
        owner_file = _owner_file(path)
        recorded = owner_file.read_text(encoding="utf-8").strip() if owner_file.is_file() else None
        foreign = path.exists() and recorded != owner
        index = cls(path, ndim, memory_mapped=read_only, owner=owner, fresh=foreign)
        stored = store.vector_count()
        if index.memory_mapped and stored == len(index):
            return index
        if len(index) > stored:  # ids the store does not have: not this store's index
            index = cls(path, ndim, owner=owner, fresh=True)
        elif index.memory_mapped:
            index = cls(path, ndim, owner=owner)
        index.sync(store)
        return index

    def __len__(self) -> int:
        return len(self.index)

    def sync(self, store: Store) -> int:
        """Add the store's vectors the index does not hold yet; return how many were added."""
        ids: list[int] = []
        vectors: list[np.ndarray] = []
        for article_id, vector in store.all_vectors():
            if not self.index.contains(article_id):
                ids.append(article_id)
                vectors.append(vector)
        if ids:
            self.add(ids, np.stack(vectors))
        return len(ids)

    def add(self, ids: list[int], vectors: np.ndarray) -> None:
        if ids:
            self.index.add(np.asarray(ids, dtype=np.uint64), vectors.astype(np.float32))

    def replace(self, article_id: int, vector: np.ndarray) -> None:
        """A new version of an article: its old vector goes, the new one takes its place."""
        if self.index.contains(article_id):
            self.index.remove(article_id)
        self.add([article_id], vector.reshape(1, -1))

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k nearest articles as (id, cosine similarity), most similar first."""
        if len(self.index) == 0:
            return []
        matches = self.index.search(vector.astype(np.float32), min(k, len(self.index)))
        return [
            (int(key), float(1.0 - distance))
            for key, distance in zip(matches.keys, matches.distances, strict=True)
        ]

    def save(self) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        self.index.save(str(temporary))
        temporary.replace(self.path)  # atomic: a crash leaves the old file or the new one
        # The owner is named second: a crash between the two leaves this store's index under
        # the old name (or none), which the next open rebuilds; never another store's index
        # under this store's name.
        owner = _owner_file(self.path)
        temporary_owner = owner.with_name(owner.name + ".tmp")
        temporary_owner.write_text(self.owner + "\n", encoding="utf-8")
        temporary_owner.replace(owner)


def _owner_file(index_path: Path) -> Path:
    """Names the store an index file was made from."""
    return index_path.with_name(index_path.name + ".owner")
