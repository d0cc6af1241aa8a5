"""A self-contained side-by-side HTML report. All article text is escaped (Jinja2 autoescape)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from retold.result import CompareResult


@dataclass
class Row:
    kind: str  # verbatim, paraphrase, translation, added, dropped
    a: list[tuple[int, Markup]] = field(default_factory=list)
    b: list[tuple[int, Markup]] = field(default_factory=list)
    score: float | None = None


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("retold.report", "templates"),
        autoescape=select_autoescape(["html"], default=True),
    )


def render_compare_html(result: CompareResult) -> str:
    return _environment().get_template("compare.html").render(**compare_context(result))


def compare_context(result: CompareResult) -> dict[str, Any]:
    return {"r": result, "rows": build_rows(result), "verdict": verdict(result)}


RELATION_SENTENCES = {
    "duplicate": "B is the same text as A once page chrome is removed.",
    "near-duplicate": "B is a copy of A with small edits.",
    "rewrite": "B rewrites A: the same sentences, reworded, reordered or merged.",
    "translation": "B is a translation of A.",
    "same-story": "B reports the same event as A, but independently: few sentences correspond.",
    "related": "B is on a related subject but does not derive from A.",
    "unrelated": "A and B are about different things.",
}
DIRECTION_SENTENCES = {
    "a->b": "A came first and B derives from it.",
    "b->a": "B came first and A derives from it.",
    "unknown": "Which came first is unknown.",
}


def verdict(result: CompareResult) -> str:
    """The finding in plain words, for a reader who has never seen the tool."""
    kept = len({i for link in result.alignment for i in link.a})
    reworded = sum(1 for link in result.alignment if link.kind != "verbatim")
    parts = [RELATION_SENTENCES[result.relation]]
    if result.relation not in ("unrelated", "related"):
        parts.append(
            f"Of A's {len(result.a.sentences)} sentences, B keeps {kept}"
            f" ({reworded} of its {len(result.alignment)} matches reworded or translated),"
            f" drops {len(result.dropped)} and adds {len(result.added)} that A does not contain."
        )
        changes = len(result.facts.removed) + len(result.facts.added) + len(result.facts.changed)
        if changes:
            parts.append(
                f"{len(result.facts.removed)} facts removed, {len(result.facts.added)} added,"
                f" {len(result.facts.changed)} changed."
            )
        parts.append(DIRECTION_SENTENCES[result.direction])
    return " ".join(parts)


def build_rows(result: CompareResult) -> list[Row]:
    """Rows in the derived article's order; each dropped sentence follows its predecessor in a."""
    marks_a = _marks(result, "a")
    marks_b = _marks(result, "b")

    def a_cell(i: int) -> tuple[int, Markup]:
        return i, highlight(result.a.sentences[i], marks_a.get(i, []))

    def b_cell(j: int) -> tuple[int, Markup]:
        return j, highlight(result.b.sentences[j], marks_b.get(j, []))

    rows = [
        Row(link.kind, [a_cell(i) for i in link.a], [b_cell(j) for j in link.b], link.score)
        for link in result.alignment
    ]
    rows += [Row("added", b=[b_cell(j)]) for j in result.added]
    rows.sort(key=lambda r: r.b[0][0])
    for i in sorted(result.dropped):
        position = 0
        for n, row in enumerate(rows):
            if any(k < i for k, _ in row.a):
                position = n + 1
        rows.insert(position, Row("dropped", a=[a_cell(i)]))
    return rows


def _marks(result: CompareResult, side: str) -> dict[int, list[tuple[str, str]]]:
    """Per sentence, the fact phrases to highlight and the class saying how they changed."""
    marks: dict[int, list[tuple[str, str]]] = {}
    groups = (
        ("removed", result.facts.removed),
        ("added", result.facts.added),
        ("changed", result.facts.changed),
    )
    for change, items in groups:
        for fact in items:
            indices = fact.a if side == "a" else fact.b
            phrase = (fact.before if side == "a" else fact.after) or fact.text
            for index in indices:
                marks.setdefault(index, []).append((phrase, f"fact-{change}"))
    return marks


def highlight(text: str, marks: list[tuple[str, str]]) -> Markup:
    """Escape `text`, wrapping each marked phrase in <mark class=...>."""
    spans: list[tuple[int, int, str]] = []
    for phrase, css in marks:
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text):
            if not any(s < match.end() and match.start() < e for s, e, _ in spans):
                spans.append((match.start(), match.end(), css))
    spans.sort()
    out = Markup("")
    position = 0
    for start, end, css in spans:
        out += escape(text[position:start])
        out += Markup('<mark class="{}">{}</mark>').format(css, text[start:end])
        position = end
    return out + escape(text[position:])
