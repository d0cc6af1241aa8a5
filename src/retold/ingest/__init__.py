"""Readers, one module per format, each turning an input into a RawDocument."""

from __future__ import annotations

from pathlib import Path

from retold.article import RawDocument
from retold.errors import InputError
from retold.ingest.decode import decode_text
from retold.ingest.html import looks_like_html, read_html
from retold.ingest.jsonobj import read_json_object
from retold.settings import DEFAULT_SETTINGS, Settings

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
JSON_SUFFIXES = {".json"}


def read_bytes(path: Path, settings: Settings = DEFAULT_SETTINGS) -> bytes:
    """Read a file's bytes, refusing what cannot be an article before reading it whole."""
    name = str(path)
    if not path.exists():
        raise InputError(name, "no such file")
    if path.is_dir():
        raise InputError(name, "is a directory, not a file")
    try:
        size = path.stat().st_size
        if size > settings.max_input_bytes:
            raise InputError(
                name,
                f"file is {size / 1e6:.1f} MB, over the {settings.max_input_bytes / 1e6:.0f} MB "
                "limit for one article",
            )
        return path.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror or exc})") from exc


def parse_document(data: bytes, source: str, suffix: str = "") -> RawDocument:
    """Turn an input's bytes into a RawDocument, choosing the reader by suffix, then by content."""
    text = decode_text(data, source)
    suffix = suffix.lower()
    if suffix in JSON_SUFFIXES or (not suffix and text.lstrip().startswith("{")):
        return read_json_object(text, source)
    if suffix in HTML_SUFFIXES or looks_like_html(text):
        return read_html(text, source)
    return RawDocument(source=source, text=text)


def read_document(path: str | Path, settings: Settings = DEFAULT_SETTINGS) -> RawDocument:
    """Read one article file: plain text, HTML or a JSON object."""
    path = Path(path)
    return parse_document(read_bytes(path, settings), str(path), path.suffix)


__all__ = ["parse_document", "read_document", "read_bytes"]
