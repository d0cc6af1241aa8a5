"""HTML pages: main text and metadata through trafilatura (dates through htmldate)."""

from __future__ import annotations

import re

from retold.article import RawDocument
from retold.errors import InputError

HTML_START = re.compile(r"^\s*(<!doctype html|<html\b|<head\b|<body\b|<article\b)", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    return bool(HTML_START.match(text[:2048]))


def read_html(html: str, source: str) -> RawDocument:
    import trafilatura  # heavy import, only when HTML is actually read

    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    text = getattr(document, "text", None)
    if document is None or isinstance(document, dict) or not text or not text.strip():
        raise InputError(source, "HTML page has no article text")
    return RawDocument(
        source=source,
        text=text,
        title=document.title or None,
        url=document.url or None,
        published=document.date or None,
        site=document.sitename or document.hostname or None,
        author=document.author or None,
        language=document.language or None,
        extracted_from_html=True,
    )
