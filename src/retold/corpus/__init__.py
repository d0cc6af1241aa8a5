"""The persistent corpus: the store (SQLite by default), its indexes, ingest, search."""
