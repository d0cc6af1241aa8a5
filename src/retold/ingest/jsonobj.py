"""A JSON object with `text` and optional `title`, `url`, `published`, `language`, `site`."""

from __future__ import annotations

import json
from typing import Any

from retold.article import RawDocument
from retold.errors import InputError
from retold.ingest.html import looks_like_html, read_html

OPTIONAL_FIELDS = ("title", "url", "published", "language", "site", "author")


def read_json_object(text: str, source: str) -> RawDocument:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            source, f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    return document_from_record(obj, source)


def document_from_record(obj: Any, source: str) -> RawDocument:
    """Build a RawDocument from one parsed record (also used by the JSONL and CSV readers)."""
    if not isinstance(obj, dict):
        raise InputError(source, "JSON input must be an object with a 'text' field")
    body = obj.get("text")
    if not isinstance(body, str) or not body.strip():
        raise InputError(source, "JSON object has no non-empty 'text' field")
    metadata = {key: _as_text(obj.get(key)) for key in OPTIONAL_FIELDS}
    if looks_like_html(body):
        document = read_html(body, source)
        for key, value in metadata.items():
            if value:
                setattr(document, key, value)
        return document
    return RawDocument(
        source=source,
        text=body,
        title=metadata["title"],
        url=metadata["url"],
        published=metadata["published"],
        language=metadata["language"],
        site=metadata["site"],
        author=metadata["author"],
    )


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
