"""HTML pages: main text and metadata through trafilatura (dates through htmldate)."""

from __future__ import annotations

import re

from retold.article import RawDocument
from retold.errors import InputError

BLOCK_TAGS = {
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "blockquote",
    "figcaption", "caption", "section", "article", "aside", "header", "footer", "nav", "main",
    "ul", "ol", "table", "tr", "form", "button", "label", "pre", "address",
}  # fmt: skip
INVISIBLE_TAGS = ["script", "style", "noscript", "template", "head", "svg", "iframe"]
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
        removed_lines=_removed_blocks(html, text),
    )


def _removed_blocks(html: str, extracted: str) -> list[str]:
    """The page's visible text blocks that the extractor left out: menus, ads, footers."""
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    lxml.etree.strip_elements(tree, *INVISIBLE_TAGS, with_tail=False)
    kept = _squash(extracted)
    removed: list[str] = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag not in BLOCK_TAGS:
            continue
        if any(isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in element.iterdescendants()):
            continue
        text = " ".join(element.text_content().split())
        if text and _squash(text) not in kept and text not in removed:
            removed.append(text)
    return removed


def _squash(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()
